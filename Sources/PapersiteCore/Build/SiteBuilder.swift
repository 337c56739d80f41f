import Foundation

/// The build, as a list of stages: read the settings and the records,
/// index them, render their Markdown, plan the files, then render and
/// write what changed. Each stage takes the values the ones before made;
/// only the last writes. Any stage that fails stops the build with all the
/// problems it found, and the output folder stays as it was. The stages
/// are in `ReadStages.swift`, `IndexStages.swift` and `WriteStage.swift`.
public struct SiteBuilder: Sendable {
    public let options: BuildOptions

    public init(options: BuildOptions) {
        self.options = options
    }

    public func build() throws(BuildFailure) -> BuildSummary {
        let writer = OutputWriter(output: options.output, siteRoot: options.siteRoot, parallelism: options.parallelism)
        var boundary = StageBoundary(report: options.stageTimer)
        try writer.checkSafe()                                                  // refuse a dangerous output
        let inputs = options.useCache ? inputStamp() : nil                      // before anything is read
        if let inputs, !options.clean, let summary = unchangedBuild(inputs: inputs, into: writer) {
            boundary.ended("nothing changed since the last build")
            return summary
        }
        let opening = openCache(for: writer)                                    // read while the settings are
        let settings = try loadSettings()
        let cache = opening?.value
        let incremental = cache.map { !$0.outputs.isEmpty && $0.outputTree == FileStat.inode(of: writer.output.path) } ?? false
        boundary.releasesMemory = !incremental
        boundary.cache = cache
        let manifests = incremental ? writer.prefetchManifests() : nil          // read while the records are
        let stages = BuildStages(options: options, cache: cache, incremental: incremental, inputs: inputs)
        var site = try stages.prepare(settings, boundary: &boundary)
        let written = try stages.write(&site, with: writer, manifests: manifests, boundary: &boundary)
        if options.keepMemoryUntilExit { ProcessLeftovers.shared.keep([site, written.session, cache as Any]) }
        return BuildSummary(site, written)
    }
}

/// The stages, and what they share: the options, and the site's cache
/// (shared by its output folders), which is wrapped around what the stages
/// make (`StoredValues`, `StoredRecordFiles`, `RelatedPapers.cached`) and
/// lets an unchanged input give the last build's result.
struct BuildStages {
    let options: BuildOptions
    /// nil: everything is made (`--clean` still has a cache, emptied).
    let cache: CacheStore?
    /// The last build's output is there to keep files from, so Markdown
    /// and cards are made only for the pages rendered.
    let incremental: Bool
    /// The stamp of the build's inputs (`SiteBuilder.inputStamp`), recorded with its result.
    var inputs: UInt64? = nil

    /// The stages that read and plan; nothing is written. With `keepGoing`
    /// (for `check`), errors in records are returned with the warnings and
    /// the site is planned from the records that could be read.
    func prepare(_ settings: (config: SiteConfig, theme: Theme), boundary: inout StageBoundary,
                 keepGoing: Bool = false) throws(BuildFailure) -> PreparedSite {
        let (config, theme) = settings
        boundary.ended("settings and theme")
        let (content, warnings, names) = try readRecords(config: config, theme: theme, keepGoing: keepGoing)
        boundary.ended("read records")
        let ordered = indexRecords(content, config: config, names: names)
        boundary.ended("index")
        let index: SiteIndex
        var renderer: SiteRenderer
        if incremental {
            (index, renderer) = relatedPapersBesideMarkdown(ordered, config: config, theme: theme)
            boundary.ended("related papers, Markdown and search index")
        } else {
            index = relatedPapers(of: ordered, config: config)
            boundary.ended("related papers")
            let papers = renderMarkdown(index, config: config, theme: theme)
            boundary.ended("render Markdown")
            renderer = searchIndex(of: papers)
            boundary.ended("search index")
        }
        let plan = renderer.plan(parallelism: options.parallelism)
        let assets = try staticAssets(theme: theme, plan: plan, renderer: renderer) + (try mathAssets(config))
        return PreparedSite(config: config, theme: theme, content: content, index: index, renderer: renderer,
                            plan: plan, assets: assets, warnings: warnings)
    }
}
