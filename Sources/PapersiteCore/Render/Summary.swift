import Foundation

/// The first sentences of a text, for list cards, feeds and meta descriptions.
enum Summary {
    static func firstSentences(of text: String, maxLength: Int = 280) -> String {
        // Only the start of a long text can make the summary.
        let scalars = text.unicodeScalars
        let prefixEnd = scalars.index(scalars.startIndex, offsetBy: maxLength * 4, limitedBy: scalars.endIndex) ?? scalars.endIndex
        let clean = TextCleaning.line(String(text[..<prefixEnd]))
        // ASCII text (most abstracts; the cleaning left no "\r\n") has a
        // character per byte, and is walked as bytes: walking characters
        // was a fifth of rendering a large site's Markdown.
        let utf8 = clean.utf8
        let ascii = utf8.allSatisfy { $0 < 0x80 }
        guard (ascii ? utf8.count : clean.count) > maxLength else { return clean }
        // The summary is the longest run of whole sentences within the
        // length: `clean[..<summaryEnd]`.
        var summaryEnd = clean.startIndex
        if ascii {
            var previous: UInt8 = 0x20
            for (offset, byte) in utf8.enumerated() {
                if byte == 0x20 && (previous == 0x2E || previous == 0x3F || previous == 0x21) {   // ". ", "? ", "! "
                    if offset + 1 > maxLength { break }
                    summaryEnd = utf8.index(utf8.startIndex, offsetBy: offset + 1)
                }
                previous = byte
            }
        } else {
            var length = 0
            var previous: Character = " "
            var i = clean.startIndex
            while i < clean.endIndex {
                let ch = clean[i]
                let next = clean.index(after: i)
                length += 1
                if ch == " " && (previous == "." || previous == "?" || previous == "!") {
                    if length > maxLength { break }
                    summaryEnd = next
                }
                previous = ch
                i = next
            }
        }
        if summaryEnd > clean.startIndex { return String(clean[..<summaryEnd].dropLast()) }
        // One long sentence: cut at a word boundary.
        let cut = clean.prefix(maxLength)
        let end = cut.lastIndex(of: " ") ?? cut.endIndex
        return String(cut[..<end]).trimmingCharacters(in: .punctuationCharacters) + "…"
    }
}
