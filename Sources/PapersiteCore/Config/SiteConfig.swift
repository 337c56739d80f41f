import PaperMarkdown

/// The site's settings, from `content/site.yml`.
public struct SiteConfig: Sendable, Hashable, Codable {
    public var title: String = "Papers"
    public var description: String = "A collection of research papers."
    /// Absolute, with a trailing slash: `https://example.org/group/papers/`.
    public var baseURL: String = "http://localhost:1313/"
    public var baseURLWasSet = false
    /// BCP 47 language tag for `<html lang>` and feeds.
    public var language: String = "en"
    public var author: Author = Author(name: nil, email: nil, url: nil)
    /// Folder name under `Themes/`.
    public var theme: String = "default"
    public var papersPerPage: Int = 20
    public var feed: FeedSettings = FeedSettings()
    public var markdown: MarkdownOptions = MarkdownOptions()
    /// How math in abstracts and notes is typeset in the browser.
    public var math: MathRendering = .none
    public var mathLocation: SourceLocation?
    public var tagRules: [TagRule] = []
    /// Related papers shown on each paper page (0: none).
    public var relatedPapers: Int = 5
    /// Write the search page and its index (when the theme has a `search` template).
    public var search = true
    /// How pages link to each other and to the site's files.
    public var links: Links = .relative

    public init() {}

    public struct Author: Sendable, Hashable, Codable {
        public var name: String?
        public var email: String?
        public var url: String?
    }

    public struct FeedSettings: Sendable, Hashable, Codable {
        /// Most recent papers in each feed.
        public var limit: Int = 20
        /// `full`: abstract and notes; `summary`: the abstract's first sentences.
        public var content: FeedContent = .full
    }

    public enum MathRendering: String, Sendable, Hashable, CaseIterable, Codable {
        /// Math stays as its LaTeX source.
        case none
        /// KaTeX, copied into the site from Debian's libjs-katex.
        case katex
    }

    public enum Links: String, Sendable, Hashable, CaseIterable, Codable {
        /// `../../css/site.css`, `../other-paper/`: the output works at
        /// any path of any host, and opened from disk.
        case relative
        /// `/group/papers/css/site.css`: from the base URL's path.
        case absolute
    }

    public enum FeedContent: String, Sendable, Hashable, CaseIterable, Codable {
        case full
        case summary
    }

    /// The path part of the base URL: `/group/papers/` (or `/`).
    public var basePath: String {
        guard let schemeEnd = baseURL.range(of: "://") else { return "/" }
        let rest = baseURL[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "/" }
        return String(rest[slash...])
    }
}

/// A tag and the phrases that earn it.
public struct TagRule: Sendable, Hashable, Codable {
    public var tag: String
    /// Matched case-insensitively, on word boundaries, in title and abstract.
    /// A trailing `*` matches any word ending (`transformer*`).
    public var phrases: [String]
    public var source: SourceLocation

    public init(tag: String, phrases: [String], source: SourceLocation) {
        self.tag = tag
        self.phrases = phrases
        self.source = source
    }
}
