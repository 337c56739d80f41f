import Foundation
import Testing
@testable import PapersiteCore

/// The names the index derives, kept between builds: a build that meets a
/// few hundred new names stores those beside the whole memo, not the whole
/// again, and the next build knows every name either way.
@Suite struct NameMemoTests {
    func papers(_ range: Range<Int>) -> [Paper] {
        range.map { k in
            Paper(title: "Paper \(k)", authors: ["Author \(k) Ödön", "Co Author \(k)"], published: nil,
                  source: SourceLocation(file: "a.jsonl", line: k + 1))
        }
    }

    /// Meets every name of `papers` in a build of the cache in `folder`,
    /// and stores the memo; returns the forms met and what the store grew by.
    func build(_ papers: [Paper], in folder: URL) throws -> (forms: [String], citations: [String], stored: Int) {
        let store = CacheStore(folder: folder, output: "public", identity: 1, clean: false)
        let size = { (try? FileManager.default.attributesOfItem(atPath: store.storeFile.path)[.size] as? Int) ?? 0 }
        let before = size()
        let memo = NameMemo.load(from: store)
        let forms = papers.flatMap { $0.authors.map { name in let f = memo.author(name); return "\(f.display)|\(f.slugBase)|\(f.key)" } }
        let citations = papers.map(memo.citationBase)
        memo.storeAndForget(in: store, papers: papers)
        store.commit(outputs: [], tree: 1)
        return (forms, citations, size() - before)
    }

    @Test func newNamesAreStoredBesideTheWholeMemo() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("papersite-memo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try build(papers(0..<2_000), in: folder)
        #expect(first.stored > 2_000 * 40, "the whole memo: \(first.stored) bytes")

        // A day's papers: their names only.
        let day = try build(papers(0..<2_100), in: folder)
        #expect(day.stored > 0 && day.stored < first.stored / 10, "stored \(day.stored) bytes for 100 papers' names")
        // Nothing new: nothing stored, and every name as a memo-less build derives it.
        let again = try build(papers(0..<2_100), in: folder)
        #expect(again.stored == 0, "stored \(again.stored) bytes with no new name")
        let fresh = try build(papers(0..<2_100), in: folder.appendingPathComponent("fresh"))
        #expect(again.forms == fresh.forms && again.citations == fresh.citations)

        // Once the names since outweigh a quarter of the whole, the whole is stored again.
        let many = try build(papers(0..<2_700), in: folder)
        #expect(many.stored > 2_700 * 40, "the whole memo again: \(many.stored) bytes")
        let after = try build(papers(0..<2_700), in: folder)
        let fresh2 = try build(papers(0..<2_700), in: folder.appendingPathComponent("fresh2"))
        #expect(after.stored == 0 && after.forms == fresh2.forms)
    }
}
