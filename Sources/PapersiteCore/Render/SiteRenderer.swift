import Foundation
import PaperMarkdown

/// A paper's Markdown, rendered once and shared by its page, the lists and the feeds.
struct RenderedPaper: Sendable {
    var abstractHTML: String
    var abstractText: String
    var notesHTML: String
    var summary: String
    var titleHTML: String
    /// Title, abstract or notes hold math.
    var hasMath: Bool
    var bibtex: String

    static let empty = RenderedPaper(abstractHTML: "", abstractText: "", notesHTML: "", summary: "", titleHTML: "", hasMath: false, bibtex: "")
}

/// Turns planned jobs into file contents. Pure: reads the index and the
/// theme, touches no files, and may run on many threads at once.
struct SiteRenderer: Sendable {
    let config: SiteConfig
    let index: SiteIndex
    let theme: Theme
    let urls: SiteURLs
    let site: SiteView
    let papers: [RenderedPaper]
    let pagesHTML: [String]
    let pagesHaveMath: [Bool]
    let typesetsMath: Bool

    static let generator = "papersite \(PapersiteVersion.current)"

    init(config: SiteConfig, index: SiteIndex, theme: Theme, parallelism: Parallelism = .allCores) {
        self.config = config
        self.index = index
        self.theme = theme
        let urls = SiteURLs(config: config)
        self.urls = urls
        var nav = [LinkView(label: "Papers", url: urls.path(""), kind: "home"),
                   LinkView(label: "Tags", url: urls.path(SiteURLs.tagIndex), kind: "tags")]
        nav += index.pages.map { LinkView(label: $0.title, url: urls.path(SiteURLs.standalone($0.slug)), kind: "page") }
        site = SiteView(
            title: config.title, description: config.description, language: config.language,
            base: urls.basePath, baseURL: urls.baseURL,
            authorName: config.author.name, authorEmail: config.author.email, authorURL: config.author.url,
            nav: nav, rssURL: urls.absolute(SiteURLs.rss), atomURL: urls.absolute(SiteURLs.atom),
            jsonFeedURL: urls.absolute(SiteURLs.jsonFeed), bibURL: urls.path(SiteURLs.bibliography),
            generator: Self.generator)
        typesetsMath = config.math != .none

        let markdown = MarkdownRenderer(options: config.markdown)
        let papers = index.papers
        let keys = index.citationKeys
        self.papers = parallelism.map(papers.count) { i in
            let paper = papers[i]
            let abstract = markdown.render(paper.abstract)
            let notes = paper.notes.isEmpty ? "" : markdown.render(paper.notes).html
            let abstractText = TextCleaning.line(abstract.plainText)
            let hasMath = MathMarkup.containsMath(paper.title) || MathMarkup.containsMath(paper.abstract) || MathMarkup.containsMath(paper.notes)
            return RenderedPaper(
                abstractHTML: abstract.html, abstractText: abstractText, notesHTML: notes,
                summary: Summary.firstSentences(of: abstract.plainText),
                titleHTML: MathMarkup.wrap(plainText: paper.title), hasMath: hasMath,
                bibtex: BibTeX.entry(for: paper, key: keys[i], pageURL: urls.absolute(SiteURLs.paper(paper.slug))))
        }
        pagesHTML = index.pages.map { markdown.render($0.body).html }
        pagesHaveMath = index.pages.map { MathMarkup.containsMath($0.body) }
    }

    /// The list of everything the site contains, in a fixed order.
    func plan() -> [(job: OutputJob, file: String)] {
        var jobs: [OutputJob] = []
        let perPage = config.papersPerPage
        let homePages = max(1, (index.papers.count + perPage - 1) / perPage)
        jobs += (1...homePages).map { OutputJob.home(page: $0) }
        jobs += index.papers.indices.flatMap { [OutputJob.paper($0), .paperBibTeX($0)] }
        jobs.append(.tagIndex)
        for tag in index.tags {
            let count = index.papers(tagged: tag.slug).count
            let pages = max(1, (count + perPage - 1) / perPage)
            jobs += (1...pages).map { OutputJob.tag(slug: tag.slug, page: $0) }
            jobs += [.rss(tag: tag.slug), .atom(tag: tag.slug), .jsonFeed(tag: tag.slug)]
        }
        jobs += index.pages.indices.map { OutputJob.standalone($0) }
        jobs += [.notFound, .rss(tag: nil), .atom(tag: nil), .jsonFeed(tag: nil), .siteBibTeX, .sitemap, .robots]
        return jobs.map { ($0, SiteURLs.file(for: location(of: $0))) }
    }

    func location(of job: OutputJob) -> String {
        switch job {
        case .paper(let i): SiteURLs.paper(index.papers[i].slug)
        case .paperBibTeX(let i): SiteURLs.paperBibTeX(index.papers[i].slug)
        case .standalone(let i): SiteURLs.standalone(index.pages[i].slug)
        default: job.location
        }
    }

    func render(_ job: OutputJob) -> String {
        switch job {
        case .home(let page): renderList(papers: index.papers.indices, page: page, tag: nil)
        case .tag(let slug, let page): renderList(papers: index.papers(tagged: slug), page: page, tag: tagView(slug))
        case .paper(let i): renderPaper(i)
        case .tagIndex: renderTagIndex()
        case .standalone(let i): renderStandalone(i)
        case .notFound: renderNotFound()
        case .rss(let tag): theme.render(feedView(tag: tag, format: .rss), template: "rss")
        case .atom(let tag): theme.render(feedView(tag: tag, format: .atom), template: "atom")
        case .jsonFeed(let tag): renderJSONFeed(tag: tag)
        case .paperBibTeX(let i): papers[i].bibtex
        case .siteBibTeX: renderBibliography()
        case .sitemap: renderSitemap()
        case .robots: "User-agent: *\nAllow: /\n\nSitemap: \(urls.absolute(SiteURLs.sitemap))\n"
        }
    }

    // MARK: Views

    private func tagView(_ slug: String) -> TagView {
        let name = index.tags.first { $0.slug == slug }?.name ?? slug
        return TagView(name: name, slug: slug, url: urls.path(SiteURLs.tag(slug)), count: index.papers(tagged: slug).count)
    }

    private func tagViews(_ tags: [Tag]) -> [TagView] {
        tags.map { TagView(name: $0.name, slug: $0.slug, url: urls.path(SiteURLs.tag($0.slug)), count: index.papers(tagged: $0.slug).count) }
    }

    private func authorViews(_ names: [String], affiliations: [String] = []) -> [AuthorView] {
        names.enumerated().map { i, name in
            let affiliation = i < affiliations.count && !affiliations[i].isEmpty ? affiliations[i] : nil
            return AuthorView(name: name, last: i == names.count - 1, affiliation: affiliation)
        }
    }

    private func card(_ i: Int) -> PaperCardView {
        let paper = index.papers[i]
        var short: String?
        if !paper.authors.isEmpty {
            short = paper.authors.count > 4 ? paper.authors.prefix(3).joined(separator: ", ") + " et al." : paper.authors.joined(separator: ", ")
        }
        return PaperCardView(
            title: paper.title, titleHTML: papers[i].titleHTML, url: urls.path(SiteURLs.paper(paper.slug)), authors: authorViews(paper.authors),
            authorsShort: short, dateISO: paper.published.iso, date: paper.published.long,
            tags: tagViews(index.paperTags[i]), summary: papers[i].summary.isEmpty ? nil : papers[i].summary)
    }

    private func renderList<C: RandomAccessCollection>(papers all: C, page: Int, tag: TagView?) -> String where C.Element == Int {
        let perPage = config.papersPerPage
        let total = max(1, (all.count + perPage - 1) / perPage)
        let slice = all.dropFirst((page - 1) * perPage).prefix(perPage)
        func location(_ n: Int) -> String { tag.map { SiteURLs.tag($0.slug, page: n) } ?? SiteURLs.home(page: n) }
        let pagination = PaginationView(
            current: page, total: total,
            previousURL: page > 1 ? urls.path(location(page - 1)) : nil,
            nextURL: page < total ? urls.path(location(page + 1)) : nil,
            pages: Self.pageWindow(current: page, total: total).map { n in
                n == 0 ? LinkView(label: "…", url: "", kind: "gap")
                       : LinkView(label: String(n), url: urls.path(location(n)), kind: "page", current: n == page)
            })
        let heading = tag?.name ?? config.title
        var title = tag.map { "\($0.name) · \(config.title)" } ?? config.title
        if page > 1 { title = "Page \(page) · " + title }
        let description = tag.map { "\($0.count) paper\($0.count == 1 ? "" : "s") tagged \($0.name)." } ?? config.description
        let meta = PageMeta(
            title: title, description: description, canonicalURL: urls.absolute(location(page)),
            kind: tag == nil ? "home" : "tag",
            rssURL: tag.map { urls.absolute(SiteURLs.tagRSS($0.slug)) }, atomURL: tag.map { urls.absolute(SiteURLs.tagAtom($0.slug)) },
            jsonFeedURL: tag.map { urls.absolute(SiteURLs.tagJSONFeed($0.slug)) },
            metaTags: ScholarlyMetadata.openGraph(title: tag?.name ?? config.title, description: description, url: urls.absolute(location(page)), siteTitle: config.title),
            hasMath: typesetsMath && slice.contains { papers[$0].hasMath })
        let topTags = tag == nil ? Array(tagViews(index.tags).sorted { ($1.count, $0.name) < ($0.count, $1.name) }.prefix(12)) : []
        let view = ListPageView(site: site, meta: meta, heading: heading, papers: slice.map(card), pagination: pagination, tag: tag, tags: topTags)
        return theme.render(view, template: tag == nil ? "home" : "tag")
    }

    /// Page numbers to show: first, last and two either side of the current; 0 marks a gap.
    static func pageWindow(current: Int, total: Int) -> [Int] {
        guard total > 1 else { return [] }
        var numbers: [Int] = []
        for n in 1...total where n == 1 || n == total || abs(n - current) <= 2 {
            if let last = numbers.last, n - last > 1 { numbers.append(n - last == 2 ? last + 1 : 0) }
            numbers.append(n)
        }
        return numbers
    }

    private func renderPaper(_ i: Int) -> String {
        let paper = index.papers[i]
        var links: [LinkView] = []
        if let id = paper.arxiv {
            links.append(LinkView(label: "arXiv", url: "https://arxiv.org/abs/\(id)\(paper.arxivVersion.map { "v\($0)" } ?? "")", kind: "arxiv"))
            links.append(LinkView(label: "PDF", url: "https://arxiv.org/pdf/\(id)\(paper.arxivVersion.map { "v\($0)" } ?? "")", kind: "pdf"))
        }
        if let pdf = paper.links.pdf {
            links.removeAll { $0.kind == "pdf" }
            links.append(LinkView(label: "PDF", url: pdf, kind: "pdf"))
        }
        if let doi = paper.doi {
            links.append(LinkView(label: "DOI", url: FeedIdentity.doiURL(doi), kind: "doi"))
        }
        if let code = paper.links.code { links.append(LinkView(label: "Code", url: code, kind: "code")) }
        if let url = paper.links.url { links.append(LinkView(label: "Website", url: url, kind: "url")) }
        if let listing = paper.links.listing { links.append(LinkView(label: "Listing", url: listing, kind: "listing")) }
        let pageURL = urls.absolute(SiteURLs.paper(paper.slug))
        let scholarly = ScholarlyMetadata.Input(
            paper: paper, tags: index.paperTags[i], pageURL: pageURL, summary: papers[i].summary,
            abstractText: papers[i].abstractText, siteTitle: config.title, siteURL: urls.baseURL, language: config.language)
        let meta = PageMeta(
            title: "\(paper.title) · \(config.title)", description: papers[i].summary,
            canonicalURL: pageURL, kind: "paper",
            metaTags: ScholarlyMetadata.highwire(scholarly) + ScholarlyMetadata.openGraph(scholarly),
            jsonLD: ScholarlyMetadata.jsonLD(scholarly),
            hasMath: typesetsMath && papers[i].hasMath)
        let view = PaperPageView(
            site: site, meta: meta, title: paper.title, titleHTML: papers[i].titleHTML,
            bibtex: papers[i].bibtex, citeURL: urls.path(SiteURLs.paperBibTeX(paper.slug)), citationKey: index.citationKeys[i],
            authors: authorViews(paper.authors, affiliations: paper.affiliations),
            dateISO: paper.published.iso, date: paper.published.long,
            updatedISO: paper.updated?.iso, updated: paper.updated?.long, venue: paper.venue, comment: paper.comment,
            arxiv: paper.arxiv, doi: paper.doi, tags: tagViews(index.paperTags[i]), links: links,
            abstractHTML: papers[i].abstractHTML, notesHTML: papers[i].notesHTML)
        return theme.render(view, template: "paper")
    }

    private func renderTagIndex() -> String {
        let description = "All \(index.tags.count) tags of \(config.title), with the number of papers in each."
        let meta = PageMeta(title: "Tags · \(config.title)", description: description,
                            canonicalURL: urls.absolute(SiteURLs.tagIndex), kind: "tags",
                            metaTags: ScholarlyMetadata.openGraph(title: "Tags", description: description, url: urls.absolute(SiteURLs.tagIndex), siteTitle: config.title))
        return theme.render(TagIndexView(site: site, meta: meta, tags: tagViews(index.tags)), template: "tags")
    }

    private func renderStandalone(_ i: Int) -> String {
        let page = index.pages[i]
        let meta = PageMeta(title: "\(page.title) · \(config.title)", description: page.description ?? "",
                            canonicalURL: urls.absolute(SiteURLs.standalone(page.slug)), kind: "page",
                            metaTags: ScholarlyMetadata.openGraph(title: page.title, description: page.description ?? "", url: urls.absolute(SiteURLs.standalone(page.slug)), siteTitle: config.title),
                            hasMath: typesetsMath && pagesHaveMath[i])
        return theme.render(StandalonePageView(site: site, meta: meta, title: page.title, contentHTML: pagesHTML[i]), template: "page")
    }

    private func renderNotFound() -> String {
        let meta = PageMeta(title: "Page not found · \(config.title)", description: "", canonicalURL: urls.absolute("404.html"), kind: "404")
        return theme.render(StandalonePageView(site: site, meta: meta, title: "Page not found", contentHTML: ""), template: "404")
    }

    enum FeedFormat { case rss, atom }

    private func feedView(tag slug: String?, format: FeedFormat) -> FeedView {
        let members = slug.map { index.papers(tagged: $0) } ?? Array(index.papers.indices)
        let chosen = members.prefix(config.feed.limit)
        let entries = chosen.map { i -> FeedEntryView in
            let paper = index.papers[i]
            let url = urls.absolute(SiteURLs.paper(paper.slug))
            let id = FeedIdentity.id(for: paper, pageURL: url)
            var content = ""
            if config.feed.content == .full {
                content = papers[i].abstractHTML + papers[i].notesHTML
            }
            return FeedEntryView(
                title: paper.title, url: url, id: id, idIsPermalink: id == url,
                publishedRFC3339: paper.published.rfc3339, publishedRFC822: paper.published.rfc822,
                updatedRFC3339: (paper.updated ?? paper.published).rfc3339,
                authors: authorViews(paper.authors), categories: tagViews(index.paperTags[i]),
                contentHTML: content, summary: papers[i].summary)
        }
        let newest = chosen.map { index.papers[$0].updated ?? index.papers[$0].published }.max()
            ?? Day(year: 1970, month: 1, day: 1)!
        let tag = slug.map(tagView)
        let pageLocation = slug.map { SiteURLs.tag($0) } ?? ""
        let selfLocation: String = switch format {
        case .rss: slug.map(SiteURLs.tagRSS) ?? SiteURLs.rss
        case .atom: slug.map(SiteURLs.tagAtom) ?? SiteURLs.atom
        }
        return FeedView(
            site: site,
            title: tag.map { "\(config.title): \($0.name)" } ?? config.title,
            description: tag.map { "Papers tagged \($0.name) on \(config.title)." } ?? config.description,
            pageURL: urls.absolute(pageLocation), selfURL: urls.absolute(selfLocation),
            id: urls.absolute(pageLocation),
            updatedRFC3339: newest.rfc3339, updatedRFC822: newest.rfc822, entries: entries)
    }

    private func renderSitemap() -> String {
        var entries: [SitemapView.Entry] = []
        let newest = index.papers.first.map { ($0.updated ?? $0.published).iso }
        let perPage = config.papersPerPage
        let homePages = max(1, (index.papers.count + perPage - 1) / perPage)
        for n in 1...homePages { entries.append(.init(url: urls.absolute(SiteURLs.home(page: n)), lastmod: n == 1 ? newest : nil)) }
        for paper in index.papers {
            entries.append(.init(url: urls.absolute(SiteURLs.paper(paper.slug)), lastmod: (paper.updated ?? paper.published).iso))
        }
        entries.append(.init(url: urls.absolute(SiteURLs.tagIndex), lastmod: newest))
        for tag in index.tags {
            let members = index.papers(tagged: tag.slug)
            let pages = max(1, (members.count + perPage - 1) / perPage)
            let lastmod = members.first.map { (index.papers[$0].updated ?? index.papers[$0].published).iso }
            for n in 1...pages { entries.append(.init(url: urls.absolute(SiteURLs.tag(tag.slug, page: n)), lastmod: n == 1 ? lastmod : nil)) }
        }
        for page in index.pages { entries.append(.init(url: urls.absolute(SiteURLs.standalone(page.slug)), lastmod: nil)) }
        return theme.render(SitemapView(entries: entries), template: "sitemap")
    }
}

extension SiteRenderer {
    func renderJSONFeed(tag slug: String?) -> String {
        let members = slug.map { index.papers(tagged: $0) } ?? Array(index.papers.indices)
        let items = members.prefix(config.feed.limit).map { i -> JSONFeed.Item in
            let paper = index.papers[i]
            let url = urls.absolute(SiteURLs.paper(paper.slug))
            return JSONFeed.Item(
                id: FeedIdentity.id(for: paper, pageURL: url), url: url, title: paper.title,
                contentHTML: config.feed.content == .full ? papers[i].abstractHTML + papers[i].notesHTML : nil,
                summary: papers[i].summary, published: paper.published, modified: paper.updated,
                authors: paper.authors, tags: index.paperTags[i].map(\.name),
                externalURL: paper.arxiv.map { "https://arxiv.org/abs/\($0)" } ?? paper.doi.map(FeedIdentity.doiURL) ?? paper.links.url)
        }
        let tag = slug.map(tagView)
        return JSONFeed.document(
            title: tag.map { "\(config.title): \($0.name)" } ?? config.title,
            homePageURL: urls.absolute(slug.map { SiteURLs.tag($0) } ?? ""),
            feedURL: urls.absolute(slug.map(SiteURLs.tagJSONFeed) ?? SiteURLs.jsonFeed),
            description: tag.map { "Papers tagged \($0.name) on \(config.title)." } ?? config.description,
            language: config.language, author: config.author.name ?? config.title, items: Array(items))
    }

    /// Every paper's entry, newest first, in one file.
    func renderBibliography() -> String {
        var text = "% \(config.title): \(index.papers.count) entr\(index.papers.count == 1 ? "y" : "ies"), from \(urls.absolute(""))\n"
        for paper in papers {
            text += "\n" + paper.bibtex
        }
        return text
    }
}
