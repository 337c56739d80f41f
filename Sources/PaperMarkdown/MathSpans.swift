/// Keeps LaTeX math verbatim through Markdown.
///
/// cmark-gfm knows nothing of math, so `$a_1 * b_2$` would turn into
/// emphasis and `\(x\)` would lose its backslashes. Before parsing, every
/// ASCII punctuation character inside a math span (delimiters included) is
/// backslash-escaped; CommonMark turns `\X` back into `X`, so the HTML holds
/// exactly the source text of the span, HTML-escaped, ready for KaTeX or
/// MathJax. Code spans and code blocks are left alone.
///
/// Written by hand because no library here parses math inside Markdown.
/// Recognised spans: `$$...$$`, `\[...\]`, `\(...\)` and `$...$` where the
/// opening `$` is not followed by a space, the closing `$` is not preceded by
/// a space nor followed by a digit (so "$5 and $10" stays text). A span never
/// crosses a blank line.
public enum MathSpans {
    /// More pipes than this on one line is not a table.
    static let maximumTableColumns = 256

    /// Stands for an escaped `\$` between `protect` and `MathMarkup`.
    static let escapedDollar: Unicode.Scalar = "\u{E000}"

    public static func protect(_ markdown: String) -> String {
        scan(markdown).text
    }

    /// The protected text, and whether any math span was found.
    static func scan(_ markdown: String) -> (text: String, hasMath: Bool) {
        // Fast path, on the bytes: nothing that could open math or make a table.
        if !mayHold(markdown, "$", "\\", "|") { return (markdown, false) }
        var hasMath = false
        let memo = ScanMemo()
        var chars = Array(markdown.unicodeScalars)
        chars.removeAll { $0 == escapedDollar }
        var out = String.UnicodeScalarView()
        out.reserveCapacity(chars.count + 16)
        var i = 0
        var atLineStart = true
        var inFence: (marker: Unicode.Scalar, count: Int)? = nil
        var previousLineBlank = true
        var escapePipesUntil = -1

        while i < chars.count {
            if atLineStart {
                let lineEnd = chars[i...].firstIndex(of: "\n") ?? chars.count
                let line = chars[i..<lineEnd]
                let fence = fenceMarker(line)
                let blank = line.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
                if let open = inFence {
                    if let f = fence, f.marker == open.marker, f.count >= open.count, f.rest {
                        inFence = nil
                    }
                    i = copyThroughNewline(chars, from: i, lineEnd: lineEnd, into: &out)
                    previousLineBlank = blank
                    continue
                }
                if let f = fence {
                    inFence = (f.marker, f.count)
                    i = copyThroughNewline(chars, from: i, lineEnd: lineEnd, into: &out)
                    previousLineBlank = false
                    continue
                }
                if previousLineBlank && isIndentedCode(line) {
                    // An indented code block runs while lines stay indented or blank.
                    var j = i
                    while j < chars.count {
                        let end = chars[j...].firstIndex(of: "\n") ?? chars.count
                        let l = chars[j..<end]
                        let isBlank = l.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
                        if !isBlank && !isIndentedCode(l) { break }
                        j = end < chars.count ? end + 1 : end
                    }
                    copyLine(chars, from: i, to: j, into: &out)
                    i = j
                    atLineStart = true
                    previousLineBlank = true
                    continue
                }
                previousLineBlank = blank
                atLineStart = false
                // cmark-gfm's table extension is quadratic in the number of
                // columns: a line with absurdly many pipes is kept as text.
                if line.count > Self.maximumTableColumns {
                    var pipes = 0
                    for ch in line where ch == "|" { pipes += 1 }
                    escapePipesUntil = pipes > Self.maximumTableColumns ? lineEnd : -1
                }
            }
            let c = chars[i]
            if c == "\n" {
                out.append(c)
                i += 1
                atLineStart = true
                continue
            }
            if c == "`" {
                // A code span: a run of n backticks up to the next run of exactly n.
                var n = 0
                while i + n < chars.count && chars[i + n] == "`" { n += 1 }
                if let close = closingBackticks(chars, from: i + n, count: n, memo: memo) {
                    copyLine(chars, from: i, to: close + n, into: &out)
                    i = close + n
                } else {
                    copyLine(chars, from: i, to: i + n, into: &out)
                    i += n
                }
                continue
            }
            if c == "\\" && i + 1 < chars.count {
                let next = chars[i + 1]
                if next == "(" || next == "[" {
                    let closer: Unicode.Scalar = next == "(" ? ")" : "]"
                    if let end = findBackslashClose(chars, from: i + 2, closer: closer, memo: memo) {
                        hasMath = true
                        escapeSpan(chars, from: i, to: end + 2, into: &out)
                        i = end + 2
                        continue
                    }
                }
                if next == "$" {
                    // An escaped dollar must not open math later, in the HTML pass:
                    // it travels as a placeholder that becomes `&#36;`.
                    out.append(escapedDollar)
                    i += 2
                    continue
                }
                // Any other escape is copied as a pair.
                out.append(c)
                out.append(next)
                i += 2
                continue
            }
            if c == "$" {
                if i + 1 < chars.count && chars[i + 1] == "$" {
                    if let end = findDoubleDollarClose(chars, from: i + 2, memo: memo) {
                        hasMath = true
                        escapeSpan(chars, from: i, to: end + 2, into: &out)
                        i = end + 2
                        continue
                    }
                    out.append(c); out.append(c)
                    i += 2
                    continue
                }
                if let end = findInlineDollarClose(chars, from: i + 1) {
                    hasMath = true
                    escapeSpan(chars, from: i, to: end + 1, into: &out)
                    i = end + 1
                    continue
                }
            }
            if c == "|" && i < escapePipesUntil { out.append("\\") }
            out.append(c)
            i += 1
        }
        return (String(out), hasMath)
    }

    /// Whether `text` has one of the ASCII characters `a`, `b`, `c`: a
    /// look at its bytes, before the text is split into scalars (most
    /// titles and abstracts hold no math).
    public static func mayHold(_ text: String, _ a: Unicode.Scalar, _ b: Unicode.Scalar, _ c: Unicode.Scalar? = nil) -> Bool {
        let a = UInt8(a.value), b = UInt8(b.value), c = c.map { UInt8($0.value) } ?? a
        // (On the bytes in place where the string has them together, as a
        // native string does: the view's iterator checks each index.)
        return text.utf8.withContiguousStorageIfAvailable { $0.contains { $0 == a || $0 == b || $0 == c } }
            ?? text.utf8.contains { $0 == a || $0 == b || $0 == c }
    }

    private static func copyLine(_ chars: [Unicode.Scalar], from: Int, to: Int, into out: inout String.UnicodeScalarView) {
        var k = from
        while k < to { out.append(chars[k]); k += 1 }
    }

    /// Copies a whole line and its newline; returns the index after it.
    private static func copyThroughNewline(_ chars: [Unicode.Scalar], from: Int, lineEnd: Int, into out: inout String.UnicodeScalarView) -> Int {
        let end = lineEnd < chars.count ? lineEnd + 1 : lineEnd
        copyLine(chars, from: from, to: end, into: &out)
        return end
    }

    private static func escapeSpan(_ chars: [Unicode.Scalar], from: Int, to: Int, into out: inout String.UnicodeScalarView) {
        for k in from..<to {
            let c = chars[k]
            if c.isASCII && isASCIIPunctuation(c) { out.append("\\") }
            out.append(c)
        }
    }

    static func isASCIIPunctuation(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        default: return false
        }
    }

    private static func fenceMarker(_ line: ArraySlice<Unicode.Scalar>) -> (marker: Unicode.Scalar, count: Int, rest: Bool)? {
        var idx = line.startIndex
        var spaces = 0
        while idx < line.endIndex && line[idx] == " " && spaces < 4 { spaces += 1; idx += 1 }
        guard spaces < 4, idx < line.endIndex else { return nil }
        let m = line[idx]
        guard m == "`" || m == "~" else { return nil }
        var n = 0
        while idx < line.endIndex && line[idx] == m { n += 1; idx += 1 }
        guard n >= 3 else { return nil }
        let rest = line[idx...].allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
        if m == "`" && line[idx...].contains("`") { return nil }
        return (m, n, rest)
    }

    private static func isIndentedCode(_ line: ArraySlice<Unicode.Scalar>) -> Bool {
        var width = 0
        for c in line {
            if c == " " { width += 1 } else if c == "\t" { width += 4 } else { break }
            if width >= 4 { return true }
        }
        return false
    }

    private static func closingBackticks(_ chars: [Unicode.Scalar], from: Int, count n: Int, memo: ScanMemo? = nil) -> Int? {
        if let memo, memo.failed(.backticks(n), from: from) { return nil }
        var k = from
        while k < chars.count {
            if chars[k] == "`" {
                var m = 0
                while k + m < chars.count && chars[k + m] == "`" { m += 1 }
                if m == n { return k }
                k += m
                continue
            }
            if chars[k] == "\n" && isBlankLine(chars, after: k) { memo?.record(.backticks(n), until: k); return nil }
            k += 1
        }
        memo?.record(.backticks(n), until: chars.count)
        return nil
    }

    /// True when the line after the newline at `k` is blank (a paragraph break).
    private static func isBlankLine(_ chars: [Unicode.Scalar], after k: Int) -> Bool {
        var j = k + 1
        while j < chars.count && (chars[j] == " " || chars[j] == "\t" || chars[j] == "\r") { j += 1 }
        return j >= chars.count || chars[j] == "\n"
    }

    static func findBackslashClose(_ chars: [Unicode.Scalar], from: Int, closer: Unicode.Scalar, memo: ScanMemo? = nil) -> Int? {
        let kind: ScanMemo.Kind = closer == ")" ? .parenthesis : .bracket
        if let memo, memo.failed(kind, from: from) { return nil }
        var k = from
        while k + 1 < chars.count {
            if chars[k] == "\n" && isBlankLine(chars, after: k) { memo?.record(kind, until: k); return nil }
            if chars[k] == "\\" {
                if chars[k + 1] == closer { return k }
                k += 2
                continue
            }
            k += 1
        }
        memo?.record(kind, until: chars.count)
        return nil
    }

    static func findDoubleDollarClose(_ chars: [Unicode.Scalar], from: Int, memo: ScanMemo? = nil) -> Int? {
        if let memo, memo.failed(.doubleDollar, from: from) { return nil }
        var k = from
        while k + 1 < chars.count {
            if chars[k] == "\n" && isBlankLine(chars, after: k) { memo?.record(.doubleDollar, until: k); return nil }
            if chars[k] == "\\" { k += 2; continue }
            if chars[k] == "$" && chars[k + 1] == "$" { return k > from ? k : nil }
            k += 1
        }
        memo?.record(.doubleDollar, until: chars.count)
        return nil
    }

    static func findInlineDollarClose(_ chars: [Unicode.Scalar], from: Int) -> Int? {
        guard from < chars.count else { return nil }
        let first = chars[from]
        if first == " " || first == "\t" || first == "\n" || first == "$" { return nil }
        var k = from
        while k < chars.count {
            let c = chars[k]
            if c == "\n" && isBlankLine(chars, after: k) { return nil }
            if c == "\\" { k += 2; continue }
            if c == "$" {
                let before = chars[k - 1]
                let after: Unicode.Scalar? = k + 1 < chars.count ? chars[k + 1] : nil
                if before == " " || before == "\t" || before == "\n" { return nil }
                if let a = after, a.properties.numericType != nil { return nil }
                return k
            }
            k += 1
        }
        return nil
    }
}

/// Remembers where a search for a closing delimiter failed: a later search
/// for the same delimiter that starts before that point fails too. Without
/// it, text with many unclosed openers (`\(` a million times) would take
/// quadratic time.
final class ScanMemo {
    enum Kind: Hashable {
        case backticks(Int)
        case parenthesis
        case bracket
        case doubleDollar
    }

    private var failedUntil: [Kind: Int] = [:]

    func failed(_ kind: Kind, from: Int) -> Bool {
        guard let end = failedUntil[kind] else { return false }
        return from < end
    }

    func record(_ kind: Kind, until end: Int) {
        failedUntil[kind] = end
    }
}
