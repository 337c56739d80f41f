import Foundation
import CSystemShims

/// What a build is asked to do.
public struct BuildOptions: Sendable {
    public var siteRoot: URL
    public var output: URL
    public var baseURL: String?
    public var includeDrafts: Bool
    /// Where KaTeX's files are (for `math: katex`): Debian's libjs-katex.
    public var katexDirectory: URL
    /// Threads for the parallel stages (the output is the same for any number).
    public var parallelism: Parallelism = .allCores
    /// Called with each stage's name and duration in seconds (`--timings`).
    /// Called after each stage with its name, wall time and processor time (seconds).
    public var stageTimer: (@Sendable (String, Double, Double) -> Void)?
    /// Called as a stage starts with `(name, 0, 0)`, and while pages are
    /// rendered and written with `(name, done, total)`, from any thread
    /// (for a progress bar on a terminal).
    public var progress: (@Sendable (String, Int, Int) -> Void)?
    /// Ignore the cache of the last build (`--clean`): read and render
    /// everything. The cache is written again either way.
    public var clean = false
    /// Keep no cache at all (for `check` and tests that want none).
    public var useCache = true
    /// Leave the build's records and indexes allocated when `build()`
    /// returns, for a process that exits right after: freeing a large
    /// site's hundreds of thousands of strings one by one takes longer than
    /// a small incremental build.
    public var keepMemoryUntilExit = false
    /// The day of the build (`Day.today()`: today, or `SOURCE_DATE_EPOCH`'s
    /// day): listings that give no year are dated against it.
    public var today: Day = .today()
    /// Make every warning an error (`--strict`, for CI): a record that
    /// would be repaired or skipped fails the build instead.
    public var strict = false

    public static let defaultKaTeXDirectory = URL(fileURLWithPath: "/usr/share/javascript/katex")

    public init(siteRoot: URL, output: URL, baseURL: String? = nil, includeDrafts: Bool = false,
                katexDirectory: URL = BuildOptions.defaultKaTeXDirectory) {
        self.siteRoot = siteRoot
        self.output = output
        self.baseURL = baseURL
        self.includeDrafts = includeDrafts
        self.katexDirectory = katexDirectory
    }
}

/// What a build made.
public struct BuildSummary: Sendable {
    public var papers: Int
    public var tags: Int
    /// HTML pages written.
    public var pages: Int
    /// All files of the site, feeds and assets included.
    public var files: Int
    /// Files whose bytes changed (new ones included); the rest were left untouched.
    public var written: Int
    public var unchanged: Int
    /// Files rendered by this build (the others were unchanged since the last build and not rendered again; copied files are not counted).
    public var rendered: Int = 0
    /// Files of the previous output that are gone.
    public var removed: Int
    public var warnings: [Diagnostic]
}

/// The build, as a list of stages. Each stage is a value-to-value step;
/// only the last one writes. Any stage that fails stops the build with all
/// the problems it found, and the output folder stays as it was.
public struct SiteBuilder: Sendable {
    public let options: BuildOptions

    public init(options: BuildOptions) {
        self.options = options
    }

    /// Everything a build knows before it renders: settings, theme, records,
    /// indexes, the list of files to make and the assets to copy.
    struct PreparedSite {
        let config: SiteConfig
        let theme: Theme
        let content: LoadedContent
        let index: SiteIndex
        var renderer: SiteRenderer
        let plan: [(job: OutputJob, file: String)]
        let assets: [(source: AssetSource, file: String)]
        let warnings: [Diagnostic]
        /// The `OutputManifest.key` of every asset (pages' keys come with their fingerprints).
        var assetKeys: [UInt64] { assets.map { OutputManifest.key($0.file) } }
    }

    /// Stages 1 to 6: reads and checks everything, writes nothing. With
    /// `keepGoing` (for `check`), errors in records are returned with the
    /// warnings and the site is planned from the records that could be read.
    /// `incremental`: the last build's output is there to keep files from,
    /// so Markdown and cards are made only for the pages rendered.
    /// `settings`: the settings and theme, if read already (`loadSettings`).
    func prepare(clock: inout StageClock, keepGoing: Bool = false, cache: CacheStore? = nil, incremental: Bool = false,
                 settings: (config: SiteConfig, theme: Theme)? = nil) throws(BuildFailure) -> PreparedSite {
        let root = options.siteRoot
        let loaded: (config: SiteConfig, theme: Theme)
        if let settings { loaded = settings } else { loaded = try loadSettings() }
        let (config, theme) = loaded
        clock.lap("settings and theme")
        options.progress?("Reading records", 0, 0)
        // The names memo is decoded while the records are read.
        let memo = Background { NameMemo.load(from: cache) }
        let content = ContentLoader(siteRoot: root, includeDrafts: options.includeDrafts, parallelism: options.parallelism, today: options.today, cache: cache).load()  // 3. records
        clock.lap("read records")
        var records = content.diagnostics
        var siteWarnings = theme.notes
        if !config.baseURLWasSet && options.baseURL == nil {
            siteWarnings.append(.warning("'base_url' is not set; feeds and the sitemap use \(config.baseURL)", at: SourceLocation(file: ConfigLoader.file)))
        }
        if options.strict { (records, siteWarnings) = (records.strict(), siteWarnings.strict()) }
        if !keepGoing && (records + siteWarnings).contains(where: { $0.severity == .error }) {
            throw BuildFailure(records + siteWarnings.filter { $0.severity == .error })
        }
        let warnings = records + siteWarnings
        let indexer = SiteIndexer(config: config, parallelism: options.parallelism)
        options.progress?("Indexing", 0, 0)
        let names = memo.value
        var index = indexer.index(content, relatedPapers: false, memo: names, cache: cache)   // 4. order, tags, authors
        names.store(in: cache, papers: index.papers)
        clock.lap("index")
        options.progress?("Finding related papers", 0, 0)
        addRelatedPapers(to: &index, indexer: indexer, cache: cache)
        clock.lap("related papers")
        options.progress?("Rendering Markdown", 0, 0)
        var renderer = SiteRenderer(config: config, index: index, theme: theme, parallelism: options.parallelism, search: false,
                                    cache: cache, retainsPapers: incremental)     // 5. Markdown
        if !incremental { renderer.renderAllPapers(parallelism: options.parallelism) }
        clock.lap("render Markdown")
        options.progress?("Indexing for search", 0, 0)
        addSearchIndex(to: &renderer, cache: cache)
        clock.lap("search index")
        let plan = renderer.plan(parallelism: options.parallelism)                // 6. the list of files
        let assets = try staticAssets(theme: theme, plan: plan) + (try mathAssets(config))
        return PreparedSite(config: config, theme: theme, content: content, index: index, renderer: renderer,
                            plan: plan, assets: assets, warnings: warnings)
    }

    /// Stages 1 and 2: the settings (with the command line's overrides) and the theme, checked whole.
    func loadSettings() throws(BuildFailure) -> (config: SiteConfig, theme: Theme) {
        var config = try ConfigLoader(siteRoot: options.siteRoot).load()
        try applyOverrides(&config)
        return (config, try ThemeLoader(siteRoot: options.siteRoot).load(named: config.theme))
    }

    public func build() throws(BuildFailure) -> BuildSummary {
        let writer = OutputWriter(output: options.output, siteRoot: options.siteRoot)
        var clock = StageClock(report: options.stageTimer)
        try writer.checkSafe()                                                   // 0. refuse a dangerous output
        // The cache's index is read while the settings and theme are.
        let opening = options.useCache ? Background { [options] in
            CacheStore(folder: writer.cacheFolder, output: writer.output.lastPathComponent,
                       identity: CacheStore.programIdentity(), clean: options.clean)
        } : nil
        let settings = try loadSettings()
        let cache = opening?.value
        // Giving freed memory back between stages keeps a full build's peak
        // down; an incremental build frees little, and the trim costs more.
        let incremental = cache.map { !$0.outputs.isEmpty && $0.outputTree == FileStat.inode(of: writer.output.path) } ?? false
        clock.releasesMemory = !incremental
        // The output trees' manifests are read while the records are.
        let manifests = incremental ? writer.prefetchManifests() : nil
        var site = try prepare(clock: &clock, cache: cache, incremental: incremental, settings: settings)   // 1-6. read, index, plan
        let plan = site.plan, assets = site.assets
        let session = try writer.begin(prefetched: manifests)                    // 7. render and write
        let written: WriteSummary
        var rendered = 0
        do {
            // The last build's fingerprints hold only for the tree they describe.
            let previous = cache.flatMap { $0.outputTree == FileStat.inode(of: writer.output.path) ? $0.outputs : nil } ?? [:]
            let made = try renderAndWrite(plan, with: &site.renderer, into: session, previous: previous, cache: cache)
            rendered = made.rendered
            clock.lap("render and write pages")
            for asset in assets {
                try session.put(asset.file, try asset.source.contents())
            }
            written = try session.finish(planned: made.fileKeys + site.assetKeys)   // 8. swap in
            // The fingerprints describe the tree this build swapped in (or left in place).
            if let cache, let tree = written.tree { cache.commit(outputs: made.fingerprints, tree: tree) }
            clock.lap("copy assets and swap")
        } catch {
            session.abandon()
            throw error
        }
        var summary = BuildSummary(papers: site.index.papers.count, tags: site.index.tags.count,
                                   pages: plan.filter { $0.job.isHTML }.count, files: plan.count + assets.count,
                                   written: written.written, unchanged: written.unchanged, removed: written.removed,
                                   warnings: site.warnings)
        summary.rendered = rendered
        if options.keepMemoryUntilExit { ProcessLeftovers.shared.keep([site, session, cache as Any]) }
        return summary
    }

    /// Related papers. With a cache, each paper's terms are kept by the
    /// text they come from (title, abstract, tags), and the computation's
    /// state by `RelatedState`: an edit that changes no term reuses the
    /// last result, and an edit to a few papers recomputes what it can
    /// change (see `RelatedPapers.cached`).
    private func addRelatedPapers(to index: inout SiteIndex, indexer: SiteIndexer, cache: CacheStore?) {
        guard let cache, indexer.config.relatedPapers > 0, index.papers.count > 1 else {
            indexer.addRelatedPapers(to: &index)
            return
        }
        let papers = index.papers, tags = index.paperTags.map { $0.map(\.slug) }
        // A paper is known by where its record is.
        let identities = options.parallelism.map(papers.count) { i in
            Fingerprint.of { f in let at = papers[i].source; f.add(at.file); f.add(at.line); f.add(at.column) }
        }
        // A paper's text is known by its record's hash (which the cache
        // keeps) and its tags (rules add some): hashing every abstract
        // again on each build cost more than the rest of this stage.
        let textKey: (Int) -> UInt64 = { i in Fingerprint.of { f in f.add(RecordCodec.hash(papers[i])); f.add(tags[i]) } }
        index.related = RelatedPapers(count: indexer.config.relatedPapers)
            .cached(count: papers.count, identities: identities, cache: cache, parallelism: options.parallelism, textKey: textKey) { i in
                (papers[i].title, papers[i].abstract, tags[i])
            }
    }

    /// The search index. With a cache, from the last build's index when
    /// the papers are the same ones in the same order: untouched if no
    /// paper's terms changed, else with only the shards their old and new
    /// terms fall in made again. Otherwise made whole, from each paper's
    /// terms as the cache keeps them where the text is unchanged.
    private func addSearchIndex(to renderer: inout SiteRenderer, cache: CacheStore?) {
        guard let cache, renderer.fingerprints != nil, renderer.site.searchURL != nil else {
            renderer.addSearchIndex(parallelism: options.parallelism)
            return
        }
        let parallelism = options.parallelism
        let r = renderer, index = renderer.index
        let n = index.papers.count
        // A paper's terms follow from its record (title, authors, abstract
        // as Markdown makes it) and its tags' names.
        let docKeys = parallelism.map(n) { i in
            Fingerprint.of { f in
                f.add("search terms"); f.add(r.markdownSettings); f.add(r.paperHashes[i]); f.add(index.paperTags[i].map(\.name))
            }
        }
        func terms(_ i: Int) -> [SearchIndex.Term] {
            if let cached = cache.get(docKeys[i], SearchIndex.decodeTerms) { return cached }
            let made = r.searchTerms(i)
            cache.put(docKeys[i], SearchIndex.encode(made))
            return made
        }
        let stateKey = Fingerprint.of { $0.add("search state"); $0.add(SearchIndex.defaultSplitAbove) }
        if let state = cache.get(stateKey, SearchIndex.State.decode), state.docKeys.count == n {
            let changed = (0..<n).filter { state.docKeys[$0] != docKeys[$0] }
            // What the next build may start from stays in the cache.
            cache.retain(docKeys + state.index.shards.map { SearchIndex.shardCacheKey($0.hash) })
            if changed.isEmpty {
                renderer.search = state.index
                return
            }
            if changed.count <= max(64, n / 20) {
                var search = state.index
                let edits = changed.compactMap { i -> (doc: Int32, old: [SearchIndex.Term], new: [SearchIndex.Term])? in
                    guard let old = cache.get(state.docKeys[i], SearchIndex.decodeTerms) else { return nil }
                    return (Int32(i), old, terms(i))
                }
                if edits.count == changed.count,
                   search.update(edits, load: { shard in
                       cache.get(SearchIndex.shardCacheKey(shard.hash), SearchIndex.decodeShard).map { full in
                           var loaded = full
                           loaded.hash = shard.hash
                           return loaded
                       }
                   }) {
                    search.storeShards(in: cache, parallelism: parallelism)
                    cache.put(stateKey, SearchIndex.State(docKeys: docKeys, index: search).encode())
                    search.unloadStored()
                    renderer.search = search
                    return
                }
            }
        }
        var search = SearchIndex(count: n, parallelism: parallelism, terms: terms)
        search.storeShards(in: cache, parallelism: parallelism)
        cache.put(stateKey, SearchIndex.State(docKeys: docKeys, index: search).encode())
        if cache.isWriting { search.unloadStored() }   // read back shard by shard as the files are written
        renderer.search = search
    }

    private func applyOverrides(_ config: inout SiteConfig) throws(BuildFailure) {
        guard let base = options.baseURL else { return }
        guard let normalised = ConfigLoader.normaliseBaseURL(base) else {
            throw BuildFailure([.error("--base-url must be an absolute http(s) URL such as https://example.org/papers/", at: nil)])
        }
        config.baseURL = normalised
        config.baseURLWasSet = true
    }

    /// Renders the planned files on all cores and hands each to the output
    /// as soon as it is made (nothing holds the whole site in memory). A
    /// file whose fingerprint is the one the last build recorded for it,
    /// and which the output still holds as written, is kept without being
    /// rendered. Returns the number rendered and every file's fingerprint.
    private func renderAndWrite(_ plan: [(job: OutputJob, file: String)], with renderer: inout SiteRenderer, into session: OutputSession,
                                previous: [UInt64: UInt64], cache: CacheStore?) throws(BuildFailure) -> (rendered: Int, fingerprints: [(key: UInt64, fingerprint: UInt64)], fileKeys: [UInt64]) {
        // 1. What can be kept.
        let decided: [(fileKey: UInt64, fingerprint: UInt64?, kept: Bool, inStaging: Bool)] = options.parallelism.map(plan.count) { [renderer] i in
            let fileKey = OutputManifest.key(plan[i].file)
            let fingerprint = renderer.fingerprint(plan[i].job)
            let kept = fingerprint != nil && previous[fileKey] == fingerprint ? session.keep(plan[i].file, key: fileKey) : (kept: false, inStaging: false)
            return (fileKey, fingerprint, kept.kept, kept.inStaging)
        }
        let todo = plan.indices.filter { !decided[$0].kept }
        session.countKept(plan.count - todo.count, inStaging: decided.reduce(0) { $0 + ($1.inStaging ? 1 : 0) })
        // 2. The search shards to write that are in the cache only: each is
        //    read back as its file is written; if one is missing, the index
        //    is made again in memory.
        if let search = renderer.search, search.isShapeOnly {
            let needed = todo.compactMap { i -> Int? in if case .searchTerms(let k) = plan[i].job { k } else { nil } }
            let available = cache.map { cache in
                needed.allSatisfy { search.shards[$0].loaded || cache.storedHash(SearchIndex.shardCacheKey(search.shards[$0].hash)) != nil }
            } ?? false
            if !available {
                renderer.search = nil
                renderer.addSearchIndex(parallelism: options.parallelism)
            }
        }
        // 3. The rest.
        let failures = FailureBox()
        let done = AtomicCounter(), progress = options.progress, total = todo.count
        progress?("Rendering and writing", 0, total)
        options.parallelism.forEach(todo.count) { [renderer] k in
            let i = todo[k]
            do throws(BuildFailure) {
                if let bytes = renderer.renderBytes(plan[i].job) {
                    try session.put(plan[i].file, bytes)
                } else if case .searchTerms(let shard) = plan[i].job {
                    guard let json = renderer.searchShardJSON(shard) else {
                        throw BuildFailure([.error("the build cache is damaged (a search shard cannot be read back); build again with --clean", at: nil)])
                    }
                    try session.put(plan[i].file, json)
                } else {
                    try session.put(plan[i].file, renderer.render(plan[i].job))
                }
            } catch { failures.add(error) }
            if let progress {
                let n = done.increment() + 1
                if n % 64 == 0 || n == total { progress("Rendering and writing", n, total) }
            }
        }
        if let first = failures.sorted.first { throw first }
        let fingerprints = decided.compactMap { entry in entry.fingerprint.map { (key: entry.fileKey, fingerprint: $0) } }
        return (todo.count, fingerprints, decided.map(\.fileKey))
    }

    /// KaTeX's script, style sheet and fonts, copied under `katex/` when the
    /// site typesets math, so that no page needs another host.
    private func mathAssets(_ config: SiteConfig) throws(BuildFailure) -> [(source: AssetSource, file: String)] {
        guard config.math == .katex else { return [] }
        let dir = options.katexDirectory
        let fm = FileManager.default
        let script = dir.appendingPathComponent("katex.min.js"), style = dir.appendingPathComponent("katex.min.css")
        let fonts = dir.appendingPathComponent("fonts").resolvingSymlinksInPath()
        guard fm.fileExists(atPath: script.path), fm.fileExists(atPath: style.path),
              let fontFiles = try? fm.contentsOfDirectory(atPath: fonts.path), !fontFiles.isEmpty else {
            throw BuildFailure([.error("'math: katex' needs KaTeX's files in \(dir.path) (on Debian: apt-get install libjs-katex)", at: config.mathLocation)])
        }
        return [(.file(script), "katex/katex.min.js"), (.file(style), "katex/katex.min.css")]
            + fontFiles.sorted().map { (.file(fonts.appendingPathComponent($0)), "katex/fonts/\($0)") }
    }

    /// Theme static files, then `content/static` (which overrides the theme's).
    private func staticAssets(theme: Theme, plan: [(job: OutputJob, file: String)]) throws(BuildFailure) -> [(source: AssetSource, file: String)] {
        var chosen: [String: AssetSource] = [:]
        for file in theme.staticFiles {
            chosen[file] = theme.embeddedStatic[file].map { .bytes(Data($0.utf8)) }
                ?? .file(options.siteRoot.appendingPathComponent("\(theme.folder)/static/\(file)"))
        }
        for file in ContentLoader.files(under: "content/static", in: options.siteRoot) {
            chosen[String(file.dropFirst("content/static/".count))] = .file(options.siteRoot.appendingPathComponent(file))
        }
        // The pages that share a static file's path. Paths are compared only
        // where the lengths match: hashing every page's path costs more.
        let lengths = Set(chosen.keys.map(\.utf8.count))
        var planned = Set<String>()
        for entry in plan where lengths.contains(entry.file.utf8.count) && chosen[entry.file] != nil { planned.insert(entry.file) }
        var log = DiagnosticLog()
        for file in chosen.keys.sorted() where planned.contains(file) || file == OutputWriter.marker {
            let path: String
            switch chosen[file]! {
            case .file(let url): path = url.path.replacingOccurrences(of: options.siteRoot.standardizedFileURL.path + "/", with: "")
            case .bytes: path = "\(theme.folder)/static/\(file)"
            }
            log.error("this static file would overwrite a page the site makes (\(file))", at: SourceLocation(file: path))
        }
        if log.hasErrors { throw BuildFailure(log.sorted) }
        return chosen.keys.sorted().map { (chosen[$0]!, $0) }
    }
}

/// Where a copied file's bytes come from: a file, or the binary itself
/// (the default theme, when the site has no `Themes/` of its own).
enum AssetSource: Sendable {
    case file(URL)
    case bytes(Data)

    func contents() throws(BuildFailure) -> Data {
        switch self {
        case .file(let url): return try OutputWriter.contents(of: url)
        case .bytes(let data): return data
        }
    }
}

/// Values kept alive until the process exits (see `keepMemoryUntilExit`).
final class ProcessLeftovers: @unchecked Sendable {
    static let shared = ProcessLeftovers()
    private let lock = NSLock()
    private var values: [Any] = []
    func keep(_ more: [Any]) { lock.withLock { values += more } }
}

/// Collects errors from parallel workers.
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var failures: [BuildFailure] = []

    func add(_ failure: BuildFailure) { lock.withLock { failures.append(failure) } }

    var sorted: [BuildFailure] {
        lock.withLock { failures.sorted { $0.description < $1.description } }
    }
}

/// Measures the stages of a build for `--timings`.
struct StageClock {
    let report: (@Sendable (String, Double, Double) -> Void)?
    private var last = DispatchTime.now().uptimeNanoseconds
    private var lastCPU = 0.0
    var releasesMemory = true

    init(report: (@Sendable (String, Double, Double) -> Void)?) {
        self.report = report
    }

    mutating func lap(_ stage: String) {
        // A stage's temporary memory (parsed YAML, term tables) is freed
        // across many threads' heaps; give the free pages back to the system
        // so that the next stages' memory does not add to them.
        if releasesMemory { papersite_release_free_memory() }
        guard let report else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        // The process's processor time (all threads, user and system): more than the wall time where a stage uses several cores.
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        report(stage, Double(now - last) / 1e9, cpu - lastCPU)
        lastCPU = cpu
        last = now
    }
}
