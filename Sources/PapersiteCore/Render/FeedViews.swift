import Foundation

/// rss.mustache and atom.mustache.
struct FeedView: TemplateObject, Sendable {
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
    var entries: [FeedEntryView]

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
        case "entries": .init(entries.isEmpty ? nil : entries)
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
