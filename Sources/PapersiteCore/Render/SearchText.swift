import Foundation

/// How the search folds text into words, the same way as `search.js`:
/// decomposed (NFD), accents (U+0300–U+036F) removed, lower-cased, split
/// at everything that is not a letter or a digit; words of one character
/// and stop words are left out.
enum SearchText {
    static let stopWords: [String] = [
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "its", "of", "on",
        "or", "our", "that", "the", "their", "these", "this", "to", "via", "we", "which", "with",
    ]
    private static let stopSet = Set(stopWords)
    /// The longest stop word (in bytes): a longer word is not looked up.
    private static let longestStopWord = stopWords.map(\.utf8.count).max() ?? 0

    static func words(_ text: String) -> [String] {
        var result: [String] = []
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var word: [UInt8] = []
            func flush() {
                if word.count > 1 {
                    let w = String(decoding: word, as: UTF8.self)
                    if word.count > longestStopWord || !stopSet.contains(w) { result.append(w) }
                }
                word.removeAll(keepingCapacity: true)
            }
            for b in text.utf8 {
                switch b {
                case 0x41...0x5A: word.append(b | 0x20)
                case 0x61...0x7A, 0x30...0x39: word.append(b)
                default: flush()
                }
            }
            flush()
            return result
        }
        var scalars = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars where !(0x300...0x36F).contains(scalar.value) {
            scalars.append(scalar)
        }
        var word = String.UnicodeScalarView()
        func flush() {
            let w = String(word).lowercased()
            if w.unicodeScalars.count > 1, !stopSet.contains(w) { result.append(w) }
            word = String.UnicodeScalarView()
        }
        for scalar in scalars {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .decimalNumber, .letterNumber, .otherNumber:
                word.append(scalar)
            default:
                flush()
            }
        }
        flush()
        return result
    }

    /// The first `count` characters (Unicode scalars) of a word.
    static func prefix(_ word: String, _ count: Int) -> String {
        // (Sliced, so the bytes are copied at once: appending the scalars
        // one by one was a quarter of updating the index after a day's papers.)
        let scalars = word.unicodeScalars
        return String(scalars[..<(scalars.index(scalars.startIndex, offsetBy: count, limitedBy: scalars.endIndex) ?? scalars.endIndex)])
    }

    /// The bucket of a word's first two characters (hashing their UTF-8 bytes).
    static func bucket(of word: String, buckets: Int) -> Int {
        let bytes = word.unicodeScalars.prefix(2).reduce(0) { $0 + UTF8.width($1) }
        return Int(TextTerms.hash(word.utf8.prefix(bytes)) % UInt64(buckets))
    }

    /// A shard key as a file name: a-z and 0-9 as they are, anything else
    /// as `_` and its code point in hex (`search.js` does the same).
    static func fileName(_ key: String) -> String {
        var name = ""
        for scalar in key.unicodeScalars {
            if (0x61...0x7A).contains(scalar.value) || (0x30...0x39).contains(scalar.value) {
                name.unicodeScalars.append(scalar)
            } else {
                name += "_" + String(scalar.value, radix: 16)
            }
        }
        return name
    }
}

extension Array {
    /// The first index whose element satisfies `predicate`, which must be
    /// false and then true along the array (binary search).
    func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if predicate(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
