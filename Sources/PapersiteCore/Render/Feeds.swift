import Foundation

/// RSS, Atom (by the theme's templates) and JSON Feed (by code).
extension SiteRenderer {
    enum FeedFormat { case rss, atom }

    func feedView(_ collection: PaperCollection, format: FeedFormat) -> FeedView {
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
                authors: authorViews(i, names: made.authorNames), categories: collectionViews(index.paperTags[i]),
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
}
