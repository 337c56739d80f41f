import Foundation

/// UInt64 keys (already well-mixed hashes) → Int32, open addressing with
/// linear probing. Written by hand: Swift's Dictionary hashes every key
/// again with SipHash, which made counting a large corpus's terms slow.
///
/// A key's slot is its high bits scaled to the capacity (multiply and
/// shift), so the capacity need not be a power of two: the table grows by
/// half at 70% full, and holds a large vocabulary (millions of terms, the
/// largest table of related papers) in about 1.7 slots a key, where
/// doubling at half full took from 2 to 4.
struct HashTable: Sendable {
    private var keys: [UInt64] = []
    private var values: [Int32] = []
    private(set) var count = 0
    private var limit = 0

    /// The key's value; if the key is new, it gets `value`.
    mutating func insert(_ key: UInt64, value: Int32) -> Int32 {
        if count >= limit { grow() }
        let k = key == 0 ? 1 : key
        let capacity = keys.count
        var slot = Int(truncatingIfNeeded: k.multipliedFullWidth(by: UInt64(capacity)).high)
        while true {
            let found = keys[slot]
            if found == k { return values[slot] }
            if found == 0 { keys[slot] = k; values[slot] = value; count += 1; return value }
            slot += 1
            if slot == capacity { slot = 0 }
        }
    }

    /// Every key with its value, in no particular order.
    func forEach(_ body: (UInt64, Int32) -> Void) {
        for (slot, key) in keys.enumerated() where key != 0 { body(key, values[slot]) }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        let capacity = max(1024, keys.count + keys.count / 2)
        keys = [UInt64](repeating: 0, count: capacity)
        values = [Int32](repeating: 0, count: capacity)
        limit = capacity / 10 * 7
        count = 0
        for (i, key) in oldKeys.enumerated() where key != 0 { _ = insert(key, value: oldValues[i]) }
    }
}

/// The words of a text for comparing papers: lower-case words of three
/// letters or more, without stop words and numbers, with a plural "s" taken
/// off, and the pairs of neighbouring words ("language model", "point
/// cloud"), which tell topics apart where single words are shared by many.
/// Terms are 64-bit FNV-1a hashes of their bytes, so no strings are made.
enum TextTerms {
    struct Count { var hash: UInt64; var count: Float }

    static func forEachTerm(in text: String, _ body: (UInt64) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            var previous: UInt64? = nil
            var word: [UInt8] = []
            word.reserveCapacity(32)
            var i = 0
            func flush() {
                defer { word.removeAll(keepingCapacity: true) }
                guard word.count >= 3, !word.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return }
                var length = word.count
                if length > 4, word[length - 1] == 0x73, ![0x73, 0x75, 0x69].contains(word[length - 2]) { length -= 1 }  // s, not ss/us/is
                let h = hash(word[0..<length])
                if stopWords.contains(h) { return }
                body(h)
                if let previous { body(pair(previous, h)) }
                previous = h
            }
            while i < bytes.count {
                let b = bytes[i]
                switch b {
                case 0x41...0x5A: word.append(b | 0x20)          // A-Z → a-z
                case 0x61...0x7A, 0x30...0x39: word.append(b)
                case 0xE2 where i + 1 < bytes.count && (bytes[i + 1] == 0x80 || bytes[i + 1] == 0x81):
                    flush(); i += 2                              // U+2000–U+207F: dashes, quotes, spaces
                case 0x80...: word.append(b)                     // other non-ASCII: letters of other scripts, accents
                default: flush()
                }
                i += 1
            }
            flush()
        }
    }

    /// The distinct hashes, sorted, each with how often it occurs.
    static func counted(_ list: [UInt64]) -> [Count] {
        var list = list
        list.sort()
        var result: [Count] = []
        result.reserveCapacity(list.count)
        for hash in list {
            if let last = result.last, last.hash == hash { result[result.count - 1].count += 1 } else { result.append(Count(hash: hash, count: 1)) }
        }
        return result
    }

    static func hash<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    static func hash(_ text: String) -> UInt64 { hash(Array(text.utf8)) }

    static func pair(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var h = (a &* 0x9E37_79B9_7F4A_7C15) ^ b
        h ^= h >> 29
        return h &* 0xBF58_476D_1CE4_E5B9
    }

    static let stopWords: Set<UInt64> = Set(stopWordList.map { hash($0) })

    /// English function words, the words every paper abstract uses, and
    /// LaTeX commands that abstracts carry.
    static let stopWordList: [String] = [
        "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was", "one", "our", "out", "has", "his",
        "how", "its", "may", "new", "now", "own", "see", "two", "way", "who", "did", "get", "use", "used", "using", "via", "per",
        "this", "that", "with", "from", "they", "them", "than", "then", "there", "these", "those", "their", "which", "while", "where",
        "when", "what", "were", "will", "would", "could", "should", "such", "also", "into", "onto", "over", "under", "more", "most",
        "many", "much", "some", "each", "both", "well", "only", "other", "between", "through", "across", "about", "after", "before",
        "been", "being", "have", "having", "does", "doing", "done", "very", "just", "even", "here", "further", "however", "thus",
        "therefore", "since", "because", "within", "without", "upon", "among", "whether", "often", "first", "second", "third",
        "paper", "work", "propose", "proposed", "present", "presented", "show", "shown", "demonstrate", "result", "approach",
        "method", "based", "novel", "study", "existing", "different", "various", "several", "significant", "significantly",
        "able", "make", "made", "achieve", "achieved", "provide", "task", "problem", "recent", "recently", "introduce", "state",
        "art", "code", "available", "github", "http", "https", "www", "com", "org", "experiment", "performance", "improve",
        "improved", "improvement", "effective", "efficient", "large", "small", "high", "low", "key", "outperform",
        "mathcal", "mathbf", "mathrm", "frac", "text", "textbf", "emph", "cite",
    ]
}

extension Parallelism {
    /// `map` with a scratch value per worker thread (a reusable buffer).
    func mapWithScratch<T, S>(_ count: Int, makeScratch: () -> S, release: (S) -> Void = { _ in }, _ transform: (Int, inout S) -> T) -> [T] {
        let workers = Swift.max(1, Swift.min(effectiveThreads, count))
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = UnsafeSendableBuffer(buffer)
            // Contiguous chunks per worker: each owns its scratch.
            let chunk = (count + workers - 1) / workers
            forEach(workers) { w in
                let start = w * chunk, end = Swift.min(count, start + chunk)
                guard start < end else { return }
                var scratch = makeScratch()
                for i in start..<end { slots[i] = transform(i, &scratch) }
                release(scratch)
            }
        }
        return results.map { $0! }
    }
}
