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

    public func papers(tagged slug: String) -> [Int] { papersByTag[slug] ?? [] }
}

/// Builds the `SiteIndex`.
public struct SiteIndexer: Sendable {
    public let config: SiteConfig
    public let parallelism: Parallelism

    public init(config: SiteConfig, parallelism: Parallelism = .allCores) {
        self.config = config
        self.parallelism = parallelism
    }

    public func index(_ content: LoadedContent) -> SiteIndex {
        let papers = content.papers.enumerated().sorted { a, b in
            if a.element.published != b.element.published { return a.element.published > b.element.published }
            if a.element.source != b.element.source { return a.element.source < b.element.source }
            return a.offset < b.offset
        }.map(\.element)

        let matcher = TagMatcher(rules: config.tagRules)
        let ruleTags: [[String]] = config.tagRules.isEmpty
            ? Array(repeating: [], count: papers.count)
            : parallelism.map(papers.count) { matcher.tags(for: papers[$0].title + "\n" + papers[$0].abstract) }

        // One display name per slug: a rule's name, else the first spelling met.
        var names: [String: String] = [:]
        for rule in config.tagRules { names[Tag(name: rule.tag).slug] = rule.tag }
        for paper in papers {
            for name in paper.tags where names[Tag(name: name).slug] == nil { names[Tag(name: name).slug] = name }
        }

        var paperTags: [[Tag]] = []
        var byTag: [String: [Int]] = [:]
        for (i, paper) in papers.enumerated() {
            var seen = Set<String>()
            var tags: [Tag] = []
            for name in paper.tags + ruleTags[i] {
                let slug = Tag(name: name).slug
                guard seen.insert(slug).inserted else { continue }
                tags.append(Tag(name: names[slug] ?? name, slug: slug))
                byTag[slug, default: []].append(i)
            }
            paperTags.append(tags)
        }
        let tags = byTag.keys.map { Tag(name: names[$0] ?? $0, slug: $0) }.sorted()
        let pages = content.pages.sorted { ($0.weight, $0.title, $0.slug) < ($1.weight, $1.title, $1.slug) }
        return SiteIndex(papers: papers, paperTags: paperTags, tags: tags, papersByTag: byTag, pages: pages,
                         citationKeys: CitationKeys.assign(papers))
    }
}
