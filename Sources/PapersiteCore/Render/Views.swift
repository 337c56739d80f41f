import Mustache

// Template models. Each is a plain struct the templates read by name
// through `MustacheParent` (swift-mustache's reflection path is slow and
// cannot see computed properties). The names below are the theme API,
// documented in the README.

/// Site-wide values, available to every template as `site`.
struct SiteView: MustacheParent, Sendable {
    var title: String
    var description: String
    var language: String
    /// Root-relative base path, ending in `/`: prefix for every link.
    var base: String
    var baseURL: String
    var authorName: String?
    var authorEmail: String?
    var authorURL: String?
    var nav: [LinkView]
    var rssURL: String
    var atomURL: String
    var jsonFeedURL: String
    var bibURL: String
    var generator: String

    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "description": description
        case "language": language
        case "base": base
        case "base_url": baseURL
        case "author_name": authorName
        case "author_email": authorEmail
        case "author_url": authorURL
        case "nav": nav
        case "rss_url": rssURL
        case "atom_url": atomURL
        case "json_feed_url": jsonFeedURL
        case "bib_url": bibURL
        case "generator": generator
        default: nil
        }
    }
}

/// A labelled link: navigation, paper links, pagination.
struct LinkView: MustacheParent, Sendable {
    var label: String
    var url: String
    var kind: String = ""
    var current: Bool = false

    func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "url": url.isEmpty ? nil : url
        case "kind": kind
        case "current": current
        default: nil
        }
    }
}

struct TagView: MustacheParent, Sendable {
    var name: String
    var slug: String
    var url: String
    var count: Int

    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "slug": slug
        case "url": url
        case "count": count
        case "plural": count != 1
        default: nil
        }
    }
}

struct AuthorView: MustacheParent, Sendable {
    var name: String
    var last: Bool
    var affiliation: String? = nil
    /// The author's page (paper pages only).
    var url: String? = nil

    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "url": url
        case "affiliation": affiliation
        case "last": last
        default: nil
        }
    }
}

/// A paper in a list (home, tag pages): a compact card.
struct PaperCardView: MustacheParent, Sendable {
    var title: String
    /// The title escaped for HTML, with its math marked up.
    var titleHTML: String
    var url: String
    var authors: [AuthorView]
    /// "A, B, C et al." for lists.
    var authorsShort: String?
    var dateISO: String
    var date: String
    var tags: [TagView]
    var summary: String?

    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "title_html": titleHTML
        case "url": url
        case "authors": authors.isEmpty ? nil : authors
        case "authors_short": authorsShort
        case "date_iso": dateISO
        case "date": date
        case "tags": tags.isEmpty ? nil : tags
        case "has_tags": !tags.isEmpty
        case "summary": summary
        default: nil
        }
    }
}

/// A paper in a list. `card` is `partials/card` already rendered for it
/// (each paper's card is rendered once per build, however many lists it
/// is on); the card's fields are there too, for themes that lay lists out
/// differently, made when first asked for.
final class ListCard: MustacheParent {
    let renderer: SiteRenderer
    let index: Int
    private var view: PaperCardView?

    init(renderer: SiteRenderer, index: Int) {
        self.renderer = renderer
        self.index = index
    }

    func child(named name: String) -> Any? {
        if name == "card" { return renderer.papers[index].cardHTML }
        if view == nil { view = renderer.card(index) }
        return view!.child(named: name)
    }
}

/// Pagination of a list: page N of M with links.
struct PaginationView: MustacheParent, Sendable {
    var current: Int
    var total: Int
    var previousURL: String?
    var nextURL: String?
    var pages: [LinkView]

    func child(named name: String) -> Any? {
        switch name {
        case "current": current
        case "total": total
        case "previous_url": previousURL
        case "next_url": nextURL
        case "pages": pages
        case "is_paginated": total > 1
        default: nil
        }
    }
}

/// A `<meta>` tag: `name="..."` (Highwire, Twitter) or `property="..."` (Open Graph).
struct MetaTagView: MustacheParent, Sendable, Hashable {
    var attribute: String
    var key: String
    var content: String

    init(name: String, content: String) {
        attribute = "name"
        key = name
        self.content = content
    }

    init(property: String, content: String) {
        attribute = "property"
        key = property
        self.content = content
    }

    func child(named name: String) -> Any? {
        switch name {
        case "attribute": attribute
        case "name": key
        case "content": content
        default: nil
        }
    }
}

/// What every HTML page has: the site and the page's own head values.
struct PageMeta: Sendable {
    var title: String
    var description: String
    /// Absolute.
    var canonicalURL: String
    var kind: String
    var rssURL: String?
    var atomURL: String?
    var jsonFeedURL: String?
    /// Open Graph, Twitter and (on paper pages) citation tags.
    var metaTags: [MetaTagView] = []
    /// JSON-LD for a script block (already escaped for it).
    var jsonLD: String?
    /// True when the page shows math and the site typesets it.
    var hasMath = false

    func child(named name: String) -> Any? {
        switch name {
        case "page_title": title
        case "page_description": description.isEmpty ? nil : description
        case "canonical_url": canonicalURL
        case "page_kind": kind
        case "feed_rss_url": rssURL
        case "feed_atom_url": atomURL
        case "feed_json_url": jsonFeedURL
        case "meta_tags": metaTags.isEmpty ? nil : metaTags
        case "json_ld": jsonLD
        case "has_math": hasMath
        default: nil
        }
    }
}

/// home.mustache and tag.mustache.
struct ListPageView: MustacheParent {
    var site: SiteView
    var meta: PageMeta
    var heading: String
    var papers: [ListCard]
    var pagination: PaginationView
    var tag: TagView?
    var tags: [TagView]
    /// Home pages: one link per year with papers.
    var years: [TagView] = []

    func child(named name: String) -> Any? {
        switch name {
        case "site": site
        case "years": years.isEmpty ? nil : years
        case "has_years": !years.isEmpty
        case "group": tag
        case "heading": heading
        case "papers": papers.isEmpty ? nil : papers
        case "has_papers": !papers.isEmpty
        case "pagination": pagination
        case "tag": tag
        case "tags": tags.isEmpty ? nil : tags
        case "has_tags": !tags.isEmpty
        case "count": tag?.count
        default: meta.child(named: name)
        }
    }
}

/// paper.mustache.
struct PaperPageView: MustacheParent, Sendable {
    var site: SiteView
    var meta: PageMeta
    var title: String
    var titleHTML: String
    var bibtex: String
    var citeURL: String
    var citationKey: String
    var authors: [AuthorView]
    var dateISO: String
    var date: String
    var updatedISO: String?
    var updated: String?
    var venue: String?
    var comment: String?
    var arxiv: String?
    var doi: String?
    var tags: [TagView]
    var links: [LinkView]
    var abstractHTML: String
    var notesHTML: String

    func child(named name: String) -> Any? {
        switch name {
        case "site": site
        case "title": title
        case "title_html": titleHTML
        case "bibtex": bibtex
        case "cite_url": citeURL
        case "citation_key": citationKey
        case "authors": authors.isEmpty ? nil : authors
        case "has_authors": !authors.isEmpty
        case "date_iso": dateISO
        case "date": date
        case "updated_iso": updatedISO
        case "updated": updated
        case "venue": venue
        case "comment": comment
        case "arxiv": arxiv
        case "doi": doi
        case "tags": tags.isEmpty ? nil : tags
        case "has_tags": !tags.isEmpty
        case "links": links.isEmpty ? nil : links
        case "has_links": !links.isEmpty
        case "abstract_html": abstractHTML.isEmpty ? nil : abstractHTML
        case "notes_html": notesHTML.isEmpty ? nil : notesHTML
        default: meta.child(named: name)
        }
    }
}

/// tags.mustache (the tag index).
struct TagIndexView: MustacheParent, Sendable {
    var site: SiteView
    var meta: PageMeta
    var tags: [TagView]

    func child(named name: String) -> Any? {
        switch name {
        case "site": site
        case "tags": tags.isEmpty ? nil : tags
        case "has_tags": !tags.isEmpty
        case "count": tags.count
        default: meta.child(named: name)
        }
    }
}

/// page.mustache (free-standing pages) and 404.mustache.
struct StandalonePageView: MustacheParent, Sendable {
    var site: SiteView
    var meta: PageMeta
    var title: String
    var contentHTML: String

    func child(named name: String) -> Any? {
        switch name {
        case "site": site
        case "title": title
        case "content_html": contentHTML
        default: meta.child(named: name)
        }
    }
}

/// rss.mustache and atom.mustache.
struct FeedView: MustacheParent, Sendable {
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

    func child(named name: String) -> Any? {
        switch name {
        case "site": site
        case "title": title
        case "description": description
        case "page_url": pageURL
        case "self_url": selfURL
        case "id": id
        case "updated_rfc3339": updatedRFC3339
        case "updated_rfc822": updatedRFC822
        case "entries": entries.isEmpty ? nil : entries
        default: nil
        }
    }
}

struct FeedEntryView: MustacheParent, Sendable {
    var title: String
    var url: String
    /// The arXiv or DOI URL when the paper has one, else `url`.
    var id: String
    var idIsPermalink: Bool
    var publishedRFC3339: String
    var publishedRFC822: String
    var updatedRFC3339: String
    var authors: [AuthorView]
    var categories: [TagView]
    /// HTML (escaped by the template into the XML).
    var contentHTML: String
    var summary: String

    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "url": url
        case "id": id
        case "id_is_permalink": idIsPermalink
        case "published_rfc3339": publishedRFC3339
        case "published_rfc822": publishedRFC822
        case "updated_rfc3339": updatedRFC3339
        case "authors": authors.isEmpty ? nil : authors
        case "categories": categories.isEmpty ? nil : categories
        case "content_html": contentHTML.isEmpty ? nil : contentHTML
        case "summary": summary
        default: nil
        }
    }
}

/// sitemap.mustache.
struct SitemapView: MustacheParent, Sendable {
    struct Entry: MustacheParent, Sendable {
        var url: String
        var lastmod: String?
        func child(named name: String) -> Any? {
            switch name {
            case "url": url
            case "lastmod": lastmod
            default: nil
            }
        }
    }

    var entries: [Entry]

    func child(named name: String) -> Any? {
        name == "entries" ? entries : nil
    }
}
