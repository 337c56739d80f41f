import Foundation
import Testing
@testable import PapersiteCore

/// Independent tools the tests use as judges, from the venv `.ci/setup` makes.
enum ExternalTools {
    static var python: URL {
        let env = ProcessInfo.processInfo.environment
        if let path = env["PAPERSITE_TOOLS_VENV"] { return URL(fileURLWithPath: path).appendingPathComponent("bin/python") }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/papersite-tools/bin/python")
    }

    /// Runs a program and returns its standard output; records an issue when it fails.
    static func run(_ executable: URL, _ arguments: [String], stdin: String? = nil) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            Issue.record("\(executable.path) is missing: run .ci/setup")
            return ""
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            Issue.record("\(executable.lastPathComponent) failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses BibTeX with pybtex and returns its entries as JSON objects.
    static func parseBibTeX(_ file: URL) throws -> [[String: Any]] {
        let script = """
            import json, sys
            from pybtex.database import parse_file
            data = parse_file(sys.argv[1], bib_format="bibtex")
            out = []
            for key, entry in data.entries.items():
                fields = {k.lower(): str(v) for k, v in entry.fields.items()}
                people = {role: [str(p) for p in persons] for role, persons in entry.persons.items()}
                out.append({"key": key, "type": entry.type, "fields": fields, "persons": people})
            print(json.dumps(out))
            """
        let text = try run(python, ["-c", script, file.path])
        return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]) ?? []
    }
}

@Suite struct BibTeXWriterTests {
    let day = Day(year: 2017, month: 6, day: 12)!

    @Test func escapesAndProtects() {
        #expect(BibTeX.title("BERT: Pre-training of Deep Bidirectional Transformers") == "{BERT}: Pre-training of Deep Bidirectional Transformers")
        #expect(BibTeX.title("LoRA for 100% of $O(n_1)$ & more_stuff") == "{LoRA} for 100\\% of $O(n_1)$ \\& more\\_stuff")
        #expect(BibTeX.escapeText("Schrödinger, Gödel, Łukasiewicz, Čech, Ørsted, façade, naïve") ==
            "Schr{\\\"o}dinger, G{\\\"o}del, {\\L}ukasiewicz, {\\v C}ech, {\\O}rsted, fa{\\c c}ade, na{\\\"\\i}ve")
        #expect(BibTeX.escapeText("a~b^c\\d{e}#") == "a\\textasciitilde{}b\\textasciicircum{}c\\textbackslash{}d\\{e\\}\\#")
        #expect(BibTeX.escape("unbalanced $\\{x$ math") == "unbalanced \\$\\textbackslash{}\\{x\\$ math")
    }

    @Test func authorNamesAreFamilyFirst() {
        #expect(BibTeX.authorName("Ashish Vaswani") == "Vaswani, Ashish")
        #expect(BibTeX.authorName("Ludwig van Beethoven") == "van Beethoven, Ludwig")
        #expect(BibTeX.authorName("Knuth, Donald E.") == "Knuth, Donald E.")
        #expect(BibTeX.authorName("Plato") == "{Plato}")
    }

    @Test func citationKeysAreStableAndUnique() {
        let papers = [
            Paper(title: "Attention Is All You Need", authors: ["Ashish Vaswani"], published: day, source: SourceLocation(file: "a")),
            Paper(title: "Attention, again", authors: ["Ashish Vaswani"], published: Day(year: 2017, month: 1, day: 1)!, source: SourceLocation(file: "b")),
            Paper(title: "The Müller Method", authors: ["Jörg Müller"], published: day, source: SourceLocation(file: "c")),
            Paper(title: "On the Utility of Data", published: day, source: SourceLocation(file: "d")),
        ]
        #expect(CitationKeys.assign(papers) == ["vaswani2017attentionb", "vaswani2017attention", "muller2017muller", "utility2017data"])
    }

    @Test func venueDecidesTheEntryType() {
        let conference = Paper(title: "T", authors: ["A B"], published: day, venue: "NeurIPS 2017", source: SourceLocation(file: "a"))
        #expect(BibTeX.entry(for: conference, key: "k", pageURL: "https://x.org/p/").hasPrefix("@inproceedings{k,"))
        let journal = Paper(title: "T", authors: ["A B"], published: day, venue: "Nature Physics", source: SourceLocation(file: "a"))
        #expect(BibTeX.entry(for: journal, key: "k", pageURL: "https://x.org/p/").contains("  journal = {Nature Physics},\n"))
        let preprint = Paper(title: "T", published: day, arxiv: "1706.03762", source: SourceLocation(file: "a"))
        #expect(BibTeX.entry(for: preprint, key: "k", pageURL: "https://x.org/p/") == """
            @misc{k,
              title = {T},
              year = {2017},
              month = jun,
              eprint = {1706.03762},
              archivePrefix = {arXiv},
              url = {https://arxiv.org/abs/1706.03762}
            }

            """)
    }
}

@Suite struct ScholarlyPageTests {
    static let paper = paperFile("""
        title: "Attention Is All You Need: $O(n^2)$ & <More>"
        authors: [Ashish Vaswani, Noam Shazeer, Łukasz Kaiser]
        date: 2017-06-12
        updated: 2017-12-06
        tags: [Transformers]
        arxiv: 1706.03762v5
        doi: 10.48550/arXiv.1706.03762
        pdf: https://example.org/lab/pdfs/attention.pdf
        venue: NeurIPS 2017
        """, body: "We propose the Transformer. </script><script>alert(1)</script>\n")

    func site(_ extra: [String: String] = [:]) throws -> TestSite {
        var files = ["content/papers/attention.md": Self.paper, "content/site.yml": "title: Lab\nbase_url: https://example.org/lab/\nfeed: {limit: 100}\n"]
        for (k, v) in extra { files[k] = v }
        return try TestSite(files)
    }

    var slug: String { "attention-is-all-you-need-o-n-2-more" }

    @Test func paperPageHasCitationTagsInOrder() throws {
        let site = try site()
        defer { site.remove() }
        try site.build()
        let page = try site.read("papers/\(slug)/index.html")
        let citation = page.split(separator: "\n").filter { $0.hasPrefix("<meta name=\"citation_") }.map(String.init)
        #expect(citation == [
            "<meta name=\"citation_title\" content=\"Attention Is All You Need: $O(n^2)$ &amp; &lt;More&gt;\">",
            "<meta name=\"citation_author\" content=\"Ashish Vaswani\">",
            "<meta name=\"citation_author\" content=\"Noam Shazeer\">",
            "<meta name=\"citation_author\" content=\"Łukasz Kaiser\">",
            "<meta name=\"citation_publication_date\" content=\"2017/06/12\">",
            "<meta name=\"citation_online_date\" content=\"2017/06/12\">",
            "<meta name=\"citation_conference_title\" content=\"NeurIPS 2017\">",
            "<meta name=\"citation_arxiv_id\" content=\"1706.03762\">",
            "<meta name=\"citation_doi\" content=\"10.48550/arXiv.1706.03762\">",
            "<meta name=\"citation_pdf_url\" content=\"https://example.org/lab/pdfs/attention.pdf\">",
            "<meta name=\"citation_abstract_html_url\" content=\"https://example.org/lab/papers/\(slug)/\">",
            "<meta name=\"citation_keywords\" content=\"Transformers\">",
            "<meta name=\"citation_language\" content=\"en\">",
        ])
        #expect(page.contains("<meta property=\"og:type\" content=\"article\">"))
        #expect(page.contains("<meta property=\"og:url\" content=\"https://example.org/lab/papers/\(slug)/\">"))
        #expect(page.contains("<meta name=\"twitter:card\" content=\"summary\">"))
        #expect(page.contains("<link rel=\"canonical\" href=\"https://example.org/lab/papers/\(slug)/\">"))
    }

    @Test func pdfOnAnotherHostIsNotGivenToScholar() throws {
        let site = try site(["content/papers/attention.md": Self.paper.replacingOccurrences(of: "https://example.org/lab/pdfs/", with: "https://elsewhere.org/")])
        defer { site.remove() }
        try site.build()
        #expect(!(try site.read("papers/\(slug)/index.html")).contains("citation_pdf_url"))
    }

    @Test func jsonLDIsValidAndSafe() throws {
        let site = try site()
        defer { site.remove() }
        try site.build()
        let page = try site.read("papers/\(slug)/index.html")
        let blocks = page.components(separatedBy: "<script type=\"application/ld+json\">").dropFirst().map { $0.components(separatedBy: "</script>")[0] }
        #expect(blocks.count == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(blocks[0].utf8)) as? [String: Any])
        #expect(json["@type"] as? String == "ScholarlyArticle")
        #expect(json["name"] as? String == "Attention Is All You Need: $O(n^2)$ & <More>")
        #expect((json["author"] as? [[String: String]])?.map { $0["name"] ?? "" } == ["Ashish Vaswani", "Noam Shazeer", "Łukasz Kaiser"])
        #expect(json["datePublished"] as? String == "2017-06-12")
        #expect(json["dateModified"] as? String == "2017-12-06")
        #expect(json["keywords"] as? [String] == ["Transformers"])
        #expect((json["identifier"] as? [[String: String]])?.map { $0["propertyID"] ?? "" } == ["arXiv", "DOI"])
        #expect(json["sameAs"] as? [String] == ["https://arxiv.org/abs/1706.03762", "https://doi.org/10.48550/arXiv.1706.03762"])
        #expect(json["abstract"] as? String == "We propose the Transformer. alert(1)")
        // "<More>" is written as \u003cMore\u003e: nothing in the block can close it early.
        #expect(!blocks[0].contains("<"))
    }

    @Test func jsonTextEscapesOnlyWhatItMust() throws {
        let text = "<a> \"q\" back\\slash\ttab\nline\u{1}ctl \u{2028}sep\u{2029} Łukasz & ü"
        let json = JSONText.encode(["k": .strings([text, "", "plain"])])
        #expect(json == #"{"k":["\u003ca\u003e \"q\" back\\slash\ttab\nline\u0001ctl \u2028sep\u2029 Łukasz \u0026 ü","","plain"]}"#)
        let back = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [String]])
        #expect(back["k"] == [text, "", "plain"])
    }

    @Test func citeBlockAndBibFilesParseWithPybtex() throws {
        let site = try site(["content/papers/other.md": paperFile("title: Müller's Method for {Graphs}\nauthors: [Jörg Müller]\ndate: 2020-01-02\nvenue: Journal of Graphs")])
        defer { site.remove() }
        try site.build()
        let page = try site.read("papers/\(slug)/index.html")
        #expect(page.contains("<h2 id=\"cite-heading\">Cite</h2>"))
        #expect(page.contains("@inproceedings{vaswani2017attention,"))
        #expect(page.contains("href=\"../../papers/\(slug)/cite.bib\" download=\"vaswani2017attention.bib\""))

        let one = try ExternalTools.parseBibTeX(site.output.appendingPathComponent("papers/\(slug)/cite.bib"))
        #expect(one.count == 1)
        let entry = try #require(one.first)
        #expect(entry["key"] as? String == "vaswani2017attention")
        #expect(entry["type"] as? String == "inproceedings")
        let fields = try #require(entry["fields"] as? [String: String])
        #expect(fields["title"] == "Attention Is All You Need: $O(n^2)$ \\& <More>")
        #expect(fields["booktitle"] == "NeurIPS 2017")
        #expect(fields["year"] == "2017")
        #expect(fields["eprint"] == "1706.03762")
        #expect(fields["archiveprefix"] == "arXiv")
        #expect(fields["doi"] == "10.48550/arXiv.1706.03762")
        #expect((entry["persons"] as? [String: [String]])?["author"] == ["Vaswani, Ashish", "Shazeer, Noam", "Kaiser, {\\L}ukasz"])

        let all = try ExternalTools.parseBibTeX(site.output.appendingPathComponent("papers.bib"))
        #expect(all.map { $0["key"] as? String ?? "" } == ["muller2020muller", "vaswani2017attention"])
        let muller = try #require(all.first?["fields"] as? [String: String])
        #expect(muller["title"] == "M{\\\"u}ller's Method for \\{Graphs\\}")
        #expect(muller["journal"] == "Journal of Graphs")
        #expect(all.first?["type"] as? String == "article")
    }

    @Test func jsonFeedHasEveryPaper() throws {
        var extra: [String: String] = [:]
        for i in 1...30 { extra["content/papers/p\(i).md"] = paperFile("title: Paper \(i)\ndate: 2016-01-\(i < 10 ? "0" : "")\(i)\ntags: [Transformers]") }
        let site = try site(extra)
        defer { site.remove() }
        try site.build()
        for (file, count) in [("feed.json", 31), ("tags/transformers/feed.json", 31)] {
            let feed = try #require(try JSONSerialization.jsonObject(with: Data(site.read(file).utf8)) as? [String: Any])
            #expect(feed["version"] as? String == "https://jsonfeed.org/version/1.1")
            let items = try #require(feed["items"] as? [[String: Any]])
            #expect(items.count == count)
            #expect(Set(items.compactMap { $0["id"] as? String }).count == count)
            #expect(items[0]["id"] as? String == "https://arxiv.org/abs/1706.03762")
            #expect(items[0]["url"] as? String == "https://example.org/lab/papers/\(slug)/")
            #expect((items[0]["authors"] as? [[String: String]])?.count == 3)
            #expect(items[0]["tags"] as? [String] == ["Transformers"])
            #expect(items[1]["id"] as? String == "https://example.org/lab/papers/paper-30/")
        }
        let atom = try site.read("atom.xml")
        #expect(atom.contains("<id>https://arxiv.org/abs/1706.03762</id>"))
        let rss = try site.read("feed.xml")
        #expect(rss.contains("<guid isPermaLink=\"false\">https://arxiv.org/abs/1706.03762</guid>"))
        #expect(rss.contains("<guid isPermaLink=\"true\">https://example.org/lab/papers/paper-30/</guid>"))
    }

    @Test func summaryFeedsCarryNoFullContent() throws {
        let site = try site(["content/site.yml": "base_url: https://example.org/lab/\nfeed: {content: summary}\n"])
        defer { site.remove() }
        try site.build()
        #expect(!(try site.read("atom.xml")).contains("<content"))
        let feed = try #require(try JSONSerialization.jsonObject(with: Data(site.read("feed.json").utf8)) as? [String: Any])
        let item = try #require((feed["items"] as? [[String: Any]])?.first)
        #expect(item["content_html"] == nil)
        #expect(item["content_text"] as? String == "We propose the Transformer. alert(1)")
    }
}

@Suite struct MathTests {
    let files = [
        "content/site.yml": "math: katex\n",
        "content/papers/math.md": paperFile("title: Fast $\\mathcal{O}(n^2)$ Attention\ndate: 2025-01-02", body: "We bound the cost by $\\mathcal{O}(n^2)$.\n"),
        "content/papers/plain.md": paperFile("title: Plain\ndate: 2024-01-01", body: "No math here, only $5.\n"),
    ]

    @Test func katexIsCopiedAndLoadedOnlyWhereNeeded() throws {
        let site = try TestSite(files)
        defer { site.remove() }
        try site.build()
        for file in ["katex/katex.min.js", "katex/katex.min.css", "katex/fonts/KaTeX_Main-Regular.woff2", "js/math.js"] {
            #expect(site.exists(file), "\(file)")
            let attributes = try FileManager.default.attributesOfItem(atPath: site.output.appendingPathComponent(file).path)
            #expect(attributes[.type] as? FileAttributeType == .typeRegular, "\(file) must be a file, not a link")
        }
        let math = try site.read("papers/fast-mathcal-o-n-2-attention/index.html")
        #expect(math.contains("<script defer src=\"../../katex/katex.min.js\"></script>"))
        #expect(math.contains("<h1>Fast <span class=\"math inline\">$\\mathcal{O}(n^2)$</span> Attention</h1>"))
        let plain = try site.read("papers/plain/index.html")
        #expect(!plain.contains("katex"))
        #expect(!(try site.read("tags/index.html")).contains("katex"))
    }

    @Test func mathIsOffByDefault() throws {
        var plainFiles = files
        plainFiles["content/site.yml"] = ""
        let site = try TestSite(plainFiles)
        defer { site.remove() }
        try site.build()
        #expect(!site.exists("katex/katex.min.js"))
        #expect(!(try site.read("papers/fast-mathcal-o-n-2-attention/index.html")).contains("katex"))
    }

    @Test func missingKaTeXSaysWhatToInstall() throws {
        let site = try TestSite(files)
        defer { site.remove() }
        do {
            try SiteBuilder(options: BuildOptions(siteRoot: site.root, output: site.output, katexDirectory: site.root.appendingPathComponent("nowhere"))).build()
            Issue.record("expected a failure")
        } catch {
            #expect(error.diagnostics.map(\.description) == ["content/site.yml:1:7: error: 'math: katex' needs KaTeX's files in \(site.root.path)/nowhere (keep katex/ beside papersite, as the release archive has it, or on Debian: apt-get install libjs-katex)"])
        }
    }

    /// A real browser, offline: KaTeX must typeset the formula with the
    /// site's own files.
    @Test func chromiumTypesetsTheMath() throws {
        let site = try TestSite(files)
        defer { site.remove() }
        try site.build()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        let port = Int.random(in: 20000...40000)
        server.arguments = ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", site.output.path]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }  // SIGTERM may be blocked in children of the test runner
        // Wait until the server answers (up to ten seconds).
        for _ in 0..<50 {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            probe.arguments = ["-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:\(port)/')"]
            probe.standardOutput = FileHandle.nullDevice
            probe.standardError = FileHandle.nullDevice
            try probe.run()
            probe.waitUntilExit()
            if probe.terminationStatus == 0 { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let dom = try ExternalTools.run(URL(fileURLWithPath: "/usr/bin/chromium"), [
            "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            "--dump-dom", "http://127.0.0.1:\(port)/papers/fast-mathcal-o-n-2-attention/",
        ])
        #expect(dom.contains("class=\"katex\""))
        #expect(dom.contains("<annotation encoding=\"application/x-tex\">\\mathcal{O}(n^2)</annotation>"))
    }
}
