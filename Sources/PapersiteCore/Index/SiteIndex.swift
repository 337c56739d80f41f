import Foundation

/// The site as readers find it: papers newest first, tags with their
/// papers, pages in menu order. Built once from the loaded records; every
/// later stage reads it.
public struct SiteIndex: Sendable {
    /// Newest first; same day: in source order.
    public var papers: [Paper]
    /// The tags of each paper (same order as `papers`): the record's own, then those from rules.
    public var paperTags: [[Tag]]
    /// All tags, by name.
    public var tags: [Tag]
    /// For each tag slug, the indices into `papers` of its papers, newest first.
    public var papersByTag: [String: [Int]]
    /// Menu order: weight, then title.
    public var pages: [StandalonePage]
    /// BibTeX citation key of each paper (same order as `papers`).
    public var citationKeys: [String]
    /// Every author, by name.
    public var authors: [Author]
    /// Display names by slug, for tags and authors (pages look them up often).
    public var tagNames: [String: String]
    public var authorNames: [String: String]
    /// For each author slug, the indices of their papers, newest first.
    public var papersByAuthor: [String: [Int]]
    /// The author slug of each author of each paper (same order as `papers` and their `authors`).
    public var paperAuthorSlugs: [[String]]
    /// Years with papers, newest first, and each year's papers, newest first.
    public var years: [Int]
    public var papersByYear: [Int: [Int]]
    /// Each month's papers, newest first, by `year * 100 + month`.
    public var papersByMonth: [Int: [Int]] = [:]
    /// For each paper, its related papers (indices), best first.
    public var related: [[Int]] = []

    public func papers(tagged slug: String) -> [Int] { papersByTag[slug] ?? [] }
    public func papers(by author: String) -> [Int] { papersByAuthor[author] ?? [] }
    public func papers(in year: Int) -> [Int] { papersByYear[year] ?? [] }
    /// The papers of a month, newest first.
    public func papers(in year: Int, month: Int) -> [Int] { papersByMonth[year * 100 + month] ?? [] }
    /// The months of a year that have papers, newest first.
    public func months(of year: Int) -> [Int] { (1...12).reversed().filter { papersByMonth[year * 100 + $0] != nil } }

    /// A person with an author page.
    public struct Author: Sendable, Hashable {
        public var name: String
        public var slug: String
    }
}

/// Builds the `SiteIndex`.
public struct SiteIndexer: Sendable {
    public let config: SiteConfig
    public let parallelism: Parallelism

    public init(config: SiteConfig, parallelism: Parallelism = .allCores) {
        self.config = config
        self.parallelism = parallelism
    }

    /// `relatedPapers: false` leaves `related` empty, for `addRelatedPapers` to fill (timed apart).
    public func index(_ content: LoadedContent, relatedPapers: Bool = true) -> SiteIndex {
        index(content, relatedPapers: relatedPapers, memo: NameMemo())
    }

    /// `memo`: names derived by the last build (see `NameMemo`).
    func index(_ content: LoadedContent, relatedPapers: Bool = true, memo: NameMemo) -> SiteIndex {
        // Sorted as indices (a record is a large value: moving indices is cheaper).
        let loaded = content.papers
        let papers = loaded.indices.sorted { a, b in
            if loaded[a].published != loaded[b].published { return loaded[a].published > loaded[b].published }
            if loaded[a].source != loaded[b].source { return loaded[a].source < loaded[b].source }
            return a < b
        }.map { loaded[$0] }
        // Tags, authors, and citation keys with dates: independent, so made at the same time.
        var tags: TagIndex?, authors: AuthorIndex?, keys: [String]?, dates: (byYear: [Int: [Int]], byMonth: [Int: [Int]])?
        let config = self.config, parallelism = self.parallelism
        parallelism.concurrently(
            { tags = Self.tagIndex(papers, rules: config.tagRules, parallelism: parallelism) },
            { authors = Self.authorIndex(papers, memo: memo, parallelism: parallelism) },
            {
                keys = CitationKeys.assign(papers, parallelism: parallelism, memo: memo)
                dates = Self.dateIndex(papers)
            })
        let pages = content.pages.sorted { ($0.weight, $0.title, $0.slug) < ($1.weight, $1.title, $1.slug) }
        var index = SiteIndex(papers: papers, paperTags: tags!.paperTags, tags: tags!.tags, papersByTag: tags!.byTag, pages: pages,
                              citationKeys: keys!,
                              authors: authors!.authors, tagNames: tags!.names, authorNames: authors!.names,
                              papersByAuthor: authors!.byAuthor, paperAuthorSlugs: authors!.paperSlugs,
                              years: dates!.byYear.keys.sorted(by: >), papersByYear: dates!.byYear)
        index.papersByMonth = dates!.byMonth
        if relatedPapers { addRelatedPapers(to: &index) }
        return index
    }

    private struct TagIndex {
        var paperTags: [[Tag]]
        var tags: [Tag]
        var byTag: [String: [Int]]
        var names: [String: String]
    }

    private static func tagIndex(_ papers: [Paper], rules: [TagRule], parallelism: Parallelism) -> TagIndex {
        let matcher = TagMatcher(rules: rules)
        let ruleTags: [[String]] = rules.isEmpty
            ? Array(repeating: [], count: papers.count)
            : parallelism.map(papers.count) { matcher.tags(for: papers[$0].title + "\n" + papers[$0].abstract) }

        // One display name per slug: a rule's name, else the first spelling met.
        // Each spelling's slug, computed once.
        var slugOf: [String: String] = [:]
        func slug(_ name: String) -> String {
            if let known = slugOf[name] { return known }
            let s = Tag(name: name).slug
            slugOf[name] = s
            return s
        }
        var names: [String: String] = [:]
        for rule in rules { names[slug(rule.tag)] = rule.tag }
        for paper in papers {
            for name in paper.tags where names[slug(name)] == nil { names[slug(name)] = name }
        }

        var paperTags: [[Tag]] = []
        paperTags.reserveCapacity(papers.count)
        var byTag: [String: [Int]] = [:]
        for (i, paper) in papers.enumerated() {
            var tags: [Tag] = []
            tags.reserveCapacity(paper.tags.count + ruleTags[i].count)
            for name in paper.tags + ruleTags[i] {
                let tagSlug = slug(name)
                guard !tags.contains(where: { $0.slug == tagSlug }) else { continue }   // a handful per paper
                tags.append(Tag(name: names[tagSlug] ?? name, slug: tagSlug))
                byTag[tagSlug, default: []].append(i)
            }
            paperTags.append(tags)
        }
        let tags = byTag.keys.map { Tag(name: names[$0] ?? $0, slug: $0) }.sorted()
        return TagIndex(paperTags: paperTags, tags: tags, byTag: byTag, names: names)
    }

    private struct AuthorIndex {
        var authors: [SiteIndex.Author]
        var names: [String: String]
        var byAuthor: [String: [Int]]
        var paperSlugs: [[String]]
    }

    /// One author per normalised name, shown as first spelled, with a unique slug.
    private static func authorIndex(_ papers: [Paper], memo: NameMemo, parallelism: Parallelism) -> AuthorIndex {
        // Each name's display form and key, on all cores.
        let authorSpellings = parallelism.map(papers.count) { i in
            papers[i].authors.map { name -> (display: String, key: String, slugBase: String) in
                let forms = memo.author(name)
                return (forms.display, forms.display.lowercased(), forms.slugBase)
            }
        }
        // Ids in order of first appearance.
        var idByKey: [String: Int] = [:]
        var distinct: [(display: String, key: String, slugBase: String)] = []
        var paperAuthorIDs: [[Int]] = []
        paperAuthorIDs.reserveCapacity(papers.count)
        var papersOf: [[Int]] = []
        for (i, list) in authorSpellings.enumerated() {
            var ids: [Int] = []
            ids.reserveCapacity(list.count)
            for name in list {
                let id: Int
                if let known = idByKey[name.key] {
                    id = known
                } else {
                    id = distinct.count
                    idByKey[name.key] = id
                    distinct.append(name)
                    papersOf.append([])
                }
                ids.append(id)
                if papersOf[id].last != i { papersOf[id].append(i) }
            }
            paperAuthorIDs.append(ids)
        }
        // Slugs made unique in order of first appearance.
        var takenSlugs = Set<String>()
        takenSlugs.reserveCapacity(distinct.count)
        var slugOfID: [String] = []
        slugOfID.reserveCapacity(distinct.count)
        for base in distinct.map(\.slugBase) {
            var candidate = base, n = 2
            while takenSlugs.contains(candidate) { candidate = "\(base)-\(n)"; n += 1 }
            takenSlugs.insert(candidate)
            slugOfID.append(candidate)
        }
        var authorNames: [String: String] = [:]      // slug → display name
        var byAuthor: [String: [Int]] = [:]
        authorNames.reserveCapacity(distinct.count)
        byAuthor.reserveCapacity(distinct.count)
        for id in distinct.indices {
            authorNames[slugOfID[id]] = distinct[id].display
            byAuthor[slugOfID[id]] = papersOf[id]
        }
        let paperAuthorSlugs = paperAuthorIDs.map { $0.map { slugOfID[$0] } }
        let authors = distinct.indices.sorted { (distinct[$0].key, slugOfID[$0]) < (distinct[$1].key, slugOfID[$1]) }
            .map { SiteIndex.Author(name: distinct[$0].display, slug: slugOfID[$0]) }
        return AuthorIndex(authors: authors, names: authorNames, byAuthor: byAuthor, paperSlugs: paperAuthorSlugs)
    }

    private static func dateIndex(_ papers: [Paper]) -> (byYear: [Int: [Int]], byMonth: [Int: [Int]]) {
        var byYear: [Int: [Int]] = [:]
        var byMonth: [Int: [Int]] = [:]
        for (i, paper) in papers.enumerated() {
            byYear[paper.published.year, default: []].append(i)
            byMonth[paper.published.year * 100 + paper.published.month, default: []].append(i)
        }
        return (byYear, byMonth)
    }

    public func addRelatedPapers(to index: inout SiteIndex) {
        index.related = RelatedPapers(count: config.relatedPapers)
            .compute(titles: index.papers.map(\.title), texts: index.papers.map(\.abstract),
                     tags: index.paperTags.map { $0.map(\.slug) }, parallelism: parallelism)
    }
}
