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
        var feed: [String: Any] = [
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "home_page_url": homePageURL,
            "feed_url": feedURL,
            "description": description,
            "language": language,
            "items": items.map { item -> [String: Any] in
                var entry: [String: Any] = [
                    "id": item.id,
                    "url": item.url,
                    "title": item.title,
                    "summary": item.summary,
                    "date_published": item.published.rfc3339,
                ]
                if let html = item.contentHTML { entry["content_html"] = html } else { entry["content_text"] = item.summary }
                if let modified = item.modified { entry["date_modified"] = modified.rfc3339 }
                if !item.authors.isEmpty { entry["authors"] = item.authors.map { ["name": $0] } }
                if !item.tags.isEmpty { entry["tags"] = item.tags }
                if let external = item.externalURL { entry["external_url"] = external }
                return entry
            },
        ]
        if let author { feed["authors"] = [["name": author]] }
        return JSONText.encode(feed) + "\n"
    }
}
