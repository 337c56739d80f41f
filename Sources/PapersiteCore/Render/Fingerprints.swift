import Foundation

/// The site-wide parts of the fingerprints, made once per build: the
/// settings and site-wide view, and each paper's record, tags, card and
/// BibTeX entry as one number each. A page's fingerprint folds in those
/// its declared inputs (`PageInput`) name, so that an incremental build
/// renders only the files whose inputs changed. When in doubt a value is
/// included: a fingerprint that changes too often costs a render; one that
/// misses an input would leave a stale page.
struct RenderFingerprints: Sendable {
    /// Settings, program and the site-wide view.
    var site: UInt64
    /// Each paper's record (same order as the index).
    var papers: [UInt64]
    /// Each paper's tags, with their names and paper counts.
    var tags: [UInt64]
    /// Each paper's card: record, tags and the card template.
    var cards: [UInt64]
    /// Each paper's authors' pages (their slugs, in order).
    var authorLinks: [UInt64]
    /// All tags with counts; all years (and months) with counts; all authors with counts.
    var allTags: UInt64
    var years: UInt64
    var authors: UInt64
    /// The shape of the whole index: every record, its tags and authors, the pages.
    var index: UInt64
    /// The inputs of the search index.
    var search: UInt64
    /// Each paper's BibTeX entry (its stored hash), and all of them.
    var bibtex: [UInt64]
    var bibliography: UInt64
    /// What the sitemap lists: every page's address and date.
    var sitemap: UInt64
    var templates: [String: UInt64]

    /// `value` as JSON with sorted keys: the same bytes for the same value
    /// in every build.
    static func encoded(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    init(renderer r: SiteRenderer, paperHashes: [UInt64], parallelism: Parallelism) {
        let index = r.index
        templates = r.theme.fingerprints
        site = Fingerprint.of { f in
            // The settings and the site-wide values, every field, in a fixed encoding.
            f.add(Self.encoded(r.config))
            f.add(Self.encoded(r.site))
            f.add(r.typesetsMath)
        }
        papers = paperHashes
        let counts = index.papersByTag.mapValues(\.count)
        // A paper's tags as its page, its card and feed entries show them:
        // with their counts only where a template may show those (the
        // default theme does not), so that a paper added to a tag does not
        // make every page and card of that tag's papers again.
        let tagCounts = r.theme.mayShow(["count", "plural"], from: ["paper", "partials/card", "rss", "atom"])
        let site = site, card = templates["partials/card"] ?? 0
        // Each paper's part of every fingerprint, on all cores; the
        // site-wide ones fold these in order.
        let parts = parallelism.map(paperHashes.count) { i -> (tags: UInt64, card: UInt64, authors: UInt64, index: UInt64, sitemap: UInt64, search: UInt64, bibtex: UInt64) in
            let paperTags = index.paperTags[i]
            let authorSlugs = Fingerprint.of { $0.add(index.paperAuthorSlugs[i]) }
            let tags = Fingerprint.of { f in
                f.add(paperTags.count)
                for tag in paperTags { f.add(tag.slug); f.add(tag.name); if tagCounts { f.add(counts[tag.slug] ?? 0) } }
            }
            return (tags: tags,
                    card: Fingerprint.of { f in f.add(site); f.add(card); f.add(paperHashes[i]); f.add(tags) },
                    authors: authorSlugs,
                    index: Fingerprint.of { f in f.add(paperHashes[i]); f.add(tags); f.add(authorSlugs); f.add(index.citationKeys[i]) },
                    sitemap: Fingerprint.of { f in
                        f.add(index.papers[i].slug)
                        f.add(index.papers[i].published?.daysSinceEpoch ?? Int.min); f.add(index.papers[i].updated?.daysSinceEpoch ?? Int.min)
                        f.add(tags); f.add(authorSlugs)
                    },
                    search: Fingerprint.of { f in f.add(paperHashes[i]); f.add(paperTags.count); for tag in paperTags { f.add(tag.name) } },
                    bibtex: r.bibtexHash(i))
        }
        tags = parts.map(\.tags)
        cards = parts.map(\.card)
        authorLinks = parts.map(\.authors)
        allTags = Fingerprint.of { f in
            for tag in index.tags { f.add(tag.slug); f.add(tag.name); f.add(counts[tag.slug] ?? 0) }
        }
        years = Fingerprint.of { f in
            for year in index.years {
                f.add(year); f.add(index.papers(in: year).count)
                for month in index.months(of: year) { f.add(month); f.add(index.papers(in: year, month: month).count) }
            }
        }
        authors = Fingerprint.of { f in
            // (`authorPapers` is in the order of `authors`: no lookup by slug for each.)
            for (author, papers) in zip(index.authors, index.authorPapers) { f.add(author.slug); f.add(author.name); f.add(papers.count) }
        }
        self.index = Fingerprint.of { f in
            for part in parts { f.add(part.index) }
            for page in index.pages { f.add("\(page)") }
        }
        bibtex = parts.map(\.bibtex)
        let entries = bibtex
        bibliography = Fingerprint.of { f in for hash in entries { f.add(hash) } }
        sitemap = Fingerprint.of { f in
            for part in parts { f.add(part.sitemap) }
            for page in index.pages { f.add(page.slug) }
        }
        search = Fingerprint.of { f in
            f.add(site)
            for part in parts { f.add(part.search) }
        }
    }
}

/// One thing a page is made from, as the planner declares it
/// (`SiteRenderer.inputs(of:)`). Each is hashed in one place, `add(_:to:_:)`.
enum PageInput: Sendable, Hashable {
    /// A template, with the partials it uses.
    case template(String)
    /// A file made by code, not by a template (its format is fixed).
    case code(String)
    /// Which list: its kind and key.
    case collection(PaperCollection)
    /// A list's name and size, as headings and links show them.
    case heading(PaperCollection)
    /// A list's name alone (the archive pages of a list show no sizes).
    case name(PaperCollection)
    /// The cards on one page of a list, and how many pages the list has.
    case cards(PaperCollection, page: Int)
    /// Whether a list has feeds of its own.
    case hasFeeds(PaperCollection)
    /// The newest papers of a list, as its feed shows them (record and tags).
    case feedEntries(PaperCollection)
    /// Every tag, year (and month) and author, with their counts.
    case allTags, years, authors
    /// A paper's record and tags; its author pages; its citation key; the cards of its related papers.
    case paper(Int), authorLinks(Int), citationKey(Int), relatedCards(Int)
    /// A paper's BibTeX entry; every entry.
    case bibtex(Int), bibliography
    /// Every address and date the sitemap lists.
    case sitemap
    /// A page from `content/pages`.
    case standalone(Int)
    /// The number of papers.
    case paperCount
    /// The search index's inputs; one shard of terms, one of documents; the papers of a tag or a year.
    case searchIndex, searchShard(Int), searchDocs(Int), searchTag(String), searchYear(Int)
}

extension SiteRenderer {
    /// Adds the hash of `input` to `f`: the one place where what a page
    /// shows becomes its fingerprint.
    func add(_ input: PageInput, to f: inout Fingerprint, _ fp: RenderFingerprints) {
        switch input {
        case .template(let name): f.add("template"); f.add(name); f.add(fp.templates[name] ?? 0)
        case .code(let name): f.add("code"); f.add(name)
        case .collection(let c):
            switch c {
            case .all: f.add("all")
            case .tag(let slug): f.add("tag"); f.add(slug)
            case .author(let slug): f.add("author"); f.add(slug)
            case .year(let year): f.add("year"); f.add(year)
            case .month(let year, let month): f.add("month"); f.add(year); f.add(month)
            }
        case .name(let c):
            switch c {
            case .all: f.add(false)
            case .tag(let slug): f.add(index.tagNames[slug] ?? slug)
            case .author(let slug): f.add(index.authorNames[slug] ?? slug)
            case .year(let year): f.add(year)
            case .month(let year, let month): f.add(year); f.add(month)
            }
        case .heading(let c):
            add(.name(c), to: &f, fp)
            if c != .all { f.add(members(c).count) }
        case .cards(let c, let page):
            let all = c == .all ? nil : members(c)
            let count = all?.count ?? index.papers.count
            let links = pagination.links(page: page, of: count)
            f.add(page)
            for n in [links.newer, links.older, links.newest, links.oldest] { f.add(n ?? 0) }
            for k in pagination.range(page: page, of: count) { f.add(fp.cards[all?[k] ?? k]) }
        case .hasFeeds(let c): f.add(hasFeeds(c))
        case .feedEntries(let c):
            for i in members(c).prefix(config.feed.limit) { f.add(fp.papers[i]); f.add(fp.tags[i]) }
        case .allTags: f.add(fp.allTags)
        case .years: f.add(fp.years)
        case .authors: f.add(fp.authors)
        case .paper(let i): f.add(fp.papers[i]); f.add(fp.tags[i])
        case .authorLinks(let i): f.add(fp.authorLinks[i])
        case .citationKey(let i): f.add(index.citationKeys[i])
        case .relatedCards(let i):
            let related = index.related.isEmpty ? [] : index.related[i]
            f.add(related.count)
            for j in related { f.add(fp.cards[j]) }
        case .bibtex(let i): f.add("bibtex"); f.add(fp.bibtex[i])
        case .bibliography: f.add("papers.bib"); f.add(fp.bibliography)
        case .sitemap: f.add("sitemap"); f.add(fp.sitemap)
        case .standalone(let i): f.add("\(index.pages[i])")
        case .paperCount: f.add(index.papers.count)
        case .searchIndex: f.add("search manifest"); f.add(fp.search)
        case .searchShard(let i):
            // The shard's own hash (its content), known even when its terms are not loaded.
            f.add("search terms"); f.add(search?.shards[i].key ?? ""); f.add(search?.shards[i].hash ?? 0)
        case .searchDocs(let n):
            f.add("search docs"); f.add(n)
            for i in searchDocsPapers(n) { f.add(fp.papers[i]); f.add(fp.tags[i]) }
        case .searchTag(let slug):
            f.add("search tag"); f.add(slug)
            for id in searchIDs(index.papers(tagged: slug)) { f.add(id) }
        case .searchYear(let year):
            f.add("search year"); f.add(year)
            for id in searchIDs(index.papers(in: year)) { f.add(id) }
        }
    }
}
