import Foundation

/// rss.mustache and atom.mustache.
struct FeedView: TemplateObject {
    var site: SiteView
    var title: String
    var description: String
    /// Absolute URL of the HTML page the feed mirrors.
    var pageURL: String
    /// Absolute URL of the feed itself.
    var selfURL: String
    var id: String
    var updatedRFC3339: String
    var updatedRFC822: String
    var entries: FeedEntries

    func value(named name: String) -> TemplateValue {
        switch name {
        case "site": .init(site)
        case "title": .init(title)
        case "description": .init(description)
        case "page_url": .init(pageURL)
        case "self_url": .init(selfURL)
        case "id": .init(id)
        case "updated_rfc3339": .init(updatedRFC3339)
        case "updated_rfc822": .init(updatedRFC822)
        case "entries": entries.count == 0 ? .none : .list(entries)
        default: .none
        }
    }
}

struct FeedEntryView: TemplateObject, Sendable {
    var title: String
    var url: String
    /// The arXiv or DOI URL when the paper has one, else `url`.
    var id: String
    var idIsPermalink: Bool
    var publishedRFC3339: String
    var publishedRFC822: String
    var updatedRFC3339: String
    var authors: [AuthorView]
    var categories: [CollectionView]
    /// HTML (escaped by the template into the XML).
    var contentHTML: String
    var summary: String

    init(_ entry: Feed.Entry) {
        title = entry.paper.title
        url = entry.url
        id = entry.id
        idIsPermalink = entry.id == entry.url
        publishedRFC3339 = entry.published.rfc3339
        publishedRFC822 = entry.published.rfc822
        updatedRFC3339 = (entry.paper.updated ?? entry.published).rfc3339
        authors = entry.authors
        categories = entry.tags
        contentHTML = entry.contentHTML ?? ""
        summary = entry.summary
    }

    func value(named name: String) -> TemplateValue {
        switch name {
        case "title": .init(title)
        case "url": .init(url)
        case "id": .init(id)
        case "id_is_permalink": .init(idIsPermalink)
        case "published_rfc3339": .init(publishedRFC3339)
        case "published_rfc822": .init(publishedRFC822)
        case "updated_rfc3339": .init(updatedRFC3339)
        case "authors": .init(authors.isEmpty ? nil : authors)
        case "categories": .init(categories.isEmpty ? nil : categories)
        case "content_html": .init(contentHTML.isEmpty ? nil : contentHTML)
        case "summary": .init(summary)
        default: .none
        }
    }
}
