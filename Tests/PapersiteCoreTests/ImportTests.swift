import Foundation
import Testing
@testable import PapersiteCore

@Suite struct ImportTests {
    var sources: [URL] {
        ["refs.bib", "arxiv.xml", "snapshot.jsonl"].map { fixturesRoot.appendingPathComponent("sources/content/papers/\($0)") }
    }

    func importer(into site: TestSite, force: Bool = false, sources: [URL]? = nil) -> Importer {
        Importer(options: .init(sources: sources ?? self.sources, folder: site.root.appendingPathComponent("content/papers"), force: force, displayRoot: site.root))
    }

    /// Building the imported Markdown gives the same site as building the sources.
    @Test func importThenBuildEqualsBuildingTheSources() throws {
        let direct = try TestSite(fixture: "sources")
        defer { direct.remove() }
        try direct.build()
        let imported = try TestSite([:])
        defer { imported.remove() }
        let summary = try importer(into: imported).run()
        #expect(summary.new == 7)
        #expect(summary.line == "7 new, 0 updated, 0 unchanged, 0 skipped (edited)")
        try imported.build()
        let a = try tree(direct.output), b = try tree(imported.output)
        #expect(a.keys.sorted() == b.keys.sorted())
        for key in a.keys.sorted() where a[key] != b[key] {
            Issue.record("\(key) differs between the sources and their import")
        }
    }

    @Test func filesAreNamedByStableKeys() throws {
        let site = try TestSite([:])
        defer { site.remove() }
        _ = try importer(into: site).run()
        let names = try FileManager.default.contentsOfDirectory(atPath: site.root.appendingPathComponent("content/papers").path).sorted()
        #expect(names == ["0704.0001.md", "1706.03762.md", "1810.04805.md", "doi-10.18653-v1-2023.acl-long.1.md", "hep-th-9711200.md",
                          "math-0211159.md", "uber-formal-unentscheidbare-satze-der-principia-mathematica-und-verwandter.md"].sorted())
    }

    @Test func reimportUpdatesButNeverDuplicatesOrOverwritesEdits() throws {
        let site = try TestSite([:])
        defer { site.remove() }
        _ = try importer(into: site).run()
        let again = try importer(into: site).run()
        #expect(again.line == "0 new, 0 updated, 7 unchanged, 0 skipped (edited)")

        // An edited record is left alone and named; --force overwrites it.
        let edited = site.root.appendingPathComponent("content/papers/0704.0001.md")
        try (try String(contentsOf: edited, encoding: .utf8) + "\nMy own notes.\n").write(to: edited, atomically: true, encoding: .utf8)
        let third = try importer(into: site).run()
        #expect(third.skipped == ["content/papers/0704.0001.md"])
        #expect(try String(contentsOf: edited, encoding: .utf8).contains("My own notes."))
        let forced = try importer(into: site, force: true).run()
        #expect(forced.line == "0 new, 1 updated, 6 unchanged, 0 skipped (edited)")
        #expect(!(try String(contentsOf: edited, encoding: .utf8)).contains("My own notes."))

        // A changed source updates its record.
        let bib = site.root.appendingPathComponent("one.bib")
        try "@misc{x, title={First Title}, year=2020, eprint={2001.00001}, archivePrefix={arXiv}}".write(to: bib, atomically: true, encoding: .utf8)
        #expect(try importer(into: site, sources: [bib]).run().new == 1)
        try "@misc{x, title={Second Title}, year=2020, eprint={2001.00001}, archivePrefix={arXiv}}".write(to: bib, atomically: true, encoding: .utf8)
        #expect(try importer(into: site, sources: [bib]).run().line == "0 new, 1 updated, 0 unchanged, 0 skipped (edited)")
        #expect(try String(contentsOf: site.root.appendingPathComponent("content/papers/2001.00001.md"), encoding: .utf8).contains("title: \"Second Title\""))
    }

    @Test func anUnreadableSourceWritesNothing() throws {
        let site = try TestSite([:])
        defer { site.remove() }
        let bad = site.root.appendingPathComponent("bad.json")
        try "[{\"title\": \"never closed\"".write(to: bad, atomically: true, encoding: .utf8)
        do {
            _ = try importer(into: site, sources: sources + [bad]).run()
            Issue.record("expected a failure")
        } catch {
            #expect(error.diagnostics.map(\.description).count == 1)
            #expect(error.diagnostics.first?.description.hasPrefix("bad.json: error: the file is not JSON") == true)
        }
        #expect(!FileManager.default.fileExists(atPath: site.root.appendingPathComponent("content/papers").path))
    }

    @Test func aBadEntryIsSkippedWithAWarningAndTheRestImported() throws {
        let site = try TestSite([:])
        defer { site.remove() }
        let bib = site.root.appendingPathComponent("some.bib")
        try "@misc{ok, title={OK}, year=2020}\n@article{broken,\n  title = {Never closed\n".write(to: bib, atomically: true, encoding: .utf8)
        let summary = try importer(into: site, sources: [bib]).run()
        #expect(summary.new == 1)
        #expect(summary.warnings.map(\.description) == ["some.bib:2:1: warning: the entry is never closed (it opens here); the entry is skipped"])

        // --strict: the warning is an error, and nothing is written.
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("content/papers"))
        var options = importer(into: site, sources: [bib]).options
        options.strict = true
        #expect(throws: BuildFailure.self) { try Importer(options: options).run() }
        do { _ = try Importer(options: options).run() } catch {
            #expect(error.diagnostics.map(\.description) == ["some.bib:2:1: error: the entry is never closed (it opens here); the entry is skipped"])
        }
        #expect(!FileManager.default.fileExists(atPath: site.root.appendingPathComponent("content/papers").path))
    }

    /// BibTeX files imported together share their `@string` macros, as they do in a build.
    @Test func bibliographiesImportedTogetherShareTheirMacros() throws {
        let site = try TestSite([:])
        defer { site.remove() }
        let abbrev = site.root.appendingPathComponent("abbrev.bib"), refs = site.root.appendingPathComponent("refs.bib")
        try "@string{jacm = \"Journal of the ACM\"}\n".write(to: abbrev, atomically: true, encoding: .utf8)
        try "@article{k, title = {On Macros}, journal = jacm, year = 2001}\n".write(to: refs, atomically: true, encoding: .utf8)
        let summary = try importer(into: site, sources: [abbrev, refs]).run()
        #expect(summary.new == 1)
        #expect(summary.warnings.filter { $0.severity != .note }.map(\.description) == [])
        let records = try FileManager.default.contentsOfDirectory(atPath: site.root.appendingPathComponent("content/papers").path)
        #expect(records == ["on-macros.md"])
        let record = try String(contentsOf: site.root.appendingPathComponent("content/papers/on-macros.md"), encoding: .utf8)
        #expect(record.contains("Journal of the ACM"))
    }

    /// An undated entry imports as a record without 'date', which builds as undated.
    @Test func anUndatedEntryImportsAndBuilds() throws {
        let site = try TestSite(["content/site.yml": "title: T\nbase_url: https://example.org/\n"])
        defer { site.remove() }
        let bib = site.root.appendingPathComponent("some.bib")
        try "@book{poetics, author={Aristotle}, title={Poetics}}\n".write(to: bib, atomically: true, encoding: .utf8)
        let summary = try importer(into: site, sources: [bib]).run()
        #expect(summary.new == 1)
        let record = try String(contentsOf: site.root.appendingPathComponent("content/papers/poetics.md"), encoding: .utf8)
        #expect(!record.contains("date:"))
        let built = try site.build()
        #expect(built.papers == 1 && built.warnings.isEmpty)
        #expect(try site.read("papers/poetics/index.html").contains("<p class=\"meta\">undated</p>"))
    }

    @Test func recordsSurviveHostileText() throws {
        let site = try TestSite([:])
        defer { site.remove() }
        let bib = site.root.appendingPathComponent("h.bib")
        try #"@misc{h, title={"Quoted" title: with --- colons, #hash and \& {braces} and $x_1$}, author={O'Brien, Eve and {\"U}nal, Ali}, year=2020, keywords={a: b, yes, null}}"#.write(to: bib, atomically: true, encoding: .utf8)
        _ = try importer(into: site, sources: [bib]).run()
        let summary = try site.build()
        #expect(summary.papers == 1)
        #expect(summary.tags == 3)
        let page = try site.read("papers/quoted-title-with-colons-hash-and-braces-and-x-1/index.html")
        #expect(page.contains("&quot;Quoted&quot; title: with — colons, #hash and &amp; braces and <span class=\"math inline\">$x_1$</span>"))
        #expect(page.contains("Eve O&#39;Brien"))
        #expect(page.contains("Ali Ünal"))
    }
}
