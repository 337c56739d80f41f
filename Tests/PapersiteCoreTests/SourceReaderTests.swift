import Foundation
import Testing
@testable import PapersiteCore

@Suite struct SourceTextTests {
    @Test func stripsByteOrderMarkAndNormalisesLineEndings() throws {
        let text = try SourceText.decode(Data([0xEF, 0xBB, 0xBF] + Array("a\r\nb\rc\n".utf8)), as: "x.md")
        #expect(text == "a\nb\nc\n")
    }

    @Test func reportsInvalidUTF8WithItsLine() {
        let data = Data(Array("ok\nline two \u{e9}".utf8.dropLast(1)) + [0xFF, 0x41])
        #expect(throws: Diagnostic.error("the file is not valid UTF-8", at: SourceLocation(file: "x.md", line: 2, column: 10))) {
            try SourceText.decode(data, as: "x.md")
        }
    }

    @Test func refusesBinaryFiles() {
        #expect(throws: Diagnostic.error("the file is not text (it contains a NUL byte)", at: SourceLocation(file: "x.md", line: 1, column: 3))) {
            try SourceText.decode(Data([0x41, 0x42, 0x00, 0x43]), as: "x.md")
        }
    }
}

@Suite struct FrontMatterTests {
    @Test func splitsYAMLAndBody() throws {
        let f = try #require(try FrontMatter.split("---\ntitle: X\ndate: 2025-01-01\n---\nBody\n", file: "x.md"))
        #expect(f.yaml == "title: X\ndate: 2025-01-01")
        #expect(f.body == "Body\n")
        #expect(f.yamlFirstLine == 2)
        #expect(f.bodyFirstLine == 5)
    }

    @Test func noFrontMatter() throws {
        #expect(try FrontMatter.split("# Title\n", file: "x.md") == nil)
        #expect(try FrontMatter.split("----\n", file: "x.md") == nil)
    }

    @Test func unclosedFrontMatterIsAnErrorAtItsStart() {
        #expect(throws: Diagnostic.error("the front matter opened here is never closed (add a line '---' after it)", at: SourceLocation(file: "x.md", line: 1, column: 1))) {
            try FrontMatter.split("---\ntitle: X\n\nBody\n", file: "x.md")
        }
    }
}

@Suite struct MarkdownPaperReaderTests {
    func read(_ text: String) -> (Paper?, [String]) {
        let (paper, diagnostics) = MarkdownPaperReader().read(text, file: "content/papers/x.md")
        return (paper, diagnostics.map(\.description))
    }

    @Test func readsAFullRecord() throws {
        let (paper, diagnostics) = read("""
            ---
            title: "Attention Is All You Need"
            authors: [Ashish Vaswani, Noam Shazeer]
            date: 2017-06-12
            updated: 2017-12-06
            tags: [transformers, NLP]
            arxiv: 1706.03762v5
            doi: 10.48550/arXiv.1706.03762
            code: https://github.com/tensorflow/tensor2tensor
            venue: NeurIPS 2017
            ---
            The dominant sequence transduction models...

            ## Notes

            Read in week 3.
            """)
        #expect(diagnostics == [])
        let p = try #require(paper)
        #expect(p.title == "Attention Is All You Need")
        #expect(p.authors == ["Ashish Vaswani", "Noam Shazeer"])
        #expect(p.published?.iso == "2017-06-12")
        #expect(p.updated?.iso == "2017-12-06")
        #expect(p.arxiv == "1706.03762")
        #expect(p.arxivVersion == 5)
        #expect(p.key == "arXiv:1706.03762")
        #expect(p.slug == "attention-is-all-you-need")
        #expect(p.abstract == "The dominant sequence transduction models...")
        #expect(p.notes == "## Notes\n\nRead in week 3.")
        #expect(p.venue == "NeurIPS 2017")
    }

    @Test func yamlErrorsPointAtTheFileLine() {
        let (_, diagnostics) = read("---\ntitle: X\ndate: 2025-01-01\ntags: [a, b\n---\nBody\n")
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0] == "content/papers/x.md:4:7: error: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence that starts here; the problem shows at line 5, column 1)")
    }

    @Test func unknownKeysAreErrorsWithASuggestion() {
        let (paper, diagnostics) = read(paperFile("title: X\ndate: 2025-01-01\nathors: [A]"))
        #expect(paper == nil)
        #expect(diagnostics == ["content/papers/x.md:4:1: error: unknown key 'athors' in the front matter; did you mean 'authors'?"])
    }

    @Test func tagsMustBeAList() {
        let (_, diagnostics) = read(paperFile("title: X\ndate: 2025-01-01\ntags: vision, language"))
        #expect(diagnostics == ["content/papers/x.md:4:7: error: 'tags' must be a list, such as [a, b] or lines starting with '- '"])
    }

    @Test func datesMustBeRealDays() {
        #expect(read(paperFile("title: X\ndate: 2025-02-30")).1 == ["content/papers/x.md:3:7: error: 'date' is not a real day: 2025-02-30"])
        #expect(read(paperFile("title: X\ndate: last week")).1 == ["content/papers/x.md:3:7: error: 'date' is not a date (expected YYYY-MM-DD): last week"])
        // No date at all is an undated paper, as in a bibliography.
        let undated = read(paperFile("title: X"))
        #expect(undated.1 == [])
        #expect(undated.0 != nil && undated.0?.published == nil)
    }

    @Test func titleIsRequiredAndNotEmpty() {
        #expect(read(paperFile("date: 2025-01-01")).1 == ["content/papers/x.md:1:1: error: the paper has no 'title'"])
        #expect(read(paperFile("title: \"  \"\ndate: 2025-01-01")).1 == ["content/papers/x.md:2:8: error: 'title' is empty"])
        // An empty value is reported where the author left it empty.
        #expect(read(paperFile("date: 2025-01-01\ntitle:")).1 == ["content/papers/x.md:3:7: error: 'title' is empty"])
    }

    @Test func theBodyReachesMarkdownAsWritten() throws {
        let paper = try #require(read(paperFile("title: X\ndate: 2025-01-01", body: "\n    let x = 1\n\nText.\n\n## Notes\n\n    code again\n")).0)
        #expect(paper.abstract == "    let x = 1\n\nText.")
        #expect(paper.notes == "## Notes\n\n    code again")
    }

    @Test func duplicateKeysAreErrors() {
        // Reported at the second, the line the author probably just typed.
        let d = read(paperFile("title: A\ndate: 2025-01-01\ntitle: B")).1
        #expect(d == ["content/papers/x.md:4:1: error: the key 'title' is given again; a key is given once (the first is at line 2, column 1)"])
        let nested = read(paperFile("title: A\ndate: 2025-01-01\nlinks:\n  code: https://a.example/\n  \"code\" : https://b.example/")).1
        #expect(nested == ["content/papers/x.md:6:3: error: the key 'code' is given again; a key is given once (the first is at line 5, column 3)"])
        let flow = read(paperFile("title: A\ndate: 2025-01-01\nlinks: {code: https://a.example/, code: https://b.example/}")).1
        #expect(flow == ["content/papers/x.md:4:9: error: the key 'code' appears more than once in the same mapping (first here)"])
    }

    @Test func linksMustBeWebURLs() {
        let d = read(paperFile("title: X\ndate: 2025-01-01\ncode: javascript:alert(1)\npdf: https://x.org/p.pdf")).1
        #expect(d == ["content/papers/x.md:4:7: error: 'code' must be an absolute http(s) URL: javascript:alert(1)"])
    }

    @Test func slugsCannotEscape() {
        let d = read(paperFile("title: X\ndate: 2025-01-01\nslug: ../../etc")).1
        #expect(d == ["content/papers/x.md:4:7: error: 'slug' may hold only lowercase letters, digits, '-', '_' and '.' (try 'etc')"])
    }

    @Test func missingFrontMatter() {
        #expect(read("Just text\n").1 == ["content/papers/x.md:1:1: error: a paper file must start with front matter: a line '---', 'title: ...' and 'date: YYYY-MM-DD', then '---'"])
    }

    @Test func controlCharactersAreDroppedFromTitles() throws {
        let p = try #require(read(paperFile("title: \"A\\u0007B\\u202EC\"\ndate: 2025-01-01")).0)
        #expect(p.title == "ABC")
    }
}

@Suite struct YAMLGuardTests {
    @Test func findsAnchorsAndAliases() {
        #expect(YAMLGuard.firstAnchorOrAlias(in: "a: &x 1\nb: *x") ?? (0, 0) == (1, 4))
        #expect(YAMLGuard.firstAnchorOrAlias(in: "tags: [a, *x]") ?? (0, 0) == (1, 11))
        #expect(YAMLGuard.firstAnchorOrAlias(in: "tags:\n  - *x") ?? (0, 0) == (2, 5))
        #expect(YAMLGuard.firstAnchorOrAlias(in: "? *x\n: 1") ?? (0, 0) == (1, 3))
        #expect(YAMLGuard.firstAnchorOrAlias(in: "{a: 1, *x : 2}") ?? (0, 0) == (1, 8))
    }

    @Test func leavesTextAlone() {
        for yaml in [
            "title: R&D at scale",
            "match: [transformer*, diffusion model*]",
            "title: \"*Not* an alias & fine\"",
            "title: '*quoted*'",
            "title: x # a comment with *stars* and &amps",
            "abstract: |\n  We show *strong* results.\n  * a list item\n  & more\ndate: 2025-01-01",
            "abstract: >-\n  *folded* text\n",
            "title: \"multi\n  *line* quoted\"",
        ] {
            #expect(YAMLGuard.firstAnchorOrAlias(in: yaml) == nil, "\(yaml)")
        }
    }

    @Test func billionLaughsIsRefusedQuickly() {
        var lines = ["title: Bomb", "date: 2025-01-01", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1...12 { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]") }
        lines.append("? *a12\n: 1")
        let (paper, diagnostics) = MarkdownPaperReader().read("---\n" + lines.joined(separator: "\n") + "\n---\nBody\n", file: "x.md")
        #expect(paper == nil)
        #expect(diagnostics.map(\.description) == ["x.md:4:5: error: YAML anchors and aliases (&name, *name) are not accepted here; if this is text, put the value in quotes"])
    }
}
