import Foundation

/// Citation keys in the style of Google Scholar: first author's family
/// name, year, first word of the title (`vaswani2017attention`). Papers
/// without authors use the title's first two words (`surveying2025effects`).
/// Keys that collide get `b`, `c`, ... in order of date, then record key,
/// so a paper's key does not change when newer papers arrive.
enum CitationKeys {
    static let stopWords: Set<String> = ["a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "from", "by", "at", "is", "are", "why", "how", "what", "do", "does", "can", "towards", "toward"]

    static func assign(_ papers: [Paper], parallelism: Parallelism = .serial, memo: NameMemo? = nil) -> [String] {
        let bases = parallelism.map(papers.count) { memo?.citationBase(papers[$0]) ?? base(papers[$0]) }
        var groups: [String: [Int]] = [:]
        for (i, b) in bases.enumerated() { groups[b, default: []].append(i) }
        var keys = bases
        for (base, members) in groups where members.count > 1 {
            let ordered = members.sorted { (papers[$0].published?.daysSinceEpoch ?? Int.min, papers[$0].key, $0) < (papers[$1].published?.daysSinceEpoch ?? Int.min, papers[$1].key, $1) }
            for (n, i) in ordered.enumerated() where n > 0 {
                keys[i] = base + suffix(n)
            }
        }
        return keys
    }

    /// 1 → b, 2 → c, ..., 25 → z, 26 → ba ...
    private static func suffix(_ n: Int) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var n = n, s = ""
        repeat {
            s = String(letters[n % 26]) + s
            n /= 26
        } while n > 0
        return s
    }

    static func base(_ paper: Paper) -> String {
        let titleWords = words(paper.title)
        let significant = titleWords.filter { !stopWords.contains($0) }
        let firstWord = significant.first ?? titleWords.first ?? "paper"
        let year = paper.published.map { String($0.year) } ?? ""
        if let first = paper.authors.first {
            let family = ascii(familyName(first))
            return (family.isEmpty ? "anonymous" : family) + year + firstWord
        }
        let secondWord = significant.dropFirst().first ?? ""
        return firstWord + year + secondWord
    }

    /// The title's words as lowercase ASCII (`Müller's Method` → muller, s, method).
    static func words(_ title: String) -> [String] {
        if title.utf8.allSatisfy({ $0 < 0x80 }) {
            var words: [String] = []
            var current: [UInt8] = []
            for b in title.utf8 {
                if (b >= 97 && b <= 122) || (b >= 48 && b <= 57) { current.append(b) } else if b >= 65 && b <= 90 { current.append(b + 32) } else if !current.isEmpty {
                    words.append(String(decoding: current, as: UTF8.self))
                    current.removeAll(keepingCapacity: true)
                }
            }
            if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
            return words
        }
        return title.split { !$0.isLetter && !$0.isNumber }.map { ascii(String($0)) }.filter { !$0.isEmpty }
    }

    static func familyName(_ name: String) -> String {
        if let comma = name.firstIndex(of: ",") { return String(name[..<comma]) }
        return name.split(separator: " ").last.map(String.init) ?? name
    }

    /// Lowercase ASCII letters and digits only (`Müller` → `muller`).
    static func ascii(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: text.utf8.compactMap { b -> UInt8? in
                switch b {
                case 0x61...0x7A, 0x30...0x39: b
                case 0x41...0x5A: b | 0x20
                default: nil
                }
            }, as: UTF8.self)
        }
        // ICU's transform is slow; most words are ASCII already.
        let folded = text.utf8.allSatisfy({ $0 < 0x80 }) ? text : (text.applyingTransform(.stripDiacritics, reverse: false) ?? text)
        return String(folded.lowercased().unicodeScalars.filter { ($0.value >= 97 && $0.value <= 122) || ($0.value >= 48 && $0.value <= 57) }.map(Character.init))
    }
}
