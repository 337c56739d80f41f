/// Where things are: every link in the output goes through here, so the
/// site works under a base path (`https://example.org/group/papers/`).
public struct SiteURLs: Sendable {
    /// Absolute, ending in `/`.
    public let baseURL: String
    /// What every link starts with: the path part of the base URL
    /// (starting and ending with `/`), or for a page placed with relative
    /// links, the way up to the site's root (`../../`).
    public let basePath: String

    public init(config: SiteConfig) {
        baseURL = config.baseURL
        basePath = config.basePath
    }

    private init(baseURL: String, basePath: String) {
        self.baseURL = baseURL
        self.basePath = basePath
    }

    /// The links of a page `depth` folders below the site's root, relative
    /// to it: `path(_:)` starts with `../` once for each folder, or `./`
    /// at the root (an empty link would be the page itself only by accident).
    func placed(depth: Int) -> SiteURLs {
        placed(base: depth == 0 ? "./" : String(repeating: "../", count: depth))
    }

    /// The links of a page whose way up to the root is `base`.
    func placed(base: String) -> SiteURLs {
        SiteURLs(baseURL: baseURL, basePath: base)
    }

    /// A root-relative link: `papers/x/` → `/group/papers/x/`.
    public func path(_ relative: String) -> String { basePath + relative }

    /// An absolute URL, for feeds, the sitemap and canonical links.
    public func absolute(_ relative: String) -> String { baseURL + relative }

    /// A link to a feed: like any other with relative links; with absolute
    /// links, the whole URL (as a feed reader is given it).
    func feed(_ relative: String, _ links: SiteConfig.Links) -> String {
        links == .relative ? path(relative) : absolute(relative)
    }

    // Relative locations of the site's pages (each a folder with index.html).
    static func home(page: Int) -> String { page <= 1 ? "" : "page/\(page)/" }
    static func paper(_ slug: String) -> String { "papers/\(slug)/" }
    static let tagIndex = "tags/"
    static let authorIndex = "authors/"
    static let yearIndex = "years/"
    static func author(_ slug: String) -> String { "authors/\(slug)/" }
    static func tag(_ slug: String, page: Int = 1) -> String { page <= 1 ? "tags/\(slug)/" : "tags/\(slug)/page/\(page)/" }
    static func tagRSS(_ slug: String) -> String { "tags/\(slug)/feed.xml" }
    static func tagAtom(_ slug: String) -> String { "tags/\(slug)/atom.xml" }
    static func tagJSONFeed(_ slug: String) -> String { "tags/\(slug)/feed.json" }
    static func paperBibTeX(_ slug: String) -> String { "papers/\(slug)/cite.bib" }
    static let bibliography = "papers.bib"
    static let jsonFeed = "feed.json"
    static func standalone(_ slug: String) -> String { "\(slug)/" }
    static let rss = "feed.xml"
    static let atom = "atom.xml"
    static let sitemap = "sitemap.xml"
    /// One of the sitemaps of a site too large for one (see `SiteRenderer.sitemapLimit`).
    static func sitemapPart(_ n: Int) -> String { "sitemaps/\(n).xml" }
    static let search = "search/"

    /// The file a relative location is written to: `papers/x/` → `papers/x/index.html`.
    static func file(for relative: String) -> String {
        relative.isEmpty || relative.utf8.last == UInt8(ascii: "/") ? relative + "index.html" : relative
    }
}
