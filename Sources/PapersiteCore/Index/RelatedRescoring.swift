import Foundation

/// The last step of `RelatedPapers.update`: each paper's related papers
/// again, after some papers' vectors changed, to the bit as scoring every
/// paper would give them.
///
/// A score is a sum, in the order of the searching paper's query terms, of
/// products of its weights with a candidate's kept postings: a candidate
/// none of whose kept postings changed keeps its score, bit for bit. So a
/// paper whose own vector is the same scores again only the candidates
/// whose kept postings changed (the moved papers), and merges them into
/// its old list, whose scores the state keeps. The merge stands when the
/// old list was not full (every candidate left out was below the threshold,
/// and still is), or when its last place goes to a paper no worse than the
/// old last (every candidate left out was worse than that). Otherwise, and
/// where its vector changed, a paper is scored whole.
///
/// Why: a day of papers added enters the kept postings of tens of
/// thousands of terms (and pushes as many papers out of them); scoring
/// every paper that searches with one of those terms whole then cost more
/// than all the rest of an update.
extension RelatedPapers {
    /// `changedVectors[i]`: paper i's vector changed (or is new); papers
    /// from `oldCount` on are new. `touchedTerms`: the terms whose lists
    /// may have changed. Returns every paper's list.
    func rescore(_ next: RelatedState, from state: RelatedState, changedVectors: [Bool], touchedTerms: [UInt64], oldCount: Int,
                 parallelism: Parallelism) -> [ScoredList] {
        let n = next.identities.count, limit = postingsPerTerm, query = queryTerms, indexed = indexedTerms, k = count
        // The moved papers, and the terms whose kept postings changed.
        var moved = changedVectors
        var cut: [UInt64] = []
        for term in touchedTerms where Self.markDifferences(state.postings(of: term, limit: limit), next.postings(of: term, limit: limit), in: &moved) {
            cut.append(term)
        }
        // The kept postings of moved papers in one flat table, by the
        // body's term numbers (`byID[t]..<byID[t + 1]`), and for terms the
        // body lacks, by hash: looked up by number where a paper's vector is
        // the body's (a hash lookup for each of every paper's query terms
        // cost more than the rest of this step). Found on all cores, a
        // stretch of moved papers at a time, and grouped by counting.
        let movedPapers = (0..<n).filter { moved[$0] }
        let stretch = 256, newer = next.newerListsByTermNumber()
        let found = parallelism.map((movedPapers.count + stretch - 1) / stretch) { s -> [(id: Int32, term: UInt64, posting: Posting)] in
            let papers = movedPapers[s * stretch..<min(movedPapers.count, (s + 1) * stretch)]
            var entries: [(id: Int32, term: UInt64, posting: Posting)] = []
            entries.reserveCapacity(papers.count * indexed / 2)     // (about half of a moved paper's terms keep it)
            for c in papers {
                next.forEachIndexedTerm(of: c, indexed: indexed, limit: limit, newer: newer) { id, term, weight, list in
                    let posting = Posting(paper: Int32(c), weight: weight)
                    if Self.isKept(posting, in: list, limit: limit) { entries.append((id, term, posting)) }
                }
            }
            return entries
        }
        let terms = next.termHashes.count
        var byID = [Int32](repeating: 0, count: terms + 1)
        var byHash: [UInt64: [Posting]] = [:]
        for entries in found {
            for e in entries { if e.id >= 0 { byID[Int(e.id) + 1] += 1 } else { byHash[e.term, default: []].append(e.posting) } }
        }
        for t in 0..<terms { byID[t + 1] += byID[t] }
        var flat = [Posting](repeating: Posting(paper: 0, weight: 0), count: Int(byID[terms]))
        var fill = byID
        for entries in found {
            for e in entries where e.id >= 0 { flat[Int(fill[Int(e.id)])] = e.posting; fill[Int(e.id)] += 1 }
        }
        fill = []
        var cutByID = [Bool](repeating: false, count: terms)
        for term in cut { if let t = next.termIndex(term) { cutByID[t] = true } }

        let cutSet = RelatedState.TermSet(cut), threshold = minimumScore
        // nil: to be scored whole.
        let merged = flat.withUnsafeBufferPointer { flat in
            parallelism.mapWithScratch(n, makeScratch: { Scores(count: n) }, release: { $0.release() }) { i, scores -> ScoredList? in
                guard i < oldCount, !changedVectors[i] else { return nil }
                let old = next.lists[i]
                func movedPostings(_ t: Int) -> UnsafeBufferPointer<Posting> { UnsafeBufferPointer(rebasing: flat[Int(byID[t])..<Int(byID[t + 1])]) }
                if next.newerVectors[i] == nil, i + 1 < next.vectorStart.count {
                    let start = Int(next.vectorStart[i]), end = min(Int(next.vectorStart[i + 1]), start + query)
                    guard (start..<end).contains(where: { cutByID[Int(next.vectorTermIDs[$0])] }) else { return old }
                    for v in start..<end { scores.add(next.vectorWeights[v], movedPostings(Int(next.vectorTermIDs[v])), skipping: Int32(i)) }
                } else {
                    guard next.searches(i, query: query, withAnyOf: cutSet) else { return old }
                    for (term, weight) in next.vector(i).prefix(query) {
                        if let t = next.termIndex(term) {
                            scores.add(weight, movedPostings(t), skipping: Int32(i))
                        } else if let postings = byHash[term] {
                            postings.withUnsafeBufferPointer { scores.add(weight, $0, skipping: Int32(i)) }
                        }
                    }
                }
                var candidates = scores.taken(threshold: threshold)
                for (place, paper) in old.papers.enumerated() where !moved[Int(paper)] { candidates.append((paper, old.scores[place])) }
                candidates.sort(by: ScoredList.before)
                if old.papers.count == k {
                    guard candidates.count >= k else { return nil }
                    if ScoredList.before((old.papers[k - 1], old.scores[k - 1]), candidates[k - 1]) { return nil }
                }
                return ScoredList(candidates.prefix(k))
            }
        }
        let whole = (0..<n).filter { merged[$0] == nil }
        let scored = parallelism.mapWithScratch(whole.count, makeScratch: { Scores(count: n) }, release: { $0.release() }) { w, scores -> ScoredList in
            let i = whole[w]
            for (term, weight) in next.vector(i).prefix(query) {
                scores.add(weight, next.postings(of: term, limit: limit), skipping: Int32(i))
            }
            return scores.best(k, threshold: threshold)
        }
        var lists = merged.map { $0 ?? ScoredList() }
        for (w, i) in whole.enumerated() { lists[i] = scored[w] }
        return lists
    }

    /// Marks in `moved` the papers whose postings differ between two lists
    /// in `listOrder`; whether any did.
    static func markDifferences(_ a: UnsafeBufferPointer<Posting>, _ b: UnsafeBufferPointer<Posting>, in moved: inout [Bool]) -> Bool {
        var x = 0, y = 0, differ = false
        while x < a.count || y < b.count {
            if x < a.count, y < b.count, a[x].paper == b[y].paper, a[x].weight.bitPattern == b[y].weight.bitPattern {
                x += 1; y += 1
            } else if y == b.count || (x < a.count && listOrder(a[x], b[y])) {
                moved[Int(a[x].paper)] = true; differ = true; x += 1
            } else {
                moved[Int(b[y].paper)] = true; differ = true; y += 1
            }
        }
        return differ
    }

    /// Whether `posting`, of a paper that indexes the term, is among the
    /// term's kept postings (`list`, its first `limit`). Every paper that
    /// indexes a term is in its list, in `listOrder`, so it is kept exactly
    /// when the list is not full or it does not come after the last kept
    /// one: one comparison, where a search through the list missed the
    /// processor's caches at every step (the kept postings of tens of
    /// thousands of papers are looked at after a day's additions).
    static func isKept(_ posting: Posting, in list: UnsafeBufferPointer<Posting>, limit: Int) -> Bool {
        let kept = list.count < limit || !listOrder(list[limit - 1], posting)
        assert(kept == holds(list, posting), "a paper that indexes a term is missing from its list")
        return kept
    }

    /// Whether a list in `listOrder` holds `posting`.
    static func holds(_ list: UnsafeBufferPointer<Posting>, _ posting: Posting) -> Bool {
        var low = 0, high = list.count
        while low < high {
            let mid = (low + high) / 2
            if listOrder(list[mid], posting) { low = mid + 1 } else { high = mid }
        }
        return low < list.count && list[low].paper == posting.paper && list[low].weight.bitPattern == posting.weight.bitPattern
    }
}
