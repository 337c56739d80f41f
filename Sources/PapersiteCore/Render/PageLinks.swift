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
        placed.urls = urls.placed(depth: depth)
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

    /// What a card's links start with where a list page is not known yet:
    /// a card is rendered once and shown on lists at several depths, each
    /// of which puts its own way up to the root in its place
    /// (`resolvingCardRoot`). Control characters never reach a page from a
    /// record, so the marker cannot be met in one.
    static let cardRoot = "\u{1}papersite-root\u{1}"

    /// The renderer that cards are made with: links from `cardRoot` (with
    /// relative links), or from the base path.
    var forCards: SiteRenderer {
        guard config.links == .relative else { return self }
        var placed = self
        placed.urls = urls.placed(base: Self.cardRoot)
        return placed
    }

    /// The bytes of `page` with every `cardRoot` replaced by `prefix`.
    static func resolvingCardRoot(_ page: String, to prefix: String) -> [UInt8] {
        var page = page
        return page.withUTF8 { bytes -> [UInt8] in
            let marker = Array(cardRoot.utf8), replacement = Array(prefix.utf8)
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var run = 0, i = 0
            // (The runs between markers are copied whole.)
            while let found = bytes[i...].firstIndex(of: marker[0]) {
                i = found + 1
                guard found + marker.count <= bytes.count, bytes[found..<found + marker.count].elementsEqual(marker) else { continue }
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[run..<found]))
                out += replacement
                i = found + marker.count
                run = i
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[run...]))
            return out
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
