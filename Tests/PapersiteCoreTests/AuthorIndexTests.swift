import Foundation
import Testing
@testable import PapersiteCore

/// The author index a build extends from the last one's (papers added,
/// the newest) is the one made from nothing: the same authors, slugs,
/// order and papers, with slugs that collide numbered the same way.
@Suite struct AuthorIndexTests {
    /// Paper k, dated day k: some authors recur, and spellings that make
    /// the same slug ("José Núñez", "Jose Nunez", "JOSÉ NÚÑEZ-" …) keep coming.
    func paper(_ k: Int) -> Paper {
        let spellings = ["José Núñez", "Jose Nunez", "José  Núñez", "Jose-Nunez", "Núñez, José", "J. Nunez"]
        var authors = ["Author \(k % 7)", spellings[k % spellings.count] + (k % 4 == 0 ? "" : " \(k / 12)")]
        if k % 5 == 0 { authors.append("Author \(k % 7)") }     // the same author twice on one paper
        return Paper(title: "Paper \(k)", authors: authors, published: Day(daysSinceEpoch: 18_000 + k / 3),
                     source: SourceLocation(file: "a.jsonl", line: k + 1))
    }

    func index(_ count: Int, cache: CacheStore?) -> AuthorIndex {
        // In the site's order: newest first.
        let papers = SiteIndexer.newestFirst((0..<count).map(paper))
        return AuthorIndex.make(papers, memo: NameMemo(), parallelism: .allCores, cache: cache)
    }

    /// The parts in which two indexes differ (none: the same).
    func differences(_ a: AuthorIndex, _ b: AuthorIndex) -> [String] {
        [("authors", a.authors == b.authors), ("names", a.names == b.names), ("papers by author", a.byAuthor == b.byAuthor),
         ("each paper's authors", a.paperSlugs == b.paperSlugs), ("each author's papers", a.papers == b.papers)]
            .filter { !$0.1 }.map(\.0)
    }

    @Test func papersAddedExtendTheLastIndexToTheOneMadeAfresh() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("papersite-authors-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for count in [40, 41, 90, 90, 300, 120] {
            let store = CacheStore(folder: folder, output: "public", identity: 1, clean: false)
            let extended = index(count, cache: store)
            store.commit(outputs: [], tree: 1)
            let fresh = index(count, cache: nil)
            #expect(differences(extended, fresh).isEmpty, "\(count) papers: \(differences(extended, fresh)) differ")
            #expect(Set(fresh.authors.map(\.slug)).count == fresh.authors.count && fresh.authors.count > 20)
        }
    }

    /// Records that come with their hashes, as they come from the cache:
    /// an author list is taken from the last build's table only for the
    /// same record at the same number, so an edit to a title, to an author
    /// or to the list gives the index made afresh.
    @Test func editedRecordsGiveTheIndexMadeAfresh() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("papersite-authors-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var papers = (0..<60).map(paper)
        for edit in 0..<4 {
            if edit == 1 { papers[10].title += " revisited" }
            if edit == 2 { papers[20].authors[0] = "Someone Else" }
            if edit == 3 { papers[30].authors.insert("Author 3", at: 0) }
            let hashed = papers.map { paper -> Paper in
                var hashed = paper
                hashed.setRecordHash(RecordCodec.hash(paper))
                return hashed
            }
            let store = CacheStore(folder: folder, output: "public", identity: 1, clean: false)
            let made = AuthorIndex.make(SiteIndexer.newestFirst(hashed), memo: NameMemo(), parallelism: .allCores, cache: store)
            store.commit(outputs: [], tree: 1)
            let fresh = AuthorIndex.make(SiteIndexer.newestFirst(papers), memo: NameMemo(), parallelism: .allCores, cache: nil)
            #expect(differences(made, fresh).isEmpty, "edit \(edit): \(differences(made, fresh)) differ")
        }
    }
}
