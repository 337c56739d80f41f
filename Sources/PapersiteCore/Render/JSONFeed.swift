/// JSON Feed 1.1 (https://jsonfeed.org/version/1.1), written by code
/// rather than by a template: Mustache escapes for HTML, not for JSON.
enum JSONFeed {
    struct Item {
        var id: String
        var url: String
        var title: String
        var contentHTML: String?
        var summary: String
        var published: Day
        var modified: Day?
        var authors: [String]
        var tags: [String]
        var externalURL: String?
    }

    static func document(title: String, homePageURL: String, feedURL: String, description: String,
                         language: String, author: String?, items: [Item]) -> String {
        var feed: [String: JSONValue] = [
            "version": "https://jsonfeed.org/version/1.1",
            "title": .string(title),
            "home_page_url": .string(homePageURL),
            "feed_url": .string(feedURL),
            "description": .string(description),
            "language": .string(language),
            "items": .array(items.map { item -> JSONValue in
                var entry: [String: JSONValue] = [
                    "id": .string(item.id),
                    "url": .string(item.url),
                    "title": .string(item.title),
                    "summary": .string(item.summary),
                    "date_published": .string(item.published.rfc3339),
                ]
                if let html = item.contentHTML { entry["content_html"] = .string(html) } else { entry["content_text"] = .string(item.summary) }
                if let modified = item.modified { entry["date_modified"] = .string(modified.rfc3339) }
                if !item.authors.isEmpty { entry["authors"] = .array(item.authors.map { ["name": .string($0)] }) }
                if !item.tags.isEmpty { entry["tags"] = .strings(item.tags) }
                if let external = item.externalURL { entry["external_url"] = .string(external) }
                return .object(entry)
            }),
        ]
        if let author { feed["authors"] = [["name": .string(author)]] }
        return JSONText.encode(.object(feed)) + "\n"
    }
}
