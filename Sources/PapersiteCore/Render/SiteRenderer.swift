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
    /// Author names as shown ("First Last").
    var authorNames: [String]

    /// The fields made from the record (the card is cached apart).
    func encode(to w: inout ByteWriter) {
        w.string(abstractHTML); w.string(abstractText); w.string(notesHTML); w.string(summary)
        w.string(titleHTML); w.bool(hasMath); w.strings(authorNames)
    }

    static func decode(_ r: inout ByteReader) -> RenderedPaper? {
        RenderedPaper(abstractHTML: r.string(), abstractText: r.string(), notesHTML: r.string(), summary: r.string(),
                      titleHTML: r.string(), hasMath: r.bool(), authorNames: r.strings())
    }
}

/// Turns planned jobs into file contents. Pure: reads the index and the
/// theme, touches no files, and may run on many threads at once.
struct SiteRenderer: Sendable {
    let config: SiteConfig
    let index: SiteIndex
    let theme: Theme
    let urls: SiteURLs
    let site: SiteView
    /// Each paper's Markdown and card, made when first needed (`rendered(_:)`, `cardHTML(_:)`).
    let renderedPapers: LazyValues<RenderedPaper>
    let cards: LazyValues<String>
    let bibtexEntries: LazyValues<String>
    let markdown: MarkdownRenderer
    let markdownSettings: UInt64
    /// Each record's hash (with a cache: the key of what is made from it).
    let paperHashes: [UInt64]
    let cache: CacheStore?
    let pagesHTML: [String]
    let pagesHaveMath: [Bool]
    let typesetsMath: Bool
    /// The search index, when the site has search.
    var search: SearchIndex? = nil
    /// What each output depends on, for incremental builds (with a cache).
    var fingerprints: RenderFingerprints? = nil
    /// The most URLs one sitemap file may list (the sitemap protocol's
    /// limit); a larger site's `sitemap.xml` is an index of parts.
    var sitemapLimit = 50_000

    static let generator = "papersite \(PapersiteVersion.current)"

    /// `search: false` leaves the search index for `addSearchIndex` (timed
    /// apart). With a `cache`, each paper's Markdown and card come from the
    /// last build when their inputs are the same, and new ones are stored.
    /// `retainsPapers: false` (with a cache) keeps each paper's Markdown,
    /// card and BibTeX in the cache only, not in memory.
    init(config: SiteConfig, index: SiteIndex, theme: Theme, parallelism: Parallelism = .allCores, search: Bool = true,
         cache: CacheStore? = nil, retainsPapers: Bool = true) {
        self.config = config
        self.index = index
        self.theme = theme
        let urls = SiteURLs(config: config)
        self.urls = urls
        var nav = [LinkView(label: "Papers", url: urls.path(""), kind: "home"),
                   LinkView(label: "Tags", url: urls.path(SiteURLs.tagIndex), kind: "tags")]
        if !index.authors.isEmpty { nav.append(LinkView(label: "Authors", url: urls.path(SiteURLs.authorIndex), kind: "authors")) }
        nav.append(LinkView(label: "Archive", url: urls.path(SiteURLs.yearIndex), kind: "years"))
        nav += index.pages.map { LinkView(label: $0.title, url: urls.path(SiteURLs.standalone($0.slug)), kind: "page") }
        site = SiteView(
            title: config.title, description: config.description, language: config.language,
            base: urls.basePath, baseURL: urls.baseURL,
            authorName: config.author.name, authorEmail: config.author.email, authorURL: config.author.url,
            nav: nav, rssURL: urls.absolute(SiteURLs.rss), atomURL: urls.absolute(SiteURLs.atom),
            jsonFeedURL: urls.absolute(SiteURLs.jsonFeed), bibURL: urls.path(SiteURLs.bibliography),
            generator: Self.generator,
            searchURL: config.search && theme.has(template: "search") ? urls.path(SiteURLs.search) : nil)
        typesetsMath = config.math != .none

        markdown = MarkdownRenderer(options: config.markdown)
        let papers = index.papers
        self.cache = cache
        paperHashes = cache == nil ? [] : parallelism.map(papers.count) { RecordCodec.hash(papers[$0]) }
        markdownSettings = Fingerprint.of { $0.add("\(config.markdown)") }
        let retains = retainsPapers || cache == nil
        renderedPapers = LazyValues(count: papers.count, retains: retains)
        cards = LazyValues(count: papers.count, retains: retains)
        bibtexEntries = LazyValues(count: papers.count, retains: retains)
        let markdown = self.markdown
        pagesHTML = index.pages.map { markdown.render($0.body).html }
        pagesHaveMath = index.pages.map { MathMarkup.containsMath($0.body) }
        if cache != nil {
            fingerprints = RenderFingerprints(renderer: self, paperHashes: paperHashes, parallelism: parallelism)
        }
        if search { addSearchIndex(parallelism: parallelism) }
    }

    /// Paper `i`'s Markdown and BibTeX, made (or taken from the cache) when first asked for.
    func rendered(_ i: Int) -> RenderedPaper {
        let key = cache == nil ? 0 : Fingerprint.of { f in
            f.add("paper"); f.add(markdownSettings); f.add(paperHashes[i])
        }
        return renderedPapers.value(i, load: { cache?.get(key, RenderedPaper.decode) }) {
            let paper = index.papers[i]
            if let cache, let cached = cache.get(key, RenderedPaper.decode) { return cached }
            let abstract = markdown.render(paper.abstract)
            let notes = paper.notes.isEmpty ? "" : markdown.render(paper.notes).html
            let abstractText = TextCleaning.line(abstract.plainText)
            let hasMath = MathMarkup.containsMath(paper.title) || MathMarkup.containsMath(paper.abstract) || MathMarkup.containsMath(paper.notes)
            let rendered = RenderedPaper(
                abstractHTML: abstract.html, abstractText: abstractText, notesHTML: notes,
                summary: Summary.firstSentences(of: abstract.plainText),
                titleHTML: MathMarkup.wrap(plainText: paper.title), hasMath: hasMath,
                authorNames: paper.authors.map(AuthorName.display))
            cache?.put(key) { rendered.encode(to: &$0) }
            return rendered
        }
    }

    /// Paper `i`'s BibTeX entry (its citation key and page URL in it), made once.
    func bibtex(_ i: Int) -> String {
        let key = cache == nil ? 0 : bibtexKey(i)
        return bibtexEntries.value(i, load: { cache?.get(key, { r in r.string() }) }) {
            if let cache, let cached = cache.get(key, { r in r.string() }) { return cached }
            let paper = index.papers[i]
            let entry = BibTeX.entry(for: paper, key: index.citationKeys[i], pageURL: urls.absolute(SiteURLs.paper(paper.slug)))
            cache?.put(key) { $0.string(entry) }
            return entry
        }
    }

    private func bibtexKey(_ i: Int) -> UInt64 {
        Fingerprint.of { f in
            // (The entry's URL is the base URL and the paper's slug: hashed as those, with no string made.)
            f.add("bibtex"); f.add(paperHashes[i]); f.add(index.citationKeys[i]); f.add(urls.baseURL); f.add(index.papers[i].slug)
        }
    }

    /// The hash of paper `i`'s BibTeX entry as stored in the cache (an
    /// abstract edit leaves it as it was, and the bibliography with it).
    func bibtexHash(_ i: Int) -> UInt64 {
        guard let cache else { return 0 }
        let key = bibtexKey(i)
        if let hash = cache.storedHash(key) { return hash }
        _ = bibtex(i)
        return cache.storedHash(key) ?? 0
    }

    /// `partials/card` for paper `i`, made once (a paper is on the home
    /// pages and its tags', authors' and year's lists), without its last
    /// newline (`{{{card}}}` sits on a line of its own).
    func cardHTML(_ i: Int) -> String {
        let key = fingerprints.map { fp in Fingerprint.of { f in f.add("card"); f.add(fp.cards[i]) } } ?? 0
        return cards.value(i, load: { cache?.get(key, { r in r.string() }) }) {
            if let cache, let cached = cache.get(key, { r in r.string() }) { return cached }
            let html = theme.render(card(i), template: "partials/card")
            let result = html.hasSuffix("\n") ? String(html.dropLast()) : html
            cache?.put(key) { $0.string(result) }
            return result
        }
    }

    /// Search shard `i` as JSON, its terms read from the cache if they are
    /// not in memory (nil if they cannot be).
    func searchShardJSON(_ i: Int) -> String? {
        guard var search else { return nil }
        if !search.shards[i].loaded {
            guard let cache, search.loadShards([i], from: cache) else { return nil }
        }
        return search.shardJSON(i)
    }

    /// Makes every paper's Markdown and card now, on all cores (a full
    /// build needs them all; an incremental one makes only those it shows).
    func renderAllPapers(parallelism: Parallelism) {
        parallelism.forEach(index.papers.count) { i in _ = rendered(i); _ = cardHTML(i) }
    }

    mutating func addSearchIndex(parallelism: Parallelism) {
        guard site.searchURL != nil, search == nil else { return }
        let renderer = self
        search = SearchIndex(count: index.papers.count, parallelism: parallelism) { renderer.searchTerms($0) }
    }

    /// Paper `i`'s words for the search index, with their weights.
    func searchTerms(_ i: Int) -> [SearchIndex.Term] {
        let paper = rendered(i)     // once: without a cache in memory it is decoded on each call
        return SearchIndex.terms(title: index.papers[i].title, authors: paper.authorNames,
                                 tags: index.paperTags[i].map(\.name), abstract: paper.abstractText)
    }

    /// The list of everything the site contains, in a fixed order.
    func plan(parallelism: Parallelism = .serial) -> [(job: OutputJob, file: String)] {
        var jobs: [OutputJob] = []
        func listPages(_ collection: PaperCollection, count: Int? = nil) {
            let pages = max(1, ((count ?? members(collection).count) + config.papersPerPage - 1) / config.papersPerPage)
            for page in 1...pages { jobs.append(.list(collection, page: page)) }
        }
        func feeds(_ collection: PaperCollection) {
            for kind in FeedKind.allCases where feed(of: collection, kind) != nil { jobs.append(.feed(collection, kind)) }
        }
        listPages(.all)
        jobs += index.papers.indices.flatMap { [OutputJob.paper($0), .paperBibTeX($0)] }
        jobs.append(.tagIndex)
        for tag in index.tags { listPages(.tag(tag.slug)); feeds(.tag(tag.slug)) }
        if !index.authors.isEmpty { jobs.append(.authorIndex) }
        for (author, papers) in zip(index.authors, index.authorPapers) {
            listPages(.author(author.slug), count: papers.count)
            feeds(.author(author.slug))
        }
        jobs.append(.yearIndex)
        for year in index.years {
            listPages(.year(year))
            for month in monthCollections(year) { listPages(month) }
        }
        jobs += index.pages.indices.map { OutputJob.standalone($0) }
        jobs.append(.notFound)
        feeds(.all)
        jobs += [.siteBibTeX, .sitemap, .robots]
        let sitemapURLs = sitemapEntryCount()
        if sitemapURLs > sitemapLimit {
            jobs += (1...(sitemapURLs + sitemapLimit - 1) / sitemapLimit).map { OutputJob.sitemapPart($0) }
        }
        if let search {
            jobs += [.searchPage, .searchManifest]
            jobs += search.shards.indices.map { OutputJob.searchTerms($0) }
            jobs += stride(from: 0, to: index.papers.count, by: SearchIndex.docsPerShard).map { .searchDocs($0 / SearchIndex.docsPerShard) }
            jobs += index.tags.map { .searchTag($0.slug) }
            jobs += index.years.map { .searchYear($0) }
        }
        // (A constant: a captured variable would be read, and retained, from both threads at every step.)
        let all = jobs
        return parallelism.map(all.count) { (all[$0], SiteURLs.file(for: location(of: all[$0]))) }
    }

    func location(of job: OutputJob) -> String {
        switch job {
        case .paper(let i): SiteURLs.paper(index.papers[i].slug)
        case .paperBibTeX(let i): SiteURLs.paperBibTeX(index.papers[i].slug)
        case .standalone(let i): SiteURLs.standalone(index.pages[i].slug)
        case .searchTerms(let i): SearchIndex.shardFile(search!.shards[i].key)
        default: job.location
        }
    }

    func render(_ job: OutputJob) -> String {
        switch job {
        case .list(let collection, let page): renderList(collection, page: page)
        case .feed(let collection, .rss): theme.render(feedView(collection, format: .rss), template: "rss")
        case .feed(let collection, .atom): theme.render(feedView(collection, format: .atom), template: "atom")
        case .feed(let collection, .json): renderJSONFeed(collection)
        case .paper(let i): renderPaper(i)
        case .tagIndex: renderTagIndex()
        case .authorIndex: renderAuthorIndex()
        case .yearIndex: renderYearIndex()
        case .standalone(let i): renderStandalone(i)
        case .notFound: renderNotFound()
        case .paperBibTeX(let i): bibtex(i)
        case .siteBibTeX: renderBibliography()
        case .sitemap: String(decoding: sitemap(part: nil), as: UTF8.self)
        case .sitemapPart(let n): String(decoding: sitemap(part: n), as: UTF8.self)
        case .robots: "User-agent: *\nAllow: /\n\nSitemap: \(urls.absolute(SiteURLs.sitemap))\n"
        case .searchPage: renderSearchPage()
        case .searchManifest: renderSearchManifest()
        case .searchTerms(let i): searchShardJSON(i) ?? ""    // checked before rendering: see `SiteBuilder`
        case .searchDocs(let n): renderSearchDocs(n)
        case .searchTag(let slug): SearchIndex.idsJSON(index.papers(tagged: slug))
        case .searchYear(let year): SearchIndex.idsJSON(index.papers(in: year))
        }
    }

    // MARK: Collections

    /// "Papers tagged Diffusion on Lab Papers." (no count: feeds outlive it)
    func feedDescription(_ collection: PaperCollection, _ group: TagView) -> String {
        switch collection {
        case .all: config.description
        case .tag: "Papers tagged \(group.name) on \(config.title)."
        case .author: "Papers by \(group.name) on \(config.title)."
        case .year, .month: "Papers from \(group.name) on \(config.title)."
        }
    }

    /// A year with more papers than this gets a page for each month too.
    var monthPagesAbove: Int { config.papersPerPage * 5 }

    /// The month pages of a large year (none for a small one).
    func monthCollections(_ year: Int) -> [PaperCollection] {
        index.papers(in: year).count > monthPagesAbove ? index.months(of: year).map { .month(year, $0) } : []
    }

    /// The papers of a collection, newest first.
    /// Where the collection's feed of `kind` is, if it has one. Feed entries
    /// need a date, so a tag or an author whose papers are all undated has
    /// no feed (undated papers sort last: the first paper tells).
    func feed(of collection: PaperCollection, _ kind: FeedKind) -> String? {
        guard let location = collection.feed(kind) else { return nil }
        if collection == .all { return location }
        guard let newest = members(collection).first, index.papers[newest].published != nil else { return nil }
        return location
    }

    func members(_ collection: PaperCollection) -> [Int] {
        switch collection {
        case .all: Array(index.papers.indices)
        case .tag(let slug): index.papers(tagged: slug)
        case .author(let slug): index.papers(by: slug)
        case .year(let year): index.papers(in: year)
        case .month(let year, let month): index.papers(in: year, month: month)
        }
    }

    /// The collection as a named group (nil for the whole site).
    func group(_ collection: PaperCollection) -> TagView? {
        switch collection {
        case .all: nil
        case .tag(let slug): tagView(slug)
        case .author(let slug):
            TagView(name: index.authorNames[slug] ?? slug, slug: slug,
                    url: urls.path(collection.location()), count: index.papers(by: slug).count)
        case .year(let year):
            TagView(name: String(year), slug: String(year), url: urls.path(collection.location()), count: index.papers(in: year).count)
        case .month(let year, let month):
            TagView(name: "\(Day.monthNames[month - 1]) \(year)", slug: String(format: "%d-%02d", year, month),
                    url: urls.path(collection.location()), count: index.papers(in: year, month: month).count)
        }
    }

    /// "3 papers tagged Diffusion.", "3 papers by Ada Lovelace.", "3 papers from 2024."
    func describe(_ collection: PaperCollection, _ group: TagView) -> String {
        let papers = "\(group.count) paper\(group.count == 1 ? "" : "s")"
        switch collection {
        case .all: return config.description
        case .tag: return "\(papers) tagged \(group.name)."
        case .author: return "\(papers) by \(group.name)."
        case .year, .month: return "\(papers) from \(group.name)."
        }
    }

    // MARK: Views

    private func tagView(_ slug: String) -> TagView {
        let name = index.tagNames[slug] ?? slug
        return TagView(name: name, slug: slug, url: urls.path(SiteURLs.tag(slug)), count: index.papers(tagged: slug).count)
    }

    private func tagViews(_ tags: [Tag]) -> [TagView] {
        tags.map { TagView(name: $0.name, slug: $0.slug, url: urls.path(SiteURLs.tag($0.slug)), count: index.papers(tagged: $0.slug).count) }
    }

    /// The authors of paper `i` as views (links to their pages when `linked`).
    /// (`names`: the paper's display names, from `rendered(i)`, which the caller has at hand.)
    private func authorViews(_ i: Int, names: [String], affiliations: [String] = [], linked: Bool = false) -> [AuthorView] {
        let slugs = linked ? index.paperAuthorSlugs[i] : []
        return names.enumerated().map { k, name in
            let affiliation = k < affiliations.count && !affiliations[k].isEmpty ? affiliations[k] : nil
            let url = k < slugs.count ? urls.path(SiteURLs.author(slugs[k])) : nil
            return AuthorView(name: name, last: k == names.count - 1, affiliation: affiliation, url: url)
        }
    }

    /// "A, B, C et al." for more than four authors; nil without authors.
    static func authorsShort(_ names: [String]) -> String? {
        guard !names.isEmpty else { return nil }
        return names.count > 4 ? names.prefix(3).joined(separator: ", ") + " et al." : names.joined(separator: ", ")
    }

    func card(_ i: Int) -> PaperCardView {
        let paper = index.papers[i]
        // `rendered(i)` once per view: in a full build it is read back from the cache on each call.
        let made = rendered(i)
        let short = Self.authorsShort(made.authorNames)
        return PaperCardView(
            title: paper.title, titleHTML: made.titleHTML, url: urls.path(SiteURLs.paper(paper.slug)), authors: authorViews(i, names: made.authorNames),
            authorsShort: short, dateISO: paper.published?.iso, date: paper.published?.long,
            tags: tagViews(index.paperTags[i]), summary: made.summary.isEmpty ? nil : made.summary)
    }

    private func renderList(_ collection: PaperCollection, page: Int) -> String {
        let all = collection == .all ? nil : members(collection)
        let count = all?.count ?? index.papers.count
        let perPage = config.papersPerPage
        let total = max(1, (count + perPage - 1) / perPage)
        let range = min(count, (page - 1) * perPage)..<min(count, page * perPage)
        let slice = range.map { all?[$0] ?? $0 }
        let pagination = PaginationView(
            current: page, total: total,
            previousURL: page > 1 ? urls.path(collection.location(page: page - 1)) : nil,
            nextURL: page < total ? urls.path(collection.location(page: page + 1)) : nil,
            pages: Self.pageWindow(current: page, total: total).map { n in
                n == 0 ? LinkView(label: "…", url: "", kind: "gap")
                       : LinkView(label: String(n), url: urls.path(collection.location(page: n)), kind: "page", current: n == page)
            })
        let group = group(collection)
        let heading = group?.name ?? config.title
        var title = group.map { "\($0.name) · \(config.title)" } ?? config.title
        if page > 1 { title = "Page \(page) · " + title }
        let description = group.map { describe(collection, $0) } ?? config.description
        let meta = PageMeta(
            title: title, description: description, canonicalURL: urls.absolute(collection.location(page: page)),
            kind: collection.template,
            rssURL: collection == .all ? nil : feed(of: collection, .rss).map(urls.absolute),
            atomURL: collection == .all ? nil : feed(of: collection, .atom).map(urls.absolute),
            jsonFeedURL: collection == .all ? nil : feed(of: collection, .json).map(urls.absolute),
            metaTags: ScholarlyMetadata.openGraph(title: heading, description: description, url: urls.absolute(collection.location(page: page)), siteTitle: config.title),
            hasMath: typesetsMath && slice.contains { rendered($0).hasMath })
        let topTags = collection == .all ? Array(tagViews(index.tags).sorted { ($1.count, $0.name) < ($0.count, $1.name) }.prefix(12)) : []
        var view = ListPageView(site: site, meta: meta, heading: heading, papers: { let cards = ListCards(renderer: self); return slice.map { ListCard(list: cards, index: $0) } }(), pagination: pagination, tag: group, tags: topTags)
        if collection == .all { view.years = yearLinks() }
        if case .year(let year) = collection {
            view.months = monthCollections(year).map { self.group($0)! }
        }
        if case .month(let year, _) = collection { view.parent = self.group(.year(year)) }
        return theme.render(view, template: collection.template)
    }

    private func yearLinks() -> [TagView] {
        index.years.map { group(.year($0))! }
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
            dateISO: paper.published?.iso, date: paper.published?.long,
            updatedISO: paper.updated?.iso, updated: paper.updated?.long, venue: paper.venue, comment: paper.comment,
            arxiv: paper.arxiv, doi: paper.doi, tags: tagViews(index.paperTags[i]), links: links,
            abstractHTML: made.abstractHTML, notesHTML: made.notesHTML,
            related: index.related.isEmpty ? [] : index.related[i].map(card))
        return theme.render(view, template: "paper")
    }

    private func renderTagIndex() -> String {
        let description = "All \(index.tags.count) tags of \(config.title), with the number of papers in each."
        let meta = PageMeta(title: "Tags · \(config.title)", description: description,
                            canonicalURL: urls.absolute(SiteURLs.tagIndex), kind: "tags",
                            metaTags: ScholarlyMetadata.openGraph(title: "Tags", description: description, url: urls.absolute(SiteURLs.tagIndex), siteTitle: config.title))
        return theme.render(TagIndexView(site: site, meta: meta, tags: tagViews(index.tags)), template: "tags")
    }

    private func renderAuthorIndex() -> String {
        let description = "All \(index.authors.count) authors of \(config.title), with the number of papers of each."
        let meta = PageMeta(title: "Authors · \(config.title)", description: description,
                            canonicalURL: urls.absolute(SiteURLs.authorIndex), kind: "authors",
                            metaTags: ScholarlyMetadata.openGraph(title: "Authors", description: description, url: urls.absolute(SiteURLs.authorIndex), siteTitle: config.title))
        let authors = index.authors.map { group(.author($0.slug))! }
        return theme.render(TagIndexView(site: site, meta: meta, tags: authors), template: "authors")
    }

    private func renderYearIndex() -> String {
        let description = "The papers of \(config.title) by year."
        let meta = PageMeta(title: "Archive · \(config.title)", description: description,
                            canonicalURL: urls.absolute(SiteURLs.yearIndex), kind: "years",
                            metaTags: ScholarlyMetadata.openGraph(title: "Archive", description: description, url: urls.absolute(SiteURLs.yearIndex), siteTitle: config.title))
        return theme.render(TagIndexView(site: site, meta: meta, tags: yearLinks()), template: "years")
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

    private func feedView(_ collection: PaperCollection, format: FeedFormat) -> FeedView {
        let chosen = members(collection).prefix(config.feed.limit)
        // A feed entry needs a date: undated papers (which sort last) are left out.
        let entries = chosen.compactMap { i -> FeedEntryView? in
            let paper = index.papers[i]
            guard let published = paper.published else { return nil }
            let url = urls.absolute(SiteURLs.paper(paper.slug))
            let id = FeedIdentity.id(for: paper, pageURL: url)
            let made = rendered(i)
            var content = ""
            if config.feed.content == .full {
                content = made.abstractHTML + made.notesHTML
            }
            return FeedEntryView(
                title: paper.title, url: url, id: id, idIsPermalink: id == url,
                publishedRFC3339: published.rfc3339, publishedRFC822: published.rfc822,
                updatedRFC3339: (paper.updated ?? published).rfc3339,
                authors: authorViews(i, names: made.authorNames), categories: tagViews(index.paperTags[i]),
                contentHTML: content, summary: made.summary)
        }
        let newest = chosen.compactMap { index.papers[$0].updated ?? index.papers[$0].published }.max()
            ?? Day(year: 1970, month: 1, day: 1)!
        let group = group(collection)
        let selfLocation = collection.feed(format == .rss ? .rss : .atom) ?? ""
        return FeedView(
            site: site,
            title: group.map { "\(config.title): \($0.name)" } ?? config.title,
            description: group.map { feedDescription(collection, $0) } ?? config.description,
            pageURL: urls.absolute(collection.location()), selfURL: urls.absolute(selfLocation),
            id: urls.absolute(collection.location()),
            updatedRFC3339: newest.rfc3339, updatedRFC822: newest.rfc822, entries: entries)
    }

    /// Every URL of the site for the sitemap, with its last change where
    /// one is known, in a fixed order. The values are made only when used
    /// (counting them builds no string).
    private func forEachSitemapEntry(_ visit: (_ location: SitemapLocation, _ lastmod: Day?) -> Void) {
        func date(_ i: Int) -> Day? { index.papers[i].updated ?? index.papers[i].published }
        let newest = index.papers.isEmpty ? nil : date(0)
        let perPage = config.papersPerPage
        func pages(_ count: Int) -> Int { max(1, (count + perPage - 1) / perPage) }
        for n in 1...pages(index.papers.count) { visit(.text(SiteURLs.home(page: n)), n == 1 ? newest : nil) }
        for paper in index.papers.indices {
            visit(.slug(prefix: "papers/", slug: index.papers[paper].slug, page: 1), date(paper))
        }
        visit(.text(SiteURLs.tagIndex), newest)
        for tag in index.tags {
            let members = index.papers(tagged: tag.slug)
            for n in 1...pages(members.count) {
                visit(.slug(prefix: "tags/", slug: tag.slug, page: n), n == 1 ? members.first.flatMap(date) : nil)
            }
        }
        for (author, members) in zip(index.authors, index.authorPapers) {
            for n in 1...pages(members.count) {
                visit(.slug(prefix: "authors/", slug: author.slug, page: n), n == 1 ? members.first.flatMap(date) : nil)
            }
        }
        for collection in index.years.flatMap({ [PaperCollection.year($0)] + monthCollections($0) }) {
            let members = members(collection)
            for n in 1...pages(members.count) {
                visit(.text(collection.location(page: n)), n == 1 ? members.first.flatMap(date) : nil)
            }
        }
        for page in index.pages { visit(.slug(prefix: "", slug: page.slug, page: 1), nil) }
    }

    /// How many entries `forEachSitemapEntry` visits, counted without making them.
    func sitemapEntryCount() -> Int {
        let perPage = config.papersPerPage
        func pages(_ count: Int) -> Int { max(1, (count + perPage - 1) / perPage) }
        var count = pages(index.papers.count) + index.papers.count + 1 + index.pages.count
        for tag in index.tags { count += pages(index.papers(tagged: tag.slug).count) }
        for members in index.authorPapers { count += pages(members.count) }
        for collection in index.years.flatMap({ [PaperCollection.year($0)] + monthCollections($0) }) { count += pages(members(collection).count) }
        return count
    }

    /// A file's bytes where they are made without a `String` (the sitemap:
    /// several megabytes that need no UTF-8 check); else nil.
    func renderBytes(_ job: OutputJob) -> [UInt8]? {
        switch job {
        case .sitemap: sitemap(part: nil)
        case .sitemapPart(let n): sitemap(part: n)
        default: nil
        }
    }

    /// The sitemap (`part` nil): every URL, or for a site of more than
    /// `sitemapLimit` URLs an index of the parts; part n: the n-th
    /// `sitemapLimit` URLs. Written by code, not by a template: the format
    /// is fixed by the sitemap protocol, and a large site's sitemap has
    /// hundreds of thousands of entries.
    private func sitemap(part: Int?) -> [UInt8] {
        let count = sitemapEntryCount()
        if part == nil && count > sitemapLimit {
            var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
            for n in 1...(count + sitemapLimit - 1) / sitemapLimit {
                out += "<sitemap><loc>" + FastEscaping.escape(urls.absolute(SiteURLs.sitemapPart(n))) + "</loc></sitemap>\n"
            }
            return Array((out + "</sitemapindex>\n").utf8)
        }
        let range = part.map { ($0 - 1) * sitemapLimit..<$0 * sitemapLimit } ?? 0..<count
        var k = 0
        var writer = SitemapWriter(expectedEntries: min(range.count, count), base: urls.baseURL)
        forEachSitemapEntry { location, lastmod in
            if range.contains(k) { writer.add(location, lastmod: lastmod) }
            k += 1
        }
        return writer.finishBytes()
    }
}

extension SiteRenderer {
    func renderJSONFeed(_ collection: PaperCollection) -> String {
        let items = members(collection).prefix(config.feed.limit).compactMap { i -> JSONFeed.Item? in
            let paper = index.papers[i]
            guard let published = paper.published else { return nil }
            let url = urls.absolute(SiteURLs.paper(paper.slug))
            let made = rendered(i)
            return JSONFeed.Item(
                id: FeedIdentity.id(for: paper, pageURL: url), url: url, title: paper.title,
                contentHTML: config.feed.content == .full ? made.abstractHTML + made.notesHTML : nil,
                summary: made.summary, published: published, modified: paper.updated,
                authors: paper.authors, tags: index.paperTags[i].map(\.name),
                externalURL: paper.arxiv.map { "https://arxiv.org/abs/\($0)" } ?? paper.doi.map(FeedIdentity.doiURL) ?? paper.links.url)
        }
        let group = group(collection)
        return JSONFeed.document(
            title: group.map { "\(config.title): \($0.name)" } ?? config.title,
            homePageURL: urls.absolute(collection.location()),
            feedURL: urls.absolute(collection.feed(.json) ?? ""),
            description: group.map { feedDescription(collection, $0) } ?? config.description,
            language: config.language, author: config.author.name ?? config.title, items: Array(items))
    }

    /// Every paper's entry, newest first, in one file.
    func renderBibliography() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(index.papers.count * 1024)
        out += "% \(config.title): \(index.papers.count) entr\(index.papers.count == 1 ? "y" : "ies"), from \(urls.absolute(""))\n".utf8
        for i in index.papers.indices {
            out.append(UInt8(ascii: "\n"))
            // An entry the cache holds is copied as bytes (no string for each of thousands).
            let copied = cache.flatMap { cache in
                cache.withBytes(bibtexKey(i)) { raw -> Bool in
                    var r = ByteReader(raw)
                    let count = Int(clamping: r.uint())
                    guard let bytes = r.bytes(count), r.atEnd else { return false }
                    out += bytes
                    return true
                }
            } ?? false
            if !copied { out += bibtex(i).utf8 }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension SiteRenderer {
    func renderSearchPage() -> String {
        let description = "Search the \(index.papers.count) papers of \(config.title) by title, author, tag and abstract."
        let meta = PageMeta(title: "Search · \(config.title)", description: description,
                            canonicalURL: urls.absolute(SiteURLs.search), kind: "search",
                            metaTags: ScholarlyMetadata.openGraph(title: "Search", description: description, url: urls.absolute(SiteURLs.search), siteTitle: config.title))
        let tags = tagViews(index.tags).sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
        return theme.render(SearchPageView(site: site, meta: meta, indexURL: urls.path("search/"), tags: tags,
                                           years: yearLinks(), count: index.papers.count), template: "search")
    }

    /// `search/index.json`: what `search.js` needs before the first query.
    func renderSearchManifest() -> String {
        guard let search else { return "" }
        let manifest: [String: Any] = [
            "version": 1,
            "count": index.papers.count,
            "docs_per_shard": SearchIndex.docsPerShard,
            "shards": search.shards.map { SearchText.fileName($0.key) },
            "split": search.splitPrefixes.map(SearchText.fileName),
            "stop_words": SearchText.stopWords,
            "tags": index.tags.map { [$0.slug, $0.name] },
            "years": index.years,
        ]
        return JSONText.encode(manifest) + "\n"
    }

    /// `search/docs/<n>.json`: for each paper of the shard, what a result
    /// shows: `[title, url, authors, date, ISO date, [tag slugs], summary]`.
    func renderSearchDocs(_ n: Int) -> String {
        let start = n * SearchIndex.docsPerShard
        let end = min(index.papers.count, start + SearchIndex.docsPerShard)
        let docs: [Any] = (start..<end).map { i -> [Any] in
            let paper = index.papers[i], made = rendered(i)
            return [paper.title, urls.path(SiteURLs.paper(paper.slug)), Self.authorsShort(made.authorNames) ?? "", paper.published?.long ?? "",
                    paper.published?.iso ?? "", index.paperTags[i].map(\.slug), made.summary]
        }
        return JSONText.encode(docs) + "\n"
    }
}
