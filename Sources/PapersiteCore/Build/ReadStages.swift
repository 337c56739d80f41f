import Foundation

/// The settings and the cache, read before the stages run.
extension SiteBuilder {
    /// The settings (with the command line's overrides) and the theme, checked whole.
    func loadSettings() throws(BuildFailure) -> (config: SiteConfig, theme: Theme) {
        var config = try ConfigLoader(siteRoot: options.siteRoot).load()
        try applyOverrides(&config)
        return (config, try ThemeLoader(siteRoot: options.siteRoot).load(named: config.theme))
    }

    private func applyOverrides(_ config: inout SiteConfig) throws(BuildFailure) {
        guard let base = options.baseURL else { return }
        guard let normalised = ConfigLoader.normaliseBaseURL(base) else {
            throw BuildFailure([.error("--base-url must be an absolute http(s) URL such as https://example.org/papers/", at: nil)])
        }
        config.baseURL = normalised
        config.baseURLWasSet = true
    }

    /// The build cache of this output, opened on another thread (its index
    /// is read while the settings and theme are); nil without a cache.
    func openCache(for writer: OutputWriter) -> Background<CacheStore>? {
        guard options.useCache else { return nil }
        return Background { [options] in
            CacheStore(folder: options.cacheFolder, output: writer.output.standardizedFileURL.path,
                       identity: CacheStore.programIdentity(), clean: options.clean)
        }
    }

}

/// The first stages: the records, their index, and their Markdown.
extension BuildStages {
    /// Every record, with the problems found in them and in the settings
    /// (errors stop the build here unless `keepGoing`), and the names the
    /// last build derived (decoded while the records are read).
    func readRecords(config: SiteConfig, theme: Theme, keepGoing: Bool) throws(BuildFailure)
        -> (content: LoadedContent, warnings: [Diagnostic], names: NameMemo) {
        options.progress?("Reading records", 0, 0)
        let memo = Background { [cache] in NameMemo.load(from: cache) }
        let content = ContentLoader(siteRoot: options.siteRoot, includeDrafts: options.includeDrafts, parallelism: options.parallelism,
                                    today: options.today, storedFiles: cache.map { StoredRecordFiles(cache: $0, parallelism: options.parallelism) }).load()
        var records = content.diagnostics
        var siteWarnings = theme.notes
        if !config.baseURLWasSet && options.baseURL == nil {
            siteWarnings.append(.warning("'base_url' is not set; feeds and the sitemap use \(config.baseURL)", at: SourceLocation(file: ConfigLoader.file)))
        }
        if options.strict { (records, siteWarnings) = (records.strict(), siteWarnings.strict()) }
        if !keepGoing && (records + siteWarnings).contains(where: { $0.severity == .error }) {
            throw BuildFailure(records + siteWarnings.filter { $0.severity == .error })
        }
        return (content, records + siteWarnings, memo.value)
    }

    /// Order, tags, authors, years (related papers come next, timed apart).
    func indexRecords(_ content: LoadedContent, config: SiteConfig, names: NameMemo) -> SiteIndex {
        options.progress?("Indexing", 0, 0)
        let index = SiteIndexer(config: config, parallelism: options.parallelism).index(content, relatedPapers: false, memo: names, cache: cache)
        names.storeAndForget(in: cache, papers: index.papers)
        return index
    }

    /// The renderer, with every paper's Markdown made (or, in an
    /// incremental build, made as the pages that show it are rendered).
    func renderMarkdown(_ index: SiteIndex, config: SiteConfig, theme: Theme) -> SiteRenderer {
        options.progress?("Rendering Markdown", 0, 0)
        let renderer = SiteRenderer(config: config, index: index, theme: theme, parallelism: options.parallelism, search: false,
                                    stores: PaperValueStores(count: index.papers.count, cache: cache, retains: incremental))
        if incremental {
            renderer.retainPaperValues(parallelism: options.parallelism)
        } else {
            renderer.renderAllPapers(parallelism: options.parallelism)
        }
        return renderer
    }
}
