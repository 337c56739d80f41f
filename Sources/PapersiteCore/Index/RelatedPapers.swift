import Foundation
import CSystemShims

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
/// lower number (the build numbers papers with `Numbering`), so the result
/// never depends on threads.
///
/// Written by hand: no library on this machine does text similarity in
/// Swift, and the whole computation is short.
struct RelatedPapers {
    var count: Int
    var minimumScore: Float = 0.10
    /// Sites up to this many papers count every paper in a term's
    /// frequency (see `epoch`): computing everything after an addition
    /// takes them under a tenth of a second.
    var exactUpTo = 2048
    var queryTerms = 40
    var indexedTerms = 100
    var postingsPerTerm = 100
    /// A tag counts as much as a word said this many times.
    var tagWeight: Float = 3
    /// Papers tokenised at a time (bounds the memory of the counting pass).
    var chunk = 4096
    /// Papers whose vectors are read back from the cache at a time (about
    /// 50 MB of them; see `RelatedPostings.swift`).
    var piece = 65536
    /// The largest delta kept beside a body of `postings` entries (see `RelatedState`).
    var deltaLimit: (_ postings: Int) -> Int = { max(4096, $0 / 8) }
    /// The most papers an edit or addition may give new weights before
    /// computing everything is cheaper than following it (of `n` papers).
    var affectedLimit: (_ papers: Int) -> Int = { max(64, $0 / 3) }

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

    /// The same, packed as the cache keeps them (`PackedTerms`).
    func packedTerms(title: String, text: String, tags: [String]) -> [UInt8] {
        PackedTerms.encode(terms(title: title, text: text, tags: tags))
    }

    /// For each paper (in the given order), the indices of its related papers.
    func compute(titles: [String], texts: [String], tags: [[String]] = [], parallelism: Parallelism) -> [[Int]] {
        // (Split once: the computation reads each paper's terms twice.)
        let packed = parallelism.map(titles.count) { i in packedTerms(title: titles[i], text: texts[i], tags: i < tags.count ? tags[i] : []) }
        return compute(count: titles.count, parallelism: parallelism) { i, body in packed[i].withUnsafeBytes { body(PackedTerms($0)) } }
    }

    /// The same, from each paper's terms as `packedTerms` makes them:
    /// `withTerms(i, body)` calls `body` with paper i's terms (twice per
    /// paper, from any thread: they may be read in place from a cache).
    func compute(count n: Int, parallelism: Parallelism, withTerms: (Int, (PackedTerms) -> Void) -> Void) -> [[Int]] {
        compute(count: n, parallelism: parallelism, body: nil, withTerms: withTerms).lists.map(\.list)
    }

    /// The same, storing what `RelatedState.update` needs to follow an edit
    /// without computing everything again: the body's tables through
    /// `body` (`bodyStored`: whether all were written), and each shard of
    /// the document frequencies through `dfShard` as it is made (from any
    /// thread), so that they are never all in memory.
    func compute(count n: Int, parallelism: Parallelism, body: BodyWriter?, dfShard: ((Int, [UInt8]) -> Void)? = nil,
                 withTerms: (Int, (PackedTerms) -> Void) -> Void) -> (lists: [ScoredList], bodyStored: Bool) {
        guard count > 0, n > 1 else { return (Array(repeating: ScoredList(), count: n), false) }

        // 1. Document frequencies (among all papers, and among the first
        //    `epoch`, which weigh: see `epoch`), in a fixed number of
        //    shards by hash (so the ids never depend on the number of
        //    threads), and every
        //    paper's terms as ids (grouped by shard), so that step 2 looks
        //    nothing up. (Their counts are read again there rather than
        //    kept: on a large site they would be one of the largest tables
        //    here.) The ids are kept a chunk of papers to a table (paper
        //    i's from `first[i]` less its chunk's first), with where each
        //    paper's shards start in it; with a state to store, they wait
        //    for step 2 in a scratch file beside the cache, which reads
        //    them back one chunk at a time (at a million papers they were
        //    0.7 GB, as much as the term tables they were counted with).
        var vocabulary = Vocabulary()
        let epoch = epoch(n)
        var first = [Int](repeating: 0, count: n + 1)
        let scratch = body.flatMap { ScratchFile(folder: $0.cache.folder) }
        let idChunks = SpilledTables<Int32>(file: scratch), startChunks = SpilledTables<Int32>(file: scratch)
        for start in stride(from: 0, to: n, by: chunk) {
            let end = min(n, start + chunk)
            let grouped = parallelism.map(end - start) { k in
                var paper = Vocabulary.Grouped()
                withTerms(start + k) { paper = Vocabulary.byShard($0) }
                return paper
            }
            var shardStarts: [Int32] = []
            shardStarts.reserveCapacity(grouped.count * (Vocabulary.shards + 1))
            for (k, paper) in grouped.enumerated() {
                first[start + k + 1] = first[start + k] + paper.hashes.count
                shardStarts += paper.starts
            }
            var ids = [Int32](repeating: 0, count: first[end] - first[start])
            let offsets = first[start..<end].map { $0 - first[start] }
            ids.withUnsafeMutableBufferPointer { buffer in
                vocabulary.count(grouped, inPrefix: max(0, min(end, epoch) - start), offsets: offsets[...], into: UnsafeSendableBuffer(buffer), parallelism: parallelism)
            }
            idChunks.append(ids)
            startChunks.append(shardStarts)
        }
        vocabulary.assignIDs()
        // Each term's inverse document frequency, by id (zero for a word
        // only one paper has: it links that paper to nothing).
        let logN = Self.logN(n)
        let termCount = vocabulary.total
        let bases = vocabulary.shardBases
        var hashOf = vocabulary.takeHashesByID(parallelism: parallelism)
        if body != nil, let dfShard { vocabulary.forEachDFShard(hashes: hashOf, parallelism: parallelism, dfShard) }
        var idf = vocabulary.frequencies(parallelism: parallelism) { df in Self.idf(df: df.prefix, logN: logN) }
        vocabulary = Vocabulary()
        // Each term's hash waits for step 3 likewise, a piece at a time.
        let hashPieces = SpilledTables<UInt64>(file: scratch), hashPiece = 1 << 20
        for from in stride(from: 0, to: termCount, by: hashPiece) { hashPieces.append(Array(hashOf[from..<min(termCount, from + hashPiece)])) }
        hashOf = []
        // The vocabulary's tables go back to the system now rather than at
        // the stage's end, so that step 4's postings are not made on top of
        // them (and step 3's tables likewise: at 100,000 papers the build's
        // peak went from 497 to 456 MiB).
        papersite_release_free_memory()

        // 2. Each paper's weights, normalised to length 1, heaviest first:
        //    the first `queryTerms` to search with, the first `indexedTerms`
        //    to be found under. Weights are positive, so their bit patterns
        //    sort as they do; sorting (weight, position) sorts ties by the
        //    order of step 1. Made a chunk of papers at a time into flat
        //    tables (`Vectors`).
        var vectors = Vectors()
        vectors.start.reserveCapacity(n + 1)
        vectors.termIDs.reserveCapacity(min(first[n], n * max(queryTerms, indexedTerms)))
        vectors.weights.reserveCapacity(vectors.termIDs.capacity)
        for (c, start) in stride(from: 0, to: n, by: chunk).enumerated() {
            let base = first[start], width = Vocabulary.shards + 1
            guard var ids = idChunks.take(c), let shardStarts = startChunks.take(c) else {
                return compute(count: n, parallelism: parallelism, body: nil, withTerms: withTerms)   // a failing disk
            }
            // Ids within a shard made the vocabulary's (shard s's from `bases[s]`).
            ids.withUnsafeMutableBufferPointer { buffer in
                let slots = UnsafeSendableBuffer(buffer)
                parallelism.forEach(min(n, start + chunk) - start) { k in
                    for s in 0..<Vocabulary.shards {
                        let range = Int(shardStarts[k * width + s])..<Int(shardStarts[k * width + s + 1])
                        for j in range { slots[first[start + k] - base + j] += bases[s] }
                    }
                }
            }
            let made = parallelism.mapWithScratch(min(n, start + chunk) - start, makeScratch: { VectorScratch<Int32>() }) { k, scratch in
                let range = first[start + k] - base..<first[start + k + 1] - base
                var counts = scratch.counts
                withTerms(start + k) { Vocabulary.countsByShard($0, into: &counts) }
                defer { scratch.counts = counts }
                return vector(range.count, term: { ids[range.lowerBound + $0] }, count: { counts[$0] },
                              idf: { idf[Int(ids[range.lowerBound + $0])] }, scratch: &scratch)
            }
            for vector in made {
                for entry in vector { vectors.termIDs.append(UInt32(entry.term)); vectors.weights.append(entry.weight) }
                vectors.start.append(UInt32(vectors.termIDs.count))
            }
        }

        // (Step 2's tables go before step 3 makes its own.)
        idf = []
        first = []

        // 3. The terms of the vectors, numbered anew in hash order (as a
        //    state keeps them). A term's number never changes a result:
        //    ties go by weight and position, not number.
        var renumbered = [Int32](repeating: -1, count: termCount)
        for id in vectors.termIDs { renumbered[Int(id)] = 0 }
        var used: [(hash: UInt64, id: Int32)] = []
        used.reserveCapacity(renumbered.count(where: { $0 == 0 }))
        for (k, from) in stride(from: 0, to: termCount, by: hashPiece).enumerated() {
            guard let hashes = hashPieces.take(k) else { return compute(count: n, parallelism: parallelism, body: nil, withTerms: withTerms) }
            for (j, hash) in hashes.enumerated() where renumbered[from + j] == 0 { used.append((hash, Int32(from + j))) }
        }
        used.sort { $0.hash < $1.hash }
        for (k, term) in used.enumerated() { renumbered[Int(term.id)] = Int32(k) }
        let termHashes = used.map(\.hash)
        used = []
        let vectorStart = vectors.start
        vectors.termIDs.withUnsafeMutableBufferPointer { buffer in
            let slots = UnsafeSendableBuffer(buffer)
            parallelism.forEach(n) { i in
                for v in Int(vectorStart[i])..<Int(vectorStart[i + 1]) { slots[v] = UInt32(renumbered[Int(slots[v])]) }
            }
        }
        renumbered = []
        papersite_release_free_memory()

        // 4. The inverted index (`RelatedPostings.swift`).
        guard let (lists, source, bodyStored) = invertedIndex(consume vectors, termHashes: termHashes, body: body, parallelism: parallelism) else {
            // (The stored vectors could not be read back: a failing disk.)
            return compute(count: n, parallelism: parallelism, body: nil, withTerms: withTerms)
        }

        // 5. Scores by accumulation, one paper at a time (through raw
        //    pointers: the inner loop runs tens of millions of times), a
        //    piece of the papers at a time.
        let query = queryTerms
        var scored: [ScoredList] = []
        scored.reserveCapacity(n)
        for papers in source.pieces() {
            let read = source.withEntries(of: papers) { termIDs, weights, first in
                let start = source.start
                scored += parallelism.mapWithScratch(papers.count, makeScratch: { Scores(count: n) }, release: { $0.release() }) { k, scores -> ScoredList in
                    let i = papers.lowerBound + k, from = Int(start[i]) - first
                    for v in from..<min(Int(start[i + 1]) - first, from + query) {
                        scores.add(weights[v], lists.list(Int(termIDs[v])), skipping: Int32(i))
                    }
                    return scores.best(count, threshold: minimumScore)
                }
            }
            guard read else { return compute(count: n, parallelism: parallelism, body: nil, withTerms: withTerms) }
        }
        return (scored, bodyStored)
    }

    /// One worker's score table: a score per paper and the papers touched.
    struct Scores {
        let scores: UnsafeMutablePointer<Float>
        let touched: UnsafeMutablePointer<Int32>
        var found = 0

        init(count: Int) {
            scores = .allocate(capacity: count)
            scores.initialize(repeating: 0, count: count)
            touched = .allocate(capacity: count)
        }

        func release() { scores.deallocate(); touched.deallocate() }

        /// Adds `weight` times each posting's weight to its paper's score.
        @inline(__always)
        mutating func add(_ weight: Float, _ postings: UnsafeBufferPointer<Posting>, skipping me: Int32) {
            for post in postings where post.paper != me {
                let p = Int(post.paper)
                if scores[p] == 0 { touched[found] = post.paper; found += 1 }
                scores[p] += weight * post.weight
            }
        }

        /// The `count` best papers scoring at least `threshold`, with their
        /// scores, best first; clears the table.
        mutating func best(_ count: Int, threshold: Float) -> ScoredList {
            var best = taken(threshold: threshold)
            best.sort(by: ScoredList.before)
            return ScoredList(best.prefix(count))
        }

        /// Every paper scoring at least `threshold`, unsorted; clears the table.
        mutating func taken(threshold: Float) -> [(paper: Int32, score: Float)] {
            var taken: [(paper: Int32, score: Float)] = []
            for t in 0..<found {
                let p = Int(touched[t])
                let s = scores[p]
                scores[p] = 0
                if s >= threshold { taken.append((Int32(p), s)) }
            }
            found = 0
            return taken
        }
    }

    /// A paper's related papers with their scores, best first (the scores
    /// let an update keep what an edit cannot have changed: see
    /// `RelatedPapers.rescore`).
    struct ScoredList {
        var papers: [Int32] = []
        var scores: [Float] = []

        init() {}
        init(_ entries: some Sequence<(paper: Int32, score: Float)>) {
            for entry in entries { papers.append(entry.paper); scores.append(entry.score) }
        }

        var list: [Int] { papers.map { Int($0) } }

        /// The order of a list: the higher score first, then the lower number.
        static func before(_ a: (paper: Int32, score: Float), _ b: (paper: Int32, score: Float)) -> Bool {
            a.score != b.score ? a.score > b.score : a.paper < b.paper
        }
    }

    struct Posting { var paper: Int32; var weight: Float }

    /// A paper's terms as the cache keeps them and `compute` reads them:
    /// per term its 64-bit hash and its count (a 32-bit float), 12 bytes,
    /// little-endian, in hash order. Read in place (no decoding).
    struct PackedTerms {
        static let stride = 12
        let bytes: UnsafeRawBufferPointer
        init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }
        var count: Int { bytes.count / Self.stride }
        func hash(_ k: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: k * Self.stride, as: UInt64.self)) }
        func count(_ k: Int) -> Float {
            Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: k * Self.stride + 8, as: UInt32.self)))
        }

        static func encode(_ terms: [TextTerms.Count]) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: terms.count * stride)
            bytes.withUnsafeMutableBytes { raw in
                for (k, term) in terms.enumerated() {
                    raw.storeBytes(of: term.hash.littleEndian, toByteOffset: k * stride, as: UInt64.self)
                    raw.storeBytes(of: term.count.bitPattern.littleEndian, toByteOffset: k * stride + 8, as: UInt32.self)
                }
            }
            return bytes
        }
    }
}
