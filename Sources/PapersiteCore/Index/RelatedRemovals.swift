import Foundation

/// Related papers after papers were removed (and others perhaps added
/// after the rest): followed from the last state, like an edit, with the
/// same lists as computing anew.
///
/// A removed paper first becomes a paper with no terms, in its place, so
/// that `update` finds everything its going changes: the frequencies of
/// its terms, the posting lists it leaves, and the lists it was in. Then
/// it is taken out and the papers after it are numbered one lower. That
/// keeps their order, and so every tie that the numbers break.
extension RelatedPapers {
    /// The lists by the papers' numbers now, and the new state stored under
    /// `headKey`; nil when only a full computation will do (no paper was
    /// removed, a removed paper is back among the added ones, or the state
    /// cannot be followed: see `update`).
    func updateAfterRemovals(_ state: inout RelatedState, identities: [UInt64], keys: [UInt64], hashes: [UInt64], headKey: UInt64,
                             cache: CacheStore, parallelism: Parallelism,
                             withTerms: @escaping (Int, (PackedTerms) -> Void) -> Void) -> [ScoredList]? {
        guard let places = RelatedState.places(from: state.identities, to: identities) else { return nil }
        // The numbering with the removed papers still in it (`places[t]`:
        // the number now of paper t there, or -1).
        let before = state.identities.count
        let heldIdentities = places.indices.map { $0 < before ? state.identities[$0] : identities[places[$0]] }
        let heldKeys = places.map { $0 >= 0 ? keys[$0] : 0 }, heldHashes = places.map { $0 >= 0 ? hashes[$0] : 0 }
        let heldTerms: (Int, (PackedTerms) -> Void) -> Void = { t, body in
            if places[t] >= 0 { withTerms(places[t], body) } else { [UInt8]().withUnsafeBytes { body(PackedTerms($0)) } }
        }
        guard state.readBodyAndDelta(from: cache, indexed: indexedTerms),
              let (held, _) = update(state, identities: heldIdentities, keys: heldKeys, hashes: heldHashes, cache: cache,
                                     parallelism: parallelism, removed: places.indices.filter { places[$0] < 0 }, withTerms: heldTerms) else { return nil }
        var next = held
        guard next.dropRemoved(places: places, identities: identities, keys: keys, hashes: hashes, parallelism: parallelism) else { return nil }
        state.dropBody()
        next.bodyKey = 0        // the papers are numbered anew: a new body
        next.store(in: cache, headKey: headKey, bodyChanged: true)
        return next.lists
    }
}

extension RelatedState {
    /// Where each of the last build's papers (`old`, by identity) is now in
    /// `new`, or -1 if removed, followed by the papers added after them;
    /// nil when none was removed, or when a removed paper is among the
    /// added ones (papers reordered).
    static func places(from old: [UInt64], to new: [UInt64]) -> [Int]? {
        var places: [Int] = []
        places.reserveCapacity(max(old.count, new.count))
        var j = 0
        for id in old {
            if j < new.count && new[j] == id { places.append(j); j += 1 } else { places.append(-1) }
        }
        let removed = Set(old.indices.filter { places[$0] < 0 }.map { old[$0] })
        guard !removed.isEmpty, !new[j...].contains(where: removed.contains) else { return nil }
        places += j..<new.count
        return places
    }

    /// Takes the removed papers (`places[t] < 0`, left with no terms by
    /// `update`) out of the state and numbers the others as they are now;
    /// false if a removed paper is still in a list (then the state is not
    /// one `update` made).
    mutating func dropRemoved(places: [Int], identities: [UInt64], keys: [UInt64], hashes: [UInt64], parallelism: Parallelism) -> Bool {
        mergeDelta()
        guard vectorStart.count == places.count + 1, lists.count == places.count else { return false }
        // A removed paper's vector is empty: the vectors' terms and weights
        // stay as they are, and only the starts of the removed go.
        var starts: [UInt32] = []
        starts.reserveCapacity(identities.count + 1)
        var kept: [RelatedPapers.ScoredList] = []
        kept.reserveCapacity(identities.count)
        for t in places.indices {
            guard places[t] >= 0 else {
                if vectorStart[t] != vectorStart[t + 1] { return false }
                continue
            }
            starts.append(vectorStart[t])
            var list = lists[t]
            for k in list.papers.indices {
                let now = places[Int(list.papers[k])]
                if now < 0 { return false }
                list.papers[k] = Int32(now)
            }
            kept.append(list)
        }
        starts.append(vectorStart[places.count])
        // The postings renumbered, on all cores a stretch at a time.
        let places32 = places.map { Int32($0) }, old = postings.elements
        let stretch = 1 << 20, stretches = (old.count + stretch - 1) / stretch
        var intact = true
        let renumbered = PlainTable<RelatedPapers.Posting>(count: old.count) { out in
            let fine = parallelism.map(stretches) { s -> Bool in
                for k in s * stretch..<min(old.count, (s + 1) * stretch) {
                    let now = places32[Int(old[k].paper)]
                    if now < 0 { return false }
                    out[k] = RelatedPapers.Posting(paper: now, weight: old[k].weight)
                }
                return true
            }
            intact = !fine.contains(false)
        }
        guard intact else { return false }
        vectorStart = PlainTable(starts)
        postings = renumbered
        lists = kept
        self.identities = identities
        termsKeys = keys
        termsHashes = hashes
        return true
    }
}
