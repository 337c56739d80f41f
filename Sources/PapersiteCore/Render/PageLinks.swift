import Foundation

/// Links from one page to the others. With `links: relative` (the
/// default) every link between the site's pages and files starts from the
/// page's own folder (`../../css/site.css`), so that the output works at
/// any path of any host and opened from disk; with `links: absolute` they
/// start from the base URL's path. What must be absolute stays so either
/// way (`urls.absolute`: feeds, the sitemap, canonical and citation URLs).
extension SiteRenderer {
    /// Site views made at init for pages up to this depth (the deepest
    /// list is `years/<y>/<m>/page/<n>/`); deeper ones are made when needed.
    static let precomputedDepths = 6

    /// The renderer as the page of `job` sees the site: its `urls`, `site`
    /// and cards start from the page's folder (with relative links).
    func placed(for job: OutputJob) -> SiteRenderer {
        guard config.links == .relative, let depth = linkDepth(of: job) else { return self }
        var placed = self
        placed.linkDepth = depth
        placed.urls = SiteURLs(config: config).placed(depth: depth)
        placed.site = depth < siteViews.count ? siteViews[depth]
            : Self.siteView(config: config, index: index, theme: theme, urls: placed.urls)
        return placed
    }

    /// How many folders below the root the page of `job` is; nil for files
    /// whose links stay absolute: feeds, the sitemap and BibTeX. (The 404
    /// page is placed at the root; as a host serves it at any address, the
    /// theme's `404` template makes its links start from the base path there.)
    func linkDepth(of job: OutputJob) -> Int? {
        switch job {
        case .feed, .sitemap, .sitemapPart, .robots, .paperBibTeX, .siteBibTeX: nil
        // The search page shows the documents' links.
        case .searchDocs: SiteURLs.search.utf8.count { $0 == UInt8(ascii: "/") }
        default: location(of: job).utf8.count { $0 == UInt8(ascii: "/") }
        }
    }

    /// The site-wide view (title, navigation, feeds) with links from `urls`.
    static func siteView(config: SiteConfig, index: SiteIndex, theme: Theme, urls: SiteURLs) -> SiteView {
        var nav = [LinkView(label: "Papers", url: urls.path(""), kind: "home"),
                   LinkView(label: "Tags", url: urls.path(SiteURLs.tagIndex), kind: "tags")]
        if !index.authors.isEmpty { nav.append(LinkView(label: "Authors", url: urls.path(SiteURLs.authorIndex), kind: "authors")) }
        nav.append(LinkView(label: "Archive", url: urls.path(SiteURLs.yearIndex), kind: "years"))
        nav += index.pages.map { LinkView(label: $0.title, url: urls.path(SiteURLs.standalone($0.slug)), kind: "page") }
        return SiteView(
            title: config.title, description: config.description, language: config.language,
            base: urls.basePath, basePath: config.basePath, baseURL: urls.baseURL,
            authorName: config.author.name, authorEmail: config.author.email, authorURL: config.author.url,
            nav: nav, rssURL: urls.feed(SiteURLs.rss, config.links), atomURL: urls.feed(SiteURLs.atom, config.links),
            jsonFeedURL: urls.feed(SiteURLs.jsonFeed, config.links), bibURL: urls.path(SiteURLs.bibliography),
            generator: generator,
            searchURL: config.search && theme.has(template: "search") ? urls.path(SiteURLs.search) : nil)
    }
}

/// Each paper's rendered card, kept apart for each depth of page that
/// shows it (its links differ), each made when first needed.
final class CardsByDepth: @unchecked Sendable {
    private let count: Int
    private let retains: Bool
    private let lock = NSLock()
    private var depths: [LazyValues<String>?] = []

    init(count: Int, retains: Bool) {
        self.count = count
        self.retains = retains
    }

    func at(depth: Int) -> LazyValues<String> {
        lock.withLock {
            if depths.count <= depth { depths += Array(repeating: nil, count: depth + 1 - depths.count) }
            if let cards = depths[depth] { return cards }
            let cards = LazyValues<String>(count: count, retains: retains)
            depths[depth] = cards
            return cards
        }
    }
}
