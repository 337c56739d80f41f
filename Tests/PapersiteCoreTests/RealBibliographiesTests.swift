import Foundation
import Testing
@testable import PapersiteCore

/// Real bibliographies as TeX Live ships them (see
/// `Fixtures/real-bibliographies/README.md`): every entry with a title
/// becomes a paper, and the titles read as LaTeX means them.
@Suite struct RealBibliographiesTests {
    func site(_ names: [String]) throws -> TestSite {
        let site = try TestSite(["content/site.yml": "title: Bibliographies\nbase_url: https://example.org/\n"])
        for name in names {
            let data = try Data(contentsOf: fixturesRoot.appendingPathComponent("real-bibliographies/\(name)"))
            try site.write("content/papers/\(name)", data)
        }
        return site
    }

    /// TUGboat's 4,839 entries, 3.8 MB: the size of a real bibliography.
    @Test func theTUGboatBibliographyBuilds() throws {
        let site = try site(["tugboat.bib"])
        defer { site.remove() }
        let summary = try site.build()
        let warnings = summary.warnings.map(\.description)
        // Three entries have no title (one's is a macro of the journal's own,
        // `{\uktug}`), and are skipped; the rest are papers, those titled
        // with a logo alone (`{\LuaTeX}`) among them.
        #expect(warnings.filter { $0.contains("has no title; it is skipped") }.count == 3)
        #expect(summary.papers == 4_836)
        #expect(try site.read("papers/luatex/index.html").contains("<h1>LuaTeX</h1>"))
        #expect(summary.warnings.allSatisfy { $0.severity != .error })
        #expect(warnings.contains("content/papers/tugboat.bib:21140:3: warning: the field 'bibsource' appears again in 'Anonymous:TB10-3-445'; the first value is kept"))

        // `--` is an en dash, outer braces are gone.
        let page = try site.read("papers/protext-ii-dublin-ireland-october-21-25-1985/index.html")
        #expect(page.contains("<h1>PROTEXT II, Dublin, Ireland, October 21–25, 1985</h1>"))
        try expectSameAsCleanBuild(site, "building TUGboat's bibliography")
    }

    /// Journals without a year, and a history of printing with seasons for months.
    @Test func undatedEntriesAndSeasonsBuild() throws {
        let site = try site(["texjourn.bib", "printing-history.bib"])
        defer { site.remove() }
        let summary = try site.build()
        #expect(summary.warnings.allSatisfy { $0.severity != .error })
        let warnings = summary.warnings.map(\.description)
        #expect(warnings.contains { $0.contains("has no year (nor 'date'); the paper is listed as undated") })
        #expect(warnings.contains { $0.contains(": read as") })
        #expect(summary.papers == 733)
        // {\"u} is ü.
        #expect(try site.read("papers/der-fruhdruck-im-deutschen-sudwesten-1473-1500-eine-ausstellung-der/index.html").contains("Der Frühdruck im deutschen Südwesten"))
    }
}
