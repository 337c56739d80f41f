import Foundation

/// What the index derives from names, kept by the build cache between
/// builds: each author spelling's display form and slug, and each paper's
/// citation-key base. They are pure functions of the strings, but the
/// Unicode ones (NFC, accent folding through ICU) cost more than the rest
/// of indexing a paper, and a rebuild meets the same names again.
///
/// Read from many threads while the index is made: what the last build
/// knew is read-only, and what is new is added under a lock.
final class NameMemo: @unchecked Sendable {
    struct AuthorForms: Sendable {
        var display: String
        var slugBase: String
        /// What makes two spellings one author: the display form lowercased
        /// (kept here: lowercasing every name of a large site each build
        /// cost more than looking the names up).
        var key: String

        init(display: String, slugBase: String) {
            self.display = display
            self.slugBase = slugBase
            key = display.lowercased()
        }
    }

    private var knownAuthors: [String: AuthorForms]
    private var knownCitations: [UInt64: String]
    private let lock = NSLock()
    private var newAuthors: [String: AuthorForms] = [:]
    private var newCitations: [UInt64: String] = [:]

    init(authors: [String: AuthorForms] = [:], citations: [UInt64: String] = [:]) {
        knownAuthors = authors
        knownCitations = citations
    }

    /// The display form and slug base of an author as spelled.
    func author(_ spelling: String) -> AuthorForms {
        if let known = knownAuthors[spelling] { return known }
        let display = AuthorName.display(spelling)
        let forms = AuthorForms(display: display, slugBase: Slug.makeDistinct(display, prefix: "author"))
        lock.withLock { newAuthors[spelling] = forms }
        return forms
    }

    /// The citation key a paper would get if no other paper had it.
    func citationBase(_ paper: Paper) -> String {
        let key = Self.citationInput(paper)
        if let known = knownCitations[key] { return known }
        let base = CitationKeys.base(paper)
        lock.withLock { newCitations[key] = base }
        return base
    }

    /// Everything `CitationKeys.base` reads, as one number (no string made).
    private static func citationInput(_ paper: Paper) -> UInt64 {
        Fingerprint.of { f in f.add(paper.published?.year ?? Int.min); f.add(paper.authors.first); f.add(paper.title) }
    }

    // MARK: The cache

    /// The whole memo, and the names met since it was stored (a day of
    /// papers added to a large site then stores its new names, not the
    /// hundred thousand it had: that took 0.17 s of each such build).
    static let cacheKey = Fingerprint.of { $0.add("name memo (citations by hash)") }
    static let sinceKey = Fingerprint.of { $0.add("name memo, names since") }

    /// The names read from the stored `sinceKey` value (stored again with
    /// the next), the stored hash of the whole memo they extend, and its size.
    private var authorsSince: [String: AuthorForms] = [:]
    private var citationsSince: [UInt64: String] = [:]
    private var wholeHash: UInt64?
    private var wholeCount = 0

    private typealias Tables = (authors: [(String, AuthorForms)], citations: [(UInt64, String)])

    /// The memo the last build left, or an empty one.
    static func load(from cache: CacheStore?) -> NameMemo {
        guard let cache, let whole = cache.get(cacheKey, decode) else { return NameMemo() }
        let memo = NameMemo(authors: Dictionary(whole.authors, uniquingKeysWith: { a, _ in a }),
                            citations: Dictionary(whole.citations, uniquingKeysWith: { a, _ in a }))
        memo.wholeHash = cache.storedHash(cacheKey)
        memo.wholeCount = whole.authors.count + whole.citations.count
        let since = cache.get(sinceKey) { r -> (base: UInt64, tables: Tables)? in
            let base = r.fixed()
            return decode(&r).map { (base, $0) }
        }
        if let since, since.base == memo.wholeHash {
            memo.authorsSince = Dictionary(since.tables.authors, uniquingKeysWith: { a, _ in a })
            memo.citationsSince = Dictionary(since.tables.citations, uniquingKeysWith: { a, _ in a })
            memo.knownAuthors.merge(memo.authorsSince) { a, _ in a }
            memo.knownCitations.merge(memo.citationsSince) { a, _ in a }
        }
        return memo
    }

    private static func decode(_ r: inout ByteReader) -> Tables? {
        let authorCount = Int(clamping: r.uint())
        guard authorCount <= r.buffer.count else { return nil }
        var authors: [(String, AuthorForms)] = []
        authors.reserveCapacity(authorCount)
        for _ in 0..<authorCount {
            let spelling = r.string()
            // Most spellings are their own display form: stored once.
            let display = r.bool() ? spelling : r.string()
            authors.append((spelling, AuthorForms(display: display, slugBase: r.string())))
        }
        let citationCount = Int(clamping: r.uint())
        guard citationCount <= r.buffer.count else { return nil }
        var citations: [(UInt64, String)] = []
        citations.reserveCapacity(citationCount)
        for _ in 0..<citationCount { citations.append((r.fixed(), r.string())) }
        return r.failed ? nil : (authors, citations)
    }

    private static func encode(_ tables: Tables, into w: inout ByteWriter) {
        w.uint(UInt64(tables.authors.count))
        for (spelling, forms) in tables.authors {
            w.string(spelling)
            w.bool(forms.display == spelling)
            if forms.display != spelling { w.string(forms.display) }
            w.string(forms.slugBase)
        }
        w.uint(UInt64(tables.citations.count))
        for (input, base) in tables.citations { w.fixed(input); w.string(base) }
    }

    /// Stores the names met for the next build when this one met more
    /// than a few new ones, then forgets every name: the index is made, and
    /// the build goes on for long after with this memo still referred to
    /// (at a million papers its tables held about 120 MB through the
    /// related-papers stage, the build's peak). A few new names (an edited
    /// title, an added author) are cheaper to derive again in each build
    /// than to store. The new names are stored beside the whole memo while
    /// they are fewer than a quarter of it; past that the whole is stored
    /// again, with the names of `papers` only (so names of removed papers go).
    func storeAndForget(in cache: CacheStore?, papers: [Paper]) {
        defer {
            lock.withLock {
                knownAuthors = [:]; knownCitations = [:]
                newAuthors = [:]; newCitations = [:]
                authorsSince = [:]; citationsSince = [:]
            }
        }
        let newCount = lock.withLock { newAuthors.count + newCitations.count }
        guard let cache, newCount > 0, newCount > 16 || newCount * 100 > knownAuthors.count + knownCitations.count else { return }
        if let wholeHash, authorsSince.count + citationsSince.count + newCount <= wholeCount / 4 {
            let authors = lock.withLock { authorsSince.merging(newAuthors) { a, _ in a } }
            let citations = lock.withLock { citationsSince.merging(newCitations) { a, _ in a } }
            var w = ByteWriter()
            w.fixed(wholeHash)
            // (Sorted: the same names store the same bytes.)
            Self.encode((authors.sorted { $0.key < $1.key }, citations.sorted { $0.key < $1.key }), into: &w)
            cache.put(Self.sinceKey, w.bytes)
            return
        }
        let all = lock.withLock { knownAuthors.merging(newAuthors) { a, _ in a } }
        let allCitations = lock.withLock { knownCitations.merging(newCitations) { a, _ in a } }
        var written = Set<String>()
        var tables: Tables = ([], [])
        for paper in papers {
            for spelling in paper.authors where written.insert(spelling).inserted {
                if let forms = all[spelling] { tables.authors.append((spelling, forms)) }
            }
        }
        for paper in papers {
            let input = Self.citationInput(paper)
            if let base = allCitations[input] { tables.citations.append((input, base)) }
        }
        var w = ByteWriter(capacity: papers.count * 120)
        Self.encode(tables, into: &w)
        let hash = cache.put(Self.cacheKey, w.bytes)
        // No names since.
        var since = ByteWriter()
        since.fixed(hash)
        Self.encode(([], []), into: &since)
        cache.put(Self.sinceKey, since.bytes)
    }
}
