
// Template models. Each is a plain struct the templates read by name
// through `TemplateObject` (typed values: no reflection, no casts). The names below are the theme API,
// documented in docs/themes.md.

/// Site-wide values, available to every template as `site`.
struct SiteView: TemplateObject, Sendable {
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
    /// The search page, when the site has one.
    var searchURL: String?

    func value(named name: String) -> TemplateValue {
        switch name {
        case "title": .init(title)
        case "description": .init(description)
        case "language": .init(language)
        case "base": .init(base)
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
struct LinkView: TemplateObject, Sendable {
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
    var count: Int

    func value(named name: String) -> TemplateValue {
        switch name {
        case "name": .init(self.name)
        case "slug": .init(slug)
        case "url": .init(url)
        case "count": .init(count)
        case "plural": .init(count != 1)
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

/// A paper's card, field by field: what `partials/card` shows (title,
/// authors, date, summary, tags), and what related papers list.
struct CardFields: TemplateObject, Sendable {
    var title: String
    /// The title escaped for HTML, with its math marked up.
    var titleHTML: String
    var url: String
    var authors: [AuthorView]
    /// "A, B, C et al." for lists.
    var authorsShort: String?
    /// Nil for an undated paper, as is `date`.
    var dateISO: String?
    var date: String?
    var tags: [CollectionView]
    var summary: String?

    func value(named name: String) -> TemplateValue {
        switch name {
        case "title": .init(title)
        case "title_html": .init(titleHTML)
        case "url": .init(url)
        case "authors": .init(authors.isEmpty ? nil : authors)
        case "authors_short": .init(authorsShort)
        case "date_iso": .init(dateISO)
        case "date": .init(date)
        case "tags": .init(tags.isEmpty ? nil : tags)
        case "has_tags": .init(!tags.isEmpty)
        case "summary": .init(summary)
        default: .none
        }
    }
}

/// A paper's card in a list. `card` is `partials/card` already rendered
/// for it (`renderedCard`: once per build, however many lists it is on);
/// the card's fields are there too, for themes that lay lists out
/// differently, made when first asked for.
struct Card: TemplateObject {
    let list: Cards
    let index: Int

    func value(named name: String) -> TemplateValue {
        if name == "card" { return .text(list.renderer.renderedCard(index)) }
        return list.view(index).value(named: name)
    }
}

/// The cards of one list page: one reference to the renderer for all of
/// them, and their fields made only if the theme asks for them.
final class Cards {
    let renderer: SiteRenderer
    private var views: [Int: CardFields] = [:]

    init(renderer: SiteRenderer) { self.renderer = renderer }

    func view(_ i: Int) -> CardFields {
        if let view = views[i] { return view }
        let view = renderer.cardFields(i)
        views[i] = view
        return view
    }
}

/// Pagination of a list: page N of M with links.
struct PaginationView: TemplateObject, Sendable {
    var current: Int
    var total: Int
    var previousURL: String?
    var nextURL: String?
    var pages: [LinkView]

    func value(named name: String) -> TemplateValue {
        switch name {
        case "current": .init(current)
        case "total": .init(total)
        case "previous_url": .init(previousURL)
        case "next_url": .init(nextURL)
        case "pages": .init(pages)
        case "is_paginated": .init(total > 1)
        default: .none
        }
    }
}

/// A `<meta>` tag: `name="..."` (Highwire, Twitter) or `property="..."` (Open Graph).
struct MetaTagView: TemplateObject, Sendable, Hashable {
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

    func value(named name: String) -> TemplateValue {
        switch name {
        case "attribute": .init(attribute)
        case "name": .init(key)
        case "content": .init(content)
        default: .none
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

    func value(named name: String) -> TemplateValue {
        switch name {
        case "page_title": .init(title)
        case "page_description": .init(description.isEmpty ? nil : description)
        case "canonical_url": .init(canonicalURL)
        case "page_kind": .init(kind)
        case "feed_rss_url": .init(rssURL)
        case "feed_atom_url": .init(atomURL)
        case "feed_json_url": .init(jsonFeedURL)
        case "meta_tags": .init(metaTags.isEmpty ? nil : metaTags)
        case "json_ld": .init(jsonLD)
        case "has_math": .init(hasMath)
        case "on_search_page": .init(kind == "search")
        default: .none
        }
    }
}

/// home.mustache and tag.mustache.
struct ListPageView: TemplateObject {
    var site: SiteView
    var meta: PageMeta
    var heading: String
    var papers: [Card]
    var pagination: PaginationView
    /// The list's tag, author, year or month (nil for the home pages);
    /// templates see it as `group`, and as `tag` on tag pages.
    var group: CollectionView?
    var tags: [CollectionView]
    /// Home pages: one link per year with papers.
    var years: [CollectionView] = []
    /// On a large year's pages: its months. On a month's pages: the year.
    var months: [CollectionView] = []
    var parent: CollectionView?

    func value(named name: String) -> TemplateValue {
        switch name {
        case "site": .init(site)
        case "years": .init(years.isEmpty ? nil : years)
        case "has_years": .init(!years.isEmpty)
        case "months": .init(months.isEmpty ? nil : months)
        case "has_months": .init(!months.isEmpty)
        case "parent": .init(parent)
        case "group": .init(group)
        case "heading": .init(heading)
        case "papers": .init(papers.isEmpty ? nil : papers)
        case "has_papers": .init(!papers.isEmpty)
        case "pagination": .init(pagination)
        case "tag": .init(group)
        case "tags": .init(tags.isEmpty ? nil : tags)
        case "has_tags": .init(!tags.isEmpty)
        case "count": .init(group?.count)
        default: meta.value(named: name)
        }
    }
}

/// paper.mustache.
struct PaperPageView: TemplateObject, Sendable {
    var site: SiteView
    var meta: PageMeta
    var title: String
    var titleHTML: String
    var bibtex: String
    var citeURL: String
    var citationKey: String
    var authors: [AuthorView]
    /// Nil for an undated paper, as is `date`.
    var dateISO: String?
    var date: String?
    var updatedISO: String?
    var updated: String?
    var venue: String?
    var comment: String?
    var arxiv: String?
    var doi: String?
    var tags: [CollectionView]
    var links: [LinkView]
    var abstractHTML: String
    var notesHTML: String

    /// Papers like this one, by their text.
    var related: [CardFields] = []

    func value(named name: String) -> TemplateValue {
        switch name {
        case "site": .init(site)
        case "title": .init(title)
        case "title_html": .init(titleHTML)
        case "bibtex": .init(bibtex)
        case "cite_url": .init(citeURL)
        case "citation_key": .init(citationKey)
        case "authors": .init(authors.isEmpty ? nil : authors)
        case "has_authors": .init(!authors.isEmpty)
        case "date_iso": .init(dateISO)
        case "date": .init(date)
        case "updated_iso": .init(updatedISO)
        case "updated": .init(updated)
        case "venue": .init(venue)
        case "comment": .init(comment)
        case "arxiv": .init(arxiv)
        case "doi": .init(doi)
        case "tags": .init(tags.isEmpty ? nil : tags)
        case "has_tags": .init(!tags.isEmpty)
        case "links": .init(links.isEmpty ? nil : links)
        case "has_links": .init(!links.isEmpty)
        case "abstract_html": .init(abstractHTML.isEmpty ? nil : abstractHTML)
        case "notes_html": .init(notesHTML.isEmpty ? nil : notesHTML)
        case "related": .init(related.isEmpty ? nil : related)
        case "has_related": .init(!related.isEmpty)
        default: meta.value(named: name)
        }
    }
}

/// tags.mustache (the tag index).
struct TagIndexView: TemplateObject, Sendable {
    var site: SiteView
    var meta: PageMeta
    var tags: [CollectionView]

    func value(named name: String) -> TemplateValue {
        switch name {
        case "site": .init(site)
        case "tags": .init(tags.isEmpty ? nil : tags)
        case "has_tags": .init(!tags.isEmpty)
        case "count": .init(tags.count)
        default: meta.value(named: name)
        }
    }
}

/// page.mustache (free-standing pages) and 404.mustache.
struct StandalonePageView: TemplateObject, Sendable {
    var site: SiteView
    var meta: PageMeta
    var title: String
    var contentHTML: String

    func value(named name: String) -> TemplateValue {
        switch name {
        case "site": .init(site)
        case "title": .init(title)
        case "content_html": .init(contentHTML)
        default: meta.value(named: name)
        }
    }
}

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

/// sitemap.mustache.
/// Where a sitemap entry points, relative to the base URL. Most entries are
/// a folder named by a slug (`papers/<slug>/`, `authors/<slug>/page/2/`),
/// which `SitemapWriter` writes as bytes without making a string.
enum SitemapLocation {
    case text(String)
    /// `prefix` + `slug` + `/`, and `page/<page>/` after page 1.
    case slug(prefix: String, slug: String, page: Int)

    var string: String {
        switch self {
        case .text(let text): text
        case .slug(let prefix, let slug, let page): prefix + slug + (page <= 1 ? "/" : "/page/\(page)/")
        }
    }
}

/// Writes the default theme's sitemap as bytes: a large site's sitemap has
/// tens of thousands of entries, and a title edit rewrites it whole.
struct SitemapWriter {
    private var out: [UInt8] = []
    /// The base URL of `add(_:lastmod:)`, escaped once.
    private var base: [UInt8] = []

    init(expectedEntries: Int, base: String = "") {
        FastEscaping.escape(base, into: &self.base)
        out.reserveCapacity(expectedEntries * 96 + 128)
        out += #"<?xml version="1.0" encoding="utf-8"?>"#.utf8
        out += "\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n".utf8
    }

    /// An entry for the base URL + `location` (escaping the parts escapes the whole).
    mutating func add(_ location: SitemapLocation, lastmod: Day?) {
        out += "<url><loc>".utf8
        out += base
        switch location {
        case .text(let text):
            FastEscaping.escape(text, into: &out)
        case .slug(let prefix, let slug, let page):
            FastEscaping.escape(prefix, into: &out)
            FastEscaping.escape(slug, into: &out)
            out.append(UInt8(ascii: "/"))
            if page > 1 { out += "page/\(page)/".utf8 }
        }
        out += "</loc>".utf8
        if let lastmod {
            out += "<lastmod>".utf8
            lastmod.appendISO { out.append($0) }
            out += "</lastmod>".utf8
        }
        out += "</url>\n".utf8
    }

    mutating func add(url: String, lastmod: String?) {
        out += "<url><loc>".utf8
        FastEscaping.escape(url, into: &out)
        out += "</loc>".utf8
        if let lastmod {
            out += "<lastmod>".utf8
            FastEscaping.escape(lastmod, into: &out)
            out += "</lastmod>".utf8
        }
        out += "</url>\n".utf8
    }

    mutating func finish() -> String { String(decoding: finishBytes(), as: UTF8.self) }

    mutating func finishBytes() -> [UInt8] {
        out += "</urlset>\n".utf8
        return out
    }
}

/// search.mustache: the search page; results are made in the browser by
/// `search.js` from the index under `search/`.
struct SearchPageView: TemplateObject, Sendable {
    var site: SiteView
    var meta: PageMeta
    /// Folder of the search index (root-relative, ending in `/`).
    var indexURL: String
    var tags: [CollectionView]
    var years: [CollectionView]
    var count: Int

    func value(named name: String) -> TemplateValue {
        switch name {
        case "site": .init(site)
        case "index_url": .init(indexURL)
        case "tags": .init(tags.isEmpty ? nil : tags)
        case "has_tags": .init(!tags.isEmpty)
        case "years": .init(years.isEmpty ? nil : years)
        case "has_years": .init(!years.isEmpty)
        case "count": .init(count)
        default: meta.value(named: name)
        }
    }
}
