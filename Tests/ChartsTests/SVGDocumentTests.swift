import Testing
@testable import Charts

@Test func escape_replacesMarkupCharacters() {
    #expect(SVGDocument.escape(#"a<b & "c">"#) == "a&lt;b &amp; &quot;c&quot;&gt;")
}

@Test func log2Scale_placesPowersOfTwoEvenly() {
    let scale = Scale(kind: .log2, domain: 2...32, range: 0...400)
    #expect(abs(scale(2) - 0) < 1e-9)
    #expect(abs(scale(8) - 200) < 1e-9)
    #expect(scale.ticks() == [2, 4, 8, 16, 32])
}

@Test func fmt_isStableAndShort() {
    #expect(fmt(3.0) == "3")
    #expect(fmt(3.14159) == "3.14")
    #expect(fmt(-0.5) == "-0.5")
}
