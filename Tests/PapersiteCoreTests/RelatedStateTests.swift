import Foundation
import Testing
@testable import PapersiteCore

/// Related papers followed through edits with the build cache
/// (`RelatedPapers.cached` and `RelatedState.update`) give the lists a
/// computation from scratch gives, to the last paper.
@Suite struct RelatedStateTests {
    /// A deterministic random corpus: words drawn with a skewed
    /// distribution, so that some are in most papers (their document
    /// frequencies are rounded) and some in a few.
    struct Corpus {
        var titles: [String] = [], abstracts: [String] = [], tags: [[String]] = []
        /// Each paper's identity (where its record is), kept when others are removed.
        var identities: [UInt64] = []
        var seed: UInt64

        init(papers: Int, seed: UInt64) {
            self.seed = seed
            for _ in 0..<papers { add() }
        }

        mutating func next(_ bound: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(bound))
        }

        mutating func word() -> String {
            // Skewed: the square of a uniform draw favours low numbers.
            let r = next(3000)
            return "word\(r * r / 3000)x"
        }

        mutating func sentence(_ count: Int) -> String {
            var words: [String] = []
            for _ in 0..<count { words.append(word()) }
            return words.joined(separator: " ")
        }

        mutating func tagList() -> [String] {
            var list: [String] = []
            for _ in 0..<next(3) { list.append("tag\(next(8))") }
            return list
        }

        /// A paper added after the others (the newest: they count from the oldest).
        mutating func add() {
            identities.append(UInt64(identities.count + 1) &* 0x9E37_79B9_7F4A_7C15 &+ seed)
            titles.append(sentence(4 + next(5)))
            abstracts.append(sentence(20 + next(40)))
            tags.append(tagList())
        }

        /// Removes a paper, anywhere: the others keep their identities.
        mutating func remove() {
            let i = next(titles.count)
            identities.remove(at: i); titles.remove(at: i); abstracts.remove(at: i); tags.remove(at: i)
        }

        mutating func edit() {
            let i = next(titles.count)
            switch next(4) {
            case 0: titles[i] = sentence(4 + next(5))
            case 1: abstracts[i] += " " + sentence(1 + next(4))
            case 2: abstracts[i] = sentence(20 + next(40))
            default: tags[i] = tagList()
            }
        }
    }

    @Test func editsGiveTheListsOfAFullComputation() throws {
        var corpus = Corpus(papers: 400, seed: 7)
        var related = RelatedPapers(count: 5)
        // Small enough that the delta is sometimes merged into the body, large enough that it is often kept.
        related.deltaLimit = { _ in 3_000 }
        let (paths, sequence) = followSeries(related, &corpus, steps: 40) { _, corpus in
            for _ in 0..<(1 + corpus.next(3)) { corpus.edit() }
        }
        // The first computes; most later edits are followed, not recomputed
        // (in so small a corpus, a common word's rounded frequency often
        // changes, and then a third of the papers or more need new vectors).
        #expect(paths.first == .computed)
        #expect(paths.filter { $0 == .updated || $0 == .updatedInDelta }.count >= 20, "\(sequence)")
        #expect(paths.filter { $0 == .updated }.count >= 3 && paths.filter { $0 == .updatedInDelta }.count >= 10, "\(sequence)")
        let found = expectedNonEmpty(related, corpus)
        #expect(found)
    }

    /// Papers added after the others, with edits between: each build's
    /// lists are those of a full computation, and most additions are
    /// followed from the last state rather than computed again.
    @Test func additionsGiveTheListsOfAFullComputation() throws {
        // 520 papers, and one or two more a step: the count stays within one
        // rounding step of log n (512 to 608), so every step can be followed.
        var corpus = Corpus(papers: 520, seed: 11)
        var related = RelatedPapers(count: 5)
        related.deltaLimit = { _ in 12_000 }
        // In so small a corpus an edit's words change the weights of most
        // papers (many words are in a few papers, whose frequencies are
        // exact): following them is still right, though not cheaper.
        related.affectedLimit = { $0 }
        related.exactUpTo = 0       // weighed as a large site is, by its oldest papers
        let (paths, sequence) = followSeries(related, &corpus, steps: 30) { step, corpus in
            for _ in 0..<(1 + corpus.next(2)) { corpus.add() }
            if step % 3 == 0 { corpus.edit() }
        }
        #expect(paths.first == .computed && paths.dropFirst().allSatisfy { $0 == .updated || $0 == .updatedInDelta }, "\(sequence)")
        // Both ways of keeping what changed: a new body (with the added papers' vectors), and a delta beside the old one.
        #expect(paths.contains(.updated) && paths.contains(.updatedInDelta), "\(sequence)")
        let found = expectedNonEmpty(related, corpus)
        #expect(found)
    }

    /// Days of papers, each a fiftieth as many as the site has, added as
    /// the newest: the frequencies of words grow with the site, but their
    /// weights count only the oldest papers (`epoch`), so the addition
    /// changes no other paper's vector (were it to change those of most
    /// papers, as counting every paper does, they would be computed again:
    /// `affectedLimit`).
    @Test func aDayAddedIsFollowedThoughCommonWordsGrow() throws {
        var corpus = Corpus(papers: 520, seed: 41)
        var related = RelatedPapers(count: 5)
        related.exactUpTo = 0       // weighed as a large site is
        #expect(related.epoch(520) == 512 && related.epoch(608) == 512 && related.epoch(609) == 609 && related.epoch(16) == 16)
        #expect(RelatedPapers(count: 5).epoch(2048) == 2048 && RelatedPapers(count: 5).epoch(2100) == 2048)
        let (paths, sequence) = followSeries(related, &corpus, steps: 5) { _, corpus in
            for _ in 0..<11 { corpus.add() }
        }
        #expect(paths.first == .computed && paths.dropFirst().allSatisfy { $0 == .updated || $0 == .updatedInDelta }, "\(sequence)")
        let found = expectedNonEmpty(related, corpus)
        #expect(found)
    }

    /// The same with posting lists cut short, so that a paper whose vector
    /// changed pushes others out of a list or lets them in (their scores
    /// change though their vectors do not), and with lists of two, mostly
    /// full, so that an old list's last place is often taken by a paper
    /// the old list left out (and the list must be scored whole).
    @Test func additionsThroughShortPostingListsGiveTheListsOfAFullComputation() throws {
        var corpus = Corpus(papers: 520, seed: 23)
        var related = RelatedPapers(count: 2)
        related.postingsPerTerm = 12
        related.affectedLimit = { $0 }
        related.exactUpTo = 0       // weighed as a large site is, by its oldest papers
        let (paths, sequence) = followSeries(related, &corpus, steps: 24) { _, corpus in
            corpus.add()
            for _ in 0..<2 { corpus.edit() }
        }
        #expect(paths.dropFirst().allSatisfy { $0 == .updated || $0 == .updatedInDelta }, "\(sequence)")
        let found = expectedNonEmpty(related, corpus)
        #expect(found)
    }

    /// Papers removed anywhere (the first, the last, between), some steps
    /// with papers added or edited too: each build's lists are those of a
    /// full computation, and the removals are followed, not computed again.
    @Test func removalsGiveTheListsOfAFullComputation() throws {
        // 600 papers, one or two fewer a step: within one rounding step of log n (512 to 608).
        var corpus = Corpus(papers: 600, seed: 31)
        var related = RelatedPapers(count: 3)
        related.postingsPerTerm = 40
        related.affectedLimit = { $0 }
        related.exactUpTo = 0       // weighed as a large site is, by its oldest papers
        let (paths, sequence) = followSeries(related, &corpus, steps: 30) { step, corpus in
            for _ in 0..<(1 + corpus.next(2)) { corpus.remove() }
            if step % 4 == 0 { corpus.add() }
            if step % 5 == 0 { corpus.edit() }
        }
        #expect(paths.first == .computed && paths.dropFirst().allSatisfy { $0 == .updatedAfterRemovals }, "\(sequence)")
        let found = expectedNonEmpty(related, corpus)
        #expect(found)
    }

    /// A large site's tables wait in a scratch file and are read back a
    /// piece at a time (here pieces of a few dozen papers, as a site of
    /// hundreds of thousands has them): the lists are those of a full
    /// computation in memory, edits are followed from the state so stored,
    /// and no scratch file is left in the cache.
    @Test func tablesReadBackInPiecesGiveTheSameLists() throws {
        var corpus = Corpus(papers: 500, seed: 47)
        var related = RelatedPapers(count: 3)
        related.chunk = 64
        related.piece = 37
        related.exactUpTo = 0
        related.affectedLimit = { $0 }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("related-pieces-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [RelatedPapers.Path] = []
        for step in 0..<4 {
            if step > 0 { corpus.edit(); corpus.add() }
            paths.append(followStep(step, related, corpus, in: dir))
        }
        #expect(paths.first == .computed && paths.dropFirst().allSatisfy { $0 != .computed }, "\(paths)")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("scratch") }
        #expect(left.isEmpty)
        #expect(expectedNonEmpty(related, corpus))
    }

    /// Builds of `corpus` with one state, in a folder of their own: the
    /// first as it is, then `steps - 1` more, each after `change` (given
    /// the step). Each build's lists must be those of a full computation
    /// (`followStep`). Returns how each found them, and that as text.
    func followSeries(_ related: RelatedPapers, _ corpus: inout Corpus, steps: Int,
                      sourceLocation: Testing.SourceLocation = #_sourceLocation,
                      change: (Int, inout Corpus) -> Void) -> (paths: [RelatedPapers.Path], sequence: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("related-series-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [RelatedPapers.Path] = []
        for step in 0..<steps {
            if step > 0 { change(step, &corpus) }
            paths.append(followStep(step, related, corpus, in: dir, sourceLocation: sourceLocation))
        }
        return (paths, paths.map { "\($0)" }.joined(separator: " "))
    }

    /// One build of `corpus` with the state in `dir`: its lists must be
    /// those of a full computation. Returns how they were found.
    func followStep(_ step: Int, _ related: RelatedPapers, _ corpus: Corpus, in dir: URL,
                    sourceLocation: Testing.SourceLocation = #_sourceLocation) -> RelatedPapers.Path {
        let n = corpus.titles.count
        let identities = corpus.identities
        let cache = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        var path = RelatedPapers.Path.computed
        let lists = related.cached(count: n, identities: identities, cache: cache, parallelism: step % 2 == 0 ? .allCores : .serial,
                                   path: &path) { i in (corpus.titles[i], corpus.abstracts[i], corpus.tags[i]) }
        cache.commit(outputs: [], tree: 0)
        let expected = related.compute(titles: corpus.titles, texts: corpus.abstracts, tags: corpus.tags, parallelism: .serial)
        let differing = (0..<n).filter { lists[$0] != expected[$0] }
        #expect(differing.isEmpty, "step \(step), \(n) papers (\(path)): \(differing.count) differ, such as \(differing.prefix(3).map { "\($0): \(lists[$0]) not \(expected[$0])" })",
                sourceLocation: sourceLocation)
        return path
    }

    /// The corpus has related papers at all (else the comparison says little).
    func expectedNonEmpty(_ related: RelatedPapers, _ corpus: Corpus) -> Bool {
        let found = related.compute(titles: corpus.titles, texts: corpus.abstracts, tags: corpus.tags, parallelism: .serial).filter { !$0.isEmpty }.count
        return found > corpus.titles.count / 2
    }
}
