import Foundation

/// What the stored state answers for an update: document frequencies,
/// posting lists, vectors (see `RelatedState`).
extension RelatedState {
    /// The document frequencies of each of `hashes` (0 for a term no paper
    /// has), from the stored shards; nil if a shard is missing.
    func frequencies(of hashes: [UInt64], cache: CacheStore, parallelism: Parallelism) -> [UInt64: Frequencies]? {
        var byShard = [[UInt64]](repeating: [], count: Self.dfShardCount)
        for hash in hashes { byShard[Self.dfShard(of: hash)].append(hash) }
        let shards = (0..<Self.dfShardCount).filter { !byShard[$0].isEmpty }
        let found = parallelism.map(shards.count) { k -> [(UInt64, Frequencies)]? in
            let d = shards[k]
            return cache.withBytes(dfShardKeys[d]) { raw -> [(UInt64, Frequencies)]? in
                var r = ByteReader(raw)
                let count = Int(clamping: r.uint())
                // The hashes, then the frequencies' count and the frequencies.
                let start = r.offset, frequencies = raw.count - count * 8
                guard count >= 0, count <= raw.count / 16, start + count * 8 < frequencies else { return nil }
                func hash(_ j: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: start + j * 8, as: UInt64.self) }
                return byShard[d].map { wanted in
                    let low = firstIndex(notBelow: wanted, count: count, hash)
                    guard low < count, hash(low) == wanted else { return (wanted, .zero) }
                    return (wanted, raw.loadUnaligned(fromByteOffset: frequencies + low * 8, as: Frequencies.self))
                }
            } ?? nil
        }
        var result: [UInt64: Frequencies] = [:]
        for list in found {
            guard let list else { return nil }
            for (hash, df) in list { result[hash] = df }
        }
        return result
    }

    /// The first `limit` postings of a term (empty if no paper indexes
    /// it), in place. (Their papers were checked as the body and the delta
    /// were read.)
    func postings(of term: UInt64, limit: Int = .max) -> UnsafeBufferPointer<RelatedPapers.Posting> {
        let list: UnsafeBufferPointer<RelatedPapers.Posting>
        if let newer = newerPostings[term] {
            list = newer.elements
        } else if let t = termIndex(term) {
            list = postings[Int(termStart[t])..<Int(termStart[t + 1])]
        } else {
            return UnsafeBufferPointer(start: nil, count: 0)
        }
        return UnsafeBufferPointer(rebasing: list.prefix(limit))
    }

    /// A term's whole list as the body has it.
    func bodyPostings(of term: UInt64) -> UnsafeBufferPointer<RelatedPapers.Posting> {
        guard let t = termIndex(term) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return postings[Int(termStart[t])..<Int(termStart[t + 1])]
    }

    func termIndex(_ term: UInt64) -> Int? {
        let hashes = termHashes.elements
        let low = firstIndex(notBelow: term, count: hashes.count) { hashes[$0] }
        return low < hashes.count && hashes[low] == term ? low : nil
    }

    func vector(_ i: Int) -> [(term: UInt64, weight: Float)] {
        if let vector = newerVectors[i] { return vector }
        guard i + 1 < vectorStart.count else { return [] }      // a paper added since the body was written
        return (Int(vectorStart[i])..<Int(vectorStart[i + 1])).map { (termHashes[Int(vectorTermIDs[$0])], vectorWeights[$0]) }
    }

    /// The lists `newerPostings` holds for terms the body has, by the
    /// body's term number. `forEachIndexedTerm` looks up each of a paper's
    /// terms, for tens of thousands of papers after a day's additions, and
    /// a hash lookup for each cost more than the rest of that step.
    struct NewerLists {
        /// For each body term, its place in `lists`, or -1 (the body's list stands).
        fileprivate var slots: [Int32]
        fileprivate var lists: [UnsafeBufferPointer<RelatedPapers.Posting>] = []
    }

    /// `NewerLists` for this state (its lists stay valid while the state does).
    func newerListsByTermNumber() -> NewerLists {
        var newer = NewerLists(slots: [Int32](repeating: -1, count: newerPostings.isEmpty ? 0 : termHashes.count))
        for (term, list) in newerPostings {
            guard let t = termIndex(term) else { continue }
            newer.slots[t] = Int32(newer.lists.count)
            newer.lists.append(list.elements)
        }
        return newer
    }

    /// Calls `body` with each of paper i's first `indexed` terms: its
    /// number in the body (-1 if the body lacks it), its hash, its weight,
    /// and its kept postings (the first `limit`). `newer`: this state's
    /// `newerListsByTermNumber()`.
    func forEachIndexedTerm(of i: Int, indexed: Int, limit: Int, newer: NewerLists,
                            _ body: (Int32, UInt64, Float, UnsafeBufferPointer<RelatedPapers.Posting>) -> Void) {
        if !newerVectors.isEmpty, let vector = newerVectors[i] {
            for (term, weight) in vector.prefix(indexed) { body(termIndex(term).map { Int32($0) } ?? -1, term, weight, postings(of: term, limit: limit)) }
            return
        }
        guard i + 1 < vectorStart.count else { return }
        let start = Int(vectorStart[i])
        for v in start..<min(Int(vectorStart[i + 1]), start + indexed) {
            let t = Int(vectorTermIDs[v])
            let slot = newer.slots.isEmpty ? -1 : Int(newer.slots[t])
            let list = slot >= 0 ? newer.lists[slot] : postings[Int(termStart[t])..<Int(termStart[t + 1])]
            body(Int32(t), termHashes[t], vectorWeights[v], UnsafeBufferPointer(rebasing: list.prefix(limit)))
        }
    }

    /// Whether paper `i` searches with one of `terms` (its first `query` terms).
    func searches(_ i: Int, query: Int, withAnyOf terms: TermSet) -> Bool {
        if !newerVectors.isEmpty, let vector = newerVectors[i] { return vector.prefix(query).contains { terms.contains($0.term) } }
        guard i + 1 < vectorStart.count else { return false }
        let start = Int(vectorStart[i]), end = min(Int(vectorStart[i + 1]), start + query)
        for v in start..<end where terms.contains(termHashes[Int(vectorTermIDs[v])]) { return true }
        return false
    }

    /// Term hashes to test many terms against (every paper's query, say):
    /// a bitmap of their low bits turns most away, a binary search settles the rest.
    struct TermSet {
        private let sorted: [UInt64]
        private var bits = [UInt64](repeating: 0, count: 64)

        init(_ terms: some Sequence<UInt64>) {
            sorted = terms.sorted()
            for term in sorted { bits[Int(term & 4095) >> 6] |= 1 << (term & 63) }
        }

        func contains(_ term: UInt64) -> Bool {
            guard bits[Int(term & 4095) >> 6] & (1 << (term & 63)) != 0 else { return false }
            let k = firstIndex(notBelow: term, count: sorted.count) { sorted[$0] }
            return k < sorted.count && sorted[k] == term
        }
    }
}
