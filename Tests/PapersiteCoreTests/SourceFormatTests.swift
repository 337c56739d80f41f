import Foundation
import Testing
@testable import PapersiteCore

@Suite struct LaTeXTextTests {
    @Test(arguments: [
        (#"{\"o}"#, "ö"), (#"\"{o}"#, "ö"), (#"\'e"#, "é"), (#"{\L}ukasiewicz"#, "Łukasiewicz"), (#"\v{C}ech"#, "Čech"),
        (#"Erd\H{o}s"#, "Erdős"), (#"\c{c}a"#, "ça"), (#"na{\"\i}ve"#, "naïve"), (#"\ss{}e"#, "ße"), (##"\&\%\$\#\_"##, "&%$#_"),
        ("{BERT}", "BERT"), ("1--2 --- 3", "1–2 — 3"), ("``a''", "\u{201C}a\u{201D}"), (#"\emph{x} \textbf{y}"#, "x y"),
        ("a~b", "a b"), (#"$\{x_1\}$ stays"#, #"$\{x_1\}$ stays"#), (#"\LaTeX{} rules"#, "LaTeX rules"), (#"\aa\AA\o\O\ae"#, "åÅøØæ"),
        // As TeX's own bibliographies (TUGboat's macros) write titles.
        (#"Drawing Graphs with {\MP}"#, "Drawing Graphs with MetaPost"), (#"Using {\MF} for Original Font Design"#, "Using METAFONT for Original Font Design"),
        (#"{{\acro{DVIPDF}} and Graphics}"#, "DVIPDF and Graphics"), (#"Don't just \macro{let} {\TeX} hang"#, #"Don't just \let TeX hang"#),
        (#"{The {\TeX} Live Guide, \nth{4} edition}"#, "The TeX Live Guide, 4th edition"), (#"\nth{22}, \nth{11}, \nth{101}"#, "22nd, 11th, 101st"),
        (#"{Turtle graphics and {\TeX}\Dash a child can do it}"#, "Turtle graphics and TeX — a child can do it"),
        (#"{{\TUG} Winter 1982 meeting}"#, "TUG Winter 1982 meeting"), (#"\pkg{TPHON}"#, "TPHON"),
    ])
    func converts(input: String, expected: String) {
        #expect(LaTeXText.toUnicode(input) == expected)
    }
}

@Suite struct BibTeXReaderTests {
    func read(_ text: String) -> ([Paper], [String]) {
        let (papers, diagnostics) = BibTeXReader().read(text, file: "content/papers/r.bib")
        return (papers, diagnostics.map(\.description))
    }

    @Test func readsRealWorldQuirks() throws {
        let text = try String(contentsOf: fixturesRoot.appendingPathComponent("sources/content/papers/refs.bib"), encoding: .utf8)
        let (papers, diagnostics) = read(text)
        #expect(diagnostics == [])
        #expect(papers.count == 4)
        let v = papers[0]
        #expect(v.title == "Attention Is All You Need")
        #expect(v.authors == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"])
        #expect(v.venue == "Advances in Neural Information Processing Systems 30")
        #expect(v.published?.iso == "2017-12-01")
        #expect(v.arxiv == "1706.03762")
        #expect(v.tags == ["Computation and Language", "transformers", "attention"])
        #expect(v.links.code == "https://github.com/tensorflow/tensor2tensor")
        #expect(v.abstract.hasPrefix("The dominant sequence transduction models"))
        #expect(v.abstract.contains("$O(n^2)$"))
        #expect(v.source == SourceLocation(file: "content/papers/r.bib", line: 9, column: 1))

        let b = papers[1]
        #expect(b.title == "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding")
        #expect(b.authors == ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"])
        #expect(b.arxiv == "1810.04805")
        #expect(b.venue == nil)
        #expect(b.published?.iso == "2018-10-01")

        let g = papers[2]
        #expect(g.title == "Über formal unentscheidbare Sätze der Principia Mathematica — und verwandter Systeme")
        #expect(g.authors == ["Kurt Gödel", "Jan Łukasiewicz", "Paul Erdős", "José Mañana", "Eduard Čech", "Renée Stål"])
        #expect(g.published?.iso == "1931-03-25")
        #expect(g.links.url == "https://archive.example.net/goedel")

        let z = papers[3]
        #expect(z.venue == "Proceedings of the Annual Meeting of the Association for Computational Linguistics")
        #expect(z.doi == "10.18653/v1/2023.acl-long.1")
        #expect(z.key == "doi:10.18653/v1/2023.acl-long.1")
        #expect(z.links.pdf == "https://papers.example.net/hst.pdf")
        #expect(z.links.url == "https://papers.example.net/hst/")
        #expect(z.authors == ["Weifeng Zhang"])
    }

    @Test func anUnclosedEntryIsSkippedAndTheEntriesAfterItAreRead() {
        let (papers, diagnostics) = read("@misc{a, title={A}, year=2020}\n\n@article{b,\n  title = {Never closed,\n  year = 2021\n@misc{c, title={C}, year=2022}\n")
        #expect(papers.map(\.title) == ["A", "C"])
        #expect(diagnostics == ["content/papers/r.bib:3:1: warning: the entry is never closed (it opens here); the entry is skipped"])
    }

    @Test func syntaxErrorsSkipOneEntryAndOtherEntriesAreStillRead() {
        let (papers, diagnostics) = read("@misc{a, title {A}, year=2020}\n@misc{b, title={B}, year=2020}\n@misc{c, title=undefinedmacro, year=2020}\n@misc{d, title={D}, title={E}, year=2020}\n")
        #expect(papers.map(\.title) == ["B", "D"])
        #expect(diagnostics == [
            "content/papers/r.bib:1:16: warning: expected '=' after the field name 'title'; the entry is skipped",
            "content/papers/r.bib:3:1: warning: the entry 'c' has no title; it is skipped",
            "content/papers/r.bib:3:16: warning: the @string macro 'undefinedmacro' is not defined; it is read as empty",
            "content/papers/r.bib:4:21: warning: the field 'title' appears again in 'd'; the first value is kept",
        ])
    }

    @Test func missingTitleSkipsTheEntryAndMissingYearMakesItUndated() {
        #expect(read("@misc{a, year=2020}").1 == ["content/papers/r.bib:1:1: warning: the entry 'a' has no title; it is skipped"])
        let undated = read("@misc{a, title={A}}\n@misc{b, title={B}, year={forthcoming}}")
        #expect(undated.0.map(\.title) == ["A", "B"])
        #expect(undated.0.map(\.published) == [nil, nil])
        #expect(undated.1 == [
            "content/papers/r.bib:1:1: warning: the entry 'a' has no year (nor 'date'); the paper is listed as undated",
            "content/papers/r.bib:2:1: warning: 'year' in 'b' is not a year: forthcoming; the paper is listed as undated",
        ])
        let (papers, diagnostics) = read("@misc{a, title={A}, year={2020}, month={Smarch}}")
        #expect(papers.map(\.published?.iso) == ["2020-01-01"])
        #expect(diagnostics == ["content/papers/r.bib:1:1: warning: 'month' in 'a' is not a month: Smarch; the year alone is used"])
    }

    @Test func emptyFileWarns() {
        #expect(read("Just notes, no entries.\n").1 == ["content/papers/r.bib: warning: no BibTeX entries in this file"])
    }
}

@Suite struct ArXivAtomReaderTests {
    func read(_ xml: String) -> ([Paper], [String]) {
        let (papers, diagnostics) = ArXivAtomReader().read(Data(xml.utf8), file: "content/papers/a.xml")
        return (papers, diagnostics.map(\.description))
    }

    @Test func readsAnAPIResponse() throws {
        let xml = try String(contentsOf: fixturesRoot.appendingPathComponent("sources/content/papers/arxiv.xml"), encoding: .utf8)
        let (papers, diagnostics) = read(xml)
        #expect(diagnostics == [])
        #expect(papers.count == 2)
        let m = papers[0]
        #expect(m.title == "The Large N Limit of Superconformal Field Theories and Supergravity")
        #expect(m.arxiv == "hep-th/9711200")
        #expect(m.arxivVersion == 3)
        #expect(m.key == "arXiv:hep-th/9711200")
        #expect(m.slug == "the-large-n-limit-of-superconformal-field-theories-and-supergravity")
        #expect(m.published?.iso == "1997-11-27")
        #expect(m.updated?.iso == "1998-01-22")
        #expect(m.authors == ["Juan M. Maldacena"])
        #expect(m.affiliations == ["Harvard University"])
        #expect(m.doi == "10.1023/A:1026654312961")
        #expect(m.venue == "Adv.Theor.Math.Phys.2:231-252,1998")
        #expect(m.comment == "20 pages, harvmac; v2: section on AdS_2 added")
        #expect(m.tags == ["High Energy Physics - Theory", "General Relativity and Quantum Cosmology"])
        #expect(m.links.pdf == "https://arxiv.org/pdf/hep-th/9711200v3")
        #expect(m.abstract.hasPrefix("We show that the large $N$ limit of certain conformal field theories in various dimensions include"))
        #expect(m.source.line == 8)
        #expect(papers[1].tags == ["Computation and Language", "Machine Learning"])
    }

    /// The 2025 shape: prefixed Atom elements, namespaces declared on the
    /// root, and elements in another order.
    @Test func doesNotDependOnPrefixesOrOrder() {
        let xml = """
            <?xml version='1.0' encoding='UTF-8'?>
            <atom:feed xmlns:atom="http://www.w3.org/2005/Atom" xmlns:ax="http://arxiv.org/schemas/atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
              <opensearch:totalResults>1</opensearch:totalResults>
              <atom:entry>
                <ax:primary_category term="cs.LG"/>
                <atom:category term="stat.ML" scheme="http://arxiv.org/schemas/atom"/>
                <atom:author><atom:name>Ada  Lovelace</atom:name><ax:affiliation>Analytical Engines Ltd</ax:affiliation></atom:author>
                <atom:summary>Notes on
                  the engine.</atom:summary>
                <atom:title>On the
                  Engine</atom:title>
                <atom:published>2025-03-04T10:00:00Z</atom:published>
                <atom:id>http://arxiv.org/abs/2503.01234v1</atom:id>
              </atom:entry>
            </atom:feed>
            """
        let (papers, diagnostics) = read(xml)
        #expect(diagnostics == [])
        #expect(papers.first?.title == "On the Engine")
        #expect(papers.first?.abstract == "Notes on the engine.")
        #expect(papers.first?.authors == ["Ada Lovelace"])
        #expect(papers.first?.tags == ["Machine Learning"])
        #expect(papers.first?.arxiv == "2503.01234")
    }

    @Test func anErrorDocumentIsAnError() {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <entry>
                <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345</id>
                <title>Error</title>
                <summary>incorrect id format for 1234.12345</summary>
                <updated>2024-03-05T00:00:00-05:00</updated>
              </entry>
            </feed>
            """
        #expect(read(xml) == ([], ["content/papers/a.xml:3:1: error: the arXiv API answered with an error: incorrect id format for 1234.12345"]) as ([Paper], [String]))
    }

    @Test func anEmptyResultIsZeroPapers() {
        let (papers, diagnostics) = read(#"<feed xmlns="http://www.w3.org/2005/Atom"><opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:totalResults></feed>"#)
        #expect(papers.isEmpty)
        #expect(diagnostics == [])
    }

    @Test func malformedXMLIsAnErrorWithItsLine() {
        let (_, diagnostics) = read("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<entry>\n<title>Unclosed\n</feed>\n")
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0].hasPrefix("content/papers/a.xml:4:"))
        #expect(diagnostics[0].contains("error: the file is not well-formed XML"))
        #expect(read("<html><body>Not a feed</body></html>").1 == ["content/papers/a.xml:1:1: error: not an arXiv API response: the document is not an Atom <feed>"])
    }
}

@Suite struct ArXivSnapshotReaderTests {
    func read(_ text: String) throws -> ([Paper], [String]) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("snapshot-\(UUID().uuidString).jsonl")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let (papers, diagnostics) = ArXivSnapshotReader().read(url, file: "content/papers/s.jsonl")
        return (papers, diagnostics.map(\.description))
    }

    @Test func readsSnapshotRecords() throws {
        let text = try String(contentsOf: fixturesRoot.appendingPathComponent("sources/content/papers/snapshot.jsonl"), encoding: .utf8)
        let (papers, diagnostics) = try read(text)
        #expect(diagnostics == [])
        #expect(papers.count == 3)
        let p = papers[0]
        #expect(p.arxiv == "0704.0001")
        #expect(p.key == "arXiv:0704.0001")
        #expect(p.arxivVersion == 2)
        #expect(p.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies")
        #expect(p.authors == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"])
        #expect(p.published?.iso == "2007-04-02")
        #expect(p.updated?.iso == "2008-11-13")
        #expect(p.doi == "10.1103/PhysRevD.76.013009")
        #expect(p.venue == "Phys.Rev.D76:013009,2007")
        #expect(p.tags == ["High Energy Physics - Phenomenology"])
        #expect(p.comment == "37 pages, 15 figures; published version")
        #expect(p.source.line == 1)
        #expect(papers[1].source.line == 3)
        #expect(papers[2].arxiv == "math/0211159")
    }

    @Test func badLinesAreReportedWithTheirNumbers() throws {
        let (papers, diagnostics) = try read("""
            {"id":"2401.00001","title":"Good","versions":[{"version":"v1","created":"Mon, 1 Jan 2024 00:00:00 GMT"}]}
            {"id": 704.0001, "title": "Number id"}
            not json at all
            {"id":"2401.00002"}
            [1, 2]
            {"id":"2401.00003","title":"No date"}
            """)
        #expect(papers.map(\.title) == ["Good"])
        #expect(diagnostics == [
            "content/papers/s.jsonl:2:1: warning: 'id' must be a string (\"0704.0001\"): as a number it would lose its leading zero; the line is skipped",
            "content/papers/s.jsonl:3:1: warning: this line is not a JSON object: Invalid value around character 1.; the line is skipped",
            "content/papers/s.jsonl:4:1: warning: the record 2401.00002 has no title; the line is skipped",
            "content/papers/s.jsonl:5:1: warning: this line is not a JSON object; the line is skipped",
            "content/papers/s.jsonl:6:1: warning: the record 2401.00003 has no date: neither 'versions' nor 'update_date'; the line is skipped",
        ])
    }

    @Test func rfc2822Dates() {
        #expect(ArXivSnapshotReader.rfc2822Day("Mon, 2 Apr 2007 19:18:42 GMT")?.iso == "2007-04-02")
        #expect(ArXivSnapshotReader.rfc2822Day("2 Apr 2007")?.iso == "2007-04-02")
        #expect(ArXivSnapshotReader.rfc2822Day("yesterday") == nil)
    }
}

/// A site whose content/papers holds a .bib, an arXiv .xml and a .jsonl
/// (and a Markdown record), with the same paper in several of them.
@Suite struct MixedSourcesTests {
    @Test func buildsWithDuplicatesMerged() throws {
        let site = try TestSite(fixture: "sources")
        try site.write("content/papers/attention.md", paperFile("title: \"Attention Is All You Need (our notes)\"\ndate: 2017-06-12\narxiv: 1706.03762\ntags: [reading-group]", body: "Our summary.\n\n## Notes\n\nDiscussed in week 1.\n"))
        defer { site.remove() }
        let summary = try site.build()
        // refs.bib 4 + arxiv.xml 2 + snapshot 3 + 1 Markdown, with 1706.03762 in four places.
        #expect(summary.papers == 7)
        let merges = summary.warnings.map(\.description).filter { $0.contains("the records are merged") }
        #expect(merges == [
            "content/papers/arxiv.xml:33:1: warning: the paper arXiv:1706.03762 also comes from content/papers/attention.md:1:1; the records are merged (fields from content/papers/attention.md come first)",
            "content/papers/refs.bib:9:1: warning: the paper arXiv:1706.03762 also comes from content/papers/attention.md:1:1; the records are merged (fields from content/papers/attention.md come first)",
            "content/papers/snapshot.jsonl:3:1: warning: the paper arXiv:1706.03762 also comes from content/papers/attention.md:1:1; the records are merged (fields from content/papers/attention.md come first)",
        ])
        let page = try site.read("papers/attention-is-all-you-need-our-notes/index.html")
        #expect(page.contains("<h1>Attention Is All You Need (our notes)</h1>"))
        #expect(page.contains("Ashish Vaswani"))                       // from the other sources
        #expect(page.contains(">reading-group</a>"))
        #expect(page.contains(">Computation and Language</a>"))
        #expect(page.contains("https://arxiv.org/abs/1706.03762v7"))   // the newest version seen
        #expect(page.contains("https://github.com/tensorflow/tensor2tensor"))
        #expect(site.exists("papers/the-large-n-limit-of-superconformal-field-theories-and-supergravity/index.html"))
        #expect(site.exists("papers/calculation-of-prompt-diphoton-production-cross-sections-at-tevatron-and-lhc/index.html"))
        #expect(site.exists("tags/high-energy-physics-theory/atom.xml"))
        #expect(try site.read("atom.xml").contains("<id>https://arxiv.org/abs/hep-th/9711200</id>"))
    }
}
