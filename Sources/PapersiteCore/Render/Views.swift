// Template models, shared by every page kind. Each is a plain value the
// templates read by name through `TemplateObject` (typed values: no
// reflection, no casts): a struct, but for `SiteView`, which every page
// shows many times. The names are the theme API, documented in
// docs/themes.md. Cards are in CardViews.swift, each page kind's view in
// PageViews.swift, the feeds' in FeedViews.swift.

/// Site-wide values, available to every template as `site`. A class:
/// every `{{site.…}}` a page shows passes it, and passing a reference
/// costs one count where a struct of 17 fields was copied whole.
final class SiteView: TemplateObject, Sendable, Encodable {
    let title: String
    let description: String
    let language: String
    /// What every link to the site's pages and files starts with: the way
    /// up to the site's root from the page (`../../`; `./` at the root),
    /// or with `links: absolute` the base path.
    let base: String
    /// The path part of the base URL, ending in `/` (`/group/papers/`).
    let basePath: String
    let baseURL: String
    let authorName: String?
    let authorEmail: String?
    let authorURL: String?
    let nav: [LinkView]
    let rssURL: String
    let atomURL: String
    let jsonFeedURL: String
    let bibURL: String
    let generator: String
    /// The search page, when the site has one.
    let searchURL: String?

    init(title: String, description: String, language: String, base: String, basePath: String, baseURL: String,
         authorName: String?, authorEmail: String?, authorURL: String?, nav: [LinkView], rssURL: String, atomURL: String,
         jsonFeedURL: String, bibURL: String, generator: String, searchURL: String?) {
        self.title = title
        self.description = description
        self.language = language
        self.base = base
        self.basePath = basePath
        self.baseURL = baseURL
        self.authorName = authorName
        self.authorEmail = authorEmail
        self.authorURL = authorURL
        self.nav = nav
        self.rssURL = rssURL
        self.atomURL = atomURL
        self.jsonFeedURL = jsonFeedURL
        self.bibURL = bibURL
        self.generator = generator
        self.searchURL = searchURL
    }

    func value(named name: String) -> TemplateValue {
        switch name {
        case "title": .init(title)
        case "description": .init(description)
        case "language": .init(language)
        case "base": .init(base)
        case "base_path": .init(basePath)
        case "base_url": .init(baseURL)
        case "author_name": .init(authorName)
        case "author_email": .init(authorEmail)
        case "author_url": .init(authorURL)
        case "nav": .init(nav)
        case "rss_url": .init(rssURL)
        case "atom_url": .init(atomURL)
        case "json_feed_url": .init(jsonFeedURL)
        case "bib_url": .init(bibURL)
        case "generator": .init(generator)
        case "search_url": .init(searchURL)
        default: .none
        }
    }
}

/// A labelled link: navigation, paper links, pagination.
struct LinkView: TemplateObject, Sendable, Encodable {
    var label: String
    var url: String
    var kind: String = ""
    var current: Bool = false

    func value(named name: String) -> TemplateValue {
        switch name {
        case "label": .init(label)
        case "url": .init(url.isEmpty ? nil : url)
        case "kind": .init(kind)
        case "current": .init(current)
        default: .none
        }
    }
}

/// A list of papers as templates see it, whatever holds it together: a
/// tag, an author, a year or a month (its `name`, `slug`, `url` and the
/// number of papers). Tag chips on papers are these too.
struct CollectionView: TemplateObject, Sendable {
    var name: String
    var slug: String
    var url: String
    /// The number of papers; nil on the archive pages of a list, which show
    /// no counts (they would change with every paper added).
    var count: Int?

    /// Without its count (see `count`).
    var uncounted: CollectionView { var view = self; view.count = nil; return view }

    func value(named name: String) -> TemplateValue {
        switch name {
        case "name": .init(self.name)
        case "slug": .init(slug)
        case "url": .init(url)
        case "count": .init(count)
        case "plural": .init(count.map { $0 != 1 } ?? false)
        default: .none
        }
    }
}

struct AuthorView: TemplateObject, Sendable {
    var name: String
    var last: Bool
    var affiliation: String? = nil
    /// The author's page (paper pages only).
    var url: String? = nil

    func value(named name: String) -> TemplateValue {
        switch name {
        case "name": .init(self.name)
        case "url": .init(url)
        case "affiliation": .init(affiliation)
        case "last": .init(last)
        default: .none
        }
    }
}
