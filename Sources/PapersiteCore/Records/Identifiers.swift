import Foundation

/// Checks and normalises the identifiers and links a record may carry.
enum Identifiers {
    /// `arXiv:2403.01234v2`, `2403.01234`, `https://arxiv.org/abs/hep-th/9711200v1`
    /// → (`2403.01234`, 2) ...; nil if it is not an arXiv identifier.
    static func arxiv(_ text: String) -> (id: String, version: Int?)? {
        var t = text.trimmingCharacters(in: .whitespaces)
        for prefix in ["https://arxiv.org/abs/", "http://arxiv.org/abs/", "https://arxiv.org/pdf/", "arxiv:", "arXiv:"] where t.lowercased().hasPrefix(prefix.lowercased()) {
            t = String(t.dropFirst(prefix.count))
        }
        if t.hasSuffix(".pdf") { t = String(t.dropLast(4)) }
        for (regex, versionGroup) in [(modernPattern, 3), (legacyPattern, 4)] {
            guard let match = regex.firstMatch(in: t, range: NSRange(t.startIndex..., in: t)) else { continue }
            let id = String(t[Range(match.range(at: 1), in: t)!])
            let version = Range(match.range(at: versionGroup), in: t).flatMap { Int(t[$0]) }
            return (id, version)
        }
        return nil
    }

    private static let modernPattern = try! NSRegularExpression(pattern: #"^(\d{4}\.\d{4,5})(v(\d+))?$"#)
    private static let legacyPattern = try! NSRegularExpression(pattern: #"^([a-z][a-z-]*(\.[A-Z]{2})?/\d{7})(v(\d+))?$"#)

    /// `https://doi.org/10.1000/XYZ` → `10.1000/XYZ`; nil if it is not a DOI.
    /// An arXiv id mentioned in free text: `arXiv:2403.01234v2`,
    /// `arxiv.org/abs/hep-th/9711200`, `arXiv preprint arXiv:1706.03762`.
    static func arxivMention(in text: String) -> (id: String, version: Int?)? {
        guard let range = text.range(of: #"(?i)arxiv(\.org)?[:/ ]*(abs/|pdf/)?(\d{4}\.\d{4,5}(v\d+)?|[a-z-]+(\.[A-Z]{2})?/\d{7}(v\d+)?)"#, options: .regularExpression) else { return nil }
        let id = String(text[range]).replacingOccurrences(of: #"(?i)^arxiv(\.org)?[:/ ]*(abs/|pdf/)?"#, with: "", options: .regularExpression)
        return arxiv(id)
    }

    static func doi(_ text: String) -> String? {
        var t = text.trimmingCharacters(in: .whitespaces)
        for prefix in ["https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"] where t.lowercased().hasPrefix(prefix) {
            t = String(t.dropFirst(prefix.count))
        }
        guard t.hasPrefix("10."), let slash = t.firstIndex(of: "/"), t.index(after: slash) < t.endIndex,
              !t.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "<" || $0 == ">" }) else { return nil }
        return t
    }

    /// True for an absolute http(s) URL without spaces (the only links a record may give).
    static func isWebURL(_ text: String) -> Bool {
        guard !text.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "<" || $0 == ">" || $0 == "`" }),
              let c = URLComponents(string: text), let scheme = c.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = c.host, !host.isEmpty else { return false }
        return true
    }

    /// A field's web address: the field itself, or the first of several
    /// addresses listed in it, apart by spaces or `; ` (Beebe's
    /// bibliographies do so, and pandoc and bibutils carry the list over);
    /// nil when it holds anything else.
    static func webURL(in field: String) -> String? {
        let text = field.trimmingCharacters(in: .whitespacesAndNewlines)
        if isWebURL(text) { return text }
        let addresses = text.split(whereSeparator: { $0.isWhitespace }).map { String($0.hasSuffix(";") ? $0.dropLast() : $0[...]) }
        return addresses.count > 1 && addresses.allSatisfy(isWebURL) ? addresses[0] : nil
    }
}

/// Text cleaning shared by the readers.
enum TextCleaning {
    /// Collapses runs of whitespace (newlines included) to one space and
    /// drops control and bidirectional-override characters.
    static func line(_ text: String) -> String {
        // On UTF-8 bytes: ASCII is decided byte by byte, and only other
        // characters are decoded (titles and abstracts are mostly ASCII).
        let utf8 = text.utf8
        if let clean = utf8.withContiguousStorageIfAvailable({ Self.isCleanLine($0) }), clean { return text }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count)
        var pendingSpace = false
        var started = false
        var i = utf8.startIndex
        while i != utf8.endIndex {
            let b = utf8[i]
            if b < 0x80 {
                i = utf8.index(after: i)
                if b == 0x20 || (b >= 0x09 && b <= 0x0D) { pendingSpace = true; continue }
                if b < 0x20 || b == 0x7F { continue }
                if pendingSpace && started { bytes.append(0x20) }
                pendingSpace = false
                started = true
                bytes.append(b)
                continue
            }
            let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
            var end = i
            for _ in 0..<length where end != utf8.endIndex { end = utf8.index(after: end) }
            let piece = utf8[i..<end]
            i = end
            guard let scalar = String(decoding: piece, as: UTF8.self).unicodeScalars.first else { continue }
            if scalar.properties.isWhitespace { pendingSpace = true; continue }
            if isInvisibleControl(scalar) { continue }
            if pendingSpace && started { bytes.append(0x20) }
            pendingSpace = false
            started = true
            bytes.append(contentsOf: piece)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Printable ASCII with single inner spaces: nothing to clean.
    private static func isCleanLine(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last, first != 0x20, last != 0x20 else { return bytes.isEmpty }
        var previousSpace = false
        for b in bytes {
            if b == 0x20 {
                if previousSpace { return false }
                previousSpace = true
            } else {
                if b < 0x21 || b > 0x7E { return false }
                previousSpace = false
            }
        }
        return true
    }

    /// Drops control characters (but not newlines and tabs) and bidi overrides from a block of text.
    static func block(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isInvisibleControl($0) && $0 != "\n" && $0 != "\t" }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !(isInvisibleControl(scalar) && scalar != "\n" && scalar != "\t") {
            out.append(scalar)
        }
        return String(out)
    }

    /// Without leading and trailing whitespace (fast for long texts).
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }

    /// Markdown as written, without the blank lines before and the
    /// whitespace after it. Unlike `trimmed`, the first line keeps its
    /// indentation: four spaces there start a code block.
    static func trimmedMarkdown(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let firstText = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let lineStart = scalars[..<firstText].lastIndex(of: "\n").map { scalars.index(after: $0) } ?? scalars.startIndex
        return String(scalars[lineStart...last])
    }

    static func isInvisibleControl(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true  // bidi embeddings, overrides, isolates
        case 0xFFFE, 0xFFFF: return true
        default: return false
        }
    }
}
