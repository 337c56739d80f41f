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
        /// A hash of the terms (with a cache: names the shard's stored copy
        /// and is its file's fingerprint).
        var hash: UInt64 = 0
        /// False when only the key and hash are known (the terms are in the cache).
        var loaded = true
    }

    typealias Term = (term: String, weight: UInt8)

    var shards: [Shard]
    /// Two-character prefixes whose terms are split into three-character shards.
    var splitPrefixes: [String]
    /// Postings under each two-character prefix (what decides the splits).
    var prefixCounts: [String: Int] = [:]
    let splitAbove: Int

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
        var weights: [String: Int] = [:]
        for word in SearchText.words(title) { weights[word, default: 0] += 8 }
        for name in authors { for word in SearchText.words(name) { weights[word, default: 0] += 6 } }
        for tag in tags { for word in SearchText.words(tag) { weights[word, default: 0] += 4 } }
        var inAbstract: [String: Int] = [:]
        for word in SearchText.words(abstract) { inAbstract[word, default: 0] += 1 }
        for (word, count) in inAbstract { weights[word, default: 0] += min(count, 3) }
        return weights.map { ($0.key, UInt8(min($0.value, 255))) }.sorted { $0.term < $1.term }
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
            paperTerms(i).map { ($0.term, $0.weight, UInt8(SearchText.bucket(of: $0.term, buckets: buckets))) }
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
        var counts: [String: Int] = [:]
        for postings in filled {
            var byPrefix: [String: [String]] = [:]
            for term in postings.keys { byPrefix[SearchText.prefix(term, 2), default: []].append(term) }
            for (prefix, terms) in byPrefix {
                let size = terms.reduce(0) { $0 + postings[$1]!.count }
                counts[prefix] = size
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
        self.prefixCounts = counts
    }

    /// The shard a term is filed in.
    func shardKey(of term: String) -> String {
        let two = SearchText.prefix(term, 2)
        return splitPrefixes.contains(two) ? SearchText.prefix(term, 3) : two
    }

    /// Applies edits to papers (same ids, new terms) to the shards they
    /// touch, loading those with `load`. Returns false, changing nothing,
    /// when the edits would change which prefixes are split, or a shard
    /// cannot be loaded (then the whole index is made again).
    mutating func update(_ edits: [(doc: Int32, old: [Term], new: [Term])], load: (Shard) -> Shard?) -> Bool {
        var counts = prefixCounts
        var touched: [String: [(doc: Int32, term: String, weight: UInt8?)]] = [:]   // shard key → removals (nil) and additions
        for edit in edits {
            // Only the terms whose weight changed (or that came or went):
            // a shard is read and written again whole for any change in it.
            let before = Dictionary(edit.old.map { ($0.term, $0.weight) }, uniquingKeysWith: { a, _ in a })
            let after = Dictionary(edit.new.map { ($0.term, $0.weight) }, uniquingKeysWith: { a, _ in a })
            let distinct = before.count == edit.old.count && after.count == edit.new.count
            for term in edit.old where !distinct || after[term.term] != term.weight {
                counts[SearchText.prefix(term.term, 2), default: 0] -= 1
                touched[shardKey(of: term.term), default: []].append((edit.doc, term.term, nil))
            }
            for term in edit.new where !distinct || before[term.term] != term.weight {
                counts[SearchText.prefix(term.term, 2), default: 0] += 1
                touched[shardKey(of: term.term), default: []].append((edit.doc, term.term, term.weight))
            }
        }
        let split = Set(splitPrefixes)
        for (prefix, count) in counts where (count > splitAbove) != split.contains(prefix) { return false }
        var byKey = Dictionary(shards.enumerated().map { ($0.element.key, $0.offset) }, uniquingKeysWith: { a, _ in a })
        var updated = shards
        for (key, changes) in touched.sorted(by: { $0.key < $1.key }) {
            var shard: Shard
            if let at = byKey[key] {
                guard let full = updated[at].loaded ? updated[at] : load(updated[at]) else { return false }
                shard = full
            } else {
                shard = Shard(key: key, terms: [])
            }
            var terms = Dictionary(shard.terms.map { ($0.term, $0.postings) }, uniquingKeysWith: { a, _ in a })
            for change in changes where change.weight == nil {
                terms[change.term]?.removeAll { $0.doc == change.doc }
            }
            for change in changes {
                guard let weight = change.weight else { continue }
                terms[change.term, default: []].append((change.doc, weight))
            }
            shard.terms = terms.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
                .map { ($0.key, $0.value.sorted { $0.doc < $1.doc }) }
            shard.loaded = true
            shard.hash = 0
            if let at = byKey[key] {
                updated[at] = shard
            } else {
                updated.append(shard)
                byKey[key] = updated.count - 1
            }
        }
        shards = updated.filter { !$0.loaded || !$0.terms.isEmpty }.sorted { $0.key < $1.key }
        prefixCounts = counts.filter { $0.value > 0 }
        return true
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

/// The search index in the build cache: each paper's terms (by what they
/// are made from), each shard (by the hash of its bytes), and the state of
/// the last build's index (which terms each paper had, the shards, the
/// split prefixes), from which a rebuild after a few edits updates only the
/// shards those papers' old and new terms fall in.
extension SearchIndex {
    static func encode(_ terms: [Term]) -> [UInt8] {
        var w = ByteWriter(capacity: terms.count * 12)
        w.uint(UInt64(terms.count))
        for term in terms { w.string(term.term); w.uint(UInt64(term.weight)) }
        return w.bytes
    }

    static func decodeTerms(_ r: inout ByteReader) -> [Term]? {
        let count = Int(clamping: r.uint())
        guard count <= r.buffer.count else { return nil }
        return (0..<count).map { _ in (r.string(), UInt8(truncatingIfNeeded: r.uint())) }
    }

    static func encode(_ shard: Shard) -> [UInt8] {
        var w = ByteWriter(capacity: 1024)
        w.string(shard.key)
        w.uint(UInt64(shard.terms.count))
        for entry in shard.terms {
            w.string(entry.term)
            // In bulk (a shard is read and written whole when one of its
            // terms changes), as two arrays: a tuple's padding bytes would
            // make equal shards differ.
            w.array(entry.postings.map(\.doc)); w.array(entry.postings.map(\.weight))
        }
        return w.bytes
    }

    static func decodeShard(_ r: inout ByteReader) -> Shard? {
        let key = r.string()
        let count = Int(clamping: r.uint())
        guard count <= r.buffer.count else { return nil }
        var terms: [(term: String, postings: [(doc: Int32, weight: UInt8)])] = []
        terms.reserveCapacity(count)
        for _ in 0..<count {
            let term = r.string()
            let docs = r.array(of: Int32.self), weights = r.array(of: UInt8.self)
            guard docs.count == weights.count else { return nil }
            terms.append((term, (0..<docs.count).map { (docs[$0], weights[$0]) }))
        }
        return Shard(key: key, terms: terms)
    }

    static func shardCacheKey(_ hash: UInt64) -> UInt64 { Fingerprint.of { $0.add("search shard"); $0.add(hash) } }

    /// What the next build starts from.
    struct State {
        var docKeys: [UInt64]
        var index: SearchIndex

        func encode() -> [UInt8] {
            var w = ByteWriter(capacity: docKeys.count * 8 + index.shards.count * 16 + 1024)
            w.uint(UInt64(docKeys.count))
            for key in docKeys { w.fixed(key) }
            w.strings(index.splitPrefixes)
            w.uint(UInt64(index.prefixCounts.count))
            for (prefix, count) in index.prefixCounts.sorted(by: { $0.key < $1.key }) { w.string(prefix); w.uint(UInt64(count)) }
            w.uint(UInt64(index.shards.count))
            for shard in index.shards { w.string(shard.key); w.fixed(shard.hash) }
            return w.bytes
        }

        static func decode(_ r: inout ByteReader) -> State? {
            let n = Int(clamping: r.uint())
            guard n <= r.buffer.count / 8 else { return nil }
            let docKeys = (0..<n).map { _ in r.fixed() }
            let split = r.strings()
            let prefixes = Int(clamping: r.uint())
            guard prefixes <= r.buffer.count else { return nil }
            var counts: [String: Int] = [:]
            for _ in 0..<prefixes { let prefix = r.string(); counts[prefix] = Int(clamping: r.uint()) }
            let shardCount = Int(clamping: r.uint())
            guard shardCount <= r.buffer.count else { return nil }
            let shards = (0..<shardCount).map { _ in Shard(key: r.string(), terms: [], hash: r.fixed(), loaded: false) }
            return State(docKeys: docKeys, index: SearchIndex(shards: shards, splitPrefixes: split, prefixCounts: counts))
        }
    }

    /// Stores each shard that has no hash yet, and gives it one.
    mutating func storeShards(in cache: CacheStore, parallelism: Parallelism) {
        let pending = shards.indices.filter { shards[$0].loaded && shards[$0].hash == 0 }
        let hashes = parallelism.map(pending.count) { k -> UInt64 in
            let bytes = Self.encode(shards[pending[k]])
            let hash = bytes.withUnsafeBytes { ContentHash.of($0) }
            cache.put(Self.shardCacheKey(hash), bytes)
            return hash
        }
        for (k, i) in pending.enumerated() { shards[i].hash = hashes[k] }
    }

    /// Drops the terms of the shards stored in the cache (they are read
    /// back one at a time when their files are written).
    mutating func unloadStored() {
        for i in shards.indices where shards[i].hash != 0 {
            shards[i].terms = []
            shards[i].loaded = false
        }
    }

    /// Loads the terms of the shards known only by hash (false if one is missing from the cache).
    mutating func loadShards(_ which: [Int], from cache: CacheStore) -> Bool {
        for i in which where !shards[i].loaded {
            guard let shard = cache.get(Self.shardCacheKey(shards[i].hash), Self.decodeShard), shard.key == shards[i].key else { return false }
            shards[i].terms = shard.terms
            shards[i].loaded = true
        }
        return true
    }
}
