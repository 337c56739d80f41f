import Foundation

/// How much each term weighs in a paper's vector for related papers:
/// tf-idf with rounded document frequencies (see `RelatedPapers`).
extension RelatedPapers {
    /// The inverse document frequency of a term `df` of the `n` papers
    /// have (`logN` = log n): log(n / df), with a df above 16 first rounded
    /// down to a power of 2^(1/4), so that a common word's weight stays the
    /// same when one paper more or fewer has it (see `RelatedState`), and
    /// 0 for a word only one paper has (it links that paper to nothing).
    /// `df` counts the first `epoch(n)` papers.
    static func idf(df: Int32, logN: Float) -> Float {
        guard df > 1 else { return 0 }
        return logN - (df <= 16 ? log(Float(df)) : Float(frequencyBucket(df) - 1000) * 0.25 * log(Float(2)))
    }

    /// How papers are numbered when related papers are found: from the
    /// oldest day, and within a day in the site's order (the order of
    /// their sources). The site lists days newest first; so papers added
    /// later (a newer day, or further down a file for the same day: the
    /// usual additions) come after the last build's, whose numbers and
    /// state stay as they were (see `RelatedState`). Ties in score go to
    /// the lower number. Authors' slugs are given in this order too.
    struct Numbering {
        /// Each number's place in the site's order.
        let place: [Int]

        /// `days`: each paper's day in the site's order (newest first; any
        /// number for undated papers, as long as it is the same for all).
        init(days: [Int]) {
            var place: [Int] = []
            place.reserveCapacity(days.count)
            var end = days.count
            while end > 0 {
                var start = end - 1
                while start > 0 && days[start - 1] == days[end - 1] { start -= 1 }
                place += start..<end
                end = start
            }
            self.place = place
        }

        init(_ papers: some Collection<Paper>) {
            self.init(days: papers.map { $0.published?.daysSinceEpoch ?? Int.min })
        }

        /// Lists by number as lists by place.
        func siteOrder(_ byID: [[Int]]) -> [[Int]] {
            var byPlace = [[Int]](repeating: [], count: place.count)
            for (id, list) in byID.enumerated() { byPlace[place[id]] = list.map { place[$0] } }
            return byPlace
        }
    }

    /// log n for `idf`, with n above 16 rounded down to a power of 2^(1/4)
    /// as frequencies are: a paper added leaves every weight as it was
    /// unless the count crosses such a power (about every fifth more), so
    /// that an addition changes only the papers it can (see `RelatedState`).
    static func logN(_ n: Int) -> Float {
        n <= 16 ? log(Float(n)) : Float(frequencyBucket(Int32(clamping: n)) - 1000) * 0.25 * log(Float(2))
    }

    /// How many papers, the oldest first, a term's document frequency
    /// counts: all of them up to `exactUpTo`, and above that n rounded
    /// down to a power of 2^(1/4), so that it stays the same while `logN`
    /// does. Papers added as the newest then change no other paper's
    /// weights: they are found through the existing posting lists and
    /// enter other papers' lists where they score, and nothing else
    /// changes (see `RelatedState`). A frequency counted over all papers
    /// would not do: a day of papers moves the frequencies of common words
    /// by about as much as the site grows, and with them their rounded
    /// values, and it moves those of the rare words it shares exactly, so
    /// that a day of a thousand papers on a site of a hundred thousand
    /// changed the weights of three papers in four. The cost: a word that
    /// at most one of those papers has weighs nothing until the site
    /// grows past the next step (a fifth more papers), when everything is
    /// computed again; a large site's newest papers link by the words the
    /// site already knew.
    func epoch(_ n: Int) -> Int {
        guard n > max(16, exactUpTo) else { return n }
        // The fewest papers in n's rounding step (the steps only grow).
        let step = Self.frequencyBucket(Int32(clamping: n))
        var low = 17, high = n
        while low < high {
            let mid = (low + high) / 2
            if Self.frequencyBucket(Int32(clamping: mid)) < step { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Equal for two document frequencies exactly when their `idf` is.
    static func frequencyBucket(_ df: Int32) -> Int32 {
        df <= 1 ? 0 : df <= 16 ? df : 1000 + Int32((4 * log2(Float(df))).rounded(.down))
    }

    /// Scratch buffers of `vector`, reused across papers.
    struct VectorScratch<Term> {
        var terms: [Term] = []
        var weights: [Float] = []
        var order: [UInt64] = []
        /// A paper's term counts, for the caller.
        var counts: [Float] = []
    }

    /// One paper's vector: its terms' weights, tf-idf, normalised to
    /// length 1, heaviest first, at most max(`queryTerms`, `indexedTerms`).
    /// The terms come in step 1's order (by shard, then hash); weights are
    /// positive, so their bit patterns sort as they do, and sorting
    /// (weight, position) sorts ties by that order. Shared by the full
    /// computation and `RelatedState.update`, which must agree to the bit.
    func vector<Term>(_ n: Int, term: (Int) -> Term, count: (Int) -> Float, idf: (Int) -> Float, scratch: inout VectorScratch<Term>) -> [(term: Term, weight: Float)] {
        scratch.terms.removeAll(keepingCapacity: true)
        scratch.weights.removeAll(keepingCapacity: true)
        scratch.order.removeAll(keepingCapacity: true)
        for k in 0..<n {
            let inverse = idf(k)
            guard inverse > 0 else { continue }
            let c = count(k)
            let weight = (c < 64 && c == c.rounded() ? Self.countLogs[Int(c)] : 1 + log(c)) * inverse
            if weight > 0 { scratch.terms.append(term(k)); scratch.weights.append(weight) }
        }
        let norm = scratch.weights.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return [] }
        for (k, weight) in scratch.weights.enumerated() { scratch.order.append(UInt64(~weight.bitPattern) << 32 | UInt64(k)) }
        scratch.order.sort()
        return scratch.order.prefix(max(queryTerms, indexedTerms)).map { key in
            let k = Int(key & 0xFFFF_FFFF)
            return (scratch.terms[k], scratch.weights[k] / norm)
        }
    }

    static let countLogs = (0..<64).map { 1 + log(Float($0)) }
}
