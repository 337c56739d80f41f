import Foundation

/// What the last build's related papers were computed from, kept in the
/// build cache so that an edit to a few papers recomputes only what it can
/// change, with the same result to the bit as computing everything again.
///
/// An edit changes the document frequency of the terms it adds or removes.
/// Above 16, frequencies are rounded to powers of 2^(1/4) before they weigh
/// anything (`RelatedPapers.idf`), so one paper more or fewer rarely moves
/// a common word's weight; what it does move is found here:
/// 1. the papers whose vectors can change: the edited ones, and the others
///    that have a term whose rounded frequency changed;
/// 2. their vectors made again; those that really changed change the
///    posting lists of their old and new terms;
/// 3. every paper that searches with a term whose kept postings changed is
///    scored again, with the same arithmetic in the same order as the full
///    computation.
/// When papers are added, removed or reordered, when the cache lacks a
/// piece, or when an edit reaches too many papers, the caller computes
/// everything (and keeps a new state).
///
/// Kept as four kinds of values: a small head (read by every build), a
/// body with every paper's vector and every posting list (read when terms
/// changed), the vectors and posting lists changed since the body was
/// written (a delta: an edit writes what it changed, not the whole body,
/// until the delta grows to an eighth of the body), and the document
/// frequencies of all terms in 256 shards by the hash (`dfShard(of:)`; an
/// edit rewrites only the shards its terms are in).
struct RelatedState {
    static let dfShardCount = 256

    /// What `RelatedPapers.compute` leaves for a state, by term id.
    struct Full {
        var vectors: [[RelatedPapers.Weighted]]
        var hashOf: [UInt64]
        /// Posting lists by term id (from `starts[id]`), each sorted whole.
        var starts: [Int]
        var postings: [RelatedPapers.Posting]
    }

    // The head.
    /// Each paper's identity (where its record is), in the site's order.
    var identities: [UInt64]
    /// Each paper's terms: the cache key they are stored under, and the hash of their bytes.
    var termsKeys: [UInt64]
    var termsHashes: [UInt64]
    var lists: [[Int]]
    var dfShardKeys: [UInt64]
    var bodyKey: UInt64 = 0
    /// The delta's key (0: none).
    var deltaKey: UInt64 = 0

    // The body (read in place from the cache: an edit uses a few of its vectors and lists).
    /// Each paper's vector (from `vectorStart[i]`): term hashes and weights, heaviest first.
    var vectorStart = PlainTable<UInt32>()
    var vectorTerms = PlainTable<UInt64>()
    var vectorWeights = PlainTable<Float>()
    /// Every indexed term (sorted) with its whole posting list (from `termStart[t]`).
    var termHashes = PlainTable<UInt64>()
    var termStart = PlainTable<UInt32>()
    var postings = PlainTable<RelatedPapers.Posting>()

    // The delta: what replaces the body's vectors and posting lists (an empty list: the term is gone).
    var newerVectors: [Int: [(term: UInt64, weight: Float)]] = [:]
    var newerPostings: [UInt64: PlainTable<RelatedPapers.Posting>] = [:]

    /// The changed document-frequency shards to store (the others keep their keys).
    var changedShards: [Int: [UInt8]] = [:]

    /// The body as `encodeBody` writes it, made straight from what
    /// `compute` left, each part of `full` freed once it is written: the
    /// body is never held twice (a large site's peak memory).
    static func encodeBody(taking full: inout Full) -> [UInt8] {
        let n = full.vectors.count
        let entries = full.vectors.reduce(0) { $0 + $1.count }
        let indexed = (0..<full.hashOf.count).filter { full.starts[$0 + 1] > full.starts[$0] }.sorted { full.hashOf[$0] < full.hashOf[$1] }
        let postingCount = indexed.reduce(0) { $0 + full.starts[$1 + 1] - full.starts[$1] }
        var w = ByteWriter(capacity: (n + 1) * 4 + entries * 12 + indexed.count * 12 + postingCount * 8 + 6 * 24)
        w.table(count: n + 1, of: UInt32.self) { out in
            out[0] = 0
            for (i, vector) in full.vectors.enumerated() { out[i + 1] = out[i] + UInt32(vector.count) }
        }
        w.table(count: entries, of: UInt64.self) { out in
            var k = 0
            for vector in full.vectors { for entry in vector { out[k] = full.hashOf[Int(entry.id)]; k += 1 } }
        }
        w.table(count: entries, of: Float.self) { out in
            var k = 0
            for vector in full.vectors { for entry in vector { out[k] = entry.weight; k += 1 } }
        }
        full.vectors = []
        w.table(count: indexed.count, of: UInt64.self) { out in
            for (k, id) in indexed.enumerated() { out[k] = full.hashOf[id] }
        }
        full.hashOf = []
        w.table(count: indexed.count + 1, of: UInt32.self) { out in
            out[0] = 0
            for (k, id) in indexed.enumerated() { out[k + 1] = out[k] + UInt32(full.starts[id + 1] - full.starts[id]) }
        }
        w.table(count: postingCount, of: RelatedPapers.Posting.self) { out in
            var k = 0
            for id in indexed { for p in full.postings[full.starts[id]..<full.starts[id + 1]] { out[k] = p; k += 1 } }
        }
        full = Full(vectors: [], hashOf: [], starts: [], postings: [])
        return w.bytes
    }

    // MARK: Coding

    func encodeHead() -> [UInt8] {
        var w = ByteWriter(capacity: identities.count * 32)
        w.array(identities); w.array(termsKeys); w.array(termsHashes)
        w.array(lists.map { UInt32($0.count) }); w.array(lists.flatMap { $0.map { Int32($0) } })
        w.array(dfShardKeys); w.fixed(bodyKey); w.fixed(deltaKey)
        return w.bytes
    }

    static func decodeHead(_ r: inout ByteReader) -> RelatedState? {
        let identities = r.array(of: UInt64.self), termsKeys = r.array(of: UInt64.self), termsHashes = r.array(of: UInt64.self)
        let lengths = r.array(of: UInt32.self), entries = r.array(of: Int32.self)
        let shardKeys = r.array(of: UInt64.self), body = r.fixed(), delta = r.fixed()
        let n = identities.count
        guard !r.failed, termsKeys.count == n, termsHashes.count == n, lengths.count == n, shardKeys.count == dfShardCount,
              lengths.reduce(0, { $0 + Int($1) }) == entries.count, entries.allSatisfy({ $0 >= 0 && Int($0) < n }) else { return nil }
        var lists: [[Int]] = []
        lists.reserveCapacity(n)
        var at = 0
        for length in lengths {
            lists.append(entries[at..<at + Int(length)].map { Int($0) })
            at += Int(length)
        }
        var state = RelatedState(identities: identities, termsKeys: termsKeys, termsHashes: termsHashes, lists: lists)
        state.dfShardKeys = shardKeys
        state.bodyKey = body
        state.deltaKey = delta
        return state
    }

    /// A head; its body is read (`readBody`) or stored (`store`) apart.
    init(identities: [UInt64], termsKeys: [UInt64], termsHashes: [UInt64], lists: [[Int]]) {
        self.identities = identities
        self.termsKeys = termsKeys
        self.termsHashes = termsHashes
        self.lists = lists
        dfShardKeys = []
    }

    func encodeBody() -> [UInt8] {
        var w = ByteWriter(capacity: vectorStart.count * 4 + vectorTerms.count * 12 + postings.count * 8 + termHashes.count * 12 + 64)
        w.table(vectorStart); w.table(vectorTerms); w.table(vectorWeights)
        w.table(termHashes); w.table(termStart); w.table(postings)
        return w.bytes
    }

    /// Frees the body's tables (the head stays).
    mutating func dropBody() {
        vectorStart = PlainTable(); vectorTerms = PlainTable(); vectorWeights = PlainTable()
        termHashes = PlainTable(); termStart = PlainTable(); postings = PlainTable()
        newerVectors = [:]; newerPostings = [:]
    }

    /// The delta's size, in entries (a body's size is about `postings.count`).
    var deltaSize: Int {
        newerVectors.values.reduce(0) { $0 + $1.count } + newerPostings.values.reduce(0) { $0 + $1.count }
    }

    func encodeDelta() -> [UInt8] {
        var w = ByteWriter(capacity: deltaSize * 12 + 64)
        let papers = newerVectors.keys.sorted()
        var starts: [UInt32] = [0], terms: [UInt64] = [], weights: [Float] = []
        for i in papers {
            for entry in newerVectors[i]! { terms.append(entry.term); weights.append(entry.weight) }
            starts.append(UInt32(terms.count))
        }
        w.array(papers.map { UInt32($0) }); w.array(starts); w.array(terms); w.array(weights)
        let listed = newerPostings.keys.sorted()
        var listStarts: [UInt32] = [0], all: [RelatedPapers.Posting] = []
        for term in listed {
            all += newerPostings[term]!.elements
            listStarts.append(UInt32(all.count))
        }
        w.array(listed); w.array(listStarts); w.array(all)
        return w.bytes
    }

    /// Reads a delta onto the body; false if it does not fit.
    mutating func readDelta(_ r: inout ByteReader) -> Bool {
        let papers = r.array(of: UInt32.self), starts = r.array(of: UInt32.self)
        let terms = r.array(of: UInt64.self), weights = r.array(of: Float.self)
        let listed = r.array(of: UInt64.self), listStarts = r.array(of: UInt32.self), all = r.array(of: RelatedPapers.Posting.self)
        let n = identities.count
        func fits(_ starts: [UInt32], _ count: Int, _ total: Int) -> Bool {
            starts.count == count + 1 && starts.first == 0 && Int(starts.last!) == total && zip(starts, starts.dropFirst()).allSatisfy { $0 <= $1 }
        }
        guard !r.failed, fits(starts, papers.count, terms.count), weights.count == terms.count, papers.allSatisfy({ Int($0) < n }),
              fits(listStarts, listed.count, all.count), all.allSatisfy({ $0.paper >= 0 && Int($0.paper) < n }) else { return false }
        for (k, i) in papers.enumerated() {
            newerVectors[Int(i)] = (Int(starts[k])..<Int(starts[k + 1])).map { (terms[$0], weights[$0]) }
        }
        for (k, term) in listed.enumerated() {
            newerPostings[term] = PlainTable(all[Int(listStarts[k])..<Int(listStarts[k + 1])])
        }
        return true
    }

    /// Writes the delta into the body's tables (copied in runs between
    /// the changed vectors and lists), leaving no delta.
    mutating func mergeDelta() {
        guard !newerVectors.isEmpty || !newerPostings.isEmpty else { return }
        // The body has the first `m` papers' vectors; papers added since
        // are in the delta, or have none.
        let n = identities.count, m = self.vectorStart.count - 1
        var vectorStart: [UInt32] = [0], vectorTerms: [UInt64] = [], vectorWeights: [Float] = []
        vectorStart.reserveCapacity(n + 1)
        vectorTerms.reserveCapacity(self.vectorTerms.count + 100 * newerVectors.count)
        vectorWeights.reserveCapacity(self.vectorTerms.count + 100 * newerVectors.count)
        var from = 0
        for i in newerVectors.keys.sorted() + [n] {
            let upTo = min(i, m)
            if from < upTo {
                let run = Int(self.vectorStart[from])..<Int(self.vectorStart[upTo])
                let shift = Int64(vectorTerms.count) - Int64(run.lowerBound)
                vectorTerms += self.vectorTerms[run]; vectorWeights += self.vectorWeights[run]
                vectorStart += self.vectorStart[(from + 1)..<(upTo + 1)].lazy.map { UInt32(Int64($0) + shift) }
            }
            for _ in max(from, m)..<max(i, m) { vectorStart.append(UInt32(vectorTerms.count)) }
            guard i < n else { break }
            for entry in newerVectors[i]! { vectorTerms.append(entry.term); vectorWeights.append(entry.weight) }
            vectorStart.append(UInt32(vectorTerms.count))
            from = i + 1
        }
        var termHashes: [UInt64] = [], termStart: [UInt32] = [0], postings: [RelatedPapers.Posting] = []
        termHashes.reserveCapacity(self.termHashes.count + 100)
        termStart.reserveCapacity(self.termHashes.count + 100)
        postings.reserveCapacity(self.postings.count + 100 * newerVectors.count)
        // The changed terms in order, each at its place among the old ones.
        var t = 0
        // Copies the old terms before `term` (all that are left: nil).
        func copyOld(before term: UInt64?) {
            var end = t
            while end < self.termHashes.count && (term.map { self.termHashes[end] < $0 } ?? true) { end += 1 }
            guard end > t else { return }
            let run = Int(self.termStart[t])..<Int(self.termStart[end])
            let shift = Int64(postings.count) - Int64(run.lowerBound)
            termHashes += self.termHashes[t..<end]
            postings += self.postings[run]
            termStart += self.termStart[(t + 1)..<(end + 1)].lazy.map { UInt32(Int64($0) + shift) }
            t = end
        }
        for term in newerPostings.keys.sorted() {
            copyOld(before: term)
            if t < self.termHashes.count && self.termHashes[t] == term { t += 1 }   // replaced
            if let list = newerPostings[term], !list.isEmpty {
                termHashes.append(term); postings += list.elements; termStart.append(UInt32(postings.count))
            }
        }
        copyOld(before: nil)
        self.vectorStart = PlainTable(vectorStart); self.vectorTerms = PlainTable(vectorTerms); self.vectorWeights = PlainTable(vectorWeights)
        self.termHashes = PlainTable(termHashes); self.termStart = PlainTable(termStart); self.postings = PlainTable(postings)
        newerVectors = [:]; newerPostings = [:]
    }

    /// Reads the body into this head (in place where the cache's bytes
    /// allow: the body must then not outlive `cache`); false if it does not
    /// fit. The tables' shapes and the postings' papers are checked here,
    /// once (an update looks lists up many times).
    mutating func readBody(_ r: inout ByteReader) -> Bool {
        vectorStart = r.table(of: UInt32.self); vectorTerms = r.table(of: UInt64.self); vectorWeights = r.table(of: Float.self)
        termHashes = r.table(of: UInt64.self); termStart = r.table(of: UInt32.self); postings = r.table(of: RelatedPapers.Posting.self)
        // (The body may have fewer papers than the head: those added since it was written.)
        let m = vectorStart.count - 1
        func ascending<T: Comparable>(_ t: PlainTable<T>, strictly: Bool) -> Bool {
            t.count < 2 || (1..<t.count).allSatisfy { strictly ? t[$0 - 1] < t[$0] : t[$0 - 1] <= t[$0] }
        }
        return !r.failed && m >= 0 && m <= identities.count && vectorStart[0] == 0 && Int(vectorStart[m]) == vectorTerms.count
            && vectorWeights.count == vectorTerms.count && ascending(vectorStart, strictly: false)
            && termStart.count == termHashes.count + 1 && termStart[0] == 0 && Int(termStart[termHashes.count]) == postings.count
            && ascending(termStart, strictly: false) && ascending(termHashes, strictly: true)
            && postings.elements.allSatisfy { $0.paper >= 0 && Int($0.paper) < identities.count }
    }

    static func encodeShard(_ hashes: [UInt64], _ frequencies: [Int32]) -> [UInt8] {
        var w = ByteWriter(capacity: hashes.count * 12 + 16)
        w.array(hashes); w.array(frequencies)
        return w.bytes
    }

    static func decodeShard(_ r: inout ByteReader) -> (hashes: [UInt64], frequencies: [Int32])? {
        let hashes = r.array(of: UInt64.self), frequencies = r.array(of: Int32.self)
        return !r.failed && hashes.count == frequencies.count ? (hashes, frequencies) : nil
    }

    /// A term's document-frequency shard: by the vocabulary's shard (the
    /// hash modulo 16), then by the hash's top four bits.
    static func dfShard(of hash: UInt64) -> Int { Int(hash % 16) * 16 + Int(hash >> 60) }

    /// The cache key of shard `d` of the frequencies of the papers whose terms are `corpus`.
    static func dfShardKey(_ d: Int, corpus: UInt64) -> UInt64 {
        Fingerprint.of { f in f.add("related df shard"); f.add(d); f.add(corpus) }
    }

    static func corpusKey(_ termsHashes: [UInt64]) -> UInt64 {
        Fingerprint.of { f in for hash in termsHashes { f.add(hash) } }
    }

    /// Stores the changed shards and, if `bodyChanged`, the body, with the
    /// head; keeps the rest in the cache. Values are named by the papers'
    /// terms they were made from (`termsHashes`): the state is a function
    /// of them.
    /// `encodedBody`: a body just computed (`encodeBody(taking:)`), stored as it is.
    mutating func store(in cache: CacheStore, headKey: UInt64, bodyChanged: Bool, encodedBody: [UInt8]? = nil,
                        deltaLimit: (Int) -> Int = { _ in 0 }) {
        let corpus = Self.corpusKey(termsHashes)
        for (d, bytes) in changedShards {
            let key = Self.dfShardKey(d, corpus: corpus)
            cache.put(key, bytes)
            dfShardKeys[d] = key
        }
        changedShards = [:]
        if let encodedBody {
            bodyKey = Fingerprint.of { f in f.add("related body"); f.add(corpus) }
            deltaKey = 0
            cache.put(bodyKey, encodedBody)
        } else if bodyChanged && (bodyKey == 0 || deltaSize > deltaLimit(postings.count)) {
            mergeDelta()
            bodyKey = Fingerprint.of { f in f.add("related body"); f.add(corpus) }
            deltaKey = 0
            cache.put(bodyKey, encodeBody())
        } else if bodyChanged {
            // (The delta's key names the body it applies to.)
            deltaKey = Fingerprint.of { f in f.add("related delta"); f.add(corpus); f.add(bodyKey) }
            cache.put(deltaKey, encodeDelta())
            cache.retain([bodyKey])
        } else {
            cache.retain([bodyKey, deltaKey])
        }
        cache.retain(dfShardKeys)
        cache.put(headKey, encodeHead())
    }
}
