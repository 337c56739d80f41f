import Foundation

/// What a build is asked to do.
public struct BuildOptions: Sendable {
    public var siteRoot: URL
    public var output: URL
    public var baseURL: String?
    public var includeDrafts: Bool
    /// Where KaTeX's files are (for `math: katex`): see `defaultKaTeXDirectory`.
    public var katexDirectory: URL
    /// Threads for the parallel stages (the output is the same for any number).
    public var parallelism: Parallelism = .allCores
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

    /// `katex/` beside the program, as the release archive has it, else
    /// Debian's libjs-katex.
    public static let defaultKaTeXDirectory: URL = {
        let debian = URL(fileURLWithPath: "/usr/share/javascript/katex")
        guard let program = Bundle.main.executableURL?.resolvingSymlinksInPath() else { return debian }
        let beside = program.deletingLastPathComponent().appendingPathComponent("katex")
        return FileManager.default.fileExists(atPath: beside.appendingPathComponent("katex.min.js").path) ? beside : debian
    }()

    /// The site's build cache, shared by every output folder and by `serve`
    /// (each output's spare tree and manifests stay beside it, on its file system).
    var cacheFolder: URL { siteRoot.appendingPathComponent(".papersite-cache", isDirectory: true) }

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

extension BuildSummary {
    init(_ site: BuildStages.PreparedSite, _ written: BuildStages.Written) {
        self.init(papers: site.index.papers.count, tags: site.index.tags.count,
                  pages: site.pages, files: site.files,
                  written: written.summary.written, unchanged: written.summary.unchanged, removed: written.summary.removed,
                  warnings: site.warnings)
        rendered = written.rendered
    }
}
