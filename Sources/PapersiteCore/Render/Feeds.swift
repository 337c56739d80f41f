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
    var entries: [Entry]
}

extension SiteRenderer {
    func feed(_ collection: PaperCollection) -> Feed {
        let chosen = members(collection).prefix(config.feed.limit)
        let entries = chosen.compactMap { i -> Feed.Entry? in
            let paper = index.papers[i]
            guard let published = paper.published else { return nil }
            let url = urls.absolute(SiteURLs.paper(paper.slug))
            let made = rendered(i)
            return Feed.Entry(
                paper: paper, url: url, id: FeedIdentity.id(for: paper, pageURL: url), published: published,
                contentHTML: config.feed.content == .full ? made.abstractHTML + made.notesHTML : nil, summary: made.summary,
                authors: authorViews(i, names: made.authorNames), tags: collectionViews(index.paperTags[i]))
        }
        let newest = chosen.compactMap { index.papers[$0].updated ?? index.papers[$0].published }.max()
            ?? Day(year: 1970, month: 1, day: 1)!
        let group = group(collection)
        return Feed(collection: collection,
                    title: group.map { "\(config.title): \($0.name)" } ?? config.title,
                    description: group.map { feedDescription(collection, $0) } ?? config.description,
                    pageURL: urls.absolute(collection.location()), updated: newest, entries: Array(entries))
    }

    func renderFeed(_ collection: PaperCollection, _ kind: FeedKind) -> String {
        FeedWriter(theme: theme, site: site, config: config, urls: urls).file(feed(collection), kind: kind)
    }
}

/// Writes a `Feed` in one format: RSS and Atom by the theme's templates,
/// JSON Feed by code (Mustache escapes for HTML, not for JSON).
struct FeedWriter {
    let theme: Theme
    let site: SiteView
    let config: SiteConfig
    let urls: SiteURLs

    func file(_ feed: Feed, kind: FeedKind) -> String {
        let selfURL = urls.absolute(feed.collection.feed(kind) ?? "")
        switch kind {
        case .rss: return theme.render(view(feed, selfURL: selfURL), template: "rss")
        case .atom: return theme.render(view(feed, selfURL: selfURL), template: "atom")
        case .json:
            let items = feed.entries.map { entry in
                JSONFeed.Item(
                    id: entry.id, url: entry.url, title: entry.paper.title, contentHTML: entry.contentHTML,
                    summary: entry.summary, published: entry.published, modified: entry.paper.updated,
                    authors: entry.paper.authors, tags: entry.tags.map(\.name),
                    externalURL: entry.paper.arxiv.map { "https://arxiv.org/abs/\($0)" }
                        ?? entry.paper.doi.map(FeedIdentity.doiURL) ?? entry.paper.links.url)
            }
            return JSONFeed.document(title: feed.title, homePageURL: feed.pageURL, feedURL: selfURL, description: feed.description,
                                     language: config.language, author: config.author.name ?? config.title, items: items)
        }
    }

    /// rss.mustache's and atom.mustache's view.
    private func view(_ feed: Feed, selfURL: String) -> FeedView {
        FeedView(
            site: site, title: feed.title, description: feed.description, pageURL: feed.pageURL, selfURL: selfURL,
            id: feed.pageURL, updatedRFC3339: feed.updated.rfc3339, updatedRFC822: feed.updated.rfc822,
            entries: feed.entries.map { entry in
                FeedEntryView(
                    title: entry.paper.title, url: entry.url, id: entry.id, idIsPermalink: entry.id == entry.url,
                    publishedRFC3339: entry.published.rfc3339, publishedRFC822: entry.published.rfc822,
                    updatedRFC3339: (entry.paper.updated ?? entry.published).rfc3339,
                    authors: entry.authors, categories: entry.tags, contentHTML: entry.contentHTML ?? "", summary: entry.summary)
            })
    }
}
