/// One paper record, whatever source it came from.
public struct Paper: Sendable, Hashable {
    /// Stable identity: arXiv id without version, else DOI, else slug.
    public var key: String
    /// URL segment of the paper's page; unique in a site.
    public var slug: String
    public var title: String
    /// In order, as printed on the paper.
    public var authors: [String]
    /// Each author's affiliation, where the source gives it (same order as `authors`; "" when unknown).
    public var affiliations: [String] = []
    /// A source's note on the paper, such as arXiv's comment ("12 pages, accepted at ICML").
    public var comment: String?
    /// The BibTeX entry key, for records read from a `.bib` file.
    public var bibKey: String?
    public var published: Day
    public var updated: Day?
    /// Tag names as the record gives them (rules add more in the index).
    public var tags: [String]
    /// arXiv identifier without version (`2403.01234`, `hep-th/9711200`).
    public var arxiv: String?
    public var arxivVersion: Int?
    public var doi: String?
    public var links: Links
    public var venue: String?
    /// Markdown.
    public var abstract: String
    /// Markdown.
    public var notes: String
    public var draft: Bool
    /// Where the record starts, for messages.
    public var source: SourceLocation
    /// Whether `slug` was given by the record (and so must not be changed).
    public var slugIsExplicit: Bool

    public struct Links: Sendable, Hashable {
        /// The paper's landing page (publisher or project page).
        public var url: String?
        public var pdf: String?
        public var code: String?
        /// The page the record was taken from (a listing's source).
        public var listing: String?

        public init(url: String? = nil, pdf: String? = nil, code: String? = nil, listing: String? = nil) {
            self.url = url
            self.pdf = pdf
            self.code = code
            self.listing = listing
        }
    }

    public init(
        title: String, authors: [String] = [], published: Day, updated: Day? = nil,
        tags: [String] = [], arxiv: String? = nil, arxivVersion: Int? = nil, doi: String? = nil,
        links: Links = Links(), venue: String? = nil, abstract: String = "", notes: String = "",
        draft: Bool = false, slug: String? = nil, source: SourceLocation
    ) {
        self.title = title
        self.authors = authors
        self.published = published
        self.updated = updated
        self.tags = tags
        self.arxiv = arxiv
        self.arxivVersion = arxivVersion
        self.doi = doi
        self.links = links
        self.venue = venue
        self.abstract = abstract
        self.notes = notes
        self.draft = draft
        self.source = source
        self.slugIsExplicit = slug != nil
        let s = slug ?? Slug.make(title)
        self.slug = s
        self.key = arxiv.map { "arXiv:\($0)" } ?? doi.map { "doi:\($0.lowercased())" } ?? s
    }
}

/// A free-standing page (`content/pages/about.md`).
public struct StandalonePage: Sendable, Hashable {
    public var title: String
    public var slug: String
    public var description: String?
    /// Markdown.
    public var body: String
    /// Order in the header navigation (lower first); ties by title.
    public var weight: Int
    public var draft: Bool
    public var source: SourceLocation

    public init(title: String, slug: String, description: String?, body: String, weight: Int, draft: Bool, source: SourceLocation) {
        self.title = title
        self.slug = slug
        self.description = description
        self.body = body
        self.weight = weight
        self.draft = draft
        self.source = source
    }
}
