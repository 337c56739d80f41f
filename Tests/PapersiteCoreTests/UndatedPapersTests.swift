import Foundation
import Testing
@testable import PapersiteCore

/// A bibliography entry without a year (an ancient text, a manual, a
/// journal's own record) is a paper of the site, listed as undated.
@Suite struct UndatedPapersTests {
    static let bibliography = """
        @book{poetics, author = {Aristotle}, title = {Poetics}}
        @article{dated, author = {Ada Lovelace}, title = {Notes on the Analytical Engine}, year = {1843}, month = oct}
        @manual{gnu, title = {{GNU} Make}, year = {n.d.}}
        """

    @Test func undatedPapersGetPagesAndSortLast() throws {
        let site = try TestSite([
            "content/site.yml": "title: T\nbase_url: https://example.org/\n",
            "content/papers/refs.bib": Self.bibliography,
        ])
        defer { site.remove() }
        let summary = try site.build()
        #expect(summary.papers == 3)
        #expect(summary.warnings.map(\.description) == [
            "content/papers/refs.bib:1:1: warning: the entry 'poetics' has no year (nor 'date'); the paper is listed as undated",
            "content/papers/refs.bib:3:1: warning: 'year' in 'gnu' is not a year: n.d.; the paper is listed as undated",
        ])

        // Newest first, the undated last in source order, marked "undated" and with no <time>.
        let home = try site.read("index.html")
        let order = ["Notes on the Analytical Engine", "Poetics", "GNU Make"].map { home.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil } && order == order.sorted { $0! < $1! })
        #expect(home.components(separatedBy: "<time ").count == 2)
        #expect(home.components(separatedBy: "undated</p>").count == 3)

        let page = try site.read("papers/poetics/index.html")
        #expect(page.contains("<p class=\"meta\">undated</p>"))
        #expect(!page.contains("citation_publication_date"))
        #expect(!page.contains("datePublished"))
        #expect(!page.contains("article:published_time"))

        // In no year's list; out of the feeds, which need a date per entry.
        let years = try site.read("years/index.html")
        #expect(Set(years.matches(of: /href="\.\.\/years\/(\d+)\/"/).map { String($0.1) }) == ["1843"])
        #expect(try site.read("years/1843/index.html").components(separatedBy: "class=\"card\"").count == 2)
        for feed in ["feed.xml", "atom.xml", "feed.json"] {
            let text = try site.read(feed)
            #expect(text.contains("Analytical Engine"), "\(feed)")
            #expect(!text.contains("Poetics"), "\(feed)")
        }

        // An author with only undated papers has no feed, and the page links to none.
        #expect(!site.exists("authors/aristotle/atom.xml"))
        #expect(!(try site.read("authors/aristotle/index.html")).contains("authors/aristotle/atom.xml"))
        #expect(try site.read("authors/ada-lovelace/index.html").contains("authors/ada-lovelace/atom.xml"))
        #expect(site.exists("authors/ada-lovelace/atom.xml"))

        // BibTeX: no year field, a key without one.
        let bib = try site.read("papers/poetics/cite.bib")
        #expect(bib.contains("title = {Poetics}"))
        #expect(!bib.contains("year"))

        // Search results carry empty dates for them, which the page shows as "undated".
        let docs = try site.read("search/docs/0.js")
        #expect(docs.contains(#"["Poetics","../papers/poetics/","Aristotle","","",[],"#))

        let sitemap = try site.read("sitemap.xml")
        let entry = sitemap.components(separatedBy: "<url>").first { $0.contains("papers/poetics/") } ?? ""
        #expect(!entry.isEmpty && !entry.contains("<lastmod>"))
        try expectSameAsCleanBuild(site, "a build with undated papers")
    }

    @Test func aRecordGivenADateLaterMovesIntoItsYear() throws {
        let site = try TestSite([
            "content/site.yml": "title: T\nbase_url: https://example.org/\n",
            "content/papers/refs.bib": Self.bibliography,
        ])
        defer { site.remove() }
        try site.build()
        #expect(!site.exists("years/1984/index.html"))
        try site.edit("content/papers/refs.bib") { $0.replacingOccurrences(of: "title = {Poetics}}", with: "title = {Poetics}, year = {1984}}") }
        try site.build()
        #expect(try site.read("years/1984/index.html").contains("Poetics"))
        #expect(try site.read("feed.xml").contains("Poetics"))
        #expect(site.exists("authors/aristotle/atom.xml"))
        try expectSameAsCleanBuild(site, "dating a paper")
    }

    /// A related paper without a date says so, rather than showing the date
    /// of the page it is listed on.
    @Test func anUndatedRelatedPaperIsMarkedUndated() throws {
        let site = try TestSite([
            "content/site.yml": "title: T\nbase_url: https://example.org/\n",
            "content/papers/refs.bib": """
                @book{a, title = {Tragedy and Comedy}, year = {1843}, abstract = {On tragedy, comedy, poetry and the chorus.}}
                @book{b, title = {Poetics}, abstract = {On tragedy, comedy, poetry and the chorus, again.}}
                @book{c, title = {Elements}, year = {1900}, abstract = {Geometry from points and lines.}}
                @book{d, title = {Optics}, year = {1901}, abstract = {Light through lenses and mirrors.}}
                """,
        ])
        defer { site.remove() }
        try site.build()
        let page = try site.read("papers/tragedy-and-comedy/index.html")
        #expect(page.contains(#"<a href="../../papers/poetics/">Poetics</a><span class="meta"> · undated</span>"#))
    }

    /// Dates as far as the source gives them: a year, a month, a day.
    @Test func datesShowWhatTheSourceGives() throws {
        let site = try TestSite([
            "content/site.yml": "title: T\nbase_url: https://example.org/\n",
            "content/papers/refs.bib": """
                @book{y, title = {Year Only}, year = {1973}}
                @book{m, title = {Year and Month}, year = {1984}, month = mar}
                @book{d, title = {Full Date}, date = {1999-12-31}}
                """,
            "content/papers/m.md": paperFile("title: Markdown Month\ndate: 2001-07"),
        ])
        defer { site.remove() }
        try site.build()
        #expect(try site.read("papers/year-only/index.html").contains(#"<time datetime="1973">1973</time>"#))
        #expect(try site.read("papers/year-only/index.html").contains(#"<meta name="citation_publication_date" content="1973">"#))
        #expect(try site.read("papers/year-and-month/index.html").contains(#"<time datetime="1984-03">March 1984</time>"#))
        #expect(try site.read("papers/full-date/index.html").contains(#"<time datetime="1999-12-31">31 December 1999</time>"#))
        #expect(try site.read("papers/markdown-month/index.html").contains(#"<time datetime="2001-07">July 2001</time>"#))
        let bib = try site.read("papers/year-only/cite.bib")
        #expect(bib.contains("year = {1973}") && !bib.contains("month"))
        #expect(try site.read("papers/year-and-month/cite.bib").contains("month = mar"))
        // Feeds still carry full dates, the first day of what is known.
        #expect(try site.read("atom.xml").contains("<published>1973-01-01T00:00:00Z</published>"))
    }

    /// The same paper from a source that dates it takes that date.
    @Test func aMergedRecordTakesTheOtherSourcesDate() {
        let undated = Paper(title: "Poetics", published: nil, doi: "10.1000/poetics", source: SourceLocation(file: "content/papers/a.bib", line: 1))
        let dated = Paper(title: "Poetics", published: Day(year: 1984, month: 2, day: 1), doi: "10.1000/poetics", source: SourceLocation(file: "content/papers/b.ris", line: 1))
        var log = DiagnosticLog()
        let merged = DuplicateMerger.merge([undated, dated], log: &log)
        #expect(merged.count == 1)
        #expect(merged.first?.published?.iso == "1984-02-01")
        #expect(merged.first?.source.file == "content/papers/a.bib")
    }

    @Test func strictRefusesAnUndatedEntry() throws {
        let site = try TestSite([
            "content/site.yml": "title: T\nbase_url: https://example.org/\n",
            "content/papers/refs.bib": Self.bibliography,
        ])
        defer { site.remove() }
        var options = BuildOptions(siteRoot: site.root, output: site.output)
        options.strict = true
        #expect(throws: BuildFailure.self) { try SiteBuilder(options: options).build() }
        #expect(!FileManager.default.fileExists(atPath: site.output.path))
    }
}
