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
    /// The same lists in the order of `authors` (for walks over all authors, without a lookup each).
    public var authorPapers: [[Int]] = []
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

    /// `memo`: names derived by the last build (see `NameMemo`); `cache`:
    /// where the author index of the last build is kept.
    func index(_ content: LoadedContent, relatedPapers: Bool = true, memo: NameMemo, cache: CacheStore? = nil) -> SiteIndex {
        let papers = Self.newestFirst(content.papers)
        // Tags, authors, and citation keys with dates: independent, so made at the same time.
        var tags: TagIndex?, authors: AuthorIndex?, keys: [String]?, dates: (byYear: [Int: [Int]], byMonth: [Int: [Int]])?
        let config = self.config, parallelism = self.parallelism
        parallelism.concurrently(
            { tags = Self.tagIndex(papers, rules: config.tagRules, parallelism: parallelism) },
            { authors = AuthorIndex.make(papers, memo: memo, parallelism: parallelism, cache: cache) },
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
        index.authorPapers = authors!.papers
        if relatedPapers { addRelatedPapers(to: &index) }
        return index
    }

    /// Newest first, undated papers last; the same day in source order. Sorted by keys made
    /// once (comparing through the records' fields is slow at this size).
    static func newestFirst(_ loaded: [Paper]) -> [Paper] {
        let days = loaded.map { $0.published?.daysSinceEpoch ?? Int.min }
        // Records come in source order from `ContentLoader`; if not, their ranks in it.
        var rank = Array(loaded.indices)
        // (By index: a loop over the records themselves retains each.)
        if loaded.indices.dropFirst().contains(where: { loaded[$0].source < loaded[$0 - 1].source }) {
            let bySource = loaded.indices.sorted { loaded[$0].source != loaded[$1].source ? loaded[$0].source < loaded[$1].source : $0 < $1 }
            for (position, i) in bySource.enumerated() { rank[i] = position }
        }
        return loaded.indices.sorted { a, b in days[a] != days[b] ? days[a] > days[b] : rank[a] < rank[b] }.map { loaded[$0] }
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
        // Each spelling gets a number once, and each slug a number: the
        // loop over the papers then looks up a spelling once per tag.
        var spellingID: [String: Int] = [:]
        var slugOfSpelling: [Int] = []           // spelling number → slug number
        var slugs: [String] = [], slugID: [String: Int] = [:]
        var displayOfSlug: [String?] = []
        func id(_ name: String) -> Int {
            if let known = spellingID[name] { return known }
            let slug = Tag(name: name).slug
            let s: Int
            if let known = slugID[slug] { s = known } else {
                s = slugs.count
                slugID[slug] = s
                slugs.append(slug)
                displayOfSlug.append(nil)
            }
            spellingID[name] = slugOfSpelling.count
            slugOfSpelling.append(s)
            return slugOfSpelling.count - 1
        }
        for rule in rules { displayOfSlug[slugOfSpelling[id(rule.tag)]] = rule.tag }
        let paperSpellings = papers.map { $0.tags.map(id) }
        for (i, spellings) in paperSpellings.enumerated() {
            for (k, spelling) in spellings.enumerated() where displayOfSlug[slugOfSpelling[spelling]] == nil {
                displayOfSlug[slugOfSpelling[spelling]] = papers[i].tags[k]
            }
        }
        var paperTags: [[Tag]] = []
        paperTags.reserveCapacity(papers.count)
        var members: [[Int]] = []
        // Papers with the same spellings get the same tags, made once and
        // shared: a site has far fewer sets of tags than papers, and making
        // each paper's was most of this index's time.
        var made: [[Int]: (tags: [Tag], slugs: [Int])] = [:]
        for (i, spellings) in paperSpellings.enumerated() {
            let all = ruleTags[i].isEmpty ? spellings : spellings + ruleTags[i].map(id)
            let these: (tags: [Tag], slugs: [Int])
            if let known = made[all] {
                these = known
            } else {
                var tags: [Tag] = [], seen: [Int] = []
                for (k, spelling) in all.enumerated() {
                    let s = slugOfSpelling[spelling]
                    guard !seen.contains(s) else { continue }   // a handful per paper
                    seen.append(s)
                    let name = displayOfSlug[s] ?? (k < spellings.count ? papers[i].tags[k] : ruleTags[i][k - spellings.count])
                    tags.append(Tag(name: name, slug: slugs[s]))
                }
                these = (tags, seen)
                made[all] = these
            }
            paperTags.append(these.tags)
            for s in these.slugs {
                while members.count <= s { members.append([]) }
                members[s].append(i)
            }
        }
        var byTag: [String: [Int]] = [:], names: [String: String] = [:]
        for (s, slug) in slugs.enumerated() {
            if let name = displayOfSlug[s] { names[slug] = name }
            if s < members.count, !members[s].isEmpty { byTag[slug] = members[s] }
        }
        let tags = byTag.keys.map { Tag(name: names[$0] ?? $0, slug: $0) }.sorted()
        return TagIndex(paperTags: paperTags, tags: tags, byTag: byTag, names: names)
    }

    private static func dateIndex(_ papers: [Paper]) -> (byYear: [Int: [Int]], byMonth: [Int: [Int]]) {
        var byYear: [Int: [Int]] = [:]
        var byMonth: [Int: [Int]] = [:]
        for (i, paper) in papers.enumerated() {
            guard let day = paper.published else { continue }  // an undated paper is in no year's list
            byYear[day.year, default: []].append(i)
            byMonth[day.year * 100 + day.month, default: []].append(i)
        }
        return (byYear, byMonth)
    }

    public func addRelatedPapers(to index: inout SiteIndex) {
        // Numbered as the build cache numbers them (`RelatedPapers.Numbering`).
        let numbering = RelatedPapers.Numbering(index.papers)
        let papers = numbering.place.map { index.papers[$0] }, tags = numbering.place.map { index.paperTags[$0] }
        index.related = numbering.siteOrder(RelatedPapers(count: config.relatedPapers)
            .compute(titles: papers.map(\.title), texts: papers.map(\.abstract),
                     tags: tags.map { $0.map(\.slug) }, parallelism: parallelism))
    }
}
