import Foundation

/// One person, however the sources spell them: the same author written
/// with different whitespace, with accents composed or decomposed, or as
/// "Last, First" rather than "First Last" is one author. Spellings that
/// differ otherwise ("J. Smith" and "John Smith", "Muller" and "Müller")
/// stay apart: papersite does not guess.
enum AuthorName {
    /// The comparison key: "First Last", NFC, single spaces, lowercased.
    static func key(_ name: String) -> String {
        display(name).lowercased()
    }

    /// The name as shown: "First Last", NFC, single spaces.
    static func display(_ name: String) -> String {
        let composed = name.utf8.contains { $0 >= 0x80 } ? name.precomposedStringWithCanonicalMapping : name
        var text = TextCleaning.line(composed)
        guard text.utf8.contains(0x2C) else { return text }
        let parts = text.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty { text = "\(parts[1]) \(parts[0])" }
        return text
    }
}
