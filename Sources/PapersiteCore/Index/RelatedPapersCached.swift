import Foundation

/// Related papers through the build cache: each paper's terms are kept by
/// the text they come from (`text(i)`: title, abstract, tag slugs), so a
/// text is split into terms once; the result and what it was computed from
/// by `RelatedState`, so an edit that changes no term reuses the last
/// result and an edit to a few papers recomputes only what it can change.
/// The same lists as `compute` in every case.
extension RelatedPapers {
    /// How `cached` came by its lists (for tests).
    /// (`updatedInDelta`: updated, and what changed stored as a delta.)
    enum Path: Equatable { case reused, updated, updatedInDelta, updatedAfterRemovals, computed }

    /// `identities`: each paper's identity (where its record is).
    /// `textKey`: a number for paper `i`'s text that changes whenever the
    /// text does (a hash of its whole record, say), if one is known; else
    /// the text is hashed.
    func cached(count n: Int, identities: [UInt64], cache: CacheStore, parallelism: Parallelism,
                textKey: ((Int) -> UInt64)? = nil,
                text: @escaping (Int) -> (title: String, abstract: String, tags: [String])) -> [[Int]] {
        var path = Path.computed
        return cached(count: n, identities: identities, cache: cache, parallelism: parallelism, path: &path, textKey: textKey, text: text)
    }

    func cached(count n: Int, identities: [UInt64], cache: CacheStore, parallelism: Parallelism, path: inout Path,
                textKey: ((Int) -> UInt64)? = nil,
                text: @escaping (Int) -> (title: String, abstract: String, tags: [String])) -> [[Int]] {
        let keys = parallelism.map(n) { i in
            if let textKey { return Fingerprint.of { f in f.add("related terms (packed, by text key)"); f.add(textKey(i)) } }
            let (title, abstract, tags) = text(i)
            return Fingerprint.of { f in f.add("related terms (packed)"); f.add(title); f.add(abstract); f.add(tags) }
        }
        func made(_ i: Int) -> [UInt8] {
            let (title, abstract, tags) = text(i)
            return packedTerms(title: title, text: abstract, tags: tags)
        }
        // Each paper's terms stored (split now only where the text is new).
        let hashes = parallelism.map(n) { i in cache.storedHash(keys[i]) ?? cache.put(keys[i], made(i)) }
        let withTerms: (Int, (PackedTerms) -> Void) -> Void = { i, body in
            if cache.withBytes(keys[i], { body(PackedTerms($0)) }) != nil { return }
            made(i).withUnsafeBytes { body(PackedTerms($0)) }
        }
        let headKey = Fingerprint.of { f in
            f.add("related state, scored"); f.add(count); f.add(UInt64(minimumScore.bitPattern)); f.add(queryTerms)
            f.add(indexedTerms); f.add(postingsPerTerm); f.add(UInt64(tagWeight.bitPattern)); f.add(exactUpTo)
        }
        if var state = cache.get(headKey, RelatedState.decodeHead) {
            // Papers removed since (and others perhaps added after the rest).
            if !identities.starts(with: state.identities) {
                if let lists = updateAfterRemovals(&state, identities: identities, keys: keys, hashes: hashes, headKey: headKey,
                                                   cache: cache, parallelism: parallelism, withTerms: withTerms) {
                    path = .updatedAfterRemovals
                    return lists.map(\.list)
                }
            } else {
                if state.termsHashes == hashes {
                    // No paper's terms changed: the last lists stand.
                    if state.termsKeys == keys {
                        cache.retain(state.bodyTableKeys + [state.deltaKey] + state.dfShardKeys)
                    } else {
                        state.termsKeys = keys
                        state.store(in: cache, headKey: headKey, bodyChanged: false)
                    }
                    path = .reused
                    return state.lists.map(\.list)
                }
                if state.readBodyAndDelta(from: cache, indexed: indexedTerms),
                   let (next0, bodyChanged) = update(state, identities: identities, keys: keys, hashes: hashes, cache: cache, parallelism: parallelism, withTerms: withTerms) {
                    var next = next0
                    state.dropBody()     // the old tables go before the new are encoded (a large site's peak memory)
                    next.store(in: cache, headKey: headKey, bodyChanged: bodyChanged, deltaLimit: deltaLimit)
                    path = next.deltaKey == 0 ? .updated : .updatedInDelta
                    return next.lists.map(\.list)
                }
            }
        }
        path = .computed
        let corpus = RelatedState.corpusKey(hashes)
        let body = BodyWriter(cache: cache, key: RelatedState.bodyKey(corpus: corpus))
        let (lists, bodyStored) = compute(count: n, parallelism: parallelism, body: body, dfShard: { d, bytes in
            cache.put(RelatedState.dfShardKey(d, corpus: corpus), bytes)
        }, withTerms: withTerms)
        if bodyStored {
            var state = RelatedState(identities: identities, termsKeys: keys, termsHashes: hashes, lists: lists)
            state.dfShardKeys = (0..<RelatedState.dfShardCount).map { RelatedState.dfShardKey($0, corpus: corpus) }
            state.store(in: cache, headKey: headKey, bodyChanged: true, computedBody: body.key)
        }
        return lists.map(\.list)
    }

    /// Follows an edit from `state` (whose body is read): the papers are
    /// the same ones in the same order, and their terms are now stored
    /// under `keys` with the bytes' hashes `hashes`. Returns the new state,
    /// with `lists`, and whether its body changed; nil where only a full
    /// computation will do (see `RelatedState`).
    /// `removed`: the papers (ascending) that are removed ones, left with
    /// no terms (`updateAfterRemovals`).
    func update(_ state: RelatedState, identities: [UInt64], keys: [UInt64], hashes: [UInt64], cache: CacheStore, parallelism: Parallelism,
                removed: [Int] = [], withTerms: (Int, (PackedTerms) -> Void) -> Void) -> (state: RelatedState, bodyChanged: Bool)? {
        // Papers added after the last build's (the newest, as papers count
        // from the oldest here) are edits from no terms to theirs.
        let n = keys.count, before = state.identities.count, live = n - removed.count
        let epoch = epoch(live)
        guard n >= before, live > 1, count > 0, Self.logN(live) == Self.logN(before), epoch == self.epoch(before) else { return nil }
        // The first `epoch` papers, whose counts weigh, are the same ones
        // unless some of them were removed: then as many papers after them join.
        let removedSet = Set(removed), leaving = removed.count(where: { $0 < epoch })
        var joining = Set<Int>()
        var candidate = epoch
        while joining.count < leaving && candidate < n {
            if !removedSet.contains(candidate) { joining.insert(candidate) }
            candidate += 1
        }
        func wasCounted(_ i: Int) -> Bool { i < epoch }
        func isCounted(_ i: Int) -> Bool { (i < epoch && !removedSet.contains(i)) || joining.contains(i) }
        var next = state
        next.identities = identities
        next.termsKeys = keys
        next.termsHashes = hashes
        next.lists += Array(repeating: ScoredList(), count: n - before)
        let edited = (0..<n).filter { $0 >= before || state.termsHashes[$0] != hashes[$0] || joining.contains($0) }
        if edited.isEmpty { return (next, false) }
        guard edited.count <= max(16, n / 50) else { return nil }

        // 1. The edited papers' terms before and after; the frequencies that changed.
        func hashList(_ terms: PackedTerms) -> [UInt64] { (0..<terms.count).map { terms.hash($0) } }
        var delta: [UInt64: RelatedState.Frequencies] = [:]
        var editedNow: [UInt64: Int32] = [:]      // how many edited papers have each term now
        for e in edited {
            guard let old = e >= before ? [] : cache.withBytes(state.termsKeys[e], { hashList(PackedTerms($0)) }) else { return nil }
            var new: [UInt64] = []
            withTerms(e) { new = hashList($0) }
            let was: Int32 = wasCounted(e) ? 1 : 0, `is`: Int32 = isCounted(e) ? 1 : 0
            for h in old { delta[h, default: .zero].all -= 1; delta[h, default: .zero].prefix -= was }
            for h in new { delta[h, default: .zero].all += 1; delta[h, default: .zero].prefix += `is`; editedNow[h, default: 0] += 1 }
        }
        delta = delta.filter { $0.value != .zero }
        guard let dfBefore = state.frequencies(of: Array(delta.keys), cache: cache, parallelism: parallelism) else { return nil }
        var df: [UInt64: RelatedState.Frequencies] = [:]
        for (h, d) in delta {
            let then = dfBefore[h, default: .zero]
            let now = RelatedState.Frequencies(all: then.all + d.all, prefix: then.prefix + d.prefix)
            guard now.all >= 0, now.prefix >= 0 else { return nil }
            df[h] = now
        }
        // Terms whose weight changed, which papers other than the edited ones have.
        let crossing = delta.keys.filter {
            Self.frequencyBucket(dfBefore[$0, default: .zero].prefix) != Self.frequencyBucket(df[$0]!.prefix) && df[$0]!.all - editedNow[$0, default: 0] > 0
        }.sorted()
        var affected = Set(edited)
        if !crossing.isEmpty {
            // Every paper with a crossing term is affected: a common word's
            // crossing alone can reach more than following is worth (a day
            // of papers added to a large site moves several).
            let widest = crossing.reduce(0) { max($0, Int(df[$1]!.all - editedNow[$1, default: 0])) }
            guard edited.count + widest <= affectedLimit(n) else { return nil }
            let editedSet = Set(edited)
            let crossingSet = RelatedState.TermSet(crossing)
            let hits = parallelism.map(n) { i -> Bool in
                guard !editedSet.contains(i) else { return false }
                var hit = false
                withTerms(i) { terms in hit = (0..<terms.count).contains { crossingSet.contains(terms.hash($0)) } }
                return hit
            }
            for i in 0..<n where hits[i] { affected.insert(i) }
            guard affected.count <= affectedLimit(n) else { return nil }
        }

        // 2. Their vectors again; those that changed.
        let papers = affected.sorted()
        let grouped = parallelism.map(papers.count) { k in
            var g = Vocabulary.Grouped()
            withTerms(papers[k]) { g = Vocabulary.byShard($0) }
            return g
        }
        let needed = Set(grouped.flatMap { $0.hashes }).subtracting(df.keys)
        guard let more = state.frequencies(of: Array(needed), cache: cache, parallelism: parallelism) else { return nil }
        for (h, f) in more {
            guard f.all > 0 else { return nil }       // a paper's term that no paper has: the shards are not this state's
            df[h] = f
        }
        let logN = Self.logN(live), frequencies = df
        // (On all cores: a paper added gives hundreds of papers new weights.)
        let remade = parallelism.mapWithScratch(papers.count, makeScratch: { VectorScratch<UInt64>() }) { k, scratch -> [(term: UInt64, weight: Float)]? in
            let g = grouped[k]
            let made = vector(g.hashes.count, term: { g.hashes[$0] }, count: { g.counts[$0] },
                              idf: { Self.idf(df: frequencies[g.hashes[$0]]!.prefix, logN: logN) }, scratch: &scratch)
            let old = state.vector(papers[k])
            let same = made.count == old.count && !zip(made, old).contains { $0.term != $1.term || $0.weight.bitPattern != $1.weight.bitPattern }
            return same ? nil : made
        }
        var newVectors: [Int: [(term: UInt64, weight: Float)]] = [:]
        for (k, made) in remade.enumerated() { if let made { newVectors[papers[k]] = made } }
        next.changedShards = patchedShards(state, delta: delta, df: df, cache: cache, parallelism: parallelism)
        guard next.changedShards.count == Set(delta.keys.map(RelatedState.dfShard)).count else { return nil }
        if newVectors.isEmpty { return (next, false) }

        // 3. The posting lists of their old and new terms.
        let indexed = indexedTerms
        let patched = RelatedState.patchedLists(newVectors, count: n, indexed: indexed, parallelism: parallelism, list: { state.postings(of: $0) }) { i in
            state.vector(i).prefix(indexed).map(\.term)
        }
        next.newerPostings.merge(patched) { _, new in new }
        for (i, vector) in newVectors { next.newerVectors[i] = vector }

        // 4. Each paper's list where it can have changed.
        var changed = [Bool](repeating: false, count: n)
        for i in newVectors.keys { changed[i] = true }
        next.lists = rescore(next, from: state, changedVectors: changed, touchedTerms: Array(patched.keys), oldCount: before, parallelism: parallelism)
        return (next, true)
    }

    /// The order of a posting list: the heavier first, then the lower number.
    static func listOrder(_ a: Posting, _ b: Posting) -> Bool { a.weight != b.weight ? a.weight > b.weight : a.paper < b.paper }

    /// Two lists in `listOrder` as one.
    static func merged(_ a: [Posting], _ b: [Posting]) -> [Posting] {
        var out: [Posting] = []
        out.reserveCapacity(a.count + b.count)
        var x = 0, y = 0
        while x < a.count || y < b.count {
            if y == b.count || (x < a.count && listOrder(a[x], b[y])) { out.append(a[x]); x += 1 } else { out.append(b[y]); y += 1 }
        }
        return out
    }

    /// The shards holding the terms in `delta`, with their new frequencies
    /// (`df`; a term no paper has any more is dropped). Missing shards are
    /// left out. Each is merged with its changes, on all cores: a day of
    /// papers added changes terms in every one of them, and inserting the
    /// new terms one by one moved each shard's tail over and over.
    private func patchedShards(_ state: RelatedState, delta: [UInt64: RelatedState.Frequencies], df: [UInt64: RelatedState.Frequencies],
                               cache: CacheStore, parallelism: Parallelism) -> [Int: [UInt8]] {
        var byShard: [Int: [UInt64]] = [:]
        for h in delta.keys { byShard[RelatedState.dfShard(of: h), default: []].append(h) }
        let shards = byShard.keys.sorted()
        let made = parallelism.map(shards.count) { k -> [UInt8]? in
            let d = shards[k], changes = byShard[d]!.sorted()
            guard let old = cache.get(state.dfShardKeys[d], RelatedState.decodeShard) else { return nil }
            var hashes: [UInt64] = [], frequencies: [RelatedState.Frequencies] = []
            hashes.reserveCapacity(old.hashes.count + changes.count)
            frequencies.reserveCapacity(old.hashes.count + changes.count)
            var j = 0
            for h in changes {
                while j < old.hashes.count && old.hashes[j] < h {
                    hashes.append(old.hashes[j]); frequencies.append(old.frequencies[j]); j += 1
                }
                if j < old.hashes.count && old.hashes[j] == h { j += 1 }
                let now = df[h]!
                if now.all > 0 { hashes.append(h); frequencies.append(now) }
            }
            hashes.append(contentsOf: old.hashes[j...]); frequencies.append(contentsOf: old.frequencies[j...])
            return RelatedState.encodeShard(hashes, frequencies)
        }
        var result: [Int: [UInt8]] = [:]
        for (k, d) in shards.enumerated() { if let bytes = made[k] { result[d] = bytes } }
        return result
    }
}


/// The first of `count` ascending keys (`key(i)`) that is not below
/// `wanted` (`count` if none): a binary search over sorted term hashes,
/// wherever they are laid out.
func firstIndex(notBelow wanted: UInt64, count: Int, _ key: (Int) -> UInt64) -> Int {
    var low = 0, high = count
    while low < high {
        let mid = (low + high) / 2
        if key(mid) < wanted { low = mid + 1 } else { high = mid }
    }
    return low
}
