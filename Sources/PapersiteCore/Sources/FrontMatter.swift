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
    /// The front matter ends at the next `---` (or `...`) line. Works on
    /// UTF-8 offsets, without splitting the body into lines, so that a
    /// megabyte-long body costs no more than reading it.
    static func split(_ text: String, file: String) throws(Diagnostic) -> FrontMatter? {
        let utf8 = text.utf8
        guard let firstEnd = lineEnd(utf8, from: utf8.startIndex),
              isFence(utf8[utf8.startIndex..<firstEnd]) else { return nil }
        var lineStart = firstEnd == utf8.endIndex ? firstEnd : utf8.index(after: firstEnd)
        var line = 2
        while lineStart < utf8.endIndex {
            let end = lineEnd(utf8, from: lineStart) ?? utf8.endIndex
            let content = utf8[lineStart..<end]
            if isFence(content) || isDots(content) {
                let yaml = String(text[text.utf8.index(after: firstEnd)..<lineStart])
                let bodyStart = end == utf8.endIndex ? end : utf8.index(after: end)
                return FrontMatter(yaml: yaml.hasSuffix("\n") ? String(yaml.dropLast()) : yaml, yamlFirstLine: 2,
                                   body: String(text[bodyStart...]), bodyFirstLine: line + 1)
            }
            lineStart = end == utf8.endIndex ? end : utf8.index(after: end)
            line += 1
        }
        throw Diagnostic.error("the front matter opened here is never closed (add a line '---' after it)", at: SourceLocation(file: file, line: 1, column: 1))
    }

    /// Index of the newline ending the line that starts at `start` (or the end).
    private static func lineEnd(_ utf8: String.UTF8View, from start: String.Index) -> String.Index? {
        utf8[start...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
    }

    private static func trimmed(_ line: Substring.UTF8View) -> Substring.UTF8View {
        var l = line
        while let last = l.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { l = l.dropLast() }
        return l
    }

    private static func isFence(_ line: Substring.UTF8View) -> Bool {
        trimmed(line).elementsEqual("---".utf8)
    }

    private static func isDots(_ line: Substring.UTF8View) -> Bool {
        trimmed(line).elementsEqual("...".utf8)
    }
}

extension Substring {
    var trimmingTrailingSpaces: Substring {
        var s = self
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return s
    }
}
