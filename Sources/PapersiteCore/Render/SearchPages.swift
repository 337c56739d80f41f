import Foundation

/// The search page and the files its script reads.
extension SiteRenderer {
    func renderSearchPage() -> String {
        let description = "Search the \(index.papers.count) papers of \(config.title) by title, author, tag and abstract."
        let meta = PageMeta(title: "Search · \(config.title)", description: description,
                            canonicalURL: urls.absolute(SiteURLs.search), kind: "search",
                            metaTags: ScholarlyMetadata.openGraph(title: "Search", description: description, url: urls.absolute(SiteURLs.search), siteTitle: config.title))
        let tags = collectionViews(index.tags).sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
        return theme.render(SearchPageView(site: site, meta: meta, indexURL: urls.path("search/"), tags: tags,
                                           years: yearLinks(), count: index.papers.count), template: "search")
    }

    /// `search/index.json`: what `search.js` needs before the first query.
    func renderSearchManifest() -> String {
        guard let search else { return "" }
        let manifest: JSONValue = [
            "version": 2,      // 2: a split prefix may be split again (`SearchIndex.prefixes(of:split:)`)
            "count": .int(index.papers.count),
            "docs_per_shard": .int(SearchIndex.docsPerShard),
            "shards": .strings(search.shards.map { SearchText.fileName($0.key) }),
            "split": .strings(search.splitPrefixes.map(SearchText.fileName)),
            "stop_words": .strings(SearchText.stopWords),
            "tags": .array(index.tags.map { .strings([$0.slug, $0.name]) }),
            "years": .array(index.years.map(JSONValue.int)),
        ]
        return JSONText.encode(manifest) + "\n"
    }

    /// `search/docs/<n>.json`: for each paper of the shard (by id), what a
    /// result shows: `[title, url, authors, date, ISO date, [tag slugs], summary]`.
    func renderSearchDocs(_ n: Int) -> String {
        let docs = searchDocsPapers(n).map { i -> JSONValue in
            let paper = index.papers[i], made = rendered(i)
            return [.string(paper.title), .string(urls.path(SiteURLs.paper(paper.slug))), .string(Self.authorsShort(made.authorNames) ?? ""),
                    .string(paper.publishedText ?? ""), .string(paper.publishedISO ?? ""), .strings(index.paperTags[i].map(\.slug)),
                    .string(made.summary)]
        }
        return JSONText.encode(.array(docs)) + "\n"
    }

    /// The papers of docs shard `n`, in the order of their ids.
    func searchDocsPapers(_ n: Int) -> [Int] {
        let count = index.papers.count, start = n * SearchIndex.docsPerShard
        return (start..<min(count, start + SearchIndex.docsPerShard)).map { SearchIndex.paper(id: $0, count: count) }
    }

    /// The search ids of these papers.
    func searchIDs(_ papers: [Int]) -> [Int] {
        papers.map { SearchIndex.id(paper: $0, count: index.papers.count) }
    }
}
