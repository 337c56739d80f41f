import Foundation
import PaperMarkdown

/// Where the renderer keeps what it makes of each paper: in memory, or
/// with the site's cache, stored there for the next build (and with
/// `retains: false`, there only: each use reads it back).
struct PaperValueStores: Sendable {
    let renderedPapers: StoredValues<RenderedPaper>
    let cards: StoredValues<String>
    let bibtexEntries: StoredValues<String>
    /// Feed entries as the feed templates' sections made them (`FeedEntries`).
    let feedSections: StoredValues<String>
    let lastBetweenBuilds: Bool

    init(count: Int, cache: CacheStore? = nil, retains: Bool = true) {
        renderedPapers = StoredValues(count: count, cache: cache, retains: retains,
                                      encode: { $0.encode(to: &$1) }, decode: RenderedPaper.decode)
        cards = StoredValues(count: count, cache: cache, retains: retains)
        bibtexEntries = StoredValues(count: count, cache: cache, retains: retains)
        feedSections = StoredValues(count: 0, cache: cache, retains: false)
        lastBetweenBuilds = cache != nil
    }
}

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

/// Turns planned jobs into file contents; may run on many threads at once.
/// It writes no output file. With a cache, what it makes of each paper
/// (Markdown, card, BibTeX) is stored there for the next build, and taken
/// from there when its inputs are the same. The pages it makes are in
/// `Pages.swift`, the feeds in `Feeds.swift`, and so on.
struct SiteRenderer: Sendable {
    /// What the renderer is made with and every page reads, in one object:
    /// a renderer is copied for each page it places, and read from the
    /// lists and feeds that hold it, and a copy with all of this in it took
    /// a reference on each of its parts (7% of the samples of rendering the
    /// pages of 100,000 papers).
    final class Parts: Sendable {
        let config: SiteConfig
        let index: SiteIndex
        let theme: Theme
        /// `site` as seen from each depth, made once (relative links only).
        let siteViews: [SiteView]
        /// Each paper's Markdown, card and BibTeX entry, made when first
        /// needed (`rendered(_:)`, `renderedCard(_:)`, `bibtex(_:)`), and with
        /// a cache, kept there between builds.
        let stores: PaperValueStores
        let markdown: MarkdownRenderer
        let markdownSettings: UInt64
        /// Each record's hash (with a cache: the key of what is made from it).
        let paperHashes: [UInt64]
        /// Each paper's `bibtexKey`, made once (with a cache): every build asks
        /// for each to hash the whole-site BibTeX, and again to write it.
        let bibtexKeys: [UInt64]
        /// The standalone pages' Markdown, and whether each holds math.
        let pages: (html: [String], hasMath: [Bool])
        let typesetsMath: Bool
        /// What each output depends on, for incremental builds (with a cache).
        let fingerprints: RenderFingerprints?

        init(config: SiteConfig, index: SiteIndex, theme: Theme, siteViews: [SiteView], stores: PaperValueStores, markdown: MarkdownRenderer,
             paperHashes: [UInt64], bibtexKeys: [UInt64], pages: (html: [String], hasMath: [Bool]), fingerprints: RenderFingerprints?) {
            (self.config, self.index, self.theme, self.siteViews, self.stores) = (config, index, theme, siteViews, stores)
            (self.markdown, self.paperHashes, self.bibtexKeys, self.pages, self.fingerprints) = (markdown, paperHashes, bibtexKeys, pages, fingerprints)
            markdownSettings = Fingerprint.of { $0.add("\(config.markdown)") }
            typesetsMath = config.math != .none
        }

        /// The same parts, with another index or `fingerprints`.
        func with(index: SiteIndex? = nil, _ fingerprints: RenderFingerprints? = nil) -> Parts {
            Parts(config: config, index: index ?? self.index, theme: theme, siteViews: siteViews, stores: stores, markdown: markdown,
                  paperHashes: paperHashes, bibtexKeys: bibtexKeys, pages: pages, fingerprints: fingerprints ?? self.fingerprints)
        }
    }

    private(set) var parts: Parts

    /// Adds the related papers, found while the Markdown and search index
    /// were made (nothing made before reads them).
    mutating func add(related: [[Int]]) {
        var index = parts.index
        index.related = related
        parts = parts.with(index: index)
    }

    /// Where links go from the page being rendered (see `placed(for:)`):
    /// the site's root, or with relative links the page's folder.
    var urls: SiteURLs
    var site: SiteView
    /// The search index, when the site has search.
    var search: SearchIndex? = nil
    /// The most URLs one sitemap file may list (the sitemap protocol's
    /// limit); a larger site's `sitemap.xml` is an index of parts.
    var sitemapLimit = 50_000
    /// The sitemap's entries, from the plan (`plan`).
    var sitemap = SitemapEntries.empty

    var config: SiteConfig { parts.config }
    var index: SiteIndex { parts.index }
    var theme: Theme { parts.theme }
    var siteViews: [SiteView] { parts.siteViews }
    var renderedPapers: StoredValues<RenderedPaper> { parts.stores.renderedPapers }
    var cards: StoredValues<String> { parts.stores.cards }
    var bibtexEntries: StoredValues<String> { parts.stores.bibtexEntries }
    var feedSections: StoredValues<String> { parts.stores.feedSections }
    var markdown: MarkdownRenderer { parts.markdown }
    var markdownSettings: UInt64 { parts.markdownSettings }
    var paperHashes: [UInt64] { parts.paperHashes }
    var bibtexKeys: [UInt64] { parts.bibtexKeys }
    var pagesHTML: [String] { parts.pages.html }
    var pagesHaveMath: [Bool] { parts.pages.hasMath }
    var typesetsMath: Bool { parts.typesetsMath }
    var fingerprints: RenderFingerprints? { parts.fingerprints }

    static let generator = "papersite \(PapersiteVersion.current)"

    /// `search: false` leaves the search index for `addSearchIndex` (timed
    /// apart). `stores`: where what is made of each paper is kept (in
    /// memory by default); stores that last between builds (the site's
    /// cache) also make each output's fingerprints, for incremental builds.
    init(config: SiteConfig, index: SiteIndex, theme: Theme, parallelism: Parallelism = .allCores, search: Bool = true,
         stores: PaperValueStores? = nil) {
        let urls = SiteURLs(config: config)
        self.urls = urls
        site = Self.siteView(config: config, index: index, theme: theme, urls: urls)
        let siteViews = config.links == .relative
            ? (0...Self.precomputedDepths).map { Self.siteView(config: config, index: index, theme: theme, urls: urls.placed(depth: $0)) } : []
        let papers = index.papers
        let stores = stores ?? PaperValueStores(count: papers.count)
        let paperHashes = stores.lastBetweenBuilds ? parallelism.map(papers.count) { RecordCodec.hash(papers[$0]) } : []
        // (The entry's URL is the base URL and the paper's slug: hashed as those, with no string made.)
        let bibtexKeys = paperHashes.isEmpty ? [] : parallelism.map(papers.count) { i in
            Fingerprint.of { f in f.add("bibtex"); f.add(paperHashes[i]); f.add(index.citationKeys[i]); f.add(urls.baseURL); f.add(papers[i].slug) }
        }
        let markdown = MarkdownRenderer(options: config.markdown)
        let pages = (html: index.pages.map { markdown.render($0.body).html }, hasMath: index.pages.map { MathMarkup.containsMath($0.body) })
        parts = Parts(config: config, index: index, theme: theme, siteViews: siteViews, stores: stores, markdown: markdown,
                      paperHashes: paperHashes, bibtexKeys: bibtexKeys, pages: pages, fingerprints: nil)
        if stores.lastBetweenBuilds {
            parts = parts.with(RenderFingerprints(renderer: self, paperHashes: paperHashes, parallelism: parallelism))
        }
        if search { addSearchIndex(parallelism: parallelism) }
    }

    /// Paper `i`'s Markdown, made once.
    func rendered(_ i: Int) -> RenderedPaper {
        renderedPapers.value(i, key: renderedKey(i)) {
            let paper = index.papers[i]
            let source = paper.abstract      // (read once: it may be read from the cache's store)
            let abstract = markdown.render(source)
            let notes = paper.notes.isEmpty ? "" : markdown.render(paper.notes).html
            let hasMath = MathMarkup.containsMath(paper.title) || MathMarkup.containsMath(source) || MathMarkup.containsMath(paper.notes)
            let abstractText = TextCleaning.line(abstract.plainText)
            return RenderedPaper(
                abstractHTML: abstract.html, abstractText: abstractText, notesHTML: notes,
                summary: Summary.firstSentences(of: abstractText),
                titleHTML: MathMarkup.wrap(plainText: paper.title), hasMath: hasMath,
                authorNames: paper.authors.map(AuthorName.display))
        }
    }

    /// Paper `i`'s BibTeX entry (its citation key and page URL in it), made once.
    func bibtex(_ i: Int) -> String {
        bibtexEntries.value(i, key: bibtexKey(i)) {
            let paper = index.papers[i]
            return BibTeX.entry(for: paper, key: index.citationKeys[i], pageURL: urls.absolute(SiteURLs.paper(paper.slug)))
        }
    }

    func renderedKey(_ i: Int) -> UInt64 {
        Fingerprint.of { f in f.add("paper"); f.add(markdownSettings); f.add(paperHashes[i]) }
    }

    func cardKey(_ i: Int) -> UInt64 {
        Fingerprint.of { f in f.add("card"); f.add(fingerprints?.cards[i] ?? 0) }
    }

    /// What paper `i`'s BibTeX entry is made from (asked only with a cache).
    func bibtexKey(_ i: Int) -> UInt64 { bibtexKeys[i] }

    /// The hash of paper `i`'s BibTeX entry as stored in the cache (an
    /// abstract edit leaves it as it was, and the bibliography with it).
    func bibtexHash(_ i: Int) -> UInt64 {
        if let hash = bibtexEntries.storedHash(bibtexKey(i)) { return hash }
        _ = bibtex(i)
        return bibtexEntries.storedHash(bibtexKey(i)) ?? 0
    }

    /// `partials/card` for paper `i`, made once (a paper is on the home
    /// pages and its tags', authors' and year's lists), without its last
    /// newline (`{{{card}}}` sits on a line of its own).
    func renderedCard(_ i: Int, made: RenderedPaper? = nil) -> String {
        cards.value(i, key: cardKey(i)) {
            var html = theme.render(forCards.cardFields(i, made: made), template: "partials/card")
            if html.last == "\n" { html.removeLast() }
            return html
        }
    }

    /// Search shard `i`'s file, its terms read from the cache if they are
    /// not in memory (nil if they cannot be).
    func searchShardFile(_ i: Int) -> [UInt8]? {
        guard let shard = search?.loaded(i) else { return nil }
        return SearchIndex.shardFile(shard, name: location(of: .searchTerms(i)))
    }

    /// Makes every paper's Markdown and card now, on all cores (a full
    /// build needs them all; an incremental one makes only those it shows).
    func renderAllPapers(parallelism: Parallelism) {
        // (The card from the Markdown just made: in a full build it is not
        // kept in memory, and read back from the cache it was a tenth of this.)
        parallelism.forEach(index.papers.count) { i in _ = renderedCard(i, made: rendered(i)) }
    }

    /// Keeps every paper's Markdown, card and feed entries in the cache for
    /// the next build, whether this build showed them or not. The cache
    /// keeps what a build used, and an incremental build renders few
    /// pages: without this, the next build to show a paper the last one
    /// did not made it all again (a day of 1,000 papers added at 100,000
    /// made anew the cards and feed entries of their authors' other papers,
    /// tens of thousands, because the build before had not shown them).
    /// (BibTeX entries are kept by `bibtexHash`, which every build asks.)
    func retainPaperValues(parallelism: Parallelism) {
        let feedKeys = FeedEntries.sectionIdentities(in: theme).compactMap { template, sections in
            feedEntryKeys(template: template).map { ($0, sections) }
        }
        let n = index.papers.count, chunk = 4096
        parallelism.forEach((n + chunk - 1) / chunk) { c in
            let papers = c * chunk..<min(n, (c + 1) * chunk)
            renderedPapers.retain(papers.map(renderedKey))
            cards.retain(papers.map(cardKey))
            self.feedSections.retain(feedKeys.flatMap { keys, sections in
                papers.flatMap { i in sections.map { FeedEntries.key(entry: keys.key(i), section: $0) } }
            })
        }
    }

    mutating func addSearchIndex(parallelism: Parallelism) {
        guard site.searchURL != nil, search == nil else { return }
        let renderer = self, n = index.papers.count
        search = SearchIndex(count: n, parallelism: parallelism) { renderer.searchTerms(SearchIndex.paper(id: $0, count: n)) }
    }

    /// Paper `i`'s words for the search index, with their weights.
    func searchTerms(_ i: Int) -> [SearchIndex.Term] {
        let paper = rendered(i)     // once: without a cache in memory it is decoded on each call
        return SearchIndex.terms(title: index.papers[i].title, authors: paper.authorNames,
                                 tags: index.paperTags[i].map(\.name), abstract: paper.abstractText)
    }

    func render(_ job: OutputJob) -> String {
        if let stream = renderStream(job) {
            var bytes: [UInt8] = []
            stream { bytes.append(contentsOf: $0) }
            return String(decoding: bytes, as: UTF8.self)
        }
        if let bytes = renderBytes(job) { return String(decoding: bytes, as: UTF8.self) }
        return placed(for: job).renderPlaced(job)
    }

    /// A file's bytes where they are made without a `String`, else nil:
    /// the sitemap (megabytes that need no UTF-8 check), and with relative
    /// links a list page, whose cards were rendered once for pages of every
    /// depth and get this page's way up to the root as bytes.
    func renderBytes(_ job: OutputJob) -> [UInt8]? {
        switch job {
        case .sitemap: return sitemap.bytes(part: nil, location: location(of:))
        case .sitemapPart(let n): return sitemap.bytes(part: n, location: location(of:))
        case .list where config.links == .relative:
            let placed = placed(for: job)
            return Self.resolvingCardRoot(placed.renderPlaced(job), to: placed.urls.basePath)
        default: return nil
        }
    }

    /// A file made in pieces, where it grows with the site and would be the
    /// largest block of a build's memory made whole: the site's BibTeX.
    func renderStream(_ job: OutputJob) -> ProducedBytes? {
        guard case .siteBibTeX = job else { return nil }
        return { emit in writeBibliography(emit) }
    }

    private func renderPlaced(_ job: OutputJob) -> String {
        switch job {
        case .list(let collection, let page): renderList(collection, page: page)
        case .feed(let collection, let kind): renderFeed(collection, kind)
        case .paper(let i): renderPaper(i)
        case .tagIndex: renderTagIndex()
        case .authorIndex: renderAuthorIndex()
        case .yearIndex: renderYearIndex()
        case .standalone(let i): renderStandalone(i)
        case .notFound: renderNotFound()
        case .paperBibTeX(let i): bibtex(i)
        case .siteBibTeX: ""                // in pieces (`renderStream`)
        case .sitemap, .sitemapPart: ""     // as bytes (`renderBytes`)
        case .robots: "User-agent: *\nAllow: /\n\nSitemap: \(urls.absolute(SiteURLs.sitemap))\n"
        case .searchPage: renderSearchPage()
        case .searchManifest: SearchIndex.script(location(of: job), json: renderSearchManifest())
        case .searchTerms(let i): String(decoding: searchShardFile(i) ?? [], as: UTF8.self)    // checked before rendering: see `SiteBuilder`
        case .searchDocs(let n): SearchIndex.script(location(of: job), json: renderSearchDocs(n))
        case .searchTag(let slug): SearchIndex.script(location(of: job), json: SearchIndex.idsJSON(searchIDs(index.papers(tagged: slug))))
        case .searchYear(let year): SearchIndex.script(location(of: job), json: SearchIndex.idsJSON(searchIDs(index.papers(in: year))))
        }
    }
}
