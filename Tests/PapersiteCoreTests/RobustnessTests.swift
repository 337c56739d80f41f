import Foundation
import Testing
@testable import PapersiteCore
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Every kind of bad input, each with its exact diagnostic (the corpus in
/// Fixtures/bad-input, expected in Fixtures/bad-input/expected-diagnostics.txt).
@Suite struct BadInputTests {
    @Test(.timeLimit(.minutes(1))) func badInputCorpusGivesExpectedDiagnostics() throws {
        let site = try TestSite(fixture: "bad-input")
        defer { site.remove() }
        let diagnostics = site.failingBuild()
        let text = diagnostics.joined(separator: "\n") + "\n"
        let expectedURL = fixturesRoot.appendingPathComponent("bad-input/expected-diagnostics.txt")
        if ProcessInfo.processInfo.environment["PAPERSITE_RECORD"] == "1" {
            try Data(text.utf8).write(to: expectedURL)
            Issue.record("recorded \(expectedURL.path)")
            return
        }
        #expect(text == (try String(contentsOf: expectedURL, encoding: .utf8)))
        // Every file in the corpus is named by at least one error: none is skipped.
        let files = try FileManager.default.contentsOfDirectory(atPath: fixturesRoot.appendingPathComponent("bad-input/content/papers").path)
        for file in files {
            #expect(diagnostics.contains { $0.hasPrefix("content/papers/\(file):") && $0.contains(": error: ") }, "\(file)")
        }
    }

    @Test func acceptedQuirksBuild() throws {
        let site = try TestSite(fixture: "accepted-input")
        defer { site.remove() }
        #expect(try site.build().papers == 4)
        #expect(try site.read("papers/with-a-bom/index.html").contains("<h1>With a BOM</h1>"))
        let crlf = try site.read("papers/windows-line-endings/index.html")
        #expect(crlf.contains("<p>First line.</p>"))
        #expect(crlf.contains("<h2>Notes</h2>"))
        #expect(!crlf.contains("\r"))
        #expect(site.exists("papers/only-front-matter/index.html"))
    }

    /// A 5 MB body is accepted and rendered; the limit is 16 MB a file.
    @Test(.timeLimit(.minutes(1))) func largeBodiesAreAcceptedAndTooLargeFilesRefused() throws {
        let big = String(repeating: String(repeating: "word ", count: 200) + "\n\n", count: 5_000)
        let site = try TestSite(["content/papers/big.md": paperFile("title: Big\ndate: 2025-01-01", body: big)])
        defer { site.remove() }
        try site.build()
        #expect(try site.read("papers/big/index.html").count > 5_000_000)
        try site.write("content/papers/huge.md", paperFile("title: Huge\ndate: 2025-01-01", body: String(repeating: "x", count: 17 << 20)))
        #expect(site.failingBuild() == ["content/papers/huge.md: error: the file is larger than 16 MB"])
    }

    /// Markdown that makes naive parsers quadratic: each must render in
    /// bounded time (the limit is a hang guard, not a speed target).
    @Test(.timeLimit(.minutes(1))) func pathologicalMarkdownIsBounded() throws {
        let bodies: [String: String] = [
            "quotes": String(repeating: ">", count: 50_000) + " deep\n",
            "underscores": String(repeating: "_", count: 50_000) + "a" + String(repeating: "_", count: 50_000) + "\n",
            "stars": String(repeating: "*a ", count: 50_000) + "\n",
            "brackets": String(repeating: "[", count: 50_000) + "x" + String(repeating: "]", count: 50_000) + "\n",
            "backticks": (1..<2_000).map { String(repeating: "`", count: $0) + "x" }.joined() + "\n",
            "openers": String(repeating: "\\(", count: 50_000) + String(repeating: "$$", count: 20_000) + "\n",
            "table": String(repeating: "|a", count: 5_000) + "|\n" + String(repeating: "|-", count: 5_000) + "|\n" + String(repeating: String(repeating: "|x", count: 5_000) + "|\n", count: 20),
            "lists": (0..<2_000).map { String(repeating: "  ", count: $0) + "- x\n" }.joined(),
        ]
        var files: [String: String] = [:]
        for (name, body) in bodies { files["content/papers/\(name).md"] = paperFile("title: \(name)\ndate: 2025-01-01", body: body) }
        let site = try TestSite(files)
        defer { site.remove() }
        #expect(try site.build().papers == bodies.count)
        // The wide "table" is kept as text rather than parsed as 5,000 columns.
        #expect(!(try site.read("papers/table/index.html")).contains("<table>"))
    }
}

/// Text from records cannot become markup, script or a broken feed.
@Suite struct HostileInputTests {
    static let allowedScripts: Set<String> = [
        "<script type=\"application/ld+json\">",
        "<script defer src=\"/hostile/js/cite.js\">",
        "<script defer src=\"/hostile/katex/katex.min.js\">",
        "<script defer src=\"/hostile/js/math.js\">",
        "<script defer src=\"/hostile/js/search-box.js\">",
        "<script src=\"/hostile/js/search.js\" defer>",
        "<script data-base-path=\"/hostile/\">",
        "<script defer src=\"/hostile/js/disk-links.js\">",
    ]
    /// The theme's two search forms; records can make no form.
    static let allowedForms: Set<String> = [
        "<form class=\"site-search\" role=\"search\" action=\"/hostile/search/\">",
        "<form class=\"search-form\" id=\"search-form\" role=\"search\" action=\"/hostile/search/\" data-index=\"/hostile/search/\" data-base=\"/hostile/\">",
    ]

    /// An HTML start tag's element name and attributes (quoted values
    /// unescaped of nothing: the test only looks at names and URL starts).
    static func parseTag(_ tag: String) -> (String, [(String, String)]) {
        var chars = Array(tag.dropFirst().dropLast())
        if chars.last == "/" { chars.removeLast() }
        var i = 0
        func skipSpaces() { while i < chars.count && chars[i].isWhitespace { i += 1 } }
        var name = ""
        while i < chars.count && !chars[i].isWhitespace { name.append(chars[i]); i += 1 }
        var attributes: [(String, String)] = []
        while true {
            skipSpaces()
            guard i < chars.count else { break }
            var attr = ""
            while i < chars.count && !chars[i].isWhitespace && chars[i] != "=" { attr.append(chars[i]); i += 1 }
            skipSpaces()
            var value = ""
            if i < chars.count && chars[i] == "=" {
                i += 1
                skipSpaces()
                if i < chars.count && (chars[i] == "\"" || chars[i] == "'") {
                    let q = chars[i]
                    i += 1
                    while i < chars.count && chars[i] != q { value.append(chars[i]); i += 1 }
                    i += 1
                } else {
                    while i < chars.count && !chars[i].isWhitespace { value.append(chars[i]); i += 1 }
                }
            }
            attributes.append((attr.lowercased(), value))
        }
        return (name.lowercased(), attributes)
    }

    @Test func hostileRecordsComeOutInert() throws {
        let site = try TestSite(fixture: "hostile-site")
        defer { site.remove() }
        try site.build()
        let files = try tree(site.output)
        let tagPattern = try NSRegularExpression(pattern: #"<[a-zA-Z][^>]*>"#)  // values never hold a raw ">"
        var htmlCount = 0
        for (path, data) in files {
            let text = String(decoding: data, as: UTF8.self)
            if path.hasSuffix(".html") {
                htmlCount += 1
                let ns = text as NSString
                for match in tagPattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                    // (Links are relative to the page; the allowed tags are written from the base path.)
                    let tag = ns.substring(with: match.range).replacing(/"(\.\.\/)+|"\.\//, with: "\"/hostile/")
                    let (element, attributes) = Self.parseTag(tag)
                    for (name, value) in attributes {
                        #expect(!name.hasPrefix("on"), "\(path): event handler in \(tag)")
                        if ["href", "src", "action", "formaction", "data"].contains(name) {
                            let v = value.lowercased().trimmingCharacters(in: .whitespaces)
                            #expect(!v.hasPrefix("javascript:") && !v.hasPrefix("data:") && !v.hasPrefix("vbscript:"), "\(path): \(tag)")
                        }
                    }
                    #expect(!["iframe", "img", "svg", "style", "object", "embed", "base"].contains(element), "\(path): \(tag)")
                    if element == "form" {
                        #expect(Self.allowedForms.contains(tag), "\(path): unexpected \(tag)")
                    }
                    if element == "script" {
                        #expect(Self.allowedScripts.contains(tag), "\(path): unexpected \(tag)")
                    }
                }
                // JSON-LD blocks stay valid JSON, and their text cannot close the block.
                for block in text.components(separatedBy: "<script type=\"application/ld+json\">").dropFirst() {
                    let json = block.components(separatedBy: "</script>")[0]
                    #expect(!json.contains("<"), "\(path)")
                    #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil, "\(path): JSON-LD does not parse")
                }
                // Template syntax in records is printed, never run.
                #expect(!text.contains("Hostile &lt;script&gt;console.error(&#39;XSS site title&#39;)&lt;/script&gt; &amp; Hostile"), "\(path)")
                // No bidi overrides or control characters survive.
                #expect(!text.contains("\u{202E}") && !text.contains("\u{07}"), "\(path)")
            } else if path.hasSuffix(".xml") {
                let parser = XMLParser(data: data)
                #expect(parser.parse(), "\(path) is not well-formed XML: \(String(describing: parser.parserError))")
                #expect(!text.contains("<script"), "\(path)")
            } else if path.hasSuffix(".json") {
                #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "\(path) is not JSON")
                // The search index carries titles and abstracts: never a raw '<'.
                #expect(!text.contains("<"), "\(path)")
            }
        }
        #expect(htmlCount > 5)
        let page = String(decoding: try #require(files["papers/script-script-console-error-xss-title-script-img-src-x-onerror-console-error/index.html"]), as: UTF8.self)
        #expect(page.contains("{{title}}"))
        #expect(page.contains("&lt;/script&gt;&lt;script&gt;console.error(&#39;XSS title&#39;)&lt;/script&gt;"))
    }

    @Test func refusedLinksNameTheField() throws {
        let site = try TestSite(["content/papers/p.md": paperFile("title: P\ndate: 2025-01-01\npdf: \"javascript:alert(1)\"")])
        defer { site.remove() }
        #expect(site.failingBuild() == ["content/papers/p.md:4:6: error: 'pdf' must be an absolute http(s) URL: javascript:alert(1)"])
    }
}

/// The same input gives the same bytes on one thread and on all cores.
@Suite struct DeterminismTests {
    @Test func oneThreadAndAllCoresGiveIdenticalOutput() throws {
        var files: [String: String] = [
            "content/site.yml": "papers_per_page: 3\ntag_rules:\n  - {tag: Odd, match: [odd]}\n",
            "content/papers/listing.txt": try String(contentsOf: repositoryRoot.appendingPathComponent("content/papers/hf-daily-2025-03-14.txt"), encoding: .utf8),
        ]
        for i in 0..<60 {
            files["content/papers/p\(i).md"] = paperFile("title: Same Title\nauthors: [Author \(i % 7)]\ndate: 2024-0\(1 + i % 9)-1\(i % 10)\ntags: [t\(i % 5)]", body: "An \(i % 2 == 0 ? "even" : "odd") paper with ~~strike~~ and https://example.org/\(i) and $x_\(i)$.\n")
        }
        let site = try TestSite(files)
        defer { site.remove() }
        let serialOut = site.root.appendingPathComponent("serial"), parallelOut = site.root.appendingPathComponent("parallel")
        var options = BuildOptions(siteRoot: site.root, output: serialOut)
        options.parallelism = .serial
        try SiteBuilder(options: options).build()
        options.output = parallelOut
        options.parallelism = Parallelism(threads: 8)
        try SiteBuilder(options: options).build()
        let serial = try tree(serialOut), parallel = try tree(parallelOut)
        #expect(serial.count > 150)
        #expect(serial.keys.sorted() == parallel.keys.sorted())
        for key in serial.keys.sorted() where serial[key] != parallel[key] {
            Issue.record("\(key) differs between 1 thread and 8")
        }
    }
}

/// Every seed and every input that once crashed a fuzz target is replayed
/// through it: a crash found by fuzzing stays a test.
@Suite struct FuzzReplayTests {
    static let fuzzRoot = repositoryRoot.appendingPathComponent("Tests/Fuzz")

    @Test(arguments: FuzzTargets.names)
    func replaysSavedInputs(target: String) throws {
        var count = 0
        for folder in ["corpus", "crashes"] {
            let dir = Self.fuzzRoot.appendingPathComponent("\(folder)/\(target)")
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for file in files.sorted() {
                FuzzTargets.run(target, try Data(contentsOf: dir.appendingPathComponent(file)))
                count += 1
            }
        }
        #expect(count > 0, "no saved inputs for \(target)")
    }
}
