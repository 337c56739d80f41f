/// Marks up the math that `MathSpans` kept verbatim, so that a theme can
/// typeset exactly those spans and nothing else (`$5 and $10` stays text,
/// which KaTeX's own auto-render would not know).
///
/// Runs over the HTML that cmark-gfm produced: only text outside tags,
/// outside `<code>` and `<pre>`, is scanned, with the same span rules as
/// `MathSpans`. Each span becomes `<span class="math inline">$…$</span>`
/// (or `math display`), delimiters kept, so the page still reads as source
/// without JavaScript.
public enum MathMarkup {
    public static func wrap(html: String) -> String {
        guard MathSpans.mayHold(html, "$", "\\") else { return html }
        let chars = Array(html.unicodeScalars)
        var out = String.UnicodeScalarView()
        out.reserveCapacity(chars.count + 64)
        var i = 0
        var codeDepth = 0
        var textStart = 0
        func flushText(upTo end: Int) {
            if codeDepth > 0 {
                out.append(contentsOf: chars[textStart..<end])
            } else {
                wrapText(chars, from: textStart, to: end, into: &out)
            }
        }
        while i < chars.count {
            if chars[i] == "<" {
                flushText(upTo: i)
                let close = chars[i...].firstIndex(of: ">") ?? (chars.count - 1)
                let tag = String(String.UnicodeScalarView(chars[i...close])).lowercased()
                if tag.hasPrefix("<code") || tag.hasPrefix("<pre") { codeDepth += 1 }
                if tag.hasPrefix("</code") || tag.hasPrefix("</pre") { codeDepth = max(0, codeDepth - 1) }
                out.append(contentsOf: chars[i...close])
                i = close + 1
                textStart = i
                continue
            }
            i += 1
        }
        flushText(upTo: chars.count)
        return String(out)
    }

    /// Escapes plain text for HTML and marks up its math (for titles).
    public static func wrap(plainText text: String) -> String {
        if !text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 == 0x24 || $0 == 0x5C }) {
            return text     // nothing to escape (`&<>"'`) and no math (`$`, `\`)
        }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(ch)
            }
        }
        return wrap(html: escaped)
    }

    /// True if the Markdown or plain text has a math span.
    public static func containsMath(_ text: String) -> Bool {
        MathSpans.scan(text).hasMath
    }

    private static func wrapText(_ chars: [Unicode.Scalar], from start: Int, to end: Int, into out: inout String.UnicodeScalarView) {
        let text = Array(chars[start..<end])
        let memo = ScanMemo()
        var i = 0
        while i < text.count {
            let c = text[i]
            let next: Unicode.Scalar? = i + 1 < text.count ? text[i + 1] : nil
            var span: (end: Int, display: Bool)?
            if c == "\\", let n = next, n == "(" || n == "[" {
                if let e = MathSpans.findBackslashClose(text, from: i + 2, closer: n == "(" ? ")" : "]", memo: memo) { span = (e + 2, n == "[") }
            } else if c == "\\" {
                out.append(c)
                if let n = next { out.append(n) }
                i += 2
                continue
            } else if c == "$" && next == "$" {
                if let e = MathSpans.findDoubleDollarClose(text, from: i + 2, memo: memo) { span = (e + 2, true) }
            } else if c == "$" {
                if let e = MathSpans.findInlineDollarClose(text, from: i + 1) { span = (e + 1, false) }
            }
            if let span {
                out.append(contentsOf: (span.display ? "<span class=\"math display\">" : "<span class=\"math inline\">").unicodeScalars)
                out.append(contentsOf: text[i..<span.end])
                out.append(contentsOf: "</span>".unicodeScalars)
                i = span.end
                continue
            }
            if c == "$" && next == "$" {
                out.append(c); out.append(c)
                i += 2
                continue
            }
            out.append(c)
            i += 1
        }
    }
}

extension MathSpans {
    /// Splits plain text into runs of text and math spans (delimiters
    /// included), for writers that escape text but must keep math, such as
    /// BibTeX.
    public static func segments(_ text: String) -> [(text: String, isMath: Bool)] {
        guard mayHold(text, "$", "\\") else { return text.isEmpty ? [] : [(text, false)] }
        let chars = Array(text.unicodeScalars)
        let memo = ScanMemo()
        var result: [(String, Bool)] = []
        var plain = String.UnicodeScalarView()
        var i = 0
        func flush() {
            if !plain.isEmpty { result.append((String(plain), false)); plain = String.UnicodeScalarView() }
        }
        while i < chars.count {
            let c = chars[i]
            let next: Unicode.Scalar? = i + 1 < chars.count ? chars[i + 1] : nil
            var end: Int?
            if c == "\\", let n = next, n == "(" || n == "[" {
                end = findBackslashClose(chars, from: i + 2, closer: n == "(" ? ")" : "]", memo: memo).map { $0 + 2 }
            } else if c == "$" && next == "$" {
                end = findDoubleDollarClose(chars, from: i + 2, memo: memo).map { $0 + 2 }
            } else if c == "$" {
                end = findInlineDollarClose(chars, from: i + 1).map { $0 + 1 }
            }
            if let end {
                flush()
                result.append((String(String.UnicodeScalarView(chars[i..<end])), true))
                i = end
                continue
            }
            plain.append(c)
            i += 1
        }
        flush()
        return result
    }
}
