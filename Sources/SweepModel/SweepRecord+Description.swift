extension SweepRecord {
    /// The sweep file's optional `description:` (empty when there is none, or when the stored text
    /// no longer parses), read from the text as submitted so the store needs no column for it.
    public var descriptionText: String {
        (try? SweepFile.parse(text: sourceText, sourceName: sourceName).description) ?? ""
    }
}
