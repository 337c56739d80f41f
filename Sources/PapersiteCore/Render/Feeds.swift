import Foundation

/// One collection's feed, whatever its format: its newest dated papers
/// (up to `feed.limit`; a feed entry needs a date, and undated papers sort
/// last) and what names it. Made once here, written by `FeedWriter` as
/// RSS, Atom or JSON Feed.
struct Feed {
    struct Entry {
        var paper: Paper
        var url: String
        /// The arXiv or DOI URL when the paper has one, else `url`.
        var id: String
        var published: Day
        /// Abstract and notes as HTML, with `feed.content: full`.
        var contentHTML: String?
        var summary: String
        var authors: [AuthorView]
        var tags: [CollectionView]
    }

    var collection: PaperCollection
    var title: String
    var description: String
    /// Absolute URL of the HTML page the feed mirrors (also the feed's id).
    var pageURL: String
    /// The newest date among the papers chosen (dated or not).
    var updated: Day
    /// The entries' papers, newest first (each entry is made when written:
    /// one kept from another feed is not made at all).
    var papers: [Int]
}

extension SiteRenderer {
    func feed(_ collection: PaperCollection) -> Feed {
        let chosen = members(collection).prefix(config.feed.limit)
        let newest = chosen.compactMap { index.papers[$0].updated ?? index.papers[$0].published }.max() ?? .epoch
        let group = group(collection)
        return Feed(collection: collection,
                    title: group.map { "\(config.title): \($0.name)" } ?? config.title,
                    description: group.map { feedDescription(collection, $0) } ?? config.description,
                    pageURL: urls.absolute(collection.location()), updated: newest,
                    papers: chosen.filter { index.papers[$0].published != nil })
    }

    /// Paper `i`'s feed entry (a dated paper's).
    func feedEntry(_ i: Int) -> Feed.Entry {
        let paper = index.papers[i]
        let url = urls.absolute(SiteURLs.paper(paper.slug))
        let made = rendered(i)
        return Feed.Entry(
            paper: paper, url: url, id: FeedIdentity.id(for: paper, pageURL: url), published: paper.published ?? .epoch,
            contentHTML: config.feed.content == .full ? made.abstractHTML + made.notesHTML : nil, summary: made.summary,
            authors: authorViews(i, names: made.authorNames), tags: collectionViews(index.paperTags[i]))
    }

    /// What each paper's entry as `template` (rss or atom, with its
    /// partials) is made from: its record, tags and authors' pages, the
    /// site's settings, and where its links start (the base path in every
    /// feed; were feeds placed as pages are, a tag's link would differ by
    /// the feed's folder); nil without a cache.
    func feedEntryKeys(template: String) -> FeedEntryKeys? {
        fingerprints.map { fp in
            var shared = Fingerprint()
            shared.add("feed entry"); shared.add(template); shared.add(fp.site); shared.add(fp.templates[template] ?? 0); shared.add(urls.basePath)
            return FeedEntryKeys(shared: shared, fingerprints: fp)
        }
    }

    func renderFeed(_ collection: PaperCollection, _ kind: FeedKind) -> String {
        FeedWriter(renderer: self).file(feed(collection), kind: kind)
    }
}

/// Writes a `Feed` in one format: RSS and Atom by the theme's templates,
/// JSON Feed by code (Mustache escapes for HTML, not for JSON).
struct FeedWriter {
    let renderer: SiteRenderer

    func file(_ feed: Feed, kind: FeedKind) -> String {
        let r = renderer
        let selfURL = r.urls.absolute(feed.collection.feed(kind) ?? "")
        if let template = kind.template { return r.theme.render(view(feed, selfURL: selfURL, template: template), template: template) }
        // JSON Feed, by code.
        let items = feed.papers.map { i in
            let entry = r.feedEntry(i)
            return JSONFeed.Item(
                id: entry.id, url: entry.url, title: entry.paper.title, contentHTML: entry.contentHTML,
                summary: entry.summary, published: entry.published, modified: entry.paper.updated,
                authors: entry.paper.authors, tags: entry.tags.map(\.name),
                externalURL: entry.paper.arxiv.map { "https://arxiv.org/abs/\($0)" }
                    ?? entry.paper.doi.map(FeedIdentity.doiURL) ?? entry.paper.links.url)
        }
        return JSONFeed.document(title: feed.title, homePageURL: feed.pageURL, feedURL: selfURL, description: feed.description,
                                 language: r.config.language, author: r.config.author.name ?? r.config.title, items: items)
    }

    /// rss.mustache's and atom.mustache's view.
    private func view(_ feed: Feed, selfURL: String, template: String) -> FeedView {
        FeedView(
            site: renderer.site, title: feed.title, description: feed.description, pageURL: feed.pageURL, selfURL: selfURL,
            id: feed.pageURL, updatedRFC3339: feed.updated.rfc3339, updatedRFC822: feed.updated.rfc822,
            entries: FeedEntries(renderer: renderer, papers: feed.papers, template: template))
    }
}

/// A feed's entries, as rss.mustache and atom.mustache list them: each
/// made when first asked for, and what a template's section made of it
/// kept in the build's cache, so that a paper in several feeds (its
/// authors', its tags', the site's) is written out once per build.
final class FeedEntries: KeptSections {
    let renderer: SiteRenderer
    let papers: [Int]
    private let keys: FeedEntryKeys?

    init(renderer: SiteRenderer, papers: [Int], template: String) {
        self.renderer = renderer
        self.papers = papers
        keys = renderer.feedEntryKeys(template: template)
    }

    var count: Int { papers.count }

    /// Where the section `section` made of a feed entry is kept.
    static func key(entry: UInt64, section: UInt64) -> UInt64 {
        Fingerprint.of { f in f.add(entry); f.add(section) }
    }

    /// For each feed template, the identities of the sections that may list
    /// its entries (`{{#entries}}`, in it or in a partial it reaches).
    static func sectionIdentities(in theme: Theme) -> [(template: String, sections: [UInt64])] {
        FeedKind.allCases.compactMap(\.template).map { ($0, theme.sectionIdentities(named: "entries", from: [$0])) }
    }

    func element(at index: Int) -> TemplateValue { .object(FeedEntryView(renderer.feedEntry(papers[index]))) }

    func section(at index: Int, in section: CompiledTemplate, render: () -> (text: String, isOwn: Bool)) -> String {
        guard let entry = keys?.key(papers[index]) else { return render().text }
        let key = Self.key(entry: entry, section: section.identity)
        if let kept = renderer.feedSections.stored(key) { return kept }
        let made = render()
        if made.isOwn { renderer.feedSections.store(key, made.text) }
        return made.text
    }
}

/// The keys of papers' entries in one feed template (see
/// `SiteRenderer.feedEntryKeys`): what every entry shares is hashed once,
/// and each paper adds its record's, tags' and authors' hashes.
struct FeedEntryKeys {
    let shared: Fingerprint
    let fingerprints: RenderFingerprints

    func key(_ i: Int) -> UInt64 {
        var f = shared
        f.add(fingerprints.papers[i]); f.add(fingerprints.tags[i]); f.add(fingerprints.authorLinks[i])
        return f.value
    }
}
