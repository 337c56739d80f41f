import Foundation
import Testing
@testable import PapersiteCore

@Suite struct LaTeXTextTests {
    @Test(arguments: [
        (#"{\"o}"#, "ö"), (#"\"{o}"#, "ö"), (#"\'e"#, "é"), (#"{\L}ukasiewicz"#, "Łukasiewicz"), (#"\v{C}ech"#, "Čech"),
        (#"Erd\H{o}s"#, "Erdős"), (#"\c{c}a"#, "ça"), (#"na{\"\i}ve"#, "naïve"), (#"\ss{}e"#, "ße"), (##"\&\%\$\#\_"##, "&%$#_"),
        ("{BERT}", "BERT"), ("1--2 --- 3", "1–2 — 3"), ("``a''", "\u{201C}a\u{201D}"), (#"\emph{x} \textbf{y}"#, "x y"),
        ("a~b", "a b"), (#"$\{x_1\}$ stays"#, #"$\{x_1\}$ stays"#), (#"\LaTeX{} rules"#, "LaTeX rules"), (#"\aa\AA\o\O\ae"#, "åÅøØæ"),
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
        #expect(v.published.iso == "2017-12-01")
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
        #expect(b.published.iso == "2018-10-01")

        let g = papers[2]
        #expect(g.title == "Über formal unentscheidbare Sätze der Principia Mathematica — und verwandter Systeme")
        #expect(g.authors == ["Kurt Gödel", "Jan Łukasiewicz", "Paul Erdős", "José Mañana", "Eduard Čech", "Renée Stål"])
        #expect(g.published.iso == "1931-03-25")
        #expect(g.links.url == "https://example.org/goedel")

        let z = papers[3]
        #expect(z.venue == "Proceedings of the Annual Meeting of the Association for Computational Linguistics")
        #expect(z.doi == "10.18653/v1/2023.acl-long.1")
        #expect(z.key == "doi:10.18653/v1/2023.acl-long.1")
        #expect(z.links.pdf == "https://example.org/hst.pdf")
        #expect(z.links.url == "https://example.org/hst/")
        #expect(z.authors == ["Weifeng Zhang"])
    }

    @Test func anUnclosedEntryNamesTheLineWhereItOpened() {
        let (papers, diagnostics) = read("@misc{a, title={A}, year=2020}\n\n@article{b,\n  title = {Never closed,\n  year = 2021\n")
        #expect(papers.map(\.title) == ["A"])
        #expect(diagnostics == ["content/papers/r.bib:3:1: error: the entry is never closed (it opens here)"])
    }

    @Test func syntaxErrorsAreReportedAndOtherEntriesStillRead() {
        let (papers, diagnostics) = read("@misc{a, title {A}, year=2020}\n@misc{b, title={B}, year=2020}\n@misc{c, title=undefinedmacro, year=2020}\n@misc{d, title={D}, title={E}, year=2020}\n")
        #expect(papers.map(\.title) == ["B"])
        #expect(diagnostics == [
            "content/papers/r.bib:1:16: error: expected '=' after the field name 'title'",
            "content/papers/r.bib:3:16: error: unknown @string macro 'undefinedmacro'",
            "content/papers/r.bib:4:21: error: the field 'title' appears twice in 'd'",
        ])
    }

    @Test func missingTitleOrYear() {
        #expect(read("@misc{a, year=2020}").1 == ["content/papers/r.bib:1:1: error: the entry 'a' has no title"])
        #expect(read("@misc{a, title={A}}").1 == ["content/papers/r.bib:1:1: error: the entry 'a' has no year"])
        #expect(read("@misc{a, title={A}, year={2020}, month={Smarch}}").1 == ["content/papers/r.bib:1:1: error: 'month' in 'a' is not a month: Smarch"])
    }

    @Test func emptyFileWarns() {
        #expect(read("Just notes, no entries.\n").1 == ["content/papers/r.bib: warning: no BibTeX entries in this file"])
    }
}
