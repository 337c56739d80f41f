import Foundation
import Testing
@testable import PapersiteCore

@Suite struct ConfigTests {
    func diagnostics(_ yaml: String) -> [String] {
        do {
            _ = try ConfigLoader.parse(yaml, file: "content/site.yml")
            return []
        } catch let f as BuildFailure {
            return f.diagnostics.map(\.description)
        } catch let d as Diagnostic {
            return [d.description]
        } catch {
            return ["\(error)"]
        }
    }

    @Test func readsEverySetting() throws {
        let c = try ConfigLoader.parse("""
            title: Lab Papers
            description: What we read.
            base_url: https://example.org/lab
            language: de
            author: {name: The Lab, email: lab@example.org}
            theme: default
            papers_per_page: 10
            feed: {limit: 5, content: summary}
            markdown: {raw_html: true, smart_punctuation: true}
            tag_rules:
              - tag: Diffusion
                match: [diffusion, score-based]
            """, file: "content/site.yml")
        #expect(c.title == "Lab Papers")
        #expect(c.baseURL == "https://example.org/lab/")
        #expect(c.basePath == "/lab/")
        #expect(c.language == "de")
        #expect(c.author.name == "The Lab")
        #expect(c.papersPerPage == 10)
        #expect(c.feed.limit == 5)
        #expect(c.feed.content == .summary)
        #expect(c.markdown.allowRawHTML)
        #expect(c.tagRules.map(\.tag) == ["Diffusion"])
        #expect(c.tagRules[0].phrases == ["diffusion", "score-based"])
    }

    @Test func emptyFileGivesDefaults() throws {
        let c = try ConfigLoader.parse("", file: "content/site.yml")
        #expect(c == SiteConfig())
        #expect(c.basePath == "/")
    }

    @Test func missingFileGivesDefaults() throws {
        let site = try TestSite([:], theme: false)
        defer { site.remove() }
        #expect(try ConfigLoader(siteRoot: site.root).load() == SiteConfig())
    }

    @Test func unknownKeysAreErrors() {
        #expect(diagnostics("title: X\npapers_per_pag: 5\n") == ["content/site.yml:2:1: error: unknown key 'papers_per_pag' in the settings; did you mean 'papers_per_page'?"])
        #expect(diagnostics("feed:\n  limt: 5\n") == ["content/site.yml:2:3: error: unknown key 'limt' in 'feed'; did you mean 'limit'?"])
    }

    @Test func wrongTypesAndValues() {
        #expect(diagnostics("papers_per_page: many\n") == ["content/site.yml:1:18: error: 'papers_per_page' must be a whole number"])
        #expect(diagnostics("papers_per_page: 0\n") == ["content/site.yml:1:18: error: 'papers_per_page' must be between 1 and 10000"])
        #expect(diagnostics("base_url: example.org\n") == ["content/site.yml:1:11: error: 'base_url' must be an absolute http(s) URL such as https://example.org/papers/"])
        #expect(diagnostics("feed: {content: everything}\n") == ["content/site.yml:1:17: error: 'content' must be 'full' or 'summary'"])
    }

    @Test func tagRulesAreChecked() {
        #expect(diagnostics("tag_rules:\n  - tag: A\n") == ["content/site.yml:2:5: error: the tag rule for 'A' needs 'match' (a list of phrases)"])
        #expect(diagnostics("tag_rules:\n  - tag: A\n    match: a\n") == ["content/site.yml:3:12: error: 'match' must be a list, such as [a, b] or lines starting with '- '"])
        #expect(diagnostics("tag_rules:\n  - {tag: A, match: [a]}\n  - {tag: a, match: [b]}\n") == ["content/site.yml:3:5: error: the tag 'a' already has a rule at line 2; merge their phrases"])
    }

    @Test func allProblemsAreReportedAtOnce() {
        #expect(diagnostics("titel: X\npapers_per_page: x\n").count == 2)
    }
}

@Suite struct ThemeTests {
    func themeErrors(_ templates: [String: String]) throws -> [String] {
        let site = try TestSite([:])
        defer { site.remove() }
        for (name, text) in templates { try site.write("Themes/default/templates/\(name).mustache", text) }
        do {
            _ = try ThemeLoader(siteRoot: site.root).load(named: "default")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func theDefaultThemeLoads() throws {
        #expect(try themeErrors([:]) == [])
    }

    @Test func aMissingPartialFailsAtStartUp() throws {
        #expect(try themeErrors(["paper": "{{<base}}{{$main}}\n  {{> partials/cite}}\n{{/main}}{{/base}}"]) ==
            ["Themes/default/templates/paper.mustache:2:3: error: the template refers to 'partials/cite', which is not in Themes/default/templates/"])
    }

    @Test func aSyntaxErrorNamesTheTemplateAndLine() throws {
        let errors = try themeErrors(["tags": "<ul>\n{{#tags}}\n<li>{{name}}</li>\n"])
        // At the tag that opens the section.
        #expect(errors == ["Themes/default/templates/tags.mustache:2:1: error: template syntax error: the section 'tags' is never closed (missing '{{/tags}}')"])
        let unclosedTag = try themeErrors(["tags": "<ul>\n  <li>{{name</li>\n"])
        #expect(unclosedTag == ["Themes/default/templates/tags.mustache:2:13: error: template syntax error: a tag is not closed with '}}'"])
    }

    @Test func aMissingRequiredTemplateIsAnError() throws {
        let site = try TestSite([:])
        defer { site.remove() }
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("Themes/default/templates/atom.mustache"))
        #expect(throws: BuildFailure.self) { try ThemeLoader(siteRoot: site.root).load(named: "default") }
        do { _ = try ThemeLoader(siteRoot: site.root).load(named: "default") } catch {
            #expect(error.diagnostics.map(\.description) == ["Themes/default: error: the theme has no 'atom' template (expected Themes/default/templates/atom.mustache)"])
        }
    }

    @Test func anUnknownThemeIsAnError() throws {
        let site = try TestSite(["content/site.yml": "theme: fancy\n"])
        defer { site.remove() }
        #expect(site.failingBuild() == ["content/site.yml: error: the theme 'fancy' has no templates folder (expected Themes/fancy/templates/)"])
    }
}
