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

    static let cacheKey = Fingerprint.of { $0.add("name memo (citations by hash)") }

    /// The memo the last build left, or an empty one.
    static func load(from cache: CacheStore?) -> NameMemo {
        cache?.get(cacheKey) { r -> NameMemo? in
            let authorCount = Int(clamping: r.uint())
            guard authorCount <= r.buffer.count else { return nil }
            var authors: [String: AuthorForms] = [:]
            authors.reserveCapacity(authorCount)
            for _ in 0..<authorCount {
                let spelling = r.string()
                // Most spellings are their own display form: stored once.
                let display = r.bool() ? spelling : r.string()
                authors[spelling] = AuthorForms(display: display, slugBase: r.string())
            }
            let citationCount = Int(clamping: r.uint())
            guard citationCount <= r.buffer.count else { return nil }
            var citations: [UInt64: String] = [:]
            citations.reserveCapacity(citationCount)
            for _ in 0..<citationCount {
                let input = r.fixed()
                citations[input] = r.string()
            }
            return r.failed ? nil : NameMemo(authors: authors, citations: citations)
        } ?? NameMemo()
    }

    /// Stores the names of `papers` for the next build when this one met
    /// more than a few new ones (so names of removed papers go with the
    /// next such change), then forgets every name: the index is made, and
    /// the build goes on for long after with this memo still referred to
    /// (at a million papers its tables held about 120 MB through the
    /// related-papers stage, the build's peak). A few new names (an edited
    /// title, an added author) are cheaper to derive again in each build
    /// than to store the whole memo again for.
    func storeAndForget(in cache: CacheStore?, papers: [Paper]) {
        defer {
            lock.withLock {
                knownAuthors = [:]; knownCitations = [:]
                newAuthors = [:]; newCitations = [:]
            }
        }
        let newCount = lock.withLock { newAuthors.count + newCitations.count }
        guard let cache, newCount > 0, newCount > 16 || newCount * 100 > knownAuthors.count + knownCitations.count else { return }
        let all = lock.withLock { knownAuthors.merging(newAuthors) { a, _ in a } }
        let allCitations = lock.withLock { knownCitations.merging(newCitations) { a, _ in a } }
        var written = Set<String>()
        var w = ByteWriter(capacity: papers.count * 120)
        var authorEntries: [(String, AuthorForms)] = []
        for paper in papers {
            for spelling in paper.authors where written.insert(spelling).inserted {
                if let forms = all[spelling] { authorEntries.append((spelling, forms)) }
            }
        }
        w.uint(UInt64(authorEntries.count))
        for (spelling, forms) in authorEntries {
            w.string(spelling)
            w.bool(forms.display == spelling)
            if forms.display != spelling { w.string(forms.display) }
            w.string(forms.slugBase)
        }
        var citationEntries: [(UInt64, String)] = []
        for paper in papers {
            let input = Self.citationInput(paper)
            if let base = allCitations[input] { citationEntries.append((input, base)) }
        }
        w.uint(UInt64(citationEntries.count))
        for (input, base) in citationEntries { w.fixed(input); w.string(base) }
        _ = cache.put(Self.cacheKey, w.bytes)
    }
}
