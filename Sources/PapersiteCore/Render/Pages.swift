import Foundation

/// The HTML pages: lists (with their cards), papers, the indexes, pages
/// from `content/pages`, and the 404 page.
extension SiteRenderer {
    /// (`made`: the paper's Markdown where the caller has it at hand.)
    func cardFields(_ i: Int, made: RenderedPaper? = nil) -> CardFields {
        let paper = index.papers[i]
        // `rendered(i)` once per view: in a full build it is read back from the cache on each call.
        let made = made ?? rendered(i)
        let short = Self.authorsShort(made.authorNames)
        return CardFields(
            title: paper.title, titleHTML: made.titleHTML, url: urls.path(SiteURLs.paper(paper.slug)), authors: authorViews(i, names: made.authorNames),
            authorsShort: short, dateISO: paper.publishedISO, date: paper.publishedText,
            tags: collectionViews(index.paperTags[i]), summary: made.summary.isEmpty ? nil : made.summary)
    }

    func renderList(_ collection: PaperCollection, page: Int) -> String {
        let all = collection == .all ? nil : members(collection)
        let count = all?.count ?? index.papers.count
        let range = pagination.range(page: page, of: count)
        let slice = range.map { all?[$0] ?? $0 }
        let links = pagination.links(page: page, of: count)
        let url = { (n: Int?) in n.map { urls.path(collection.location(page: $0)) } }
        let pagination = PaginationView(
            current: page, isPaginated: links != Pagination.Links(),
            previousURL: url(links.newer), nextURL: url(links.older), newestURL: url(links.newest), oldestURL: url(links.oldest),
            dates: page > 1 ? Self.span(slice.compactMap { i in index.papers[i].published.map { ($0, index.papers[i].datePrecision) } }) : nil)
        // The archive pages show no counts, tag cloud or years: they would
        // change with every paper added (see `Pagination`).
        let shown = { (view: CollectionView?) in page == 1 ? view : view?.uncounted }
        let group = shown(group(collection))
        let heading = group?.name ?? config.title
        var title = group.map { "\($0.name) · \(config.title)" } ?? config.title
        if page > 1 { title = (pagination.dates ?? "Page \(page)") + " · " + title }
        let description = group.map { describe(collection, $0) } ?? config.description
        // The site's own feeds are linked from every page already.
        let linksFeeds = collection != .all && hasFeeds(collection)
        let meta = PageMeta(
            title: title, description: description, canonicalURL: urls.absolute(collection.location(page: page)),
            kind: collection.template,
            rssURL: linksFeeds ? collection.feed(.rss).map { urls.feed($0, config.links) } : nil,
            atomURL: linksFeeds ? collection.feed(.atom).map { urls.feed($0, config.links) } : nil,
            jsonFeedURL: linksFeeds ? collection.feed(.json).map { urls.feed($0, config.links) } : nil,
            metaTags: ScholarlyMetadata.openGraph(title: heading, description: description, url: urls.absolute(collection.location(page: page)), siteTitle: config.title),
            hasMath: typesetsMath && slice.contains { rendered($0).hasMath })
        let topTags = collection == .all && page == 1
            ? Array(collectionViews(index.tags).sorted { ($1.count ?? 0, $0.name) < ($0.count ?? 0, $1.name) }.prefix(12)) : []
        var view = ListPageView(site: site, meta: meta, heading: heading, papers: { let cards = Cards(renderer: self); return slice.map { Card(list: cards, index: $0) } }(), pagination: pagination, group: group, tags: topTags)
        if collection == .all && page == 1 { view.years = yearLinks() }
        if case .year(let year) = collection {
            view.months = monthCollections(year).compactMap { shown(self.group($0)) }
        }
        if case .month(let year, _) = collection { view.parent = shown(self.group(.year(year))) }
        return theme.render(view, template: collection.template)
    }

    func yearLinks() -> [CollectionView] {
        index.years.map { group(.year($0))! }
    }

    /// The days `days` span, as a page names them (`3 March 2024`, or
    /// `2 February 2024 to 3 March 2024`); nil for none.
    /// (Each day as far as its paper's source gives it.)
    static func span(_ days: [(day: Day, precision: DatePrecision)]) -> String? {
        guard let first = days.min(by: { $0.day < $1.day }), let last = days.max(by: { $0.day < $1.day }) else { return nil }
        let from = first.day.long(first.precision), to = last.day.long(last.precision)
        return from == to ? from : "\(from) to \(to)"
    }

    func renderPaper(_ i: Int) -> String {
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
        let made = rendered(i)
        let scholarly = ScholarlyMetadata.Input(
            paper: paper, tags: index.paperTags[i], pageURL: pageURL, summary: made.summary,
            abstractText: made.abstractText, siteTitle: config.title, siteURL: urls.baseURL, language: config.language)
        let meta = PageMeta(
            title: "\(paper.title) · \(config.title)", description: made.summary,
            canonicalURL: pageURL, kind: "paper",
            metaTags: ScholarlyMetadata.highwire(scholarly) + ScholarlyMetadata.openGraph(scholarly),
            jsonLD: ScholarlyMetadata.jsonLD(scholarly),
            hasMath: typesetsMath && made.hasMath)
        let view = PaperPageView(
            site: site, meta: meta, title: paper.title, titleHTML: made.titleHTML,
            bibtex: bibtex(i), citeURL: urls.path(SiteURLs.paperBibTeX(paper.slug)), citationKey: index.citationKeys[i],
            authors: authorViews(i, names: made.authorNames, affiliations: paper.affiliations, linked: true),
            dateISO: paper.publishedISO, date: paper.publishedText,
            updatedISO: paper.updated?.iso, updated: paper.updated?.long, venue: paper.venue, comment: paper.comment,
            arxiv: paper.arxiv, doi: paper.doi, tags: collectionViews(index.paperTags[i]), links: links,
            abstractHTML: made.abstractHTML, notesHTML: made.notesHTML,
            related: index.related.isEmpty ? [] : index.related[i].map { cardFields($0) })
        return theme.render(view, template: "paper")
    }

    func renderTagIndex() -> String {
        let description = "All \(index.tags.count) tags of \(config.title), with the number of papers in each."
        let meta = PageMeta(title: "Tags · \(config.title)", description: description,
                            canonicalURL: urls.absolute(SiteURLs.tagIndex), kind: "tags",
                            metaTags: ScholarlyMetadata.openGraph(title: "Tags", description: description, url: urls.absolute(SiteURLs.tagIndex), siteTitle: config.title))
        return theme.render(TagIndexView(site: site, meta: meta, tags: collectionViews(index.tags)), template: "tags")
    }

    func renderAuthorIndex() -> String {
        let description = "All \(index.authors.count) authors of \(config.title), with the number of papers of each."
        let meta = PageMeta(title: "Authors · \(config.title)", description: description,
                            canonicalURL: urls.absolute(SiteURLs.authorIndex), kind: "authors",
                            metaTags: ScholarlyMetadata.openGraph(title: "Authors", description: description, url: urls.absolute(SiteURLs.authorIndex), siteTitle: config.title))
        let authors = index.authors.map { group(.author($0.slug))! }
        return theme.render(TagIndexView(site: site, meta: meta, tags: authors), template: "authors")
    }

    func renderYearIndex() -> String {
        let description = "The papers of \(config.title) by year."
        let meta = PageMeta(title: "Archive · \(config.title)", description: description,
                            canonicalURL: urls.absolute(SiteURLs.yearIndex), kind: "years",
                            metaTags: ScholarlyMetadata.openGraph(title: "Archive", description: description, url: urls.absolute(SiteURLs.yearIndex), siteTitle: config.title))
        return theme.render(TagIndexView(site: site, meta: meta, tags: yearLinks()), template: "years")
    }

    func renderStandalone(_ i: Int) -> String {
        let page = index.pages[i]
        let meta = PageMeta(title: "\(page.title) · \(config.title)", description: page.description ?? "",
                            canonicalURL: urls.absolute(SiteURLs.standalone(page.slug)), kind: "page",
                            metaTags: ScholarlyMetadata.openGraph(title: page.title, description: page.description ?? "", url: urls.absolute(SiteURLs.standalone(page.slug)), siteTitle: config.title),
                            hasMath: typesetsMath && pagesHaveMath[i])
        return theme.render(StandalonePageView(site: site, meta: meta, title: page.title, contentHTML: pagesHTML[i]), template: "page")
    }

    func renderNotFound() -> String {
        let meta = PageMeta(title: "Page not found · \(config.title)", description: "", canonicalURL: urls.absolute("404.html"), kind: "404")
        return theme.render(StandalonePageView(site: site, meta: meta, title: "Page not found", contentHTML: ""), template: "404")
    }
}
