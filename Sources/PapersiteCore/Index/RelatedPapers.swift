import Foundation

/// Related papers by the text of their titles and abstracts (and their
/// tags): TF-IDF vectors over words and pairs of neighbouring words, with
/// stop words removed, compared by cosine, without comparing all pairs.
///
/// Each paper is filed in an inverted index under its `indexedTerms`
/// heaviest terms, and each term keeps only its `postingsPerTerm` heaviest
/// papers (a term that thousands of papers share says little about any of
/// them, and keeping them all would make the work grow with the square of
/// the corpus). A paper then looks for others through its `queryTerms`
/// heaviest terms, adding up the products of the weights. Its related
/// papers are the candidates whose score passes `minimumScore` (so an
/// unusual paper shows none rather than filler), best first; ties go to the
/// newer paper, then the earlier in the site's order, so the result never
/// depends on threads.
///
/// Written by hand: no library on this machine does text similarity in
/// Swift, and the whole computation is short.
struct RelatedPapers {
    var count: Int
    var minimumScore: Float = 0.10
    var queryTerms = 40
    var indexedTerms = 100
    var postingsPerTerm = 100
    /// A tag counts as much as a word said this many times.
    var tagWeight: Float = 3
    /// Papers tokenised at a time (bounds the memory of the counting pass).
    var chunk = 4096

    /// One paper's terms with their counts, sorted by hash: a title word
    /// counts twice, a tag `tagWeight` times.
    func terms(title: String, text: String, tags: [String]) -> [TextTerms.Count] {
        // Each occurrence as its hash; sorting plain integers is the fast way to count.
        var list: [UInt64] = []
        list.reserveCapacity(256)
        TextTerms.forEachTerm(in: title) { list.append($0); list.append($0) }
        TextTerms.forEachTerm(in: text) { list.append($0) }
        for tag in tags {
            let hash = TextTerms.hash("#" + tag)
            for _ in 0..<Int(tagWeight) { list.append(hash) }
        }
        return TextTerms.counted(list)
    }

    /// For each paper (in the given order), the indices of its related papers.
    func compute(titles: [String], texts: [String], tags: [[String]] = [], parallelism: Parallelism) -> [[Int]] {
        compute(count: titles.count, parallelism: parallelism) { i in
            terms(title: titles[i], text: texts[i], tags: i < tags.count ? tags[i] : [])
        }
    }

    /// The same, from each paper's terms as `terms(_:)` gives them (called
    /// twice per paper, from any thread: it may read them from a cache).
    func compute(count n: Int, parallelism: Parallelism, terms: (Int) -> [TextTerms.Count]) -> [[Int]] {
        guard count > 0, n > 1 else { return Array(repeating: [], count: n) }

        // 1. Document frequencies, in a fixed number of shards by hash (so
        //    the ids never depend on the number of threads).
        var vocabulary = Vocabulary()
        for start in stride(from: 0, to: n, by: chunk) {
            let end = min(n, start + chunk)
            let counted = parallelism.map(end - start) { Vocabulary.byShard(terms(start + $0)) }
            vocabulary.count(counted, parallelism: parallelism)
        }
        vocabulary.assignIDs()
        let counts = vocabulary   // read-only from here, on every thread

        // 2. Each paper's weights, normalised to length 1: the heaviest
        //    terms to search with and to be found under. (The texts are
        //    split into terms again rather than kept from step 1: keeping
        //    them would hold every paper's terms in memory at once.)
        let logN = log(Float(n))
        let vectors: [(query: [Weighted], indexed: [Weighted])] = parallelism.map(n) { i in
            var entries: [(hash: UInt64, entry: Weighted)] = []
            for term in terms(i) {
                let (id, df) = counts.lookup(term.hash)
                guard df > 1 else { continue }               // a word only this paper has links it to nothing
                let weight = (1 + log(term.count)) * (logN - log(Float(df)))
                if weight > 0 { entries.append((term.hash, Weighted(id: id, weight: weight))) }
            }
            let norm = entries.reduce(0) { $0 + $1.entry.weight * $1.entry.weight }.squareRoot()
            guard norm > 0 else { return ([], []) }
            entries.sort { $0.entry.weight != $1.entry.weight ? $0.entry.weight > $1.entry.weight : $0.hash < $1.hash }
            let normalised = entries.prefix(max(queryTerms, indexedTerms)).map { Weighted(id: $0.entry.id, weight: $0.entry.weight / norm) }
            return (Array(normalised.prefix(queryTerms)), Array(normalised.prefix(indexedTerms)))
        }

        // 3. The inverted index, as one flat array (term by term, papers in
        //    order), each term's list cut to its heaviest papers.
        let terms = counts.total
        var starts = [Int](repeating: 0, count: terms + 1)
        for vector in vectors { for entry in vector.indexed { starts[Int(entry.id) + 1] += 1 } }
        for t in 0..<terms { starts[t + 1] += starts[t] }
        var postings = [Posting](repeating: Posting(paper: 0, weight: 0), count: starts[terms])
        var fill = starts
        for (i, vector) in vectors.enumerated() {
            for entry in vector.indexed {
                postings[fill[Int(entry.id)]] = Posting(paper: Int32(i), weight: entry.weight)
                fill[Int(entry.id)] += 1
            }
        }
        let limit = postingsPerTerm
        var lengths = [Int](repeating: 0, count: terms)
        postings.withUnsafeMutableBufferPointer { all in
            let flat = UnsafeSendableBuffer(all)
            lengths.withUnsafeMutableBufferPointer { lengthBuffer in
                let lengthSlots = UnsafeSendableBuffer(lengthBuffer)
                parallelism.forEach(terms) { t in
                    let range = starts[t]..<starts[t + 1]
                    if range.count > limit {
                        var slice = UnsafeMutableBufferPointer(rebasing: flat.buffer[range])
                        slice.sort { $0.weight != $1.weight ? $0.weight > $1.weight : $0.paper < $1.paper }
                    }
                    lengthSlots[t] = min(range.count, limit)
                }
            }
        }

        // 4. Scores by accumulation, one paper at a time.
        let k = count, threshold = minimumScore
        return parallelism.mapWithScratch(n, makeScratch: { [Float](repeating: 0, count: n) }) { i, scores in
            var touched: [Int32] = []
            for entry in vectors[i].query {
                let start = starts[Int(entry.id)]
                for post in postings[start..<start + lengths[Int(entry.id)]] where Int(post.paper) != i {
                    if scores[Int(post.paper)] == 0 { touched.append(post.paper) }
                    scores[Int(post.paper)] += entry.weight * post.weight
                }
            }
            var best: [(paper: Int32, score: Float)] = []
            for p in touched {
                let s = scores[Int(p)]
                scores[Int(p)] = 0
                if s >= threshold { best.append((p, s)) }
            }
            // Papers are newest first, so a lower index is the newer paper.
            best.sort { $0.score != $1.score ? $0.score > $1.score : $0.paper < $1.paper }
            return best.prefix(k).map { Int($0.paper) }
        }
    }

    struct Weighted { var id: Int32; var weight: Float }
    struct Posting { var paper: Int32; var weight: Float }

    /// Term hashes → dense ids and document frequencies, split into shards
    /// that parallel workers fill independently.
    struct Vocabulary {
        static let shards = 16
        struct Shard {
            var ids = HashTable()
            var frequencies: [Int32] = []
        }
        private var parts = [Shard](repeating: Shard(), count: shards)
        private var bases = [Int32](repeating: 0, count: shards)
        private(set) var total = 0

        /// A paper's term hashes grouped by shard, with where each shard's group starts.
        static func byShard(_ terms: [TextTerms.Count]) -> (hashes: [UInt64], starts: [Int32]) {
            var starts = [Int32](repeating: 0, count: shards + 1)
            for term in terms { starts[Int(term.hash % UInt64(shards)) + 1] += 1 }
            for s in 0..<shards { starts[s + 1] += starts[s] }
            var fill = starts
            var hashes = [UInt64](repeating: 0, count: terms.count)
            for term in terms {
                let s = Int(term.hash % UInt64(shards))
                hashes[Int(fill[s])] = term.hash
                fill[s] += 1
            }
            return (hashes, starts)
        }

        /// Counts these papers' terms, each shard on its own worker.
        mutating func count(_ papers: [(hashes: [UInt64], starts: [Int32])], parallelism: Parallelism) {
            parts.withUnsafeMutableBufferPointer { buffer in
                let slots = UnsafeSendableBuffer(buffer)
                parallelism.forEach(Self.shards) { s in
                    var part = slots[s]
                    slots[s] = Shard()                       // keep `part` uniquely referenced
                    for paper in papers {
                        for k in Int(paper.starts[s])..<Int(paper.starts[s + 1]) {
                            let id = part.ids.insert(paper.hashes[k], value: Int32(part.frequencies.count))
                            if Int(id) == part.frequencies.count { part.frequencies.append(1) } else { part.frequencies[Int(id)] += 1 }
                        }
                    }
                    slots[s] = part
                }
            }
        }

        mutating func assignIDs() {
            var base: Int32 = 0
            for s in 0..<Self.shards { bases[s] = base; base += Int32(parts[s].frequencies.count) }
            total = Int(base)
        }

        func lookup(_ hash: UInt64) -> (id: Int32, df: Int32) {
            let s = Int(hash % UInt64(Self.shards))
            guard let local = parts[s].ids.find(hash) else { return (0, 0) }
            return (bases[s] + local, parts[s].frequencies[Int(local)])
        }
    }
}

/// UInt64 keys (already well-mixed hashes) → Int32, open addressing with
/// linear probing. Written by hand: Swift's Dictionary hashes every key
/// again with SipHash, which made counting a large corpus's terms slow.
struct HashTable: Sendable {
    private var keys: [UInt64] = []
    private var values: [Int32] = []
    private var count = 0
    private var mask = 0

    /// The key's value; if the key is new, it gets `value`.
    mutating func insert(_ key: UInt64, value: Int32) -> Int32 {
        if (count + 1) * 2 > keys.count { grow() }
        let k = key == 0 ? 1 : key
        var slot = Int(truncatingIfNeeded: k >> 7) & mask
        while true {
            let found = keys[slot]
            if found == k { return values[slot] }
            if found == 0 { keys[slot] = k; values[slot] = value; count += 1; return value }
            slot = (slot + 1) & mask
        }
    }

    func find(_ key: UInt64) -> Int32? {
        guard !keys.isEmpty else { return nil }
        let k = key == 0 ? 1 : key
        var slot = Int(truncatingIfNeeded: k >> 7) & mask
        while true {
            let found = keys[slot]
            if found == k { return values[slot] }
            if found == 0 { return nil }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        let capacity = max(1024, keys.count * 2)
        keys = [UInt64](repeating: 0, count: capacity)
        values = [Int32](repeating: 0, count: capacity)
        mask = capacity - 1
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
    func mapWithScratch<T, S>(_ count: Int, makeScratch: () -> S, _ transform: (Int, inout S) -> T) -> [T] {
        let workers = Swift.max(1, Swift.min(effectiveThreads, count))
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = UnsafeSendableBuffer(buffer)
            // Contiguous chunks per worker: each owns its scratch.
            let chunk = (count + workers - 1) / workers
            forEach(workers) { w in
                var scratch = makeScratch()
                let start = w * chunk, end = Swift.min(count, start + chunk)
                guard start < end else { return }
                for i in start..<end { slots[i] = transform(i, &scratch) }
            }
        }
        return results.map { $0! }
    }
}
