/// A file split into its YAML front matter and its body.
struct FrontMatter: Sendable {
    /// The YAML between the `---` lines.
    var yaml: String
    /// File line of the YAML's first line (the line after the opening `---`).
    var yamlFirstLine: Int
    var body: String
    /// File line of the body's first line.
    var bodyFirstLine: Int

    /// Splits `text` if it opens with a `---` line; returns nil if it does not.
    /// The front matter ends at the next `---` (or `...`) line.
    static func split(_ text: String, file: String) throws(Diagnostic) -> FrontMatter? {
        guard text.hasPrefix("---") else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard isFence(lines[0]) else { return nil }
        if lines.last == "" { lines.removeLast() }
        var closing: Int?
        for i in 1..<max(lines.count, 1) where isFence(lines[i]) || lines[i].trimmingTrailingSpaces == "..." {
            closing = i
            break
        }
        guard let end = closing else {
            throw Diagnostic.error("the front matter opened here is never closed (add a line '---' after it)", at: SourceLocation(file: file, line: 1, column: 1))
        }
        let yaml = lines[1..<end].joined(separator: "\n")
        let bodyLines = lines[(end + 1)...]
        var body = bodyLines.joined(separator: "\n")
        if text.hasSuffix("\n") && !bodyLines.isEmpty { body += "\n" }
        return FrontMatter(yaml: yaml, yamlFirstLine: 2, body: body, bodyFirstLine: end + 2)
    }

    private static func isFence(_ line: Substring) -> Bool {
        line.trimmingTrailingSpaces == "---"
    }
}

extension Substring {
    var trimmingTrailingSpaces: Substring {
        var s = self
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return s
    }
}
