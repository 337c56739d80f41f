import Foundation

/// The stages that make the site's indexes from its records, each reusing
/// what the last build stored in the cache where its inputs are the same.
extension BuildStages {
    /// Related papers. With a cache, each paper's terms are kept by the
    /// text they come from (title, abstract, tags), and the computation's
    /// state by `RelatedState`: an edit that changes no term reuses the
    /// last result, and an edit to a few papers recomputes what it can
    /// change (see `RelatedPapers.cached`).
    func relatedPapers(of ordered: SiteIndex, config: SiteConfig) -> SiteIndex {
        options.progress?("Finding related papers", 0, 0)
        var index = ordered
        let indexer = SiteIndexer(config: config, parallelism: options.parallelism)
        guard let cache, indexer.config.relatedPapers > 0, index.papers.count > 1 else {
            indexer.addRelatedPapers(to: &index)
            return index
        }
        let papers = index.papers, tags = index.paperTags.map { $0.map(\.slug) }, n = papers.count
        // Papers count from the oldest here (`RelatedPapers.Numbering`), so
        // that papers added as the newest come after the last build's.
        let numbering = RelatedPapers.Numbering(papers)
        let paper = { (id: Int) in numbering.place[id] }
        // A paper is known by where its record is.
        let identities = options.parallelism.map(n) { id in
            Fingerprint.of { f in let at = papers[paper(id)].source; f.add(at.file); f.add(at.line); f.add(at.column) }
        }
        // A paper's text is known by its record's hash (which the cache
        // keeps) and its tags (rules add some): hashing every abstract
        // again on each build cost more than the rest of this stage.
        let textKey: (Int) -> UInt64 = { id in Fingerprint.of { f in f.add(RecordCodec.hash(papers[paper(id)])); f.add(tags[paper(id)]) } }
        let byID = RelatedPapers(count: indexer.config.relatedPapers)
            .cached(count: n, identities: identities, cache: cache, parallelism: options.parallelism, textKey: textKey) { id in
                (papers[paper(id)].title, papers[paper(id)].abstract, tags[paper(id)])
            }
        index.related = numbering.siteOrder(byID)
        return index
    }

    /// Related papers, found while the Markdown and the search index are
    /// made: those need them only when pages are rendered. An incremental
    /// build's stages each do little, much of it on one core, so together
    /// they fill the cores (a paper added at 10,000 papers rebuilt in about
    /// a tenth less time). A full build makes them in turns, each on all
    /// cores and its memory given back before the next: at a million
    /// papers, the two at once would hold the memory of both.
    func relatedPapersBesideMarkdown(_ ordered: SiteIndex, config: SiteConfig, theme: Theme) -> (SiteIndex, SiteRenderer) {
        var index = ordered, made: SiteRenderer? = nil
        options.parallelism.concurrently(
            { index = relatedPapers(of: ordered, config: config) },
            { made = searchIndex(of: renderMarkdown(ordered, config: config, theme: theme)) })
        var renderer = made!
        renderer.add(related: index.related)
        return (index, renderer)
    }

    /// The search index. With a cache, from the last build's index when
    /// the papers are the same ones in the same order, with new papers
    /// after them in that order (`SearchIndex.id`: the newest), or with
    /// the newest removed: untouched if no paper's terms changed, else with
    /// only the shards their old and new terms fall in made again.
    /// Otherwise made whole, from each paper's terms as the cache keeps
    /// them where the text is unchanged.
    func searchIndex(of papers: SiteRenderer) -> SiteRenderer {
        options.progress?("Indexing for search", 0, 0)
        var renderer = papers
        guard let cache, renderer.fingerprints != nil, renderer.site.searchURL != nil else {
            renderer.addSearchIndex(parallelism: options.parallelism)
            return renderer
        }
        let parallelism = options.parallelism
        let r = renderer, index = renderer.index
        let n = index.papers.count
        // A paper's terms follow from its record (title, authors, abstract
        // as Markdown makes it) and its tags' names. By search id.
        let docKeys = parallelism.map(n) { id in
            let i = SearchIndex.paper(id: id, count: n)
            return Fingerprint.of { f in
                f.add("search terms"); f.add(r.markdownSettings); f.add(r.paperHashes[i]); f.add(index.paperTags[i].map(\.name))
            }
        }
        func terms(_ id: Int) -> [SearchIndex.Term] {
            if let cached = cache.get(docKeys[id], SearchIndex.decodeTerms) { return cached }
            let made = r.searchTerms(SearchIndex.paper(id: id, count: n))
            cache.put(docKeys[id], SearchIndex.encode(made))
            return made
        }
        let stateKey = Fingerprint.of { $0.add("search state"); $0.add(SearchIndex.defaultSplitAbove); $0.add(SearchIndex.longestKey) }
        if var state = cache.get(stateKey, SearchIndex.State.decode) {
            state.index.store = cache
            let before = state.docKeys.count
            // Ids from `n` on are papers removed (the newest: had an older
            // one gone, the ids after it would have moved, and most would differ).
            let changed = (0..<max(n, before)).filter { $0 >= before || $0 >= n || state.docKeys[$0] != docKeys[$0] }
            // What the next build may start from stays in the cache.
            cache.retain(docKeys + state.index.shards.map { SearchIndex.shardCacheKey($0.hash) })
            if changed.isEmpty {
                renderer.search = state.index
                return renderer
            }
            if changed.count <= max(64, n / 20) {
                var search = state.index
                let found = parallelism.map(changed.count) { k -> (doc: Int32, old: [SearchIndex.Term], new: [SearchIndex.Term])? in
                    let id = changed[k]
                    guard id < before else { return (Int32(id), [], terms(id)) }      // a paper added
                    guard let old = cache.get(state.docKeys[id], SearchIndex.decodeTerms) else { return nil }
                    return (Int32(id), old, id < n ? terms(id) : [])                  // edited, or removed
                }
                let edits = found.compactMap { $0 }
                if edits.count == changed.count,
                   search.update(edits, parallelism: parallelism, load: { shard in
                       cache.get(SearchIndex.shardCacheKey(shard.hash), SearchIndex.decodeShard).map { full in
                           var loaded = full
                           loaded.hash = shard.hash
                           return loaded
                       }
                   }) {
                    search.storeShards(in: cache, parallelism: parallelism)
                    cache.put(stateKey, SearchIndex.State(docKeys: docKeys, index: search).encode())
                    search.unloadStored(in: cache)
                    renderer.search = search
                    return renderer
                }
            }
        }
        var search = SearchIndex(count: n, parallelism: parallelism, terms: terms)
        search.storeShards(in: cache, parallelism: parallelism)
        cache.put(stateKey, SearchIndex.State(docKeys: docKeys, index: search).encode())
        if cache.isWriting { search.unloadStored(in: cache) }   // read back shard by shard as the files are written
        renderer.search = search
        return renderer
    }
}
