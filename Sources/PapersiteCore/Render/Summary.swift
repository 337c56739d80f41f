import Foundation

/// The first sentences of a text, for list cards, feeds and meta descriptions.
enum Summary {
    static func firstSentences(of text: String, maxLength: Int = 280) -> String {
        // Only the start of a long text can make the summary.
        let clean = TextCleaning.line(String(text.unicodeScalars.prefix(maxLength * 4)))
        guard clean.count > maxLength else { return clean }
        var result = ""
        var sentence = ""
        var previous: Character = " "
        for ch in clean {
            sentence.append(ch)
            if ch == " " && (previous == "." || previous == "?" || previous == "!") {
                if result.count + sentence.count > maxLength { break }
                result += sentence
                sentence = ""
            }
            previous = ch
        }
        if !result.isEmpty { return String(result.dropLast()) }
        // One long sentence: cut at a word boundary.
        let cut = clean.prefix(maxLength)
        let end = cut.lastIndex(of: " ") ?? cut.endIndex
        return String(cut[..<end]).trimmingCharacters(in: .punctuationCharacters) + "…"
    }
}
