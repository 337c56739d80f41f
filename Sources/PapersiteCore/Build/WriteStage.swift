import Foundation
import CSystemShims

/// The last stages: render what changed and write it, with the assets,
/// into the staging folder that is then swapped in.
extension BuildStages {
    /// What the last stage did: the output's files, and how many were rendered.
    struct Written {
        var summary: WriteSummary
        var rendered: Int
        /// The output session, kept for `keepMemoryUntilExit`.
        var session: OutputSession
    }

    /// Renders and writes the planned files, copies the assets, and swaps
    /// the new tree in; the cache then records what each file was made from.
    func write(_ site: inout PreparedSite, with writer: OutputWriter, manifests: OutputWriter.ManifestPrefetch?,
               boundary: inout StageBoundary) throws(BuildFailure) -> Written {
        let session = try writer.begin(prefetched: manifests)
        do {
            // The last build's fingerprints hold only for the tree they describe.
            let previous = cache.flatMap { $0.outputTree == FileStat.inode(of: writer.output.path) ? $0.outputs : nil } ?? HashedKeyTable()
            let made = try renderAndWrite(site.plan, with: &site.renderer, into: session, previous: previous)
            boundary.ended("render and write pages")
            for asset in site.assets {
                try session.put(asset.file, try asset.source.contents())
            }
            let done = site     // (`site` is inout: not to be captured)
            let summary = try session.finish(planned: made.fileKeys + site.assetKeys) { tree in
                // The fingerprints describe the tree this build swapped in (or left in place).
                guard let cache else { return }
                let last = inputs.map { LastBuild(inputs: $0, tree: tree, papers: done.index.papers.count, tags: done.index.tags.count,
                                                  pages: done.pages, files: done.files, warnings: done.warnings) }
                cache.commit(outputs: made.fingerprints, tree: tree, last: last)
            }
            boundary.ended("copy assets and swap")
            return Written(summary: summary, rendered: made.rendered, session: session)
        } catch {
            session.abandon()
            throw error
        }
    }

    /// Renders the planned files on all cores and hands each to the output
    /// as soon as it is made (nothing holds the whole site in memory). A
    /// file whose fingerprint is the one the last build recorded for it,
    /// and which the output still holds as written, is kept without being
    /// rendered. Returns the number rendered and every file's fingerprint.
    func renderAndWrite(_ plan: [Page], with renderer: inout SiteRenderer, into session: OutputSession,
                                previous: HashedKeyTable<UInt64>) throws(BuildFailure) -> (rendered: Int, fingerprints: [(key: UInt64, fingerprint: UInt64)], fileKeys: [UInt64]) {
        // 1. What can be kept.
        let decided: [(fileKey: UInt64, fingerprint: UInt64?, kept: Bool, inStaging: Bool, notStaged: Bool)] = options.parallelism.map(plan.count) { [renderer] i in
            let file = renderer.file(of: plan[i])
            let fileKey = OutputManifest.key(file)
            let fingerprint = renderer.fingerprint(plan[i].job)
            let kept = fingerprint != nil && previous[fileKey] == fingerprint ? session.keep(file, key: fileKey) : (kept: false, inStaging: false, notStaged: false)
            return (fileKey, fingerprint, kept.kept, kept.inStaging, kept.notStaged)
        }
        let changed = plan.indices.filter { !decided[$0].kept }
        let todo = changed.filter { plan[$0].job.growsWithSite } + changed.filter { !plan[$0].job.growsWithSite }
        session.expect(files: plan.count)
        session.expectChanges(atMost: todo.count)
        session.readAhead(todo.map { renderer.file(of: plan[$0]) })
        session.countKept(plan.count - todo.count, inStaging: decided.reduce(0) { $0 + ($1.inStaging ? 1 : 0) },
                          notStaged: decided.compactMap { $0.notStaged ? $0.fileKey : nil })
        // 2. The search shards to write that are in the cache only: each is
        //    read back as its file is written; if one is missing, the index
        //    is made again in memory.
        if let search = renderer.search, search.isShapeOnly {
            let needed = todo.compactMap { i -> Int? in if case .searchTerms(let k) = plan[i].job { k } else { nil } }
            if !search.canLoad(needed) {
                renderer.search = nil
                renderer.addSearchIndex(parallelism: options.parallelism)
            }
        }
        // 3. The rest.
        let failures = FailureBox(), releasesMemory = !incremental
        let done = AtomicCounter(), progress = options.progress, total = todo.count
        progress?("Rendering and writing", 0, total)
        options.parallelism.forEach(todo.count) { [renderer] k in
            let i = todo[k], file = renderer.file(of: plan[i])
            do throws(BuildFailure) {
                if let produce = renderer.renderStream(plan[i].job) {
                    try session.put(file, producedBy: produce)
                } else if let bytes = renderer.renderBytes(plan[i].job) {
                    try session.put(file, bytes)
                } else if case .searchTerms(let k) = plan[i].job {
                    guard let shard = renderer.searchShardFile(k) else {
                        throw BuildFailure([.error("the build cache is damaged (a search shard cannot be read back); build again with --clean", at: nil)])
                    }
                    try session.put(file, shard)
                    // A word in many papers makes a shard of hundreds of
                    // kilobytes or more, read back, made and freed in heap
                    // pages given back before: at a million papers the
                    // shards took the build's memory up by 0.2 GB at its
                    // end, none of it in use (at 100,000, 16 MB).
                    if releasesMemory && shard.count > 1 << 18 { papersite_release_free_memory() }
                } else {
                    try session.put(file, renderer.render(plan[i].job))
                }
            } catch { failures.add(error) }
            let n = done.increment() + 1
            // Memory freed by one thread's pages serves that thread's heap
            // only; a large write gives the free pages back as it goes
            // rather than at its end (at a million papers they made the
            // build's peak).
            if releasesMemory && n % 65536 == 0 { papersite_release_free_memory() }
            if let progress, n % 64 == 0 || n == total { progress("Rendering and writing", n, total) }
        }
        if let first = failures.sorted.first { throw first }
        // (Made to size: grown by doubling, at a million papers they held
        // their old copies beside the new, the top of the build's memory.)
        var fingerprints: [(key: UInt64, fingerprint: UInt64)] = [], fileKeys: [UInt64] = []
        fingerprints.reserveCapacity(decided.count)
        fileKeys.reserveCapacity(decided.count)
        for entry in decided {
            fileKeys.append(entry.fileKey)
            if let fingerprint = entry.fingerprint { fingerprints.append((entry.fileKey, fingerprint)) }
        }
        return (todo.count, fingerprints, fileKeys)
    }

    /// KaTeX's script, style sheet and fonts, copied under `katex/` when the
    /// site typesets math, so that no page needs another host.
    func mathAssets(_ config: SiteConfig) throws(BuildFailure) -> [(source: AssetSource, file: String)] {
        guard config.math == .katex else { return [] }
        let dir = options.katexDirectory
        let fm = FileManager.default
        let script = dir.appendingPathComponent("katex.min.js"), style = dir.appendingPathComponent("katex.min.css")
        let fonts = dir.appendingPathComponent("fonts").resolvingSymlinksInPath()
        guard fm.fileExists(atPath: script.path), fm.fileExists(atPath: style.path),
              let fontFiles = try? fm.contentsOfDirectory(atPath: fonts.path), !fontFiles.isEmpty else {
            throw BuildFailure([.error("'math: katex' needs KaTeX's files in \(dir.path) (keep katex/ beside papersite, as the release archive has it, or on Debian: apt-get install libjs-katex)", at: config.mathLocation)])
        }
        return [(.file(script), "katex/katex.min.js"), (.file(style), "katex/katex.min.css")]
            + fontFiles.sorted().map { (.file(fonts.appendingPathComponent($0)), "katex/fonts/\($0)") }
    }

    /// Theme static files, then `content/static` (which overrides the theme's).
    func staticAssets(theme: Theme, plan: [Page], renderer: SiteRenderer) throws(BuildFailure) -> [(source: AssetSource, file: String)] {
        var chosen: [String: AssetSource] = [:]
        for file in theme.staticFiles {
            chosen[file] = theme.embeddedStatic[file].map { .bytes(Data($0.utf8)) }
                ?? .file(options.siteRoot.appendingPathComponent("\(theme.folder)/static/\(file)"))
        }
        for file in ContentLoader.files(under: "content/static", in: options.siteRoot) {
            chosen[String(file.dropFirst("content/static/".count))] = .file(options.siteRoot.appendingPathComponent(file))
        }
        // The pages that share a static file's path. The site's files are
        // HTML, BibTeX, XML, JSON and text, and scripts under search/: only a
        // static file of those can be one (a theme's style sheets and
        // scripts are not, and then the pages' paths, made one by one for a
        // large site, are not made here). Paths are compared only where the
        // lengths match: hashing every page's path costs more.
        let pageLike = chosen.keys.filter { file in
            file.hasPrefix("search/") || ["html", "bib", "xml", "json", "txt"].contains((file as NSString).pathExtension.lowercased())
        }
        let lengths = Set(pageLike.map(\.utf8.count))
        var planned = Set<String>()
        if !pageLike.isEmpty {
            for page in plan {
                let file = renderer.file(of: page)
                if lengths.contains(file.utf8.count) && pageLike.contains(file) { planned.insert(file) }
            }
        }
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
