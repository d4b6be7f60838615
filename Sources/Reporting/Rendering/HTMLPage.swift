import Charts
import Foundation

/// Accumulates the markup of a self-contained XHTML page: the head with its inline stylesheet,
/// sections, tables and figures, escaping every text it is given.
struct HTMLPage {
    private(set) var text = ""

    mutating func raw(_ markup: String) {
        text += markup
        text += "\n"
    }

    mutating func open(title: String) {
        raw("<!DOCTYPE html>")
        raw("<html lang=\"en\">")
        raw("<head><meta charset=\"utf-8\"/><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
        raw("<title>\(SVGDocument.escape(title))</title>")
        raw("<style>\n\(Self.stylesheet)</style></head>")
        raw("<body>")
    }

    mutating func close() {
        raw("</body>")
        raw("</html>")
    }

    mutating func section(id: String, title: String, _ body: (inout HTMLPage) -> Void) {
        raw("<section id=\"\(id)\"><h2>\(SVGDocument.escape(title))</h2>")
        body(&self)
        raw("</section>")
    }

    mutating func paragraph(_ string: String) {
        raw("<p>\(SVGDocument.escape(string))</p>")
    }

    /// An inline SVG figure (the SVG's own XML declaration-free markup).
    mutating func figure(_ svg: String) {
        raw("<figure>\(svg)</figure>")
    }

    /// A table; cells from column `numericFrom` on are right-aligned.
    mutating func table(header: [String], rows: [[String]], className: String, numericFrom: Int = .max, headerless: Bool = false) {
        var out = "<div class=\"scroll\"><table class=\"\(className)\">"
        if !headerless {
            out += "<thead><tr>" + header.map { "<th>\(SVGDocument.escape($0))</th>" }.joined() + "</tr></thead>"
        }
        out += "<tbody>\n"
        for row in rows {
            out += "<tr>"
            for (i, cell) in row.enumerated() {
                let cls = i >= numericFrom ? " class=\"num\"" : (headerless && i == 0 ? " class=\"key\"" : "")
                out += "<td\(cls)>\(SVGDocument.escape(cell))</td>"
            }
            out += "</tr>\n"
        }
        raw(out + "</tbody></table></div>")
    }

    static let stylesheet = """
        body { font-family: Helvetica, Arial, sans-serif; color: #222; max-width: 1120px; margin: 24px auto; padding: 0 16px; line-height: 1.4; }
        h1 { font-size: 26px; margin: 0 0 4px 0; }
        h2 { font-size: 18px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 32px; }
        p.sub { color: #666; margin-top: 0; }
        figure { margin: 12px 0; }
        svg { max-width: 100%; height: auto; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 8px; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; font-size: 12px; margin: 8px 0; }
        th, td { border-bottom: 1px solid #e4e4e4; padding: 3px 6px; text-align: left; vertical-align: top; }
        th { background: #f5f5f5; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.key { color: #666; }
        pre { background: #f7f7f7; padding: 8px; overflow-x: auto; font-size: 12px; white-space: pre-wrap; word-break: break-word; margin: 0; }
        p.verdict { font-size: 17px; padding: 10px 14px; border-left: 5px solid #999; background: #f7f7f7; margin: 8px 0; }
        p.verdict.significant { border-left-color: #009E73; }
        p.verdict.open { border-left-color: #E69F00; }
        p.note { color: #555; font-size: 12px; margin: 4px 0; }
        p.next { background: #fff8e6; padding: 8px 12px; }
        code { font-family: Menlo, Consolas, monospace; font-size: 90%; background: #f0f0f0; padding: 0 3px; }
        p.picture-title { font-weight: bold; margin: 12px 0 0 0; }
        .pictures { display: flex; flex-wrap: wrap; gap: 4px; }
        .pictures figure { margin: 0; }
        .pills { display: flex; flex-wrap: wrap; gap: 6px; }
        .pill { border: 1px solid #ccc; border-radius: 10px; padding: 1px 9px; font-size: 13px; }
        .pill.clustered, .pill.completed { border-color: #009E73; } .pill.failed { border-color: #D55E00; } .pill.censored { border-color: #E69F00; }
        @media print {
          body { margin: 0; max-width: none; font-size: 11px; }
          section, figure, tr { break-inside: avoid; page-break-inside: avoid; }
          .grid { display: block; }
          .scroll { overflow: visible; }
          table { font-size: 9px; }
          th, td { padding: 2px 4px; }
          pre { white-space: pre-wrap; }
        }

        """
}
