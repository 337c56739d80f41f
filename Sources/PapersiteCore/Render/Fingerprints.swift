import Foundation

/// What every output file is made from, folded into one number per file,
/// so that an incremental build renders only the files whose inputs
/// changed and leaves the others as the last build wrote them.
///
/// A file's fingerprint covers everything its view reads: the settings and
/// the site-wide view (`site`), the template and the partials it uses, and
/// the records it shows (each record's hash covers all of its fields), with
/// what the index adds to them (tags with their counts, author pages,
/// citation keys, related papers). When in doubt a value is included: a
/// fingerprint that changes too often costs a render; one that misses an
/// input would leave a stale page. The test that builds a site through a
/// series of edits and compares each result with a clean build holds this
/// list to the renderer.
struct RenderFingerprints: Sendable {
    /// Settings, program and the site-wide view.
    var site: UInt64
    /// Each paper's record (same order as the index).
    var papers: [UInt64]
    /// Each paper's tags, with their names and paper counts.
    var tags: [UInt64]
    /// Each paper's card: record, tags and the card template.
    var cards: [UInt64]
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
            f.add(index.related.isEmpty)
        }
        papers = paperHashes
        let counts = index.papersByTag.mapValues(\.count)
        let site = site, card = templates["partials/card"] ?? 0
        // Each paper's part of every fingerprint, on all cores; the
        // site-wide ones fold these in order.
        let parts = parallelism.map(paperHashes.count) { i -> (tags: UInt64, card: UInt64, index: UInt64, sitemap: UInt64, search: UInt64, bibtex: UInt64) in
            let paperTags = index.paperTags[i], authorSlugs = index.paperAuthorSlugs[i], paper = index.papers[i]
            let tags = Fingerprint.of { f in
                f.add(paperTags.count)
                for tag in paperTags { f.add(tag.slug); f.add(tag.name); f.add(counts[tag.slug] ?? 0) }
            }
            return (tags: tags,
                    card: Fingerprint.of { f in f.add(site); f.add(card); f.add(paperHashes[i]); f.add(tags) },
                    index: Fingerprint.of { f in f.add(paperHashes[i]); f.add(tags); f.add(authorSlugs); f.add(index.citationKeys[i]) },
                    sitemap: Fingerprint.of { f in
                        f.add(paper.slug); f.add(paper.published?.daysSinceEpoch ?? Int.min); f.add(paper.updated?.daysSinceEpoch ?? Int.min)
                        f.add(tags); f.add(authorSlugs)
                    },
                    search: Fingerprint.of { f in f.add(paperHashes[i]); f.add(paperTags.count); for tag in paperTags { f.add(tag.name) } },
                    bibtex: r.bibtexHash(i))
        }
        tags = parts.map(\.tags)
        cards = parts.map(\.card)
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
            for author in index.authors { f.add(author.slug); f.add(author.name); f.add(index.papers(by: author.slug).count) }
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

extension SiteRenderer {
    /// The fingerprint of the file `job` makes (nil without fingerprints).
    func fingerprint(_ job: OutputJob) -> UInt64? {
        guard let fp = fingerprints else { return nil }
        var f = Fingerprint()
        f.add(fp.site)
        func template(_ name: String) { f.add(name); f.add(fp.templates[name] ?? 0) }
        // What `group(_:)` shows of a collection (its URL follows from the
        // collection and the site), without building the view.
        // (`count`: the collection's size, when known, which saves a lookup.)
        func group(_ c: PaperCollection, count: Int? = nil) {
            switch c {
            case .all: f.add(false)
            case .tag(let slug): f.add(index.tagNames[slug] ?? slug); f.add(count ?? index.papers(tagged: slug).count)
            case .author(let slug): f.add(index.authorNames[slug] ?? slug); f.add(count ?? index.papers(by: slug).count)
            case .year(let year): f.add(year); f.add(index.papers(in: year).count)
            case .month(let year, let month): f.add(year); f.add(month); f.add(index.papers(in: year, month: month).count)
            }
        }
        func collection(_ c: PaperCollection) {
            switch c {
            case .all: f.add("all")
            case .tag(let slug): f.add("tag"); f.add(slug)
            case .author(let slug): f.add("author"); f.add(slug)
            case .year(let year): f.add("year"); f.add(year)
            case .month(let year, let month): f.add("month"); f.add(year); f.add(month)
            }
        }
        switch job {
        case .list(let c, let page):
            template(c.template)
            collection(c)
            f.add(page)
            let all = c == .all ? nil : members(c)
            let count = all?.count ?? index.papers.count
            f.add(count)
            for k in pagination.range(page: page, of: count) { f.add(fp.cards[all?[k] ?? k]) }
            group(c, count: all?.count)
            f.add(hasFeeds(c))
            if c == .all { f.add(fp.allTags); f.add(fp.years) }
            if case .year(let year) = c { for month in monthCollections(year) { collection(month); group(month) } }
            if case .month(let year, _) = c { group(.year(year)) }
        case .feed(let c, let kind):
            switch kind {
            case .rss: template("rss")
            case .atom: template("atom")
            case .json: f.add("json")
            }
            collection(c)
            let all = members(c)
            group(c, count: c == .all ? nil : all.count)
            for i in all.prefix(config.feed.limit) { f.add(fp.papers[i]); f.add(fp.tags[i]) }
        case .paper(let i):
            template("paper")
            f.add(fp.papers[i]); f.add(fp.tags[i]); f.add(index.paperAuthorSlugs[i]); f.add(index.citationKeys[i])
            let related = index.related.isEmpty ? [] : index.related[i]
            f.add(related.count)
            for j in related { f.add(fp.cards[j]) }
        case .paperBibTeX(let i):
            f.add("bibtex"); f.add(fp.bibtex[i])
        case .tagIndex:
            template("tags"); f.add(fp.allTags)
        case .authorIndex:
            template("authors"); f.add(fp.authors)
        case .yearIndex:
            template("years"); f.add(fp.years)
        case .standalone(let i):
            template("page"); f.add("\(index.pages[i])")
        case .notFound:
            template("404")
        case .siteBibTeX:
            f.add("papers.bib"); f.add(fp.bibliography)
        case .sitemap:
            f.add("sitemap"); f.add(fp.sitemap)
        case .sitemapPart(let n):
            f.add("sitemap"); f.add(fp.sitemap); f.add(n)
        case .robots:
            f.add("robots")
        case .searchPage:
            template("search"); f.add(fp.allTags); f.add(fp.years); f.add(index.papers.count)
        case .searchManifest:
            f.add("search manifest"); f.add(fp.search); f.add(fp.allTags); f.add(fp.years)
        case .searchTerms(let i):
            // The shard's own hash (its content), known even when its terms are not loaded.
            f.add("search terms"); f.add(search?.shards[i].key ?? ""); f.add(search?.shards[i].hash ?? 0)
        case .searchDocs(let n):
            f.add("search docs"); f.add(n)
            let start = n * SearchIndex.docsPerShard
            for i in start..<min(index.papers.count, start + SearchIndex.docsPerShard) { f.add(fp.papers[i]); f.add(fp.tags[i]) }
        case .searchTag(let slug):
            f.add("search tag"); f.add(slug)
            for i in index.papers(tagged: slug) { f.add(i) }
        case .searchYear(let year):
            f.add("search year"); f.add(year)
            for i in index.papers(in: year) { f.add(i) }
        }
        return f.value
    }
}
