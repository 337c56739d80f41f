import Foundation

// The views of the HTML pages, one per page kind (see Views.swift).

/// Pagination of a list: page N of M with links.
struct PaginationView: TemplateObject, Sendable {
    var current: Int
    var isPaginated: Bool
    /// The next newer and older pages, and the newest and oldest where
    /// they are not those (`Pagination.Links`).
    var previousURL: String?
    var nextURL: String?
    var newestURL: String?
    var oldestURL: String?
    /// On the archive pages: the days their papers span
    /// (`2 February 2024 to 3 March 2024`), where they are dated.
    var dates: String?

    func value(named name: String) -> TemplateValue {
        switch name {
        case "current": .init(current)
        case "is_paginated": .init(isPaginated)
        case "previous_url": .init(previousURL)
        case "next_url": .init(nextURL)
        case "newest_url": .init(newestURL)
        case "oldest_url": .init(oldestURL)
        case "dates": .init(dates)
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
        case "has_date": .init(date != nil)
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
