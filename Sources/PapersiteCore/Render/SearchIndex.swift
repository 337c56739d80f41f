import Foundation

/// The search index the default theme's `search.js` reads, written as
/// static JSON files under `search/` and split so that a browser loads only
/// what a query needs:
///
/// - `search/index.json`: the manifest: shard names, tags, years, stop words.
/// - `search/terms/<key>.json`: the terms that start with `key` (their first
///   two characters, or three where two would make a large shard), each with
///   its papers as `[id, weight, id, weight, ...]`, ids delta-coded.
/// - `search/docs/<n>.json`: what a result shows for papers `n*100 ..< n*100+100`.
/// - `search/tags/<slug>.json`, `search/years/<year>.json`: the papers of a
///   tag or a year (delta-coded ids), for the filters.
///
/// Paper ids are positions in the site's order (newest first). A term's
/// weight in a paper adds up where it occurs: title 8, an author's name 6,
/// a tag 4, the abstract 1 a time up to 3, so ranking prefers title and
/// author matches. Words are folded as `search.js` folds a query (see
/// `SearchText`). Written by hand: a search library would need a server or
/// ship its own index format and scripts from other hosts.
struct SearchIndex: Sendable {
    static let docsPerShard = 100
    /// Postings above which a two-character shard is split by the third
    /// character (about 200 KB of JSON).
    static let defaultSplitAbove = 30_000

    struct Shard: Sendable {
        var key: String
        /// Terms sorted, each with its postings (paper id, weight), ids ascending.
        var terms: [(term: String, postings: [(doc: Int32, weight: UInt8)])]
    }

    var shards: [Shard]
    /// Two-character prefixes whose terms are split into three-character shards.
    var splitPrefixes: [String]
    /// Only the shard names are known (from the last build, whose files
    /// are unchanged): enough to plan the files, not to write them.
    private(set) var isShapeOnly = false

    init(shardKeys: [String], splitPrefixes: [String]) {
        shards = shardKeys.map { Shard(key: $0, terms: []) }
        self.splitPrefixes = splitPrefixes
        isShapeOnly = true
    }

    init(titles: [String], authors: [[String]], tags: [[String]], abstracts: [String],
         splitAbove: Int = defaultSplitAbove, parallelism: Parallelism) {
        let n = titles.count
        // 1. Each paper's terms and weights, sorted by term; a chunk of papers
        //    at a time, so that only the postings stay in memory.
        let buckets = 16
        func terms(_ i: Int) -> [(term: String, weight: UInt8, bucket: UInt8)] {
            var weights: [String: Int] = [:]
            for word in SearchText.words(titles[i]) { weights[word, default: 0] += 8 }
            for name in authors[i] { for word in SearchText.words(name) { weights[word, default: 0] += 6 } }
            for tag in tags[i] { for word in SearchText.words(tag) { weights[word, default: 0] += 4 } }
            var abstract: [String: Int] = [:]
            for word in SearchText.words(abstracts[i]) { abstract[word, default: 0] += 1 }
            for (word, count) in abstract { weights[word, default: 0] += min(count, 3) }
            // By bucket, then term: each bucket's worker reads only its part.
            return weights.map { ($0.key, UInt8(min($0.value, 255)), UInt8(SearchText.bucket(of: $0.key, buckets: buckets))) }
                .sorted { $0.bucket != $1.bucket ? $0.bucket < $1.bucket : $0.term < $1.term }
        }
        // 2. Postings, in buckets by two-character prefix that workers fill
        //    independently (a prefix is always in one bucket).
        var filled = [[String: [(doc: Int32, weight: UInt8)]]](repeating: [:], count: buckets)
        let chunk = 4096
        for start in stride(from: 0, to: n, by: chunk) {
            let perPaper = parallelism.map(min(chunk, n - start)) { terms(start + $0) }
            filled.withUnsafeMutableBufferPointer { buffer in
                let slots = UnsafeSendableBuffer(buffer)
                parallelism.forEach(buckets) { b in
                    var postings = slots[b]
                    slots[b] = [:]
                    for (offset, terms) in perPaper.enumerated() {
                        var k = terms.partitioningIndex { $0.bucket >= b }
                        while k < terms.count, terms[k].bucket == b {
                            postings[terms[k].term, default: []].append((Int32(start + offset), terms[k].weight))
                            k += 1
                        }
                    }
                    slots[b] = postings
                }
            }
        }
        // 3. Shards: by two characters, or three where that is large.
        var shards: [Shard] = []
        var split: [String] = []
        for postings in filled {
            var byPrefix: [String: [String]] = [:]
            for term in postings.keys { byPrefix[SearchText.prefix(term, 2), default: []].append(term) }
            for (prefix, terms) in byPrefix {
                let size = terms.reduce(0) { $0 + postings[$1]!.count }
                if size > splitAbove {
                    split.append(prefix)
                    var byKey: [String: [String]] = [:]
                    for term in terms { byKey[SearchText.prefix(term, 3), default: []].append(term) }
                    for (key, terms) in byKey {
                        shards.append(Shard(key: key, terms: terms.sorted().map { ($0, postings[$0]!) }))
                    }
                } else {
                    shards.append(Shard(key: prefix, terms: terms.sorted().map { ($0, postings[$0]!) }))
                }
            }
        }
        self.shards = shards.sorted { $0.key < $1.key }
        self.splitPrefixes = split.sorted()
    }

    /// `terms/<key>.json`
    static func shardFile(_ key: String) -> String { "search/terms/\(SearchText.fileName(key)).json" }
    static func docsFile(_ n: Int) -> String { "search/docs/\(n).json" }
    static func tagFile(_ slug: String) -> String { "search/tags/\(slug).json" }
    static func yearFile(_ year: Int) -> String { "search/years/\(year).json" }
    static let manifestFile = "search/index.json"

    func shardJSON(_ i: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        out.append(UInt8(ascii: "{"))
        for (k, entry) in shards[i].terms.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            out += Array(JSONText.encode(entry.term).utf8)
            out += Array(":[".utf8)
            var previous: Int32 = 0
            for (p, posting) in entry.postings.enumerated() {
                if p > 0 { out.append(UInt8(ascii: ",")) }
                Self.append(Int(posting.doc - previous), to: &out)
                out.append(UInt8(ascii: ","))
                Self.append(Int(posting.weight), to: &out)
                previous = posting.doc
            }
            out.append(UInt8(ascii: "]"))
        }
        out += Array("}\n".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// A sorted list of paper ids, delta-coded.
    static func idsJSON(_ ids: [Int]) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        var previous = 0
        for (k, id) in ids.sorted().enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            append(id - previous, to: &out)
            previous = id
        }
        out += Array("]\n".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    private static func append(_ number: Int, to out: inout [UInt8]) {
        out += Array(String(number).utf8)
    }
}

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

    static func words(_ text: String) -> [String] {
        var result: [String] = []
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var word: [UInt8] = []
            func flush() {
                if word.count > 1 {
                    let w = String(decoding: word, as: UTF8.self)
                    if !stopSet.contains(w) { result.append(w) }
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
        String(String.UnicodeScalarView(word.unicodeScalars.prefix(count)))
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
