import Foundation

/// The build, as a list of stages: read the settings and the records,
/// index them, render their Markdown, plan the files, then render and
/// write what changed. Each stage takes the values the ones before made;
/// only the last writes. Any stage that fails stops the build with all the
/// problems it found, and the output folder stays as it was. The stages
/// themselves are in `ReadStages.swift`, `IndexStages.swift` and
/// `WriteStage.swift`. The site's cache (shared by its output folders)
/// is wrapped around what they make: see `StoredValues`.
public struct SiteBuilder: Sendable {
    public let options: BuildOptions

    public init(options: BuildOptions) {
        self.options = options
    }

    public func build() throws(BuildFailure) -> BuildSummary {
        let writer = OutputWriter(output: options.output, siteRoot: options.siteRoot)
        var stages = StageBoundary(report: options.stageTimer)
        try writer.checkSafe()                                                  // refuse a dangerous output
        let opening = openCache(for: writer)                                    // read while the settings are
        let settings = try loadSettings()
        let cache = opening?.value
        let incremental = cache.map { !$0.outputs.isEmpty && $0.outputTree == FileStat.inode(of: writer.output.path) } ?? false
        stages.releasesMemory = !incremental
        let manifests = incremental ? writer.prefetchManifests() : nil          // read while the records are
        var site = try prepare(stages: &stages, cache: cache, incremental: incremental, settings: settings)
        let written = try write(&site, with: writer, manifests: manifests, cache: cache, stages: &stages)
        if options.keepMemoryUntilExit { ProcessLeftovers.shared.keep([site, written.session, cache as Any]) }
        return BuildSummary(site, written)
    }

    /// Everything a build knows before it renders: settings, theme, records,
    /// indexes, the list of files to make and the assets to copy.
    struct PreparedSite {
        let config: SiteConfig
        let theme: Theme
        let content: LoadedContent
        let index: SiteIndex
        var renderer: SiteRenderer
        let plan: [Page]
        let assets: [(source: AssetSource, file: String)]
        let warnings: [Diagnostic]
        /// The `OutputManifest.key` of every asset (pages' keys come with their fingerprints).
        var assetKeys: [UInt64] { assets.map { OutputManifest.key($0.file) } }
    }

    /// The stages that read and plan; nothing is written. With `keepGoing`
    /// (for `check`), errors in records are returned with the warnings and
    /// the site is planned from the records that could be read.
    /// `incremental`: the last build's output is there to keep files from,
    /// so Markdown and cards are made only for the pages rendered.
    /// `settings`: the settings and theme, if read already (`loadSettings`).
    func prepare(stages: inout StageBoundary, keepGoing: Bool = false, cache: CacheStore? = nil, incremental: Bool = false,
                 settings: (config: SiteConfig, theme: Theme)? = nil) throws(BuildFailure) -> PreparedSite {
        let (config, theme) = if let settings { settings } else { try loadSettings() }
        stages.ended("settings and theme")
        let (content, warnings, names) = try readRecords(config: config, theme: theme, cache: cache, keepGoing: keepGoing)
        stages.ended("read records")
        var index = indexRecords(content, config: config, names: names, cache: cache)
        stages.ended("index")
        addRelatedPapers(to: &index, config: config, cache: cache)
        stages.ended("related papers")
        var renderer = renderMarkdown(index, config: config, theme: theme, cache: cache, incremental: incremental)
        stages.ended("render Markdown")
        addSearchIndex(to: &renderer, cache: cache)
        stages.ended("search index")
        let plan = renderer.plan(parallelism: options.parallelism)
        let assets = try staticAssets(theme: theme, plan: plan) + (try mathAssets(config))
        return PreparedSite(config: config, theme: theme, content: content, index: index, renderer: renderer,
                            plan: plan, assets: assets, warnings: warnings)
    }
}
