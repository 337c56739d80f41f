import Foundation
import Testing
@testable import PapersiteCore

/// Whole sites built and compared with what they must produce.
@Suite struct FixtureSiteTests {
    /// Builds `Fixtures/basic-site` and compares every output file with
    /// `Fixtures/basic-site/expected/`. Run with PAPERSITE_RECORD=1 to
    /// rewrite the expected tree (the run then fails, so a recording is never
    /// mistaken for a pass).
    @Test func basicSiteMatchesExpectedOutput() throws {
        let site = try TestSite(fixture: "basic-site")
        defer { site.remove() }
        let summary = try site.build()
        #expect(summary.papers == 4)
        // The theme's static files are copied as they are: compared with the
        // theme itself rather than kept twice in the expected tree.
        var actual = try tree(site.output)
        for (path, data) in try tree(repositoryRoot.appendingPathComponent("Themes/default/static")) {
            #expect(actual.removeValue(forKey: path) == data, "\(path) is not a copy of the theme's file")
        }
        let expectedFolder = fixturesRoot.appendingPathComponent("basic-site/expected")
        if ProcessInfo.processInfo.environment["PAPERSITE_RECORD"] == "1" {
            try? FileManager.default.removeItem(at: expectedFolder)
            for (path, data) in actual {
                let url = expectedFolder.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url)
            }
            Issue.record("recorded \(actual.count) files into \(expectedFolder.path); run again without PAPERSITE_RECORD")
            return
        }
        let expected = try tree(expectedFolder)
        #expect(actual.keys.sorted() == expected.keys.sorted())
        for path in expected.keys.sorted() where actual[path] != expected[path] {
            let got = actual[path].map { String(decoding: $0, as: UTF8.self) } ?? "(missing)"
            Issue.record("\(path) differs from the expected output:\n\(got)")
        }
    }

    /// Each folder under Fixtures/invalid is a site that must fail with
    /// exactly the diagnostics in its expected-diagnostics.txt, and must
    /// leave the previous output untouched.
    @Test(arguments: ["broken-yaml", "many-problems", "unknown-setting", "missing-partial", "bad-listing"])
    func invalidSiteFailsWithExpectedDiagnostics(name: String) throws {
        let site = try TestSite(fixture: "invalid/\(name)")
        defer { site.remove() }
        // A previous good output that must survive.
        try FileManager.default.createDirectory(at: site.output, withIntermediateDirectories: true)
        try Data("previous".utf8).write(to: site.output.appendingPathComponent("index.html"))
        try Data().write(to: site.output.appendingPathComponent(OutputWriter.marker))
        let before = try tree(site.output)

        let diagnostics = site.failingBuild().joined(separator: "\n") + "\n"
        let expectedURL = fixturesRoot.appendingPathComponent("invalid/\(name)/expected-diagnostics.txt")
        if ProcessInfo.processInfo.environment["PAPERSITE_RECORD"] == "1" {
            try Data(diagnostics.utf8).write(to: expectedURL)
            Issue.record("recorded \(expectedURL.path)")
            return
        }
        #expect(diagnostics == (try String(contentsOf: expectedURL, encoding: .utf8)))
        #expect(try tree(site.output) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: site.root.path).filter { $0.contains("papersite-tmp") }
        #expect(leftovers == [])
    }
}

@Suite struct SiteBuildTests {
    let paper = paperFile("title: A Paper on Diffusion\nauthors: [Ada Lovelace]\ndate: 2025-01-02\ntags: [Generative Models]", body: "We study diffusion.\n")

    @Test func twoBuildsAreByteIdentical() throws {
        let site = try TestSite(fixture: "basic-site")
        defer { site.remove() }
        try site.build()
        let first = try tree(site.output)
        try site.build()
        #expect(try tree(site.output) == first)
        let elsewhere = site.root.appendingPathComponent("other-output")
        try site.build(output: elsewhere)
        #expect(try tree(elsewhere) == first)
    }

    /// With `links: relative` (the default), every link from a page to the
    /// site's pages and files is relative to the page, and leads to a file
    /// of the output from where the page is; what must be absolute is.
    @Test func everyLinkIsRelativeToItsPage() throws {
        let site = try TestSite(fixture: "basic-site")
        defer { site.remove() }
        try site.build()
        var checked = 0
        for (path, data) in try tree(site.output) where path.hasSuffix(".html") {
            let html = String(decoding: data, as: UTF8.self)
            let folder = (path as NSString).deletingLastPathComponent
            for match in html.matches(of: /(?:href|src|action|data-index)="([^"#]*)(?:#[^"]*)?"/) {
                let link = String(match.1)
                if link.isEmpty || link.hasPrefix("https://") || link.hasPrefix("mailto:") { continue }
                #expect(!link.hasPrefix("/"), "\(path): \(link) is not relative")
                let target = URL(fileURLWithPath: site.output.path + "/" + folder + "/" + link).standardizedFileURL
                let file = link.hasSuffix("/") ? target.appendingPathComponent("index.html") : target
                #expect(FileManager.default.fileExists(atPath: file.path), "\(path): \(link) leads nowhere")
                checked += 1
            }
        }
        #expect(checked > 100)
        // 404.html, which hosts serve at any address, starts its links from the base path there.
        #expect(try site.read("404.html").contains("<script data-base-path=\"/group/papers/\">"))
        let home = try site.read("index.html")
        #expect(home.contains("<link rel=\"canonical\" href=\"https://example.org/group/papers/\">"))
        #expect(home.contains("href=\"./css/site.css\"") && home.contains("href=\"./tags/\""))
        #expect(try site.read("page/2/index.html").contains("href=\"../../css/site.css\""))
    }

    @Test func everyLinkUsesTheBasePath() throws {
        let site = try TestSite(["content/papers/p.md": paper, "content/site.yml": "base_url: https://example.org/group/papers\nlinks: absolute\n"])
        defer { site.remove() }
        try site.build()
        let home = try site.read("index.html")
        #expect(home.contains("href=\"/group/papers/css/site.css\""))
        #expect(home.contains("href=\"/group/papers/papers/a-paper-on-diffusion/\""))
        #expect(home.contains("href=\"/group/papers/tags/generative-models/\""))
        #expect(!home.contains("href=\"/papers/"))
        let atom = try site.read("atom.xml")
        #expect(atom.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.org/group/papers/atom.xml\"/>"))
        #expect(atom.contains("<id>https://example.org/group/papers/papers/a-paper-on-diffusion/</id>"))
        #expect(try site.read("robots.txt").contains("Sitemap: https://example.org/group/papers/sitemap.xml"))
    }

    @Test func baseURLFromTheCommandLineWins() throws {
        let site = try TestSite(["content/papers/p.md": paper, "content/site.yml": "base_url: https://example.org/\n"])
        defer { site.remove() }
        try site.build(baseURL: "https://mirror.example.net/x/")
        #expect(try site.read("feed.xml").contains("<link>https://mirror.example.net/x/</link>"))
    }

    @Test func draftsAreLeftOutUnlessAsked() throws {
        let site = try TestSite(["content/papers/p.md": paper, "content/papers/d.md": paperFile("title: Draft\ndate: 2025-01-01\ndraft: true")])
        defer { site.remove() }
        #expect(try site.build().papers == 1)
        #expect(!site.exists("papers/draft/index.html"))
        #expect(try site.build(drafts: true).papers == 2)
        #expect(site.exists("papers/draft/index.html"))
    }

    @Test func tagsComeFromRecordsAndRules() throws {
        let site = try TestSite([
            "content/papers/p.md": paper,
            "content/site.yml": "tag_rules:\n  - {tag: Diffusion Models, match: [diffusion]}\n",
        ])
        defer { site.remove() }
        #expect(try site.build().tags == 2)
        let page = try site.read("papers/a-paper-on-diffusion/index.html")
        #expect(page.contains(">Generative Models</a>"))
        #expect(page.contains(">Diffusion Models</a>"))
        #expect(site.exists("tags/diffusion-models/index.html"))
        #expect(site.exists("tags/diffusion-models/atom.xml"))
        #expect(site.exists("tags/generative-models/feed.xml"))
        #expect(try site.read("tags/index.html").contains("Diffusion Models</span> <span class=\"count\">1 paper</span>"))
    }

    @Test func listsArePaginated() throws {
        var files: [String: String] = ["content/site.yml": "papers_per_page: 2\n"]
        for i in 1...5 { files["content/papers/p\(i).md"] = paperFile("title: Paper \(i)\ndate: 2025-01-0\(i)\ntags: [t]") }
        let site = try TestSite(files)
        defer { site.remove() }
        try site.build()
        // Pages are cut from the oldest paper: the first holds the newest rest.
        #expect(site.exists("page/2/index.html"))
        #expect(!site.exists("page/3/index.html"))
        #expect(site.exists("tags/t/page/2/index.html") && !site.exists("tags/t/page/3/index.html"))
        let home = try site.read("index.html")
        #expect(home.contains(">Paper 5</a>") && home.contains(">Paper 3</a>"))  // newest first
        #expect(!home.contains(">Paper 2</a>"))
        #expect(home.contains("rel=\"next\""))
        let last = try site.read("page/2/index.html")
        #expect(last.contains(">Paper 2</a>") && last.contains(">Paper 1</a>"))
        // An archive page names the days its papers span, not a page out of a total.
        let archive = try site.read("tags/t/page/2/index.html")
        #expect(archive.contains("Papers of 1 January 2025 to 2 January 2025") && !archive.contains(" of 2<"))
        #expect(archive.contains("<title>1 January 2025 to 2 January 2025 · "))
        #expect(try site.read("tags/t/index.html").contains("5 papers"))
    }

    @Test func titlesAreEscapedEverywhere() throws {
        let hostile = paperFile("title: \"<script>alert(1)</script> & \\\"quotes\\\"\"\ndate: 2025-01-01\ntags: [\"<b>bold</b>\"]", body: "Abstract with <img src=x onerror=alert(1)>.\n")
        let site = try TestSite(["content/papers/p.md": hostile])
        defer { site.remove() }
        try site.build()
        let page = try site.read("papers/script-alert-1-script-quotes/index.html")
        #expect(!page.contains("<script>alert"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"))
        #expect(!page.contains("<img src=x"))
        #expect(!page.contains("<b>bold"))
        let atom = try site.read("atom.xml")
        #expect(atom.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;</title>"))
    }

    @Test func aStaticFileMayNotReplaceAPage() throws {
        let site = try TestSite(["content/papers/p.md": paper, "content/static/feed.xml": "<x/>"])
        defer { site.remove() }
        #expect(site.failingBuild() == ["content/static/feed.xml: error: this static file would overwrite a page the site makes (feed.xml)"])
    }

    @Test func contentStaticOverridesTheTheme() throws {
        let site = try TestSite(["content/papers/p.md": paper, "content/static/css/site.css": "body{}"])
        defer { site.remove() }
        try site.build()
        #expect(try site.read("css/site.css") == "body{}")
    }

    @Test func emptySiteBuilds() throws {
        let site = try TestSite([:])
        defer { site.remove() }
        let summary = try site.build()
        #expect(summary.papers == 0)
        #expect(try site.read("index.html").contains("No papers yet"))
        #expect(summary.warnings.map(\.description) == ["content/site.yml: warning: 'base_url' is not set; feeds and the sitemap use http://localhost:1313/"])
    }

    @Test func otherFilesInPapersAreReportedNotIgnored() throws {
        let site = try TestSite(["content/papers/p.md": paper, "content/papers/notes.docx": "x", "content/papers/.DS_Store": "x"])
        defer { site.remove() }
        #expect(try site.build().warnings.map(\.description).filter { !$0.contains("base_url") } == [
            "content/papers/notes.docx: warning: ignored: not a paper format papersite reads (.md, .txt, .bib, .xml, .jsonl, .json, .ris)",
        ])
    }
}

@Suite struct SymbolicLinkTests {
    @Test func linksInContentAreNamedNotFollowed() throws {
        let outside = try TestSite(["secret.md": paperFile("title: Secret\ndate: 2025-01-01")], theme: false)
        defer { outside.remove() }
        let site = try TestSite(["content/papers/p.md": paperFile("title: P\ndate: 2025-01-01")])
        defer { site.remove() }
        try FileManager.default.createSymbolicLink(at: site.root.appendingPathComponent("content/papers/secret.md"), withDestinationURL: outside.root.appendingPathComponent("secret.md"))
        try FileManager.default.createSymbolicLink(at: site.root.appendingPathComponent("content/papers/elsewhere"), withDestinationURL: outside.root)
        let summary = try site.build()
        #expect(summary.papers == 1)
        #expect(summary.warnings.map(\.description).filter { !$0.contains("base_url") } == [
            "content/papers/elsewhere: warning: ignored: symbolic links are not followed",
            "content/papers/secret.md: warning: ignored: symbolic links are not followed",
        ])
    }
}

@Suite struct OutputSafetyTests {
    @Test func refusesAFolderItDidNotMake() throws {
        let site = try TestSite([:])
        defer { site.remove() }
        try site.write("public/thesis.tex", "precious")
        #expect(site.failingBuild().first?.contains("is not empty and was not made by papersite") == true)
        #expect(try String(contentsOf: site.output.appendingPathComponent("thesis.tex"), encoding: .utf8) == "precious")
    }

    @Test func refusesTheSiteAndItsSourceFolders() throws {
        let site = try TestSite([:])
        defer { site.remove() }
        for target in [site.root, site.root.appendingPathComponent("content"), site.root.appendingPathComponent("Themes"),
                       site.root.deletingLastPathComponent(), URL(fileURLWithPath: "/")] {
            #expect(throws: BuildFailure.self) { try site.build(output: target) }
        }
        #expect(FileManager.default.fileExists(atPath: site.root.appendingPathComponent("Themes/default/templates/base.mustache").path))
    }

    @Test func replacesItsOwnOutputAndDropsStalePages() throws {
        let site = try TestSite(["content/papers/a.md": paperFile("title: A\ndate: 2025-01-01")])
        defer { site.remove() }
        try site.build()
        #expect(site.exists("papers/a/index.html"))
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("content/papers/a.md"))
        try site.write("content/papers/b.md", paperFile("title: B\ndate: 2025-01-01"))
        try site.build()
        #expect(!site.exists("papers/a/index.html"))
        #expect(site.exists("papers/b/index.html"))
        #expect(site.exists(OutputWriter.marker))
    }

    @Test func aFailedBuildLeavesThePreviousOutput() throws {
        let site = try TestSite(["content/papers/a.md": paperFile("title: A\ndate: 2025-01-01")])
        defer { site.remove() }
        try site.build()
        let before = try tree(site.output)
        try site.write("content/papers/a.md", "---\ntitle: [unclosed\ndate: 2025-01-01\n---\n")
        #expect(site.failingBuild().first?.hasPrefix("content/papers/a.md:2:8: error: YAML syntax error:") == true)
        #expect(try tree(site.output) == before)
    }
}

@Suite struct AuthorAndYearTests {
    @Test func oneAuthorHoweverTheyAreWritten() throws {
        let nfd = "Jose\u{0301} Garci\u{0301}a"   // decomposed accents
        let site = try TestSite([
            "content/papers/a.md": paperFile("title: A\ndate: 2024-05-01\nauthors: [\"García, José\", Ada Lovelace]"),
            "content/papers/b.md": paperFile("title: B\ndate: 2023-01-01\nauthors: [\"\(nfd)\"]"),
            "content/papers/c.md": paperFile("title: C\ndate: 2023-02-01\nauthors: [\"José   García\", \"Jose Garcia\"]"),
        ])
        defer { site.remove() }
        try site.build()
        let page = try site.read("authors/jose-garcia/index.html")
        #expect(page.contains("<h1>José García</h1>"))
        #expect(page.contains("3 papers"))
        #expect(page.contains(">A</a>") && page.contains(">B</a>") && page.contains(">C</a>"))
        // "Jose Garcia" without accents is another spelling: papersite does not guess.
        #expect(try site.read("authors/jose-garcia-2/index.html").contains("<h1>Jose Garcia</h1>"))
        #expect(site.exists("authors/jose-garcia/atom.xml") && !site.exists("authors/jose-garcia/feed.xml") && !site.exists("authors/jose-garcia/feed.json"), "authors have an Atom feed only")
        #expect(try site.read("authors/jose-garcia/atom.xml").contains("<title>Papers: José García</title>"))
        let index = try site.read("authors/index.html")
        #expect(index.contains("Ada Lovelace</span> <span class=\"count\">1 paper</span>"))
        #expect(try site.read("papers/a/index.html").contains("<a href=\"../../authors/jose-garcia/\">José García</a>"))
    }

    @Test func aNewerPaperLeavesAnAuthorsPageWhereItWas() throws {
        // Two authors whose names make the same slug: the one the site had keeps it.
        let site = try TestSite([
            "content/papers/old.md": paperFile("title: Old\ndate: 2020-05-01\nauthors: [Jose Garcia]"),
        ])
        defer { site.remove() }
        try site.build()
        try site.write("content/papers/new.md", paperFile("title: New\ndate: 2024-05-01\nauthors: [José García, Ada Lovelace]"))
        try site.build()
        #expect(try site.read("authors/jose-garcia/index.html").contains("<h1>Jose Garcia</h1>"))
        #expect(try site.read("authors/jose-garcia-2/index.html").contains("<h1>José García</h1>"))
        #expect(try site.read("papers/new/index.html").contains("<a href=\"../../authors/jose-garcia-2/\">José García</a>"))
        try expectSameAsCleanBuild(site, "a newer paper by a namesake")
    }

    @Test func yearPagesNewestFirstAndLinkedFromHome() throws {
        let site = try TestSite([
            "content/papers/a.md": paperFile("title: Old\ndate: 2021-03-01"),
            "content/papers/b.md": paperFile("title: Newer\ndate: 2021-09-01"),
            "content/papers/c.md": paperFile("title: New\ndate: 2024-01-01"),
        ])
        defer { site.remove() }
        try site.build()
        let year = try site.read("years/2021/index.html")
        #expect(year.contains("<h1>2021</h1>"))
        #expect(try #require(year.range(of: ">Newer</a>")).lowerBound < #require(year.range(of: ">Old</a>")).lowerBound)
        #expect(!year.contains(">New</a>"))
        let home = try site.read("index.html")
        #expect(home.contains("href=\"./years/2024/\">2024 <span class=\"count\">1</span>"))
        #expect(home.contains("href=\"./years/2021/\">2021 <span class=\"count\">2</span>"))
        #expect(try site.read("years/index.html").contains("2021</span> <span class=\"count\">2 papers</span>"))
        #expect(!site.exists("authors/index.html"))
    }

    /// A year with more than five pages of papers gets a page per month,
    /// linked from the year's pages; a smaller year does not.
    @Test func largeYearsHaveMonthPages() throws {
        var files = ["content/site.yml": "papers_per_page: 1\n",
                     "content/papers/old.md": paperFile("title: Old one\ndate: 2023-05-01")]
        for (i, month) in [1, 1, 2, 3, 3, 3].enumerated() {
            files["content/papers/p\(i).md"] = paperFile("title: Paper \(i)\ndate: 2024-0\(month)-0\(i + 1)")
        }
        let site = try TestSite(files)
        defer { site.remove() }
        try site.build()
        let year = try site.read("years/2024/index.html")
        #expect(year.contains("<nav class=\"months\" aria-label=\"Months of 2024\">"))
        let march = try #require(year.range(of: "href=\"../../years/2024/03/\">March 2024 <span class=\"count\">3</span>"))
        let january = try #require(year.range(of: "href=\"../../years/2024/01/\">January 2024 <span class=\"count\">2</span>"))
        #expect(march.lowerBound < january.lowerBound, "newest month first")
        let page = try site.read("years/2024/03/index.html")
        #expect(page.contains("<h1>March 2024</h1>"))
        #expect(page.contains("› <a href=\"../../../years/2024/\">2024</a>"))
        #expect(page.contains(">Paper 5</a>") && site.exists("years/2024/03/page/3/index.html") && !site.exists("years/2024/03/page/4/index.html"))
        #expect(try site.read("years/2024/02/index.html").contains(">Paper 2</a>"))
        #expect(!site.exists("years/2024/04/index.html"))
        #expect(!site.exists("years/2023/05/index.html"))
        #expect(!(try site.read("years/2023/index.html")).contains("class=\"months\""))
        #expect(try site.read("sitemap.xml").contains("/years/2024/03/</loc>"))
    }
}
