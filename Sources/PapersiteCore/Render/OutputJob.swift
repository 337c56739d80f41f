/// One file of the output, planned before anything is rendered. The plan
/// is a list of these; rendering them is independent and runs in parallel.
enum OutputJob: Sendable, Hashable {
    case home(page: Int)
    case paper(Int)
    case tagIndex
    case tag(slug: String, page: Int)
    case standalone(Int)
    case notFound
    case rss(tag: String?)
    case atom(tag: String?)
    case jsonFeed(tag: String?)
    /// `papers/<slug>/cite.bib`
    case paperBibTeX(Int)
    /// `papers.bib`: every paper
    case siteBibTeX
    case sitemap
    case robots

    /// Relative location (URL path under the base path).
    var location: String {
        switch self {
        case .home(let page): SiteURLs.home(page: page)
        case .paper: ""  // resolved by the planner with the slug
        case .tagIndex: SiteURLs.tagIndex
        case .tag(let slug, let page): SiteURLs.tag(slug, page: page)
        case .standalone: ""
        case .notFound: "404.html"
        case .rss(let tag): tag.map(SiteURLs.tagRSS) ?? SiteURLs.rss
        case .atom(let tag): tag.map(SiteURLs.tagAtom) ?? SiteURLs.atom
        case .jsonFeed(let tag): tag.map(SiteURLs.tagJSONFeed) ?? SiteURLs.jsonFeed
        case .paperBibTeX: ""
        case .siteBibTeX: SiteURLs.bibliography
        case .sitemap: SiteURLs.sitemap
        case .robots: "robots.txt"
        }
    }

    var isHTML: Bool {
        switch self {
        case .rss, .atom, .jsonFeed, .paperBibTeX, .siteBibTeX, .sitemap, .robots: false
        default: true
        }
    }
}
