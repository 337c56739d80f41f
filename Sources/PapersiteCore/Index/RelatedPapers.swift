import Foundation

/// Related papers by the text of their titles and abstracts: TF-IDF
/// vectors with stop words removed, compared by cosine, without comparing
/// all pairs.
///
/// Each paper looks for others through its `termsPerPaper` heaviest terms,
/// in an inverted index over every paper's terms, and terms that many papers share
/// (more than `maxPostings`) are left out of it: they say little about
/// relatedness and would make the work grow with the square of the corpus.
/// A paper's related papers are the candidates whose score passes
/// `minimumScore`, best first; ties go to the newer paper, then the earlier
/// in the site's order, so the result never depends on threads.
/// (Written by hand: no library on this machine does text similarity in
/// Swift, and the whole computation is a few dozen lines.)
struct RelatedPapers {
    var count: Int
    var minimumScore: Float = 0.12
    var termsPerPaper = 24
    var maxPostings = 800

    /// For each paper (in the given order), the indices of its related papers.
    func compute(titles: [String], texts: [String], parallelism: Parallelism) -> [[Int]] {
        let n = titles.count
        guard count > 0, n > 1 else { return Array(repeating: [], count: n) }
        // 1. Terms of each paper, with counts (title words count twice).
        let counted: [[String: Int]] = parallelism.map(n) { i in
            var counts: [String: Int] = [:]
            for word in Self.words(titles[i]) { counts[word, default: 0] += 2 }
            for word in Self.words(texts[i]) { counts[word, default: 0] += 1 }
            return counts
        }
        // 2. Term ids and document frequencies (in paper order: deterministic ids).
        var ids: [String: Int32] = [:]
        var df: [Int32] = []
        for counts in counted {
            for term in counts.keys.sorted() {
                if let id = ids[term] { df[Int(id)] += 1 } else { ids[term] = Int32(df.count); df.append(1) }
            }
        }
        let logN = log(Float(n))
        // 3. Each paper's heaviest terms, weights normalised to length 1.
        let vectors: [[(term: Int32, weight: Float)]] = parallelism.map(n) { i in
            var entries: [(term: Int32, weight: Float)] = []
            for (term, c) in counted[i] {
                let id = ids[term]!
                let d = df[Int(id)]
                guard d > 1 else { continue }                  // a word only this paper has links it to nothing
                let weight = (1 + log(Float(c))) * (logN - log(Float(d)))
                if weight > 0 { entries.append((id, weight)) }
            }
            let norm = entries.reduce(0) { $0 + $1.weight * $1.weight }.squareRoot()
            return entries.map { ($0.term, norm > 0 ? $0.weight / norm : 0) }.sorted { $0.term < $1.term }
        }
        // A paper looks for others through its heaviest terms only.
        let queries: [[(term: Int32, weight: Float)]] = parallelism.map(n) { i in
            let heaviest = vectors[i].sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.term < $1.term }
            return Array(heaviest.prefix(termsPerPaper)).sorted { $0.term < $1.term }
        }
        // 4. Inverted index over the kept terms, without the crowded ones.
        var postings = [[(paper: Int32, weight: Float)]](repeating: [], count: df.count)
        for (i, vector) in vectors.enumerated() {
            for entry in vector { postings[Int(entry.term)].append((Int32(i), entry.weight)) }
        }
        for t in postings.indices where postings[t].count > maxPostings { postings[t] = [] }
        // 5. Scores by accumulation, one paper at a time.
        let k = count, threshold = minimumScore
        return parallelism.mapWithScratch(n, makeScratch: { [Float](repeating: 0, count: n) }) { i, scores in
            var touched: [Int32] = []
            for entry in queries[i] {
                for post in postings[Int(entry.term)] where Int(post.paper) != i {
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

    /// Lower-case words of three letters or more, without stop words and
    /// numbers, with a plural "s" taken off; LaTeX commands and Markdown
    /// punctuation fall away with the non-letters.
    static func words(_ text: String) -> [String] {
        var result: [String] = []
        var current: [UInt8] = []
        func flush() {
            defer { current.removeAll(keepingCapacity: true) }
            guard current.count >= 3, !current.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return }
            var word = String(decoding: current, as: UTF8.self)
            if word.count > 4, word.hasSuffix("s"), !word.hasSuffix("ss"), !word.hasSuffix("us"), !word.hasSuffix("is") { word.removeLast() }
            if !stopWords.contains(word) { result.append(word) }
        }
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || (scalar.value >= 0x30 && scalar.value <= 0x39) {
                current.append(contentsOf: String(scalar).utf8)
            } else {
                flush()
            }
        }
        flush()
        return result
    }

    /// English function words and the words every paper abstract uses.
    static let stopWords: Set<String> = [
        "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was", "one", "our", "out", "has", "his",
        "how", "its", "may", "new", "now", "own", "see", "two", "way", "who", "did", "get", "use", "used", "using", "via", "per",
        "this", "that", "with", "from", "they", "them", "than", "then", "there", "these", "those", "their", "which", "while", "where",
        "when", "what", "were", "will", "would", "could", "should", "such", "also", "into", "onto", "over", "under", "more", "most",
        "many", "much", "some", "each", "both", "well", "only", "other", "between", "through", "across", "about", "after", "before",
        "been", "being", "have", "having", "does", "doing", "done", "very", "just", "even", "here", "further", "however", "thus",
        "therefore", "since", "because", "within", "without", "upon", "among", "whether", "often", "first", "second", "third",
        "paper", "work", "propose", "proposed", "present", "presented", "show", "shown", "demonstrate", "result", "approach",
        "method", "based", "new", "novel", "study", "existing", "different", "various", "several", "significant", "significantly",
        "able", "make", "made", "achieve", "achieved", "provide", "task", "problem", "recent", "recently", "introduce", "state",
        "art", "code", "available", "github", "http", "https", "www", "com", "org", "experiment", "performance", "improve",
        "improved", "improvement", "effective", "efficient", "large", "small", "high", "low", "key", "without", "outperform",
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
