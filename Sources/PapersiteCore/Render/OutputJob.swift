/// A list of papers with pages of its own: the whole site (the home
/// pages), a tag, an author or a year.
enum PaperCollection: Sendable, Hashable {
    case all
    case tag(String)
    case author(String)
    case year(Int)
    /// A month of a large year (`years/2024/03/`).
    case month(Int, Int)

    /// Relative location of the collection's page `page`.
    func location(page: Int = 1) -> String {
        let base: String
        switch self {
        case .all: return SiteURLs.home(page: page)
        case .tag(let slug): base = "tags/\(slug)/"
        case .author(let slug): base = "authors/\(slug)/"
        case .year(let year): base = "years/\(year)/"
        case .month(let year, let month): base = "years/\(year)/\(month < 10 ? "0" : "")\(month)/"
        }
        return page <= 1 ? base : base + "page/\(page)/"
    }

    /// Where the collection's feed of `kind` is. Years have none; authors
    /// have an Atom feed only (a site has thousands of authors, and every
    /// feed reader reads Atom).
    func feed(_ kind: FeedKind) -> String? {
        guard hasFeed(kind) else { return nil }
        let file: String
        switch kind {
        case .rss: file = "feed.xml"
        case .atom: file = "atom.xml"
        case .json: file = "feed.json"
        }
        return self == .all ? file : location() + file
    }

    /// Whether the collection has a feed of `kind` (see `feed(_:)`).
    func hasFeed(_ kind: FeedKind) -> Bool {
        switch self {
        case .all, .tag: true
        case .author: kind == .atom
        case .year, .month: false
        }
    }

    /// The template that renders the collection's pages.
    var template: String {
        switch self {
        case .all: "home"
        case .tag: "tag"
        case .author: "author"
        case .year, .month: "year"
        }
    }
}

enum FeedKind: Sendable, Hashable, CaseIterable {
    case rss, atom, json

    /// The theme's template for the feed (JSON Feed is written by code).
    var template: String? {
        switch self {
        case .rss: "rss"
        case .atom: "atom"
        case .json: nil
        }
    }
}

/// One file of the output, planned before anything is rendered. The plan
/// is a list of these; rendering them is independent and runs in parallel.
enum OutputJob: Sendable, Hashable {
    case list(PaperCollection, page: Int)
    case feed(PaperCollection, FeedKind)
    case paper(Int)
    /// `papers/<slug>/cite.bib`
    case paperBibTeX(Int)
    case tagIndex
    case authorIndex
    case yearIndex
    case standalone(Int)
    case notFound
    /// `papers.bib`: every paper
    case siteBibTeX
    /// `sitemap.xml`: the sitemap, or for a large site the index of its parts
    case sitemap
    /// `sitemaps/<n>.xml`: part n (from 1) of a large site's sitemap
    case sitemapPart(Int)
    case robots
    /// `search/`: the search page
    case searchPage
    /// `search/index.json` and the other files of the search index
    case searchManifest
    case searchTerms(Int)
    case searchDocs(Int)
    case searchTag(String)
    case searchYear(Int)

    /// Relative location (URL path under the base path); papers and pages
    /// are resolved by the renderer, which knows their slugs.
    var location: String {
        switch self {
        case .list(let collection, let page): collection.location(page: page)
        case .feed(let collection, let kind): collection.feed(kind) ?? ""
        case .paper, .paperBibTeX, .standalone: ""
        case .tagIndex: SiteURLs.tagIndex
        case .authorIndex: SiteURLs.authorIndex
        case .yearIndex: SiteURLs.yearIndex
        case .notFound: "404.html"
        case .siteBibTeX: SiteURLs.bibliography
        case .sitemap: SiteURLs.sitemap
        case .sitemapPart(let n): SiteURLs.sitemapPart(n)
        case .robots: "robots.txt"
        case .searchPage: SiteURLs.search
        case .searchManifest: SearchIndex.manifestFile
        case .searchTerms: ""
        case .searchDocs(let n): SearchIndex.docsFile(n)
        case .searchTag(let slug): SearchIndex.tagFile(slug)
        case .searchYear(let year): SearchIndex.yearFile(year)
        }
    }

    /// A file that grows with the whole site (the site's BibTeX, tens of
    /// megabytes at 100,000 papers, and the sitemap), made first among the
    /// files to render: made last, as the plan has them, a rebuild's few
    /// other files were done and one core waited for it.
    var growsWithSite: Bool {
        switch self {
        case .siteBibTeX, .sitemap, .sitemapPart: true
        default: false
        }
    }

    var isHTML: Bool {
        switch self {
        case .feed, .paperBibTeX, .siteBibTeX, .sitemap, .sitemapPart, .robots,
             .searchManifest, .searchTerms, .searchDocs, .searchTag, .searchYear: false
        default: true
        }
    }
}

/// How a list of papers (newest first) is cut into pages. The front page
/// (page 1, at the list's own address) holds the newest papers: from
/// `perPage` to twice that less one (or the whole list, when shorter). The
/// archive pages behind it hold `perPage` papers each, cut from the oldest
/// paper and numbered from it (page 2 is the oldest), so that a page's
/// address keeps its papers for good. A paper added as the newest, the
/// usual addition, then changes the front page only, and every
/// `perPage`-th addition adds an archive page and changes the one before
/// it (its newer neighbour was the front page). Cut or numbered from the
/// newest, as most generators do, every page would change with every
/// addition, or with every `perPage`-th.
struct Pagination: Sendable {
    let perPage: Int

    /// The number of pages of a list of `count` papers (one, empty, for none).
    func pages(_ count: Int) -> Int { max(1, count / perPage) }

    /// The positions in the list that page `page` (from 1) shows.
    func range(page: Int, of count: Int) -> Range<Int> {
        let first = count - (pages(count) - 1) * perPage
        guard page > 1 else { return 0..<first }
        let end = count - (page - 2) * perPage
        return max(0, end - perPage)..<max(0, end)
    }

    /// The pages a page links to: the next newer and older, and the newest
    /// (the front page) and oldest where they are not those already. A page
    /// is made from these and its papers only.
    struct Links: Hashable {
        var newer: Int?, older: Int?, newest: Int?, oldest: Int?
    }

    func links(page: Int, of count: Int) -> Links {
        let total = pages(count)
        guard total > 1 else { return Links() }
        if page == 1 { return Links(newer: nil, older: total, newest: nil, oldest: total > 2 ? 2 : nil) }
        let newer = page == total ? 1 : page + 1
        let older = page > 2 ? page - 1 : nil
        return Links(newer: newer, older: older, newest: newer == 1 ? nil : 1, oldest: page > 3 ? 2 : nil)
    }
}
