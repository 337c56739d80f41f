import Foundation
import Testing
@testable import PapersiteCore

/// The template engine on the corner cases of themes (the Mustache spec's
/// own tests are in `MustacheSpecTests`), and the sitemap papersite writes.
@Suite struct TemplateRendererTests {
    struct Item: TemplateObject {
        var fields: [String: TemplateValue]
        func value(named name: String) -> TemplateValue { fields[name] ?? .none }
    }

    /// Standalone lines, indented partials (every line of one, in a
    /// section too), delimiters, parents and blocks (dedented where defined,
    /// indented where used).
    static let cornerCasesOutput = #"""
        <h1>T &lt;&quot;&#39;&gt;</h1>
          <li>A &amp; B, <b> <b></li>
          <li>C (last) <i> <i></li>

        flag on 
        N and N and T &lt;&quot;&#39;&gt;
        [] <0> 0  T &lt;&quot;&#39;&gt;
          line one T &lt;&quot;&#39;&gt;
          line two
          - A &amp; B
          - C
        T &lt;&quot;&#39;&gt; {{not a tag}}
        inline T &lt;&quot;&#39;&gt; end
        <main>
          overridden body with T &lt;&quot;&#39;&gt;

          default other
        </main>
        trailing
        """#

    /// A list that keeps its sections' texts by element and section, as a
    /// feed's entries do.
    final class Keeping: KeptSections {
        let items: [Item]
        var kept: [String: String] = [:]
        var made: [(text: String, isOwn: Bool)] = []
        init(_ items: [Item]) { self.items = items }
        var count: Int { items.count }
        func element(at index: Int) -> TemplateValue { .object(items[index]) }
        func section(at index: Int, in template: CompiledTemplate, render: () -> (text: String, isOwn: Bool)) -> String {
            let key = "\(index) \(template.identity)"
            if let text = kept[key] { return text }
            let result = render()
            made.append(result)
            if result.isOwn { kept[key] = result.text }
            return result.text
        }
    }

    /// A section of a keeping list renders as any section does, and is
    /// its element's own only where every name in it was found in the
    /// element (or in what the element holds): a name found around the
    /// list, or missing from the element and found around it, makes the
    /// text the list's alone.
    @Test func aKeptSectionIsTheElementsOwnOnlyWhereItReadsNothingAroundTheList() throws {
        struct Outer: TemplateObject {
            let list: Keeping
            func value(named name: String) -> TemplateValue {
                switch name {
                case "items": .list(list)
                case "outer", "title": .text("OUT")
                default: .none
                }
            }
        }
        func render(_ template: String, _ list: Keeping) throws -> String {
            TemplateLibrary(templates: ["t": try CompiledTemplate.compile(template)]).render(Outer(list: list), template: "t")
        }
        let items = [Item(fields: ["title": .text("a"), "tags": .list([Item(fields: ["name": .text("x")])])]),
                     Item(fields: ["tags": .list([Item(fields: ["name": .text("y")])])])]
        let own = Keeping(items)
        #expect(try render("{{#items}}<{{title}}|{{#tags}}{{name}}{{/tags}}>{{/items}}", own) == "<a|x><OUT|y>")
        #expect(own.made.map(\.isOwn) == [true, false], "the second has no title: the list's is shown")
        let around = Keeping(items)
        #expect(try render("{{#items}}{{title}}{{outer}};{{/items}}", around) == "aOUT;OUTOUT;")
        #expect(around.made.map(\.isOwn) == [false, false])
        // What a list keeps is given back in place of rendering, for the same section only.
        let reused = Keeping(items)
        reused.kept["0 \(try CompiledTemplate.compile("{{title}}").identity)"] = "kept"
        #expect(try render("{{#items}}{{title}}{{/items}}/{{#items}}{{title}}!{{/items}}", reused) == "keptOUT/a!OUT!")
    }

    /// A field counts as shown wherever a template a page uses names it,
    /// through partials, parents and their blocks; a partial named by a
    /// value may be any template.
    @Test func aFieldIsShownWhereATemplateNamesIt() throws {
        func library(_ texts: [String: String]) throws -> TemplateLibrary {
            TemplateLibrary(templates: try texts.mapValues { try CompiledTemplate.compile($0) })
        }
        let themed = try library([
            "paper": "{{<base}}{{$body}}{{#tags}}{{name}}{{/tags}}{{/body}}{{/base}}",
            "base": "<main>{{$body}}{{/body}}</main> {{> partials/footer}}",
            "partials/footer": "{{site.title}}",
            "tag": "{{#tag}}{{count}} papers{{/tag}}",
        ])
        #expect(!themed.mayShow(["count"], from: ["paper"]))
        #expect(themed.mayShow(["count"], from: ["paper", "tag"]))
        #expect(themed.mayShow(["title"], from: ["paper"]), "a field of a partial the parent uses")
        #expect(try library(["paper": "{{<base}}{{$body}}{{#tags}}{{count}}{{/tags}}{{/body}}{{/base}}", "base": "{{$body}}{{/body}}"])
            .mayShow(["count"], from: ["paper"]), "a field in a block given to a parent")
        #expect(try library(["paper": "{{>*kind}}"]).mayShow(["count"], from: ["paper"]))
        #expect(try library(["paper": "{{#tags}}{{#plural}}s{{/plural}}{{/tags}}"]).mayShow(["count", "plural"], from: ["paper"]))
        // The default theme shows no tag's count on a paper page, a card or a feed.
        let theme = try ThemeLoader(siteRoot: repositoryRoot).load(named: "default")
        #expect(!theme.mayShow(["count", "plural"], from: ["paper", "partials/card", "rss", "atom"]))
        #expect(theme.mayShow(["count"], from: ["tags"]))
    }

    /// Templates written to exercise the syntax as themes use it.
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
        let theme = try ThemeLoader(siteRoot: site.root).load(named: "t", requireAll: false)
        let items: [Item] = [
            Item(fields: ["name": .text("A & B"), "raw": .text("<b>"), "last": .bool(false)]),
            Item(fields: ["name": .text("C"), "raw": .text("<i>"), "last": .bool(true)]),
        ]
        let view = Item(fields: [
            "title": .text("T <\"'>"), "items": .list(items), "flag": .bool(true), "nested": .object(Item(fields: ["name": .text("N")])),
            "text": .text(""), "count": .number(0),
        ])
        #expect(theme.render(view, template: "main") == Self.cornerCasesOutput)
    }

    /// The sitemap lists planned pages only, each once, at the address the site gives it.
    @Test func theSitemapListsPlannedPages() throws {
        let config = try ConfigLoader(siteRoot: repositoryRoot).load()
        let theme = try ThemeLoader(siteRoot: repositoryRoot).load(named: config.theme)
        let index = SiteIndexer(config: config).index(ContentLoader(siteRoot: repositoryRoot, includeDrafts: false).load())
        var renderer = SiteRenderer(config: config, index: index, theme: theme)
        let plan = renderer.plan()
        let pages = Set(plan.filter(\.job.isHTML).map { renderer.urls.absolute(renderer.location(of: $0.job)) })
        let listed = LargeSitemapTests.locations(renderer.render(.sitemap))
        #expect(listed.count == Set(listed).count && listed.count > 20)
        #expect(Set(listed).isSubset(of: pages))
        #expect(listed.contains(renderer.urls.absolute(SiteURLs.paper(index.papers[0].slug))))
        #expect(!listed.contains(renderer.urls.absolute("404.html")))
    }

    @Test func theSitemapIsEscapedAndDatedWhereKnown() {
        var writer = SitemapWriter(expectedEntries: 3, base: "https://example.org/")
        writer.add("a&b/<c>/\"d\"/'e'/", lastmod: Day(year: 2024, month: 1, day: 2))
        writer.add("x/", lastmod: nil)
        writer.add("é/", lastmod: Day(year: 2024, month: 3, day: 4))
        #expect(String(decoding: writer.finishBytes(), as: UTF8.self) == """
            <?xml version="1.0" encoding="utf-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>https://example.org/a&amp;b/&lt;c&gt;/&quot;d&quot;/&#39;e&#39;/</loc><lastmod>2024-01-02</lastmod></url>
            <url><loc>https://example.org/x/</loc></url>
            <url><loc>https://example.org/é/</loc><lastmod>2024-03-04</lastmod></url>
            </urlset>

            """)
    }
}

/// A site with more URLs than one sitemap may list gets a sitemap index
/// and parts that together list every URL once, in order.
@Suite struct LargeSitemapTests {
    static func locations(_ xml: String) -> [String] {
        xml.components(separatedBy: "<loc>").dropFirst().map { $0.components(separatedBy: "</loc>")[0] }
    }

    @Test func largeSitesGetASitemapIndex() throws {
        let config = try ConfigLoader(siteRoot: repositoryRoot).load()
        let theme = try ThemeLoader(siteRoot: repositoryRoot).load(named: config.theme)
        let index = SiteIndexer(config: config).index(ContentLoader(siteRoot: repositoryRoot, includeDrafts: false).load())
        var whole = SiteRenderer(config: config, index: index, theme: theme)
        var split = whole
        split.sitemapLimit = 7
        let wholePlan = whole.plan(), splitPlan = split.plan()
        let all = Self.locations(whole.render(.sitemap))
        #expect(all.count == whole.sitemap.entries.count && all.count > 20)
        // The bytes the build writes are the text rendered.
        #expect(whole.renderBytes(.sitemap).map { String(decoding: $0, as: UTF8.self) } == whole.render(.sitemap))
        #expect(split.renderBytes(.sitemap).map { String(decoding: $0, as: UTF8.self) } == split.render(.sitemap))
        #expect(split.renderBytes(.sitemapPart(2)).map { String(decoding: $0, as: UTF8.self) } == split.render(.sitemapPart(2)))
        #expect(!wholePlan.contains { if case .sitemapPart = $0.job { true } else { false } })

        let parts = (all.count + 6) / 7
        let files = splitPlan.filter { if case .sitemapPart = $0.job { true } else { false } }.map { split.file(of: $0) }
        #expect(files == (1...parts).map { "sitemaps/\($0).xml" })
        let indexXML = split.render(.sitemap)
        #expect(indexXML.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"))
        #expect(Self.locations(indexXML) == (1...parts).map { whole.urls.absolute("sitemaps/\($0).xml") })
        var listed: [String] = []
        for n in 1...parts {
            let part = split.render(.sitemapPart(n))
            #expect(part.contains("<urlset"))
            #expect(Self.locations(part).count <= 7)
            listed += Self.locations(part)
        }
        #expect(listed == all)
    }
}
