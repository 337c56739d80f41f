import Foundation
import Testing
@testable import PapersiteCore

@Suite struct CheckTests {
    func check(_ site: TestSite, baseURL: String? = nil) -> CheckReport {
        SiteBuilder(options: BuildOptions(siteRoot: site.root, output: site.output, baseURL: baseURL)).check()
    }

    /// Fixtures/check-site has one problem of each kind `check` looks for;
    /// the report must be exactly Fixtures/check-site/expected-diagnostics.txt,
    /// and nothing may be written.
    @Test func fixtureGivesEachProblemClass() throws {
        let site = try TestSite(fixture: "check-site")
        defer { site.remove() }
        let report = check(site)
        let text = report.diagnostics.map(\.description).joined(separator: "\n") + "\n"
        let expectedURL = fixturesRoot.appendingPathComponent("check-site/expected-diagnostics.txt")
        if ProcessInfo.processInfo.environment["PAPERSITE_RECORD"] == "1" {
            try Data(text.utf8).write(to: expectedURL)
            Issue.record("recorded \(expectedURL.path)")
            return
        }
        #expect(text == (try String(contentsOf: expectedURL, encoding: .utf8)))
        #expect(report.errors == 6)
        #expect(!FileManager.default.fileExists(atPath: site.output.path))
    }

    @Test func exampleSiteHasNoErrors() throws {
        let site = try TestSite([:], theme: false)
        defer { site.remove() }
        let report = SiteBuilder(options: BuildOptions(siteRoot: repositoryRoot, output: site.output)).check()
        #expect(report.errors == 0, "\(report.diagnostics.filter { $0.severity == .error })")
        #expect(report.pages > 100)
        #expect(report.links > 1000)
    }

    /// A broken link made by the theme is one error naming the template,
    /// with the number of pages it is on, not one error per page.
    @Test func brokenThemeLinkIsReportedOnceAtTheTemplate() throws {
        let site = try TestSite([
            "content/site.yml": "title: T\nbase_url: https://example.org/\n",
            "content/papers/a.md": "---\ntitle: First\nauthors: [A]\ndate: 2024-01-01\n---\nText.\n",
            "content/papers/b.md": "---\ntitle: Second\nauthors: [B]\ndate: 2024-01-02\n---\nText.\n",
        ])
        defer { site.remove() }
        let template = site.root.appendingPathComponent("Themes/default/templates/paper.mustache")
        var text = try String(contentsOf: template, encoding: .utf8)
        text = text.replacingOccurrences(of: "<article class=\"paper\">", with: "<article class=\"paper\"><a href=\"{{site.base}}nowhere/#x\">x</a>")
        try text.write(to: template, atomically: true, encoding: .utf8)
        let errors = check(site).diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.description) == [
            "Themes/default/templates/paper.mustache: error: the link '../../nowhere/#x' leads to no page of the site (no nowhere/index.html), on papers/second/index.html and 1 other page",
        ])
    }

    /// Anchors are checked on the page they name, wherever it comes in
    /// the site: each paper links to an anchor on the other's page, one
    /// that is there and one that is not, so that one of each pair names
    /// a page checked after the one with the link.
    @Test func anchorsAreFoundOnPagesBeforeAndAfter() throws {
        let site = try TestSite([
            "content/site.yml": "title: T\nbase_url: https://example.org/\n",
            "content/papers/a.md": "---\ntitle: First\nauthors: [A]\ndate: 2024-01-01\n---\n[ok](https://example.org/papers/second/#main), [gone](https://example.org/papers/second/#nothing-a)\n",
            "content/papers/b.md": "---\ntitle: Second\nauthors: [B]\ndate: 2024-01-02\n---\n[ok](https://example.org/papers/first/#main), [gone](https://example.org/papers/first/#nothing-b)\n",
        ])
        defer { site.remove() }
        let errors = check(site).diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.description) == [
            "content/papers/a.md:6:55: error: the link 'https://example.org/papers/second/#nothing-a' points to '#nothing-a', which is not an anchor on papers/second/index.html, on papers/first/index.html",
            "content/papers/b.md:6:54: error: the link 'https://example.org/papers/first/#nothing-b' points to '#nothing-b', which is not an anchor on papers/first/index.html, on papers/second/index.html",
        ])
    }

    @Test func linksResolveLikeABrowser() {
        let page = URL(string: "https://example.org/lab/papers/x/")
        let base = "https://example.org/lab/"
        #expect(SiteBuilder.internalTarget("../y/#m", from: page, base: base)! == ("papers/y/", "m"))
        #expect(SiteBuilder.internalTarget("/lab/", from: page, base: base)! == ("", nil))
        #expect(SiteBuilder.internalTarget("/lab", from: page, base: base)! == ("", nil))
        #expect(SiteBuilder.internalTarget("https://example.org/lab/tags/a%20b/", from: page, base: base)! == ("tags/a b/", nil))
        #expect(SiteBuilder.internalTarget("/elsewhere/", from: page, base: base)!.path == nil)
        #expect(SiteBuilder.internalTarget("https://arxiv.org/abs/1", from: page, base: base) == nil)
        #expect(SiteBuilder.internalTarget("mailto:a@example.org", from: page, base: base) == nil)
        #expect(SiteBuilder.internalTarget("#top", from: page, base: base)! == ("papers/x/", "top"))
    }

    @Test func scannerFindsLinksAndIdsOutsideScripts() {
        let scan = HTMLScan(#"<a href="/a/?q=1&amp;r=2" id='one'>x</a><!-- <a href="/hidden/"> --><script>var s = '<a href="/no/">';</script><IMG SRC=/i.png><h2 id="two">t</h2><link rel="alternate" href="/feed.xml">"#)
        #expect(scan.links == ["/a/?q=1&r=2", "/i.png", "/feed.xml"])
        #expect(scan.ids == ["one", "two"])
    }
}
