import Foundation

/// The search index the default theme's `search.js` reads, written as
/// static files under `search/` and split so that a browser loads only
/// what a query needs. Each file is a script that hands its JSON to the
/// page (`papersiteSearchData("terms/di", {...});`, see `script(_:json:)`):
/// a page opened from disk may load scripts but not fetch JSON.
///
/// - `search/index.js`: the manifest: shard names, tags, years, stop words.
/// - `search/terms/<key>.js`: the terms that start with `key` (their first
///   two characters, or three where two would make a large shard, and so
///   on), each with its papers as `[id, weight, id, weight, ...]`, ids
///   delta-coded.
/// - `search/docs/<n>.js`: what a result shows for papers `n*100 ..< n*100+100`.
/// - `search/tags/<slug>.js`, `search/years/<year>.js`: the papers of a
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
    /// A paper's id in the search files: its place counted from the oldest
    /// paper (the site lists papers newest first). A paper added as the
    /// newest, the usual addition, then leaves every other paper's id as it
    /// was, and with them the term shards, result shards and tag and year
    /// lists it has no part in. `paper(id:count:)` goes back.
    static func id(paper i: Int, count n: Int) -> Int { n - 1 - i }
    static func paper(id: Int, count n: Int) -> Int { n - 1 - id }

    /// Postings above which a shard is split by its terms' next character
    /// (about 60 KB of JSON): a query loads little, and an added paper
    /// rewrites a few kilobytes for each of its words.
    static let defaultSplitAbove = 10_000
    /// The longest shard key: a prefix of this many characters with that
    /// many postings is a word or two, which no split makes smaller.
    static let longestKey = 8

    struct Shard: Sendable {
        var key: String
        /// Terms sorted, each with its postings (paper id, weight), ids ascending.
        var terms: [(term: String, postings: [(doc: Int32, weight: UInt8)])]
        /// A hash of the terms (with a cache: names the shard's stored copy
        /// and is its file's fingerprint).
        var hash: UInt64 = 0
        /// False when only the key and hash are known (the terms are in the cache).
        var loaded = true
    }

    typealias Term = (term: String, weight: UInt8)

    var shards: [Shard]
    /// The prefixes whose terms are split into shards by one more character.
    var splitPrefixes: [String]
    /// Postings under each prefix the splitting looked at (what decides
    /// the splits): every two-character prefix, and those one character
    /// longer under a split one.
    var prefixCounts: [String: Int] = [:]
    let splitAbove: Int
    /// Where the terms of shards not in memory are stored (`unloadStored`).
    var store: CacheStore? = nil

    /// Some shards are known only by key and hash (their terms are in the
    /// cache): enough to plan and fingerprint the files, not to write them.
    var isShapeOnly: Bool { shards.contains { !$0.loaded } }

    init(shards: [Shard], splitPrefixes: [String], prefixCounts: [String: Int], splitAbove: Int = defaultSplitAbove) {
        self.shards = shards
        self.splitPrefixes = splitPrefixes
        self.prefixCounts = prefixCounts
        self.splitAbove = splitAbove
    }

    /// A paper's terms and their weights, sorted by term.
    static func terms(title: String, authors: [String], tags: [String], abstract: String) -> [Term] {
        // Each word's weight from the title, authors and tags, and its
        // count in the abstract (which adds at most 3), in one table.
        var weights: [String: (fields: Int, abstract: Int)] = [:]
        // (Sized from the abstract, which has a distinct word per 10 to 13 bytes: grown from empty, the table was rehashed a few times.)
        weights.reserveCapacity(16 + abstract.utf8.count / 10)
        for word in SearchText.words(title) { weights[word, default: (0, 0)].fields += 8 }
        for name in authors { for word in SearchText.words(name) { weights[word, default: (0, 0)].fields += 6 } }
        for tag in tags { for word in SearchText.words(tag) { weights[word, default: (0, 0)].fields += 4 } }
        for word in SearchText.words(abstract) { weights[word, default: (0, 0)].abstract += 1 }
        return weights.map { ($0.key, UInt8(min($0.value.fields + min($0.value.abstract, 3), 255))) }.sorted { $0.term < $1.term }
    }

    init(titles: [String], authors: [[String]], tags: [[String]], abstracts: [String],
         splitAbove: Int = defaultSplitAbove, parallelism: Parallelism) {
        self.init(count: titles.count, splitAbove: splitAbove, parallelism: parallelism) { i in
            Self.terms(title: titles[i], authors: authors[i], tags: tags[i], abstract: abstracts[i])
        }
    }

    /// The index of `n` papers, from each paper's terms as `terms` gives them.
    init(count n: Int, splitAbove: Int = defaultSplitAbove, parallelism: Parallelism, terms paperTerms: (Int) -> [Term]) {
        self.splitAbove = splitAbove
        // 1. Each paper's terms and weights, by bucket, then term: each
        //    bucket's worker reads only its part. A chunk of papers at a
        //    time, so that only the postings stay in memory.
        let buckets = 16
        func terms(_ i: Int) -> [(term: String, weight: UInt8, bucket: UInt8)] {
            // Grouped by bucket, by counting (the order within a bucket
            // does not matter: postings are keyed by term).
            let tagged = paperTerms(i).map { ($0.term, $0.weight, UInt8(SearchText.bucket(of: $0.term, buckets: buckets))) }
            var next = [Int](repeating: 0, count: buckets + 1)
            for t in tagged { next[Int(t.2) + 1] += 1 }
            for b in 0..<buckets { next[b + 1] += next[b] }
            var grouped = tagged
            for t in tagged { grouped[next[Int(t.2)]] = t; next[Int(t.2)] += 1 }
            return grouped
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
        // 3. Shards: by two characters, by three where that is large, and so on.
        var shards: [Shard] = []
        var split: [String] = []
        var counts: [String: Int] = [:]
        for postings in filled {
            var byPrefix: [String: [(term: String, postings: Postings)]] = [:]
            for (term, list) in postings { byPrefix[SearchText.prefix(term, 2), default: []].append((term, list)) }
            for (prefix, terms) in byPrefix {
                Self.file(terms, under: prefix, splitAbove: splitAbove, shards: &shards, split: &split, counts: &counts)
            }
        }
        self.shards = shards.sorted { $0.key < $1.key }
        self.splitPrefixes = split.sorted()
        self.prefixCounts = counts
    }

    typealias Postings = [(doc: Int32, weight: UInt8)]

    /// Files `terms`, which all start with `key`, into shards by the
    /// splitting rule (`splits`), noting each prefix looked at with its
    /// postings, and the prefixes split.
    static func file(_ terms: [(term: String, postings: Postings)], under key: String, splitAbove: Int,
                     shards: inout [Shard], split: inout [String], counts: inout [String: Int]) {
        let size = terms.reduce(0) { $0 + $1.postings.count }
        counts[key] = size
        guard splits(key, postings: size, splitAbove: splitAbove) else {
            shards.append(Shard(key: key, terms: terms.sorted { $0.term < $1.term }))
            return
        }
        split.append(key)
        let length = key.unicodeScalars.count
        var byKey: [String: [(term: String, postings: Postings)]] = [:]
        for entry in terms { byKey[SearchText.prefix(entry.term, length + 1), default: []].append(entry) }
        for (longer, terms) in byKey {
            if longer == key {
                // The prefix is a word itself: the shard of that one term.
                shards.append(Shard(key: key, terms: terms))
            } else {
                file(terms, under: longer, splitAbove: splitAbove, shards: &shards, split: &split, counts: &counts)
            }
        }
    }

    static func splits(_ prefix: String, postings: Int, splitAbove: Int) -> Bool {
        postings > splitAbove && prefix.unicodeScalars.count < longestKey
    }

    /// The prefixes the splitting looks at for a term, shortest first: its
    /// first two characters, and one more while that prefix is split and
    /// the term goes on. The last is the key of the term's shard
    /// (`search.js` finds it the same way).
    static func prefixes(of term: String, split: Set<String>) -> [String] {
        var path = [SearchText.prefix(term, 2)]
        let length = term.unicodeScalars.count
        while split.contains(path[path.count - 1]), length > path.count + 1 {
            path.append(SearchText.prefix(term, path.count + 2))
        }
        return path
    }

    /// `terms/<key>.js`
    static func shardFile(_ key: String) -> String { "search/terms/\(SearchText.fileName(key)).js" }
    static func docsFile(_ n: Int) -> String { "search/docs/\(n).js" }
    static func tagFile(_ slug: String) -> String { "search/tags/\(slug).js" }
    static func yearFile(_ year: Int) -> String { "search/years/\(year).js" }
    static let manifestFile = "search/index.js"

    /// The search file `file` (`search/terms/di.js`) holding `json`: a call
    /// that gives the JSON to the search page, named as `search.js` asks
    /// for it (`terms/di`). JSON is a JavaScript expression as it is.
    static func script(_ file: String, json: String) -> String {
        let name = file.dropFirst("search/".count).dropLast(".js".count)
        // (By the UTF-8 view: `dropLast()` on the string counted its characters from the start.)
        let bytes = json.utf8
        let end = bytes.last == UInt8(ascii: "\n") ? bytes.index(before: bytes.endIndex) : bytes.endIndex
        return "papersiteSearchData(" + JSONText.encode(.string(String(name))) + ", " + json[..<end] + ");\n"
    }

    /// A shard's file, named `file`: `script(_:json:)` around its terms'
    /// JSON, made as bytes in one buffer. An added paper rewrites a shard for
    /// each start of its words (dozens, of up to 60 KB), and
    /// making them through strings was a tenth of that rebuild's time.
    static func shardFile(_ shard: Shard, name file: String) -> [UInt8] {
        let terms = shard.terms
        var out: [UInt8] = []
        out.reserveCapacity(64 + terms.reduce(0) { $0 + 16 + $1.postings.count * 6 })
        out.append(contentsOf: "papersiteSearchData(".utf8)
        out.append(contentsOf: JSONText.encode(.string(String(file.dropFirst("search/".count).dropLast(".js".count)))).utf8)
        out.append(contentsOf: ", {".utf8)
        for (k, entry) in terms.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendTerm(entry.term, to: &out)
            out.append(contentsOf: ":[".utf8)
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
        out.append(contentsOf: "});\n".utf8)
        return out
    }

    /// A term as a JSON string. Terms are folded words (letters and
    /// digits), copied as they are; one with a byte JSON or a script
    /// element would escape goes through `JSONText`.
    private static func appendTerm(_ term: String, to out: inout [UInt8]) {
        var term = term
        let plain = term.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0xE2 }) else { return false }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: bytes)
            out.append(UInt8(ascii: "\""))
            return true
        }
        if !plain { out.append(contentsOf: JSONText.encode(.string(term)).utf8) }
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
        out.append(contentsOf: "]\n".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decimal digits, appended in place: a string and an array made per
    /// number were most of the time a shard of a large site took. Most
    /// numbers here (weights, gaps between ids) have one digit.
    private static func append(_ number: Int, to out: inout [UInt8]) {
        if number < 0 { out.append(UInt8(ascii: "-")) }
        var value = number.magnitude
        if value < 10 { out.append(UInt8(truncatingIfNeeded: 48 + value)); return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(truncatingIfNeeded: 48 + value % 10)
                value /= 10
            } while value > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }
}
