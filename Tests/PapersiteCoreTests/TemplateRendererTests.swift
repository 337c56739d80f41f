import Foundation
import Testing
@testable import PapersiteCore

/// papersite's template renderer must give exactly what swift-mustache
/// gives, on every file of real sites and on the corner cases of the
/// Mustache syntax (standalone lines, indentation, parents and blocks).
@Suite struct TemplateRendererTests {
    func bothRenderers(siteRoot: URL) throws -> (fast: [String: String], reference: [String: String]) {
        let config = try ConfigLoader(siteRoot: siteRoot).load()
        var theme = try ThemeLoader(siteRoot: siteRoot).load(named: config.theme)
        let content = ContentLoader(siteRoot: siteRoot, includeDrafts: true).load()
        let index = SiteIndexer(config: config).index(content)
        let fast = SiteRenderer(config: config, index: index, theme: theme)
        theme.rendersWithSwiftMustache = true
        let reference = SiteRenderer(config: config, index: index, theme: theme)
        var a: [String: String] = [:], b: [String: String] = [:]
        for (job, file) in fast.plan() {
            a[file] = fast.render(job)
            b[file] = reference.render(job)
        }
        return (a, b)
    }

    @Test(arguments: ["example", "basic-site", "hostile-site", "sources", "check-site"])
    func sameBytesAsSwiftMustache(site: String) throws {
        var root = repositoryRoot
        var temporary: TestSite?
        if site != "example" {
            temporary = try TestSite(fixture: site)
            root = temporary!.root
        }
        defer { temporary?.remove() }
        let (fast, reference) = try bothRenderers(siteRoot: root)
        #expect(fast.count > 10)
        for (file, text) in fast where reference[file] != text {
            Issue.record("\(site): \(file) differs from swift-mustache's rendering")
        }
    }

    struct Item: TemplateObject {
        var fields: [String: TemplateValue]
        func value(named name: String) -> TemplateValue { fields[name] ?? .none }
    }

    /// Templates written to exercise the syntax, rendered both ways.
    @Test func syntaxCornerCases() throws {
        let templates: [String: String] = [
            "main": """
                {{! a comment on its own line }}
                <h1>{{title}}</h1>
                  {{#items}}
                  <li>{{name}}{{#last}} (last){{/last}}{{^last}},{{/last}} {{{raw}}} {{&raw}}</li>
                  {{/items}}
                {{^items}}none{{/items}}
                {{#flag}}flag on{{/flag}} {{^flag}}flag off{{/flag}}
                {{#nested}}{{nested.name}} and {{name}} and {{title}}{{/nested}}
                {{#text}}[{{.}}]{{/text}} {{#count}}<{{.}}>{{/count}} {{count}} {{missing}} {{.title}}
                  {{> partials/indented}}
                {{=<% %>=}}
                <% title %> {{not a tag}}
                <%={{ }}=%>
                {{> partials/inline}} end
                {{<layout}}
                {{$body}}
                  overridden body with {{title}}
                {{/body}}
                {{/layout}}
                trailing
                """,
            "partials/indented": "line one {{title}}\nline two\n{{#items}}\n- {{name}}\n{{/items}}\n",
            "partials/inline": "inline {{title}}",
            "layout": "<main>\n  {{$body}}default body{{/body}}\n  {{$other}}\n  default other\n  {{/other}}\n</main>\n",
        ]
        let site = try TestSite([:], theme: false)
        defer { site.remove() }
        for (name, text) in templates { try site.write("Themes/t/templates/\(name).mustache", text) }
        var theme = try ThemeLoader(siteRoot: site.root).load(named: "t", requireAll: false)
        let items: [Item] = [
            Item(fields: ["name": .text("A & B"), "raw": .text("<b>"), "last": .bool(false)]),
            Item(fields: ["name": .text("C"), "raw": .text("<i>"), "last": .bool(true)]),
        ]
        let view = Item(fields: [
            "title": .text("T <\"'>"), "items": .list(items), "flag": .bool(true), "nested": .object(Item(fields: ["name": .text("N")])),
            "text": .text(""), "count": .number(0),
        ])
        let fast = theme.render(view, template: "main")
        theme.rendersWithSwiftMustache = true
        let reference = theme.render(view, template: "main")
        #expect(fast == reference)
        #expect(fast.contains("<li>A &amp; B, <b> <b></li>"))
        #expect(fast.contains("overridden body with T &lt;&quot;&#39;&gt;"))
    }

    /// The default sitemap, written without the template engine, is the
    /// bytes the template makes, with values that need escaping and
    /// entries without a date.
    /// The sitemap names pages by slug (`SitemapLocation`): the same addresses as the site's own.
    @Test func sitemapLocationsAreTheSitesAddresses() {
        #expect(SitemapLocation.slug(prefix: "papers/", slug: "a-b", page: 1).string == SiteURLs.paper("a-b"))
        #expect(SitemapLocation.slug(prefix: "tags/", slug: "nlp", page: 1).string == SiteURLs.tag("nlp"))
        #expect(SitemapLocation.slug(prefix: "tags/", slug: "nlp", page: 3).string == SiteURLs.tag("nlp", page: 3))
        #expect(SitemapLocation.slug(prefix: "authors/", slug: "ada", page: 2).string == PaperCollection.author("ada").location(page: 2))
        #expect(SitemapLocation.slug(prefix: "", slug: "about", page: 1).string == SiteURLs.standalone("about"))
    }

    @Test func defaultSitemapIsTheTemplatesBytes() throws {
        var theme = try ThemeLoader(siteRoot: repositoryRoot).load(named: "default")
        #expect(theme.hasDefaultSitemap)
        let view = SitemapView(entries: [
            .init(url: "https://example.org/a&b/<c>/\"d\"/'e'/", lastmod: "2024-01-02"),
            .init(url: "https://example.org/x/", lastmod: nil),
            .init(url: "https://example.org/é/", lastmod: "2024-03-04"),
        ])
        let direct = theme.render(view, template: "sitemap")
        theme.hasDefaultSitemap = false
        let compiled = theme.render(view, template: "sitemap")
        theme.rendersWithSwiftMustache = true
        let reference = theme.render(view, template: "sitemap")
        #expect(direct == compiled)
        #expect(direct == reference)
        #expect(direct.contains("<url><loc>https://example.org/a&amp;b/&lt;c&gt;/&quot;d&quot;/&#39;e&#39;/</loc><lastmod>2024-01-02</lastmod></url>"))
        #expect(SitemapView(entries: []).defaultXML() == theme.render(SitemapView(entries: []), template: "sitemap"))
    }
}

/// A site with more URLs than one sitemap may list gets a sitemap index
/// and parts that together list every URL once, in order.
@Suite struct LargeSitemapTests {
    func locations(_ xml: String) -> [String] {
        xml.components(separatedBy: "<loc>").dropFirst().map { $0.components(separatedBy: "</loc>")[0] }
    }

    @Test func largeSitesGetASitemapIndex() throws {
        let config = try ConfigLoader(siteRoot: repositoryRoot).load()
        let theme = try ThemeLoader(siteRoot: repositoryRoot).load(named: config.theme)
        let index = SiteIndexer(config: config).index(ContentLoader(siteRoot: repositoryRoot, includeDrafts: false).load())
        let whole = SiteRenderer(config: config, index: index, theme: theme)
        var split = whole
        split.sitemapLimit = 7
        let all = locations(whole.render(.sitemap))
        #expect(all.count == whole.sitemapEntryCount() && all.count > 20)
        // The bytes the build writes are the text rendered.
        #expect(whole.renderBytes(.sitemap).map { String(decoding: $0, as: UTF8.self) } == whole.render(.sitemap))
        #expect(split.renderBytes(.sitemap) == nil)
        #expect(split.renderBytes(.sitemapPart(2)).map { String(decoding: $0, as: UTF8.self) } == split.render(.sitemapPart(2)))
        #expect(!whole.plan().contains { if case .sitemapPart = $0.job { true } else { false } })

        let parts = (all.count + 6) / 7
        let files = split.plan().filter { if case .sitemapPart = $0.job { true } else { false } }.map(\.file)
        #expect(files == (1...parts).map { "sitemaps/\($0).xml" })
        let indexXML = split.render(.sitemap)
        #expect(indexXML.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"))
        #expect(locations(indexXML) == (1...parts).map { whole.urls.absolute("sitemaps/\($0).xml") })
        var listed: [String] = []
        for n in 1...parts {
            let part = split.render(.sitemapPart(n))
            #expect(part.contains("<urlset"))
            #expect(locations(part).count <= 7)
            listed += locations(part)
        }
        #expect(listed == all)
    }
}
