/// Turns plain text (an abstract scraped from a listing, as arXiv writes
/// them) into Markdown that renders as the same text: Markdown punctuation
/// is escaped, while math spans and URLs are kept as they are so that math
/// still typesets and URLs still become links. The LaTeX habits of arXiv
/// abstracts are tidied: `\%` → `%`, ``` ``quoted'' ``` → “quoted”,
/// `~` → space.
public enum PlainText {
    public static func markdown(from text: String) -> String {
        // (ASCII text, most abstracts, is made into scalars byte by byte.)
        var text = text
        text.makeContiguousUTF8()
        if text.utf8.withContiguousStorageIfAvailable(isPlain) == true { return text }
        let ascii = text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.allSatisfy { $0 < 0x80 } ? bytes.map { Unicode.Scalar($0) } : nil
        }
        let chars = (ascii ?? nil) ?? Array(text.unicodeScalars)
        let memo = ScanMemo()
        // The text is made as UTF-8 bytes: appending scalar by scalar to a
        // String was most of the time `read records` took on a snapshot.
        var out = ScalarBytes()
        out.bytes.reserveCapacity(chars.count + chars.count / 8)
        var i = 0
        func append(_ s: String) { out.bytes.append(contentsOf: s.utf8) }
        while i < chars.count {
            let c = chars[i]
            let next: Unicode.Scalar? = i + 1 < chars.count ? chars[i + 1] : nil
            if c == "\\", let n = next {
                if n == "%" || n == "&" || n == "_" || n == "#" || n == "$" {
                    out.append("\\"); out.append(n)  // LaTeX escape → Markdown escape: the literal character
                    i += 2
                    continue
                }
                if n == "(" || n == "[" {
                    if let end = MathSpans.findBackslashClose(chars, from: i + 2, closer: n == "(" ? ")" : "]", memo: memo) {
                        out.append(contentsOf: chars[i..<(end + 2)])
                        i = end + 2
                        continue
                    }
                }
            }
            if c == "$" {
                if next == "$", let end = MathSpans.findDoubleDollarClose(chars, from: i + 2, memo: memo) {
                    out.append(contentsOf: chars[i..<(end + 2)])
                    i = end + 2
                    continue
                }
                if next != "$", let end = MathSpans.findInlineDollarClose(chars, from: i + 1) {
                    out.append(contentsOf: chars[i...end])
                    i = end + 1
                    continue
                }
            }
            let atWordStart = i == 0 || chars[i - 1] == " " || chars[i - 1] == "\n" || chars[i - 1] == "(" || chars[i - 1] == "~"
            if atWordStart && startsURL(chars, at: i) {
                while i < chars.count && chars[i] != " " && chars[i] != "\n" && chars[i] != "\t" {
                    out.append(chars[i])
                    i += 1
                }
                continue
            }
            if c == "`" && next == "`" { append("\u{201C}"); i += 2; continue }
            if c == "'" && next == "'" { append("\u{201D}"); i += 2; continue }
            if c == "~" { out.append(" "); i += 1; continue }
            switch c {
            // Entities, not backslashes: `\[` and `\(` would read as math delimiters.
            case "[": append("&#91;")
            case "]": append("&#93;")
            case "(", ")": out.append(c)
            case "<": append("&lt;")
            case "&": append("&amp;")
            default:
                // Only what Markdown reads as syntax is escaped, so that the
                // text stays pleasant to edit after `papersite import`.
                let atStart = out.isEmpty
                if Self.isMarkdownSyntax(c) || (atStart && (c == "-" || c == "+" || c == "=" || c == "#" || c == ">"))
                    || (c == "!" && next == "[") {
                    out.append("\\")
                } else if atStart && c.properties.numericType != nil {
                    // "1. Introduction" would start a list.
                    var j = i
                    while j < chars.count && chars[j].properties.numericType != nil { j += 1 }
                    if j < chars.count && (chars[j] == "." || chars[j] == ")") {
                        out.append(contentsOf: chars[i..<j])
                        out.append("\\")
                        i = j
                        continue
                    }
                }
                out.append(c)
            }
            i += 1
        }
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Whether the text is Markdown that renders as itself, so that the
    /// scan below would copy it unchanged: ASCII, with none of the
    /// characters it escapes or reads as math or LaTeX, no web address,
    /// and no start that would open a block (a list, a heading, a quote).
    /// Checked byte by byte first, as abstracts without math or markup
    /// pass: the scan took a tenth of reading a snapshot.
    private static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first else { return true }
        switch first {
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: "#"), UInt8(ascii: ">"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return false
        default: break
        }
        // The last four bytes, to find "http" and "www." (where a web
        // address may start, whose characters the scan keeps unescaped).
        let http: UInt32 = 0x6874_7470, www: UInt32 = 0x7777_772E
        var lastFour: UInt32 = 0
        for byte in bytes {
            switch byte {
            case 0x80...0xFF, UInt8(ascii: "\\"), UInt8(ascii: "$"), UInt8(ascii: "`"), UInt8(ascii: "'"), UInt8(ascii: "~"),
                 UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "<"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "_"),
                 UInt8(ascii: "|"):
                return false
            default:
                lastFour = lastFour << 8 | UInt32(byte)
                if lastFour == http || lastFour == www { return false }
            }
        }
        return true
    }

    /// Scalars appended as their UTF-8 bytes.
    private struct ScalarBytes {
        var bytes: [UInt8] = []
        var isEmpty: Bool { bytes.isEmpty }

        mutating func append(_ c: Unicode.Scalar) {
            if c.value < 0x80 { bytes.append(UInt8(truncatingIfNeeded: c.value)) } else { bytes.append(contentsOf: c.utf8) }
        }

        mutating func append<S: Sequence>(contentsOf scalars: S) where S.Element == Unicode.Scalar {
            for c in scalars { append(c) }
        }
    }

    /// Characters that Markdown reads as syntax anywhere in a line.
    private static func isMarkdownSyntax(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "\\", "`", "*", "_", "|", "~", "$": true
        default: false
        }
    }

    private static let urlPrefixes: [[Unicode.Scalar]] = ["https://", "http://", "www."].map { Array($0.unicodeScalars) }

    /// Whether a web address starts at `i` (asked at every word: no array is made).
    private static func startsURL(_ chars: [Unicode.Scalar], at i: Int) -> Bool {
        guard chars[i] == "h" || chars[i] == "w" else { return false }
        for prefix in urlPrefixes where i + prefix.count <= chars.count {
            var k = 0
            while k < prefix.count && chars[i + k] == prefix[k] { k += 1 }
            if k == prefix.count { return true }
        }
        return false
    }
}
