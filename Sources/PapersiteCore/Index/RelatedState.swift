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
/// 3. every paper that searches with a term whose kept postings changed
///    gets its list again: scored whole where its vector changed, else by
///    scoring only the candidates whose postings changed and merging them
///    into its old list (`RelatedPapers.rescore`), with the same arithmetic
///    in the same order as the full computation.
/// Papers added after the others (`RelatedPapers.Numbering`) are edits
/// from no terms (outside the first `epoch` papers, whose frequencies
/// weigh, so they change no weight of another paper), and papers removed
/// are edits to none, then taken out (`RelatedRemovals.swift`). When
/// papers are reordered, when the cache lacks a piece, or when an edit
/// reaches too many papers, the caller computes everything (and keeps a
/// new state).
///
/// Kept as four kinds of values: a small head (read by every build), a
/// body with every paper's vector and every posting list (read when terms
/// changed; six tables, each its own value, written from the tables the
/// computation made and read in place, so never copied whole), the vectors
/// changed since the body was written (a delta: an edit writes the vectors
/// it changed, not the whole body, until they grow to an eighth of the
/// body; the posting lists they change follow from them), and the document
/// frequencies of all terms in 256 shards by the hash (`dfShard(of:)`; an
/// edit rewrites only the shards its terms are in).
struct RelatedState {
    static let dfShardCount = 256

    // The head.
    /// Each paper's identity (where its record is), in the site's order.
    var identities: [UInt64]
    /// Each paper's terms: the cache key they are stored under, and the hash of their bytes.
    var termsKeys: [UInt64]
    var termsHashes: [UInt64]
    /// Each paper's related papers, by number, with their scores.
    var lists: [RelatedPapers.ScoredList]
    var dfShardKeys: [UInt64]
    var bodyKey: UInt64 = 0
    /// The delta's key (0: none).
    var deltaKey: UInt64 = 0

    // The body (read in place from the cache: an edit uses a few of its vectors and lists).
    /// Each paper's vector (from `vectorStart[i]`): its terms (by their
    /// place in `termHashes`) and weights, heaviest first.
    var vectorStart = PlainTable<UInt32>()
    var vectorTermIDs = PlainTable<UInt32>()
    var vectorWeights = PlainTable<Float>()
    /// Every term of a vector (sorted) with its whole posting list (from `termStart[t]`).
    var termHashes = PlainTable<UInt64>()
    var termStart = PlainTable<UInt32>()
    var postings = PlainTable<RelatedPapers.Posting>()

    // The delta: what replaces the body's vectors and posting lists (an empty list: the term is gone).
    var newerVectors: [Int: [(term: UInt64, weight: Float)]] = [:]
    var newerPostings: [UInt64: PlainTable<RelatedPapers.Posting>] = [:]

    /// The changed document-frequency shards to store (the others keep their keys).
    var changedShards: [Int: [UInt8]] = [:]

    /// The name of the body of a state computed from `corpus` (`corpusKey`).
    static func bodyKey(corpus: UInt64) -> UInt64 {
        Fingerprint.of { f in f.add("related body"); f.add(corpus) }
    }

    /// The cache key of table `k` of the body named `body`.
    static func bodyTableKey(_ body: UInt64, _ k: Int) -> UInt64 {
        Fingerprint.of { f in f.add("related body table"); f.add(body); f.add(k) }
    }

    var bodyTableKeys: [UInt64] { bodyKey == 0 ? [] : (0..<6).map { Self.bodyTableKey(bodyKey, $0) } }

    /// Stores table `k` of the body named `body`, in place.
    static func putBodyTable<T: BitwiseCopyable>(_ table: UnsafeBufferPointer<T>, _ k: Int, body: UInt64, in cache: CacheStore) {
        cache.put(bodyTableKey(body, k), UnsafeRawBufferPointer(table))
    }

    // MARK: Coding

    func encodeHead() -> [UInt8] {
        var w = ByteWriter(capacity: identities.count * 32)
        w.array(identities); w.array(termsKeys); w.array(termsHashes)
        w.array(lists.map { UInt32($0.papers.count) }); w.array(lists.flatMap(\.papers)); w.array(lists.flatMap(\.scores))
        w.array(dfShardKeys); w.fixed(bodyKey); w.fixed(deltaKey)
        return w.bytes
    }

    static func decodeHead(_ r: inout ByteReader) -> RelatedState? {
        let identities = r.array(of: UInt64.self), termsKeys = r.array(of: UInt64.self), termsHashes = r.array(of: UInt64.self)
        let lengths = r.array(of: UInt32.self), entries = r.array(of: Int32.self), scores = r.array(of: Float.self)
        let shardKeys = r.array(of: UInt64.self), body = r.fixed(), delta = r.fixed()
        let n = identities.count
        guard !r.failed, termsKeys.count == n, termsHashes.count == n, lengths.count == n, shardKeys.count == dfShardCount,
              lengths.reduce(0, { $0 + Int($1) }) == entries.count, scores.count == entries.count,
              entries.allSatisfy({ $0 >= 0 && Int($0) < n }) else { return nil }
        var lists: [RelatedPapers.ScoredList] = []
        lists.reserveCapacity(n)
        var at = 0
        for length in lengths {
            var list = RelatedPapers.ScoredList()
            list.papers = Array(entries[at..<at + Int(length)])
            list.scores = Array(scores[at..<at + Int(length)])
            lists.append(list)
            at += Int(length)
        }
        var state = RelatedState(identities: identities, termsKeys: termsKeys, termsHashes: termsHashes, lists: lists)
        state.dfShardKeys = shardKeys
        state.bodyKey = body
        state.deltaKey = delta
        return state
    }

    /// A head; its body is read (`readBody`) or stored (`store`) apart.
    init(identities: [UInt64], termsKeys: [UInt64], termsHashes: [UInt64], lists: [RelatedPapers.ScoredList]) {
        self.identities = identities
        self.termsKeys = termsKeys
        self.termsHashes = termsHashes
        self.lists = lists
        dfShardKeys = []
    }

    /// Frees the body's tables (the head stays).
    mutating func dropBody() {
        vectorStart = PlainTable(); vectorTermIDs = PlainTable(); vectorWeights = PlainTable()
        termHashes = PlainTable(); termStart = PlainTable(); postings = PlainTable()
        newerVectors = [:]; newerPostings = [:]
    }

    /// The delta's size, in vector entries (a body's size is about `postings.count`).
    var deltaSize: Int {
        newerVectors.values.reduce(0) { $0 + $1.count }
    }

    /// The delta as stored: its vectors only (the posting lists follow from
    /// them and the body: `derivePostings`). Storing the lists too cost more
    /// than all the rest of an addition: a common word's whole list changes
    /// with any paper that has it.
    func encodeDelta() -> [UInt8] {
        var w = ByteWriter(capacity: deltaSize * 12 + 64)
        let papers = newerVectors.keys.sorted()
        var starts: [UInt32] = [0], terms: [UInt64] = [], weights: [Float] = []
        for i in papers {
            for entry in newerVectors[i]! { terms.append(entry.term); weights.append(entry.weight) }
            starts.append(UInt32(terms.count))
        }
        w.array(papers.map { UInt32($0) }); w.array(starts); w.array(terms); w.array(weights)
        return w.bytes
    }

    /// Reads a delta onto the body, with the posting lists it changes
    /// (a paper is filed under its first `indexed` terms); false if it
    /// does not fit.
    mutating func readDelta(_ r: inout ByteReader, indexed: Int) -> Bool {
        let papers = r.array(of: UInt32.self), starts = r.array(of: UInt32.self)
        let terms = r.array(of: UInt64.self), weights = r.array(of: Float.self)
        let n = identities.count
        guard !r.failed, starts.count == papers.count + 1, starts.first == 0, Int(starts.last!) == terms.count,
              zip(starts, starts.dropFirst()).allSatisfy({ $0 <= $1 }), weights.count == terms.count,
              papers.allSatisfy({ Int($0) < n }) else { return false }
        for (k, i) in papers.enumerated() {
            newerVectors[Int(i)] = (Int(starts[k])..<Int(starts[k + 1])).map { (terms[$0], weights[$0]) }
        }
        derivePostings(indexed: indexed)
        return true
    }

    /// The posting lists of the terms the delta's papers are filed under,
    /// before or after, from the body's (as `RelatedPapers.update` makes them).
    mutating func derivePostings(indexed: Int) {
        let m = vectorStart.count - 1
        newerPostings = Self.patchedLists(newerVectors, count: identities.count, indexed: indexed, parallelism: .allCores, list: bodyPostings) { i in
            i < m ? (Int(vectorStart[i])..<min(Int(vectorStart[i + 1]), Int(vectorStart[i]) + indexed)).map { termHashes[Int(vectorTermIDs[$0])] } : []
        }
    }

    /// The posting lists of the terms that papers with new vectors
    /// (`vectors`) are filed under, before (`oldTerms`) or after: each list
    /// (`list`) without those papers, merged with their new postings (both
    /// in list order).
    static func patchedLists(_ vectors: [Int: [(term: UInt64, weight: Float)]], count n: Int, indexed: Int, parallelism: Parallelism,
                             list: (UInt64) -> UnsafeBufferPointer<RelatedPapers.Posting>,
                             oldTerms: (Int) -> [UInt64]) -> [UInt64: PlainTable<RelatedPapers.Posting>] {
        var changed = [Bool](repeating: false, count: n)
        var added: [UInt64: [RelatedPapers.Posting]] = [:]
        // (One pass over the vectors, not one per term.)
        for (i, vector) in vectors {
            changed[i] = true
            for entry in vector.prefix(indexed) { added[entry.term, default: []].append(RelatedPapers.Posting(paper: Int32(i), weight: entry.weight)) }
            for term in oldTerms(i) where added[term] == nil { added[term] = [] }
        }
        // Each list on its own, on all cores (a paper added touches the
        // lists of thousands of terms).
        let touched = Array(added)
        let lists = parallelism.map(touched.count) { k in
            let kept = list(touched[k].key).filter { !changed[Int($0.paper)] }
            return PlainTable(RelatedPapers.merged(kept, touched[k].value.sorted(by: RelatedPapers.listOrder)))
        }
        return Dictionary(uniqueKeysWithValues: zip(touched.map(\.key), lists))
    }

    /// Writes the delta into the body's tables, leaving no delta. Terms
    /// the delta brings take their places in hash order, so the vectors'
    /// term numbers are made anew.
    mutating func mergeDelta() {
        guard !newerVectors.isEmpty || !newerPostings.isEmpty else { return }
        // The body has the first `m` papers' vectors; papers added since
        // are in the delta, or have none.
        let n = identities.count, m = vectorStart.count - 1
        // 1. The terms, old and new, in order; where each old one went.
        var brought = Set<UInt64>()
        for vector in newerVectors.values { for entry in vector where termIndex(entry.term) == nil { brought.insert(entry.term) } }
        for (term, list) in newerPostings where !list.isEmpty && termIndex(term) == nil { brought.insert(term) }
        let extra = brought.sorted()
        var hashes: [UInt64] = [], fromOld: [Int32] = [], renumbered = [UInt32](repeating: 0, count: termHashes.count)
        hashes.reserveCapacity(termHashes.count + extra.count)
        fromOld.reserveCapacity(termHashes.count + extra.count)
        var a = 0, b = 0
        while a < termHashes.count || b < extra.count {
            if b == extra.count || (a < termHashes.count && termHashes[a] < extra[b]) {
                renumbered[a] = UInt32(hashes.count); hashes.append(termHashes[a]); fromOld.append(Int32(a)); a += 1
            } else {
                hashes.append(extra[b]); fromOld.append(-1); b += 1
            }
        }
        func number(_ hash: UInt64) -> UInt32 { UInt32(firstIndex(notBelow: hash, count: hashes.count) { hashes[$0] }) }
        // 2. The vectors.
        var starts: [UInt32] = [0], ids: [UInt32] = [], weights: [Float] = []
        starts.reserveCapacity(n + 1)
        ids.reserveCapacity(vectorTermIDs.count + 100 * newerVectors.count)
        weights.reserveCapacity(vectorTermIDs.count + 100 * newerVectors.count)
        for i in 0..<n {
            if let vector = newerVectors[i] {
                for entry in vector { ids.append(number(entry.term)); weights.append(entry.weight) }
            } else if i < m {
                for v in Int(vectorStart[i])..<Int(vectorStart[i + 1]) { ids.append(renumbered[Int(vectorTermIDs[v])]); weights.append(vectorWeights[v]) }
            }
            starts.append(UInt32(ids.count))
        }
        // 3. The lists.
        var listStarts: [UInt32] = [0], all: [RelatedPapers.Posting] = []
        listStarts.reserveCapacity(hashes.count + 1)
        all.reserveCapacity(postings.count + 100 * newerVectors.count)
        for (k, hash) in hashes.enumerated() {
            if let list = newerPostings[hash] {
                all += list.elements
            } else if fromOld[k] >= 0 {
                let t = Int(fromOld[k])
                all += postings[Int(termStart[t])..<Int(termStart[t + 1])]
            }
            listStarts.append(UInt32(all.count))
        }
        vectorStart = PlainTable(starts); vectorTermIDs = PlainTable(ids); vectorWeights = PlainTable(weights)
        termHashes = PlainTable(hashes); termStart = PlainTable(listStarts); postings = PlainTable(all)
        newerVectors = [:]; newerPostings = [:]
    }

    /// Reads the body and the delta beside it (if any); false if either
    /// does not fit.
    mutating func readBodyAndDelta(from cache: CacheStore, indexed: Int) -> Bool {
        guard readBody(from: cache) else { return false }
        return deltaKey == 0 || cache.get(deltaKey, { r in readDelta(&r, indexed: indexed) ? true : nil }) != nil
    }

    /// Reads the body into this head (in place where the cache's bytes
    /// allow: the body must then not outlive `cache`); false if it does not
    /// fit. The tables' shapes and the postings' papers are checked here,
    /// once (an update looks lists up many times).
    mutating func readBody(from cache: CacheStore) -> Bool {
        func table<T: BitwiseCopyable>(_ k: Int, _ type: T.Type) -> PlainTable<T>? {
            cache.withBytes(Self.bodyTableKey(bodyKey, k)) { raw -> PlainTable<T>? in
                guard raw.count % MemoryLayout<T>.stride == 0 else { return nil }
                if let base = raw.baseAddress, Int(bitPattern: base) % MemoryLayout<T>.alignment != 0 {
                    return PlainTable(count: raw.count / MemoryLayout<T>.stride) { out in UnsafeMutableRawBufferPointer(out).copyMemory(from: raw) }
                }
                return PlainTable(borrowing: raw)
            } ?? nil
        }
        guard bodyKey != 0, let vectorStart = table(0, UInt32.self), let vectorTermIDs = table(1, UInt32.self),
              let vectorWeights = table(2, Float.self), let termHashes = table(3, UInt64.self), let termStart = table(4, UInt32.self),
              let postings = table(5, RelatedPapers.Posting.self) else { return false }
        (self.vectorStart, self.vectorTermIDs, self.vectorWeights) = (vectorStart, vectorTermIDs, vectorWeights)
        (self.termHashes, self.termStart, self.postings) = (termHashes, termStart, postings)
        // (The body may have fewer papers than the head: those added since it was written.)
        let m = vectorStart.count - 1
        func ascending<T: Comparable>(_ t: PlainTable<T>, strictly: Bool) -> Bool {
            t.count < 2 || (1..<t.count).allSatisfy { strictly ? t[$0 - 1] < t[$0] : t[$0 - 1] <= t[$0] }
        }
        let terms = UInt32(termHashes.count)
        return m >= 0 && m <= identities.count && vectorStart[0] == 0 && Int(vectorStart[m]) == vectorTermIDs.count
            && vectorWeights.count == vectorTermIDs.count && ascending(vectorStart, strictly: false)
            && vectorTermIDs.elements.allSatisfy { $0 < terms }
            && termStart.count == termHashes.count + 1 && termStart[0] == 0 && Int(termStart[termHashes.count]) == postings.count
            && ascending(termStart, strictly: false) && ascending(termHashes, strictly: true)
            && postings.elements.allSatisfy { $0.paper >= 0 && Int($0.paper) < identities.count }
    }

    /// A term's document frequencies: among all papers, and among the
    /// first `RelatedPapers.epoch(n)` (the oldest).
    struct Frequencies: Equatable, BitwiseCopyable {
        var all: Int32
        var prefix: Int32
        static let zero = Frequencies(all: 0, prefix: 0)
    }

    static func encodeShard(_ hashes: [UInt64], _ frequencies: [Frequencies]) -> [UInt8] {
        var w = ByteWriter(capacity: hashes.count * 16 + 16)
        w.array(hashes); w.array(frequencies)
        return w.bytes
    }

    static func decodeShard(_ r: inout ByteReader) -> (hashes: [UInt64], frequencies: [Frequencies])? {
        let hashes = r.array(of: UInt64.self), frequencies = r.array(of: Frequencies.self)
        return !r.failed && hashes.count == frequencies.count ? (hashes, frequencies) : nil
    }

    /// A term's document-frequency shard: by the vocabulary's shard (the
    /// hash modulo 16), then by the hash's top four bits.
    static func dfShard(of hash: UInt64) -> Int { Int(hash % 16) * 16 + Int(hash >> 60) }

    /// The cache key of shard `d` of the frequencies of the papers whose terms are `corpus`.
    static func dfShardKey(_ d: Int, corpus: UInt64) -> UInt64 {
        Fingerprint.of { f in f.add("related df shard (all, first epoch)"); f.add(d); f.add(corpus) }
    }

    static func corpusKey(_ termsHashes: [UInt64]) -> UInt64 {
        Fingerprint.of { f in for hash in termsHashes { f.add(hash) } }
    }

    /// Stores the changed shards and, if `bodyChanged`, the body, with the
    /// head; keeps the rest in the cache. Values are named by the papers'
    /// terms they were made from (`termsHashes`): the state is a function
    /// of them.
    /// `computedBody`: the name of a body `RelatedPapers.compute` stored.
    mutating func store(in cache: CacheStore, headKey: UInt64, bodyChanged: Bool, computedBody: UInt64? = nil,
                        deltaLimit: (Int) -> Int = { _ in 0 }) {
        let corpus = Self.corpusKey(termsHashes)
        for (d, bytes) in changedShards {
            let key = Self.dfShardKey(d, corpus: corpus)
            cache.put(key, bytes)
            dfShardKeys[d] = key
        }
        changedShards = [:]
        if let computedBody {
            bodyKey = computedBody
            deltaKey = 0
        } else if bodyChanged && (bodyKey == 0 || deltaSize > deltaLimit(postings.count)) {
            mergeDelta()
            bodyKey = Self.bodyKey(corpus: corpus)
            deltaKey = 0
            Self.putBodyTable(vectorStart.elements, 0, body: bodyKey, in: cache)
            Self.putBodyTable(vectorTermIDs.elements, 1, body: bodyKey, in: cache)
            Self.putBodyTable(vectorWeights.elements, 2, body: bodyKey, in: cache)
            Self.putBodyTable(termHashes.elements, 3, body: bodyKey, in: cache)
            Self.putBodyTable(termStart.elements, 4, body: bodyKey, in: cache)
            Self.putBodyTable(postings.elements, 5, body: bodyKey, in: cache)
        } else if bodyChanged {
            // (The delta's key names the body it applies to.)
            deltaKey = Fingerprint.of { f in f.add("related delta"); f.add(corpus); f.add(bodyKey) }
            cache.put(deltaKey, encodeDelta())
            cache.retain(bodyTableKeys)
        } else {
            cache.retain(bodyTableKeys + [deltaKey])
        }
        cache.retain(dfShardKeys)
        cache.put(headKey, encodeHead())
    }
}
