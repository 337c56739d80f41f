/// One paper record, whatever source it came from.
///
/// A record has some twenty fields, most of them strings and arrays; as a
/// plain struct every copy (into an array, a loop variable, a closure)
/// retains each of them. The fields live in one shared box instead, copied
/// only when a shared record is changed (copy on write, as the standard
/// library's collections do), so a copy costs one retain.
public struct Paper: Sendable, Hashable {
    struct Fields: Sendable, Hashable {
        var key: String
        var slug: String
        var title: String
        var authors: [String]
        var affiliations: [String] = []
        var comment: String?
        var bibKey: String?
        var published: Day?
        var datePrecision: DatePrecision = .day
        var updated: Day?
        var tags: [String]
        var arxiv: String?
        var arxivVersion: Int?
        var doi: String?
        /// Kept apart, and only when one is set: four optional strings are
        /// 64 bytes, and most records have none (an arXiv snapshot's never).
        var linkBox: LinkBox?
        var links: Links {
            get { linkBox?.links ?? Links() }
            set { linkBox = newValue == Links() ? nil : LinkBox(newValue) }
        }
        var venue: String?
        var abstract: PaperText
        var notes: String
        var draft: Bool
        var source: SourceLocation
        var slugIsExplicit: Bool
    }

    final class LinkBox: Sendable, Hashable {
        let links: Links
        init(_ links: Links) { self.links = links }
        static func == (a: LinkBox, b: LinkBox) -> Bool { a.links == b.links }
        func hash(into hasher: inout Hasher) { links.hash(into: &hasher) }
    }

    private final class Storage: @unchecked Sendable {
        // Changed only through `makeUnique`, when this box is the record's alone.
        var fields: Fields
        /// `RecordCodec.hash` of the fields, when known (set as a record is
        /// decoded from the cache or stored in it, dropped by any change);
        /// after `rename`, that hash with the new names hashed in: either
        /// way, a number that changes whenever the fields do.
        var recordHash: UInt64?
        init(_ fields: Fields) { self.fields = fields }
    }

    var recordHash: UInt64? { storage.recordHash }

    /// Records the hash of a record just made (its box is its own).
    mutating func setRecordHash(_ hash: UInt64) {
        makeUnique()
        storage.recordHash = hash
    }

    /// Gives the record the slug the site chose for it, and that slug as
    /// its key too where the key was the slug it had, keeping its hash
    /// known: the hash before and the new names, hashed. A title shared by
    /// thousands of papers renames thousands on every build, and encoding
    /// each again to hash it (its abstract read back from the cache) made
    /// reading a tenth slower than with titles all distinct.
    mutating func rename(slug: String) {
        let before = recordHash, renamesKey = key == self.slug
        self.slug = slug
        if renamesKey { key = slug }
        if let before {
            setRecordHash(Fingerprint.of { f in f.add("renamed"); f.add(before); f.add(slug); f.add(renamesKey) })
        }
    }

    private var storage: Storage

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
    }

    public static func == (a: Paper, b: Paper) -> Bool { a.storage === b.storage || a.storage.fields == b.storage.fields }
    public func hash(into hasher: inout Hasher) { storage.fields.hash(into: &hasher) }

    /// Stable identity: arXiv id without version, else DOI, else slug.
    public var key: String {
        get { storage.fields.key }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.key }
    }
    /// URL segment of the paper's page; unique in a site.
    public var slug: String {
        get { storage.fields.slug }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.slug }
    }
    public var title: String {
        get { storage.fields.title }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.title }
    }
    /// In order, as printed on the paper.
    public var authors: [String] {
        get { storage.fields.authors }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.authors }
    }
    /// Each author's affiliation, where the source gives it (same order as `authors`; "" when unknown).
    public var affiliations: [String] {
        get { storage.fields.affiliations }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.affiliations }
    }
    /// A source's note on the paper, such as arXiv's comment ("12 pages, accepted at ICML").
    public var comment: String? {
        get { storage.fields.comment }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.comment }
    }
    /// The BibTeX entry key, for records read from a `.bib` file.
    public var bibKey: String? {
        get { storage.fields.bibKey }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.bibKey }
    }
    /// The day of publication; nil for a record whose source gives no
    /// date (a bibliography entry without a year), listed as undated.
    public var published: Day? {
        get { storage.fields.published }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.published }
    }
    /// How much of `published` the source gave.
    public var datePrecision: DatePrecision {
        get { storage.fields.datePrecision }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.datePrecision }
    }
    /// `published` as far as known, for pages: `14 March 2025`, `March 2025`, `2025`.
    public var publishedText: String? { published?.long(datePrecision) }
    /// `published` in ISO 8601 as far as known: `2025-03-14`, `2025-03`, `2025`.
    public var publishedISO: String? { published?.iso(datePrecision) }
    public var updated: Day? {
        get { storage.fields.updated }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.updated }
    }
    /// Tag names as the record gives them (rules add more in the index).
    public var tags: [String] {
        get { storage.fields.tags }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.tags }
    }
    /// arXiv identifier without version (`2403.01234`, `hep-th/9711200`).
    public var arxiv: String? {
        get { storage.fields.arxiv }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.arxiv }
    }
    public var arxivVersion: Int? {
        get { storage.fields.arxivVersion }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.arxivVersion }
    }
    public var doi: String? {
        get { storage.fields.doi }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.doi }
    }
    public var links: Links {
        get { storage.fields.links }
        set { makeUnique(); storage.recordHash = nil; storage.fields.links = newValue }
    }
    public var venue: String? {
        get { storage.fields.venue }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.venue }
    }
    /// Markdown.
    public var abstract: String {
        get { storage.fields.abstract.string }
        set { makeUnique(); storage.recordHash = nil; storage.fields.abstract = PaperText(newValue) }
    }
    /// The abstract as kept (read only when a stage needs its text).
    var abstractText: PaperText { storage.fields.abstract }

    /// Replaces author `k`'s name with `shared`, an equal string that
    /// other records hold as well (the record's hash stands).
    mutating func shareAuthorName(_ k: Int, with shared: String) {
        makeUnique()
        storage.fields.authors[k] = shared
    }

    /// Keeps the abstract where the build cache stored it, as the same
    /// text (so the record's hash stands).
    mutating func keepAbstract(_ stored: PaperText) {
        makeUnique()
        storage.fields.abstract = stored
    }
    /// Markdown.
    public var notes: String {
        get { storage.fields.notes }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.notes }
    }
    public var draft: Bool {
        get { storage.fields.draft }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.draft }
    }
    /// Where the record starts, for messages.
    public var source: SourceLocation {
        get { storage.fields.source }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.source }
    }
    /// Whether `slug` was given by the record (and so must not be changed).
    public var slugIsExplicit: Bool {
        get { storage.fields.slugIsExplicit }
        _modify { makeUnique(); storage.recordHash = nil; yield &storage.fields.slugIsExplicit }
    }

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
        title: String, authors: [String] = [], published: Day?, datePrecision: DatePrecision = .day, updated: Day? = nil,
        tags: [String] = [], arxiv: String? = nil, arxivVersion: Int? = nil, doi: String? = nil,
        links: Links = Links(), venue: String? = nil, abstract: String = "", notes: String = "",
        draft: Bool = false, slug: String? = nil, source: SourceLocation
    ) {
        let s = slug ?? Slug.make(title)
        storage = Storage(Fields(
            key: arxiv.map { "arXiv:\($0)" } ?? doi.map { "doi:\($0.lowercased())" } ?? s, slug: s, title: title,
            authors: authors, published: published, datePrecision: datePrecision, updated: updated, tags: tags, arxiv: arxiv,
            arxivVersion: arxivVersion, doi: doi, linkBox: links == Links() ? nil : LinkBox(links), venue: venue, abstract: PaperText(abstract), notes: notes, draft: draft,
            source: source, slugIsExplicit: slug != nil))
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
