import Foundation

/// Checks and normalises the identifiers and links a record may carry.
enum Identifiers {
    /// `arXiv:2403.01234v2`, `2403.01234`, `https://arxiv.org/abs/hep-th/9711200v1`
    /// → (`2403.01234`, 2) ...; nil if it is not an arXiv identifier.
    static func arxiv(_ text: String) -> (id: String, version: Int?)? {
        var t = Substring(text)
        while t.first?.isWhitespace == true { t.removeFirst() }
        while t.last?.isWhitespace == true { t.removeLast() }
        if t.first == "h" || t.first == "a" || t.first == "A" || t.first == "H" {
            for prefix in ["https://arxiv.org/abs/", "http://arxiv.org/abs/", "https://arxiv.org/pdf/", "arxiv:"] where t.lowercased().hasPrefix(prefix) {
                t = t.dropFirst(prefix.count)
            }
        }
        if t.hasSuffix(".pdf") { t = t.dropLast(4) }
        let trimmed = String(t)
        if let modern = modernID(trimmed) { return modern }
        guard let match = legacyPattern.firstMatch(in: trimmed, range: NSRange(trimmed.startIndex..., in: trimmed)) else { return nil }
        let id = String(trimmed[Range(match.range(at: 1), in: trimmed)!])
        let version = Range(match.range(at: 4), in: trimmed).flatMap { Int(trimmed[$0]) }
        return (id, version)
    }

    /// An identifier of today's form, `2403.01234` or `0704.0001`, with
    /// any version (`v2`): four digits, a dot, four or five digits. Matched
    /// by hand: each record of a snapshot has one, and a regular expression
    /// per record was a tenth of reading it.
    private static func modernID(_ text: String) -> (id: String, version: Int?)? {
        let b = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Bool { range.upperBound <= b.count && b[range].allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        guard b.count >= 9, digits(0..<4), b[4] == UInt8(ascii: ".") else { return nil }
        let end = b.count >= 10 && digits(5..<10) ? 10 : 9
        guard digits(5..<end) else { return nil }
        let id = String(decoding: b[..<end], as: UTF8.self)
        if end == b.count { return (id, nil) }
        guard b[end] == UInt8(ascii: "v"), end + 1 < b.count, digits(end + 1..<b.count), let version = Int(String(decoding: b[(end + 1)...], as: UTF8.self))
        else { return nil }
        return (id, version)
    }
    private static let legacyPattern = try! NSRegularExpression(pattern: #"^([a-z][a-z-]*(\.[A-Z]{2})?/\d{7})(v(\d+))?$"#)

    /// `https://doi.org/10.1000/XYZ` → `10.1000/XYZ`; nil if it is not a DOI.
    /// An arXiv id mentioned in free text: `arXiv:2403.01234v2`,
    /// `arxiv.org/abs/hep-th/9711200`, `arXiv preprint arXiv:1706.03762`.
    static func arxivMention(in text: String) -> (id: String, version: Int?)? {
        // (Most fields a reader looks in name no arXiv id: the regular
        // expression, a fifth of making a CSL-JSON item, runs only on text
        // that says "arxiv" in some case.)
        guard saysArxiv(text) else { return nil }
        guard let range = text.range(of: #"(?i)arxiv(\.org)?[:/ ]*(abs/|pdf/)?(\d{4}\.\d{4,5}(v\d+)?|[a-z-]+(\.[A-Z]{2})?/\d{7}(v\d+)?)"#, options: .regularExpression) else { return nil }
        let id = String(text[range]).replacingOccurrences(of: #"(?i)^arxiv(\.org)?[:/ ]*(abs/|pdf/)?"#, with: "", options: .regularExpression)
        return arxiv(id)
    }

    private static func saysArxiv(_ text: String) -> Bool {
        let word: [UInt8] = Array("arxiv".utf8)
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count >= word.count else { return false }
            for start in 0...(bytes.count - word.count) where bytes[start] | 0x20 == word[0] {
                if (1..<word.count).allSatisfy({ bytes[start + $0] | 0x20 == word[$0] }) { return true }
            }
            return false
        }
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
    /// Without the spaces at either end (Unicode's, and tabs: what
    /// Foundation's `.whitespaces` holds, without bridging the text to
    /// trim it, which cost more than reading a record).
    static func trimmingSpaces(_ text: Substring) -> String {
        func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || (s.value >= 0x80 && s.properties.generalCategory == .spaceSeparator) }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[first...last])
    }

    static func trimmingSpaces(_ text: String) -> String { trimmingSpaces(text[...]) }

    /// Collapses runs of whitespace (newlines included) to one space and
    /// drops control and bidirectional-override characters.
    static func line(_ text: String) -> String {
        // On UTF-8 bytes: ASCII is decided byte by byte, and only other
        // characters are decoded (titles and abstracts are mostly ASCII).
        // A string bridged from Foundation (JSONSerialization's) is made
        // native first: walking its UTF-8 view index by index was slow.
        var text = text
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { utf8 -> String in
            if Self.isCleanLine(utf8) { return text }
            var bytes = [UInt8]()
            bytes.reserveCapacity(utf8.count)
            var pendingSpace = false
            var started = false
            var i = 0
            while i < utf8.count {
                let b = utf8[i]
                if b > 0x20 && b < 0x7F {
                    // A run of printable ASCII, copied whole.
                    var end = i + 1
                    while end < utf8.count && utf8[end] > 0x20 && utf8[end] < 0x7F { end += 1 }
                    if pendingSpace && started { bytes.append(0x20) }
                    pendingSpace = false
                    started = true
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[i..<end]))
                    i = end
                    continue
                }
                if b < 0x80 {
                    i += 1
                    if b == 0x20 || (b >= 0x09 && b <= 0x0D) { pendingSpace = true }
                    continue    // whitespace, or a control character (dropped)
                }
                let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
                let piece = UnsafeBufferPointer(rebasing: utf8[i..<min(utf8.count, i + length)])
                i += piece.count
                var decoder = UTF8(), iterator = piece.makeIterator()
                guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { continue }
                if scalar.properties.isWhitespace { pendingSpace = true; continue }
                if isInvisibleControl(scalar) { continue }
                if pendingSpace && started { bytes.append(0x20) }
                pendingSpace = false
                started = true
                bytes.append(contentsOf: piece)
            }
            return String(decoding: bytes, as: UTF8.self)
        }!
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
