import Foundation
import Testing
@testable import PapersiteCore

/// CSL-JSON, RIS and the trending-papers JSON, as reference managers and
/// the listing's site write them, and real files made by pandoc and bibutils.
@Suite struct ExportedSourcesTests {
    func json(_ text: String) -> (papers: [Paper], messages: [String]) {
        let (papers, diagnostics) = RecordFormat.readJSON(Data(text.utf8), file: "x.json")
        return (papers, diagnostics.map(\.description))
    }

    func ris(_ text: String) -> (papers: [Paper], messages: [String]) {
        let (papers, diagnostics) = RISReader().read(text, file: "x.ris")
        return (papers, diagnostics.map(\.description))
    }

    @Test func cslJSONItems() {
        let r = json("""
            [
              {"id": "vaswani2017", "type": "paper-conference", "title": "Attention Is All You Need",
               "author": [{"family": "Vaswani", "given": "Ashish"}, {"literal": "Google Brain"}, {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"}],
               "issued": {"date-parts": [[2017, 6, 12]]}, "DOI": "10.48550/arXiv.1706.03762", "URL": "https://arxiv.org/abs/1706.03762",
               "container-title": "NeurIPS", "keyword": "transformers, attention", "abstract": "The dominant models."},
              {"id": "season", "title": "Seasonal", "issued": {"date-parts": [[1991]], "season": 2}},
              {"id": "range", "title": "Ranged", "editor": [{"family": "Ed", "given": "Itor"}], "issued": {"date-parts": [[1984], [1986]]}},
              {"id": "raw", "title": "Raw", "issued": {"raw": "2020-05-01"}, "number": "arXiv:2005.00001"},
              {"id": "nodate", "title": "No date"},
              "not an object"
            ]
            """)
        #expect(r.papers.map(\.title) == ["Attention Is All You Need", "Seasonal", "Ranged", "Raw", "No date"])
        let a = r.papers[0]
        #expect(a.authors == ["Ashish Vaswani", "Google Brain", "Ludwig van Beethoven"])
        #expect(a.published?.iso == "2017-06-12")
        #expect(a.arxiv == "1706.03762")
        #expect(a.venue == "NeurIPS")
        #expect(a.tags == ["transformers", "attention"])
        #expect(a.abstract == "The dominant models.")
        #expect(r.papers[1].published?.iso == "1991-06-01")
        #expect(r.papers[2].published?.iso == "1984-01-01")
        #expect(r.papers[2].authors == ["Itor Ed"])
        #expect(r.papers[3].arxiv == "2005.00001")
        #expect(r.papers[4].published == nil)
        #expect(r.messages == [
            "x.json:6:3: warning: the date of 'season': season 2: its first month is used",
            "x.json:7:3: warning: the date of 'range': a range: its start is used",
            "x.json:9:3: warning: the item 'nodate' has no date ('issued'); the paper is listed as undated",
            "x.json:10:3: warning: item 6 is not a JSON object; it is skipped",
        ])
    }

    /// Numbers where text is expected read as JSONSerialization prints them,
    /// item by item as in the document parsed whole (where the reader falls
    /// back on it), and a boolean is not text.
    @Test func numbersAndBooleansInItemsReadAlikeEitherWay() {
        let text = """
            [{"id": 7, "title": 1.50, "issued": {"date-parts": [[2020.9, "3"]]}, "DOI": 10.1234},
             {"id": "b", "title": true, "issued": {"date-parts": [[2001]]}},
             {"id": "c", "title": -0, "issued": {"date-parts": [[1e3]]}, "keyword": 12345678901234567890123}]
            """
        let r = json(text)
        #expect(r.papers.map(\.title) == ["1.5", "0"])
        #expect(r.papers[0].published?.iso == "2020-03-01")
        #expect(r.papers[1].published?.iso == "1000-01-01")
        #expect(r.papers[1].tags == ["12345678901234567890123"])
        #expect(r.messages == [
            "x.json:1:2: warning: 'DOI' of '7' is not a DOI and is left out: 10.1234",
            "x.json:2:2: warning: the item 'b' has no title; it is skipped",
        ])
        let whole = RecordFormat.readWhole(Array(text.utf8), starts: JSONItemLocator.items(in: Array(text.utf8)).starts, file: "x.json", parallelism: .serial)
        #expect(whole.papers == r.papers)
        #expect(whole.diagnostics.map(\.description) == r.messages)
        // A trending-papers day: `hidden` is a boolean, and 1 is not one.
        let day = json(#"[{"paper": {"id": "2503.01234", "title": "Day", "publishedAt": "2025-03-14", "authors": [{"name": "Ann", "hidden": 1}, {"name": "Bo", "hidden": true}]}}]"#)
        #expect(day.papers.first?.authors == ["Ann"])
    }

    /// An item with half of an emoji's UTF-16 pair (a string cut between
    /// them, as JavaScript can write it) is read, with U+FFFD for the half
    /// and a warning; JSONSerialization refused the whole file.
    @Test func anItemWithALoneSurrogateIsReadAndTheFileWithIt() {
        let r = json(#"""
            [{"id": "a", "title": "Before", "issued": {"date-parts": [[2020]]}},
             {"id": "b", "title": "Cut \ud83d", "issued": {"date-parts": [[2021]]}},
             {"id": "c", "title": "After", "issued": {"date-parts": [[2022]]}}]
            """#)
        #expect(r.papers.map(\.title) == ["Before", "Cut \u{FFFD}", "After"])
        #expect(r.messages == [
            #"x.json:2:2: warning: item 2 has a lone surrogate escape (half of a UTF-16 pair, as in '\ud83d' alone), read as U+FFFD"#,
        ])
        let day = json(#"[{"paper": {"id": "2503.01234", "title": "Day \udc00", "publishedAt": "2025-03-14"}}]"#)
        #expect(day.papers.map(\.title) == ["Day \u{FFFD}"])
        #expect(day.messages.count == 1)
    }

    /// pandoc and bibutils carry over a BibTeX field that lists several addresses.
    @Test func severalAddressesInOneFieldGiveTheFirst() {
        let csl = json(#"[{"id": "k", "title": "T", "issued": {"date-parts": [[2000]]}, "URL": "https://a.example/x; https://b.example/y"}]"#)
        #expect(csl.papers.first?.links.url == "https://a.example/x")
        #expect(csl.messages == [])
        let r = ris("TY  - GEN\nTI  - T\nPY  - 2000\nUR  - https://a.example/x; https://b.example/y\nER  - \n")
        #expect(r.papers.first?.links.url == "https://a.example/x")
        #expect(r.messages == [])
        let odd = ris("TY  - GEN\nTI  - T\nPY  - 2000\nUR  - see https://a.example/x\nER  - \n")
        #expect(odd.papers.first?.links.url == nil)
        #expect(odd.messages == ["x.ris:1:1: warning: 'UR' of the record at line 1 is not an absolute http(s) URL and is left out: see https://a.example/x"])
    }

    @Test func cslRichTextTagsAreMarkupNotWords() {
        let r = json(#"[{"id": "a", "title": "On <i>E. coli</i> and <span class=\"nocase\">mRNA</span> x<sup>2</sup> <script>", "issued": {"date-parts": [[2001]]}}]"#)
        #expect(r.papers.map(\.title) == ["On E. coli and mRNA x2 <script>"])
    }

    @Test func cslJSONWrappedInItems() {
        let r = json(#"{"items": [{"id": "a", "title": "A", "issued": {"date-parts": [["2001", "3"]]}}]}"#)
        #expect(r.papers.map(\.published?.iso) == ["2001-03-01"])
        #expect(r.messages == [])
    }

    @Test func jsonThatIsNotAListOfPapersIsAnError() {
        #expect(json("{\"title\": \"x\"}").messages.first?.hasPrefix("x.json: error: not a list of papers") == true)
        #expect(json("[{\"title\": ").messages.first?.hasPrefix("x.json: error: the file is not JSON") == true)
    }

    /// Items are parsed one by one: a document Foundation does not allow is
    /// still refused whole, wherever its fault is (Foundation allows a comma
    /// after the last item), and one it allows still reads.
    @Test(arguments: [
        #"[,{"title": "A"}]"#, #"[{"title": "A"} {"title": "B"}]"#, #"[{"title": "A"}, , {"title": "B"}]"#,
        #"[{"title": "A"}}"#, #"{"items": [{"title": "A"}], "more": }"#, #"[{"title": "A\q"}]"#, #"[{"title": "A"}] x"#,
        #"[{"title": "A", "title": }]"#, #"[1 2]"#,
    ])
    func aDocumentFoundationDoesNotAllowIsRefusedWhole(text: String) {
        let r = json(text)
        #expect(r.papers.isEmpty)
        #expect(r.messages.count == 1)
        #expect(r.messages.first?.hasPrefix("x.json: error: the file is not JSON") == true)
    }

    @Test func itemsAroundOtherKeysAndValuesThatAreNotObjects() {
        let r = json("""
            {"meta": {"items": [{"title": "not these"}], "n": [1, 2]},
             "items": [ {"title": "A, [b] {c}", "note": "\\\" ] ,"} ,"text",
                        {"title": "B"}, 3 ],
             "after": "]"}
            """)
        #expect(r.papers.map(\.title) == ["A, [b] {c}", "B"])
        #expect(r.messages == ["x.json:2:13: warning: the item item 1 has no date ('issued'); the paper is listed as undated",
                               "x.json:2:56: warning: item 2 is not a JSON object; it is skipped",
                               "x.json:3:13: warning: the item item 3 has no date ('issued'); the paper is listed as undated",
                               "x.json:3:29: warning: item 4 is not a JSON object; it is skipped"])
        #expect(json("[]").papers.isEmpty && json("[]").messages.isEmpty)
    }

    @Test func risRecordsWithCRLFBOMRepeatedTagsAndContinuationLines() {
        let text = "\u{FEFF}TY  - JOUR\r\nTI  - Deep Learning\r\nAU  - LeCun, Yann\r\nAU  - Bengio, Yoshua\r\nAU  - Hinton, Geoffrey\r\nPY  - 2015/05/28/\r\n"
            + "AB  - Deep learning allows models\r\n  composed of layers.\r\nDO  - 10.1038/nature14539\r\nKW  - learning\r\nKW  - networks\r\nJO  - Nature\r\n"
            + "UR  - https://www.nature.com/articles/nature14539\r\nER  - \r\n"
            + "TY  - GEN\r\nT1  - A preprint\r\nA1  - Doe, Jane\r\nY1  - 2021///Spring\r\nUR  - https://arxiv.org/abs/2101.00001v3\r\nER  -\r\n"
            + "TY  - BOOK\r\nTI  - Undated\r\nER  - \r\n"
            + "TY  - BOOK\r\nTI  - Never ended\r\nDA  - 1999/12/31\r\n"
        let r = ris(text)
        #expect(r.papers.map(\.title) == ["Deep Learning", "A preprint", "Undated", "Never ended"])
        let d = r.papers[0]
        #expect(d.authors == ["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"])
        #expect(d.published?.iso == "2015-05-28")
        #expect(d.abstract == "Deep learning allows models composed of layers.")
        #expect(d.doi == "10.1038/nature14539")
        #expect(d.tags == ["learning", "networks"])
        #expect(d.venue == "Nature")
        #expect(d.links.url == "https://www.nature.com/articles/nature14539")
        #expect(r.papers[1].arxiv == "2101.00001")
        #expect(r.papers[1].published?.iso == "2021-03-01")
        #expect(r.papers[2].published == nil)
        #expect(r.papers[3].published?.iso == "1999-12-31")
        #expect(r.messages == [
            "x.ris:15:1: warning: the date of the record at line 15 is '2021///Spring': read as March 2021",
            "x.ris:21:1: warning: the record at line 21 has no date ('PY', 'Y1' or 'DA'); the paper is listed as undated",
            "x.ris:24:1: warning: the file ends inside a record (no 'ER  - '); the record ends there",
        ])
    }

    @Test func trendingPapersDayGivesAuthorsLinksAndKeywords() {
        let r = json("""
            [{"paper": {"id": "2503.01234", "title": "A Listed Paper", "summary": "First line\\nsecond line.",
              "authors": [{"name": "Ann"}, {"name": "Hidden", "hidden": true}, {"name": "Bob"}],
              "publishedAt": "2025-03-10T00:00:00.000Z", "githubRepo": "https://github.com/a/b",
              "projectPage": "https://a.example/", "ai_keywords": ["diffusion", "video"]},
              "publishedAt": "2025-03-14T05:00:00.000Z"}]
            """)
        #expect(r.messages == [])
        let p = r.papers[0]
        #expect(p.authors == ["Ann", "Bob"])
        #expect(p.arxiv == "2503.01234")
        #expect(p.published?.iso == "2025-03-14")
        #expect(p.links.code == "https://github.com/a/b")
        #expect(p.links.url == "https://a.example/")
        #expect(p.tags == ["diffusion", "video"])
        #expect(p.abstract == "First line second line.")
    }

    @Test func aPastedListingAndItsDaysJSONAreOnePaper() throws {
        let abstract = "We study a thing at length. It works well in many settings, and we explain why in detail with experiments."
        let site = try TestSite([
            "content/site.yml": "title: T\nbase_url: https://example.org/\n",
            "content/papers/day.txt": "---\ndate: 2025-03-14\n---\nMar 14\n\nA Listed Paper\n\n\(abstract)\n\nAnother Paper\n\n\(abstract)\n",
            "content/papers/day.json": #"[{"paper": {"id": "2503.01234", "title": "A listed paper", "authors": [{"name": "Ann"}], "publishedAt": "2025-03-10T00:00:00Z"}, "publishedAt": "2025-03-14T05:00:00Z"}]"#,
        ])
        defer { site.remove() }
        let summary = try site.build()
        #expect(summary.papers == 2)
        #expect(summary.warnings.map(\.description) == [
            "content/papers/day.txt:6:1: note: the paper 'A listed paper' of 2025-03-14 is also at content/papers/day.json:1:2; the records are merged (fields from content/papers/day.json come first)",
        ])
        let page = try String(contentsOf: site.output.appendingPathComponent("papers/a-listed-paper/index.html"), encoding: .utf8)
        #expect(page.contains("Ann"))
        #expect(page.contains("arxiv.org/abs/2503.01234"))
    }

    /// The same bibliography as BibTeX, and as pandoc and bibutils convert it.
    @Test func realExportsOfOneBibliographyBuild() throws {
        var counts: [String: Int] = [:]
        for ext in ["bib", "json", "ris"] {
            let data = try Data(contentsOf: fixturesRoot.appendingPathComponent("real-exports/xampl.\(ext)"))
            let site = try TestSite(["content/site.yml": "title: T\nbase_url: https://example.org/\n"])
            defer { site.remove() }
            try site.write("content/papers/xampl.\(ext)", data)
            let summary = try site.build()
            counts[ext] = summary.papers
            #expect(summary.warnings.allSatisfy { $0.severity != .error })
            var strict = BuildOptions(siteRoot: site.root, output: site.root.appendingPathComponent("strict"))
            strict.strict = true
            #expect(throws: BuildFailure.self) { try SiteBuilder(options: strict).build() }
        }
        // Of xampl.bib's 40 entries, 33 have a title once crossref is resolved
        // (pandoc and bibutils resolve it too); the undated ones are listed as such.
        #expect(counts == ["bib": 33, "json": 33, "ris": 33])
    }
}

@Suite struct StrictAndEmbeddedThemeTests {
    @Test func strictTurnsARepairIntoAnErrorAndLeavesTheOutputAlone() throws {
        let site = try TestSite([
            "content/site.yml": "title: T\nbase_url: https://example.org/\n",
            "content/papers/r.bib": "@misc{a, title={A}, year={1990--1991}}\n",
        ])
        defer { site.remove() }
        #expect(try site.build().papers == 1)
        let before = try tree(site.output)
        var options = BuildOptions(siteRoot: site.root, output: site.output)
        options.strict = true
        do {
            _ = try SiteBuilder(options: options).build()
            Issue.record("expected --strict to fail")
        } catch {
            #expect(error.diagnostics.map(\.description) == ["content/papers/r.bib:1:1: error: 'year' in 'a' is 1990--1991: read as 1990"])
        }
        #expect(try tree(site.output) == before)
    }

    @Test func aBrokenMarkdownRecordStillFailsWithItsPlace() throws {
        let site = try TestSite([
            "content/site.yml": "title: T\nbase_url: https://example.org/\n",
            "content/papers/p.md": "---\ntitle: P\ndate: next week\n---\n",
        ])
        defer { site.remove() }
        #expect(site.failingBuild() == ["content/papers/p.md:3:7: error: 'date' is not a date (expected YYYY-MM-DD): next week"])
    }

    @Test func aSiteWithoutThemesUsesTheThemeInTheBinary() throws {
        let withTheme = try TestSite(fixture: "basic-site")
        defer { withTheme.remove() }
        try withTheme.build()
        let without = try TestSite(fixture: "basic-site")
        defer { without.remove() }
        try FileManager.default.removeItem(at: without.root.appendingPathComponent("Themes"))
        let summary = try without.build()
        #expect(summary.warnings.contains { $0.severity == .note && $0.message.hasPrefix("the site has no Themes/default/") })
        #expect(try tree(without.output) == tree(withTheme.output))
    }
}
