import CSystemShims
import Foundation

/// The only code that touches the output folder.
///
/// A build is written into a staging tree and swapped in (one atomic
/// exchange) only when everything succeeded, so a failed or interrupted
/// build leaves the previous site as it was. The tree that was swapped out
/// is kept as the spare (in `.papersite-cache/` beside the output) and is
/// the next build's staging tree: only the files whose bytes differ are
/// written again, and a build that changes nothing writes nothing. A
/// marker file says the folder is papersite's: an existing non-empty folder
/// without it is refused, never replaced.
public struct OutputWriter: Sendable {
    public static let marker = ".papersite-output"
    static let markerText = "This folder is written by papersite. Each build replaces its contents.\n"

    public let output: URL
    public let siteRoot: URL
    /// For the system calls that put many changed files in place.
    let parallelism: Parallelism

    public init(output: URL, siteRoot: URL, parallelism: Parallelism = .allCores) {
        self.output = output.standardizedFileURL
        self.siteRoot = siteRoot.standardizedFileURL
        self.parallelism = parallelism
    }

    private var displayName: String { output.path }

    /// Refuses outputs that would destroy something that is not ours.
    public func checkSafe() throws(BuildFailure) {
        let out = output.resolvingSymlinksInPath().path
        let site = siteRoot.resolvingSymlinksInPath().path
        let home = FileManager.default.homeDirectoryForCurrentUser.resolvingSymlinksInPath().path
        let forbidden = ["/": "the root folder", home: "your home folder", site: "the site folder",
                         site + "/content": "the content folder", site + "/Themes": "the themes folder"]
        if let what = forbidden[out] {
            throw BuildFailure([.error("the output folder may not be \(what) (\(out)); choose another with --output", at: nil)])
        }
        if site.hasPrefix(out + "/") {
            throw BuildFailure([.error("the output folder \(out) contains the site; choose another with --output", at: nil)])
        }
        for inside in ["/content", "/Themes"] where out.hasPrefix(site + inside + "/") {
            throw BuildFailure([.error("the output folder may not be inside \(String(inside.dropFirst()))/ (\(out))", at: nil)])
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDir) {
            guard isDir.boolValue else {
                throw BuildFailure([.error("the output path \(out) is a file, not a folder", at: nil)])
            }
            let items = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            if !items.isEmpty && !items.contains(Self.marker) {
                throw BuildFailure([.error("the output folder \(out) is not empty and was not made by papersite; papersite will not replace it (empty it, or choose another with --output)", at: nil)])
            }
        }
    }

    /// `.papersite-cache/` beside the output: the spare tree, the manifests
    /// of the trees, and leftovers of interrupted builds.
    var cacheFolder: URL { output.deletingLastPathComponent().appendingPathComponent(".papersite-cache", isDirectory: true) }
    var spareTree: URL { cacheFolder.appendingPathComponent("\(output.lastPathComponent).spare", isDirectory: true) }
    var treesFolder: URL { cacheFolder.appendingPathComponent("trees", isDirectory: true) }
    /// Where a small change's files are written first (`IncomingPool`).
    var incomingFolder: URL { cacheFolder.appendingPathComponent("\(output.lastPathComponent).incoming", isDirectory: true) }

    /// Each output folder beside the cache has its own manifests (of its live and spare trees).
    func manifestFile(forTree inode: UInt64) -> URL { treesFolder.appendingPathComponent("\(output.lastPathComponent).\(inode).manifest") }

    /// The manifests of the spare and live trees, read on another thread
    /// while the build reads records (`begin` takes them).
    final class ManifestPrefetch: Sendable {
        let trees: [UInt64?]
        private let loading: [Background<OutputManifest?>]

        init(writer: OutputWriter) {
            trees = [FileStat.inode(of: writer.spareTree.path), FileStat.inode(of: writer.output.path)]
            let files = trees.map { $0.map(writer.manifestFile(forTree:)) }
            loading = files.map { file in Background { file.flatMap(OutputManifest.load(from:)) } }
        }

        /// The manifests, once read (waits for them).
        var manifests: [OutputManifest?] { loading.map(\.value) }
    }

    func prefetchManifests() -> ManifestPrefetch { ManifestPrefetch(writer: self) }

    /// Starts writing a build: claims the spare tree (the output of the
    /// build before last) as the staging tree, or makes a new one. Leftovers
    /// of interrupted builds are removed first.
    public func begin() throws(BuildFailure) -> OutputSession {
        try begin(prefetched: nil)
    }

    /// `begin`, with the manifests read ahead (used if they are of the trees still there).
    func begin(prefetched: ManifestPrefetch?) throws(BuildFailure) -> OutputSession {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: treesFolder, withIntermediateDirectories: true)
            try removeInterruptedStaging()
        } catch {
            throw BuildFailure([.error("cannot create \(cacheFolder.path): \(error.localizedDescription)", at: nil)])
        }
        let staging = cacheFolder.appendingPathComponent(stagingPrefix + String(ProcessInfo.processInfo.processIdentifier), isDirectory: true)
        // The two manifests (spare and live), read at the same time: each has
        // an entry per file of the site.
        let trees = [FileStat.inode(of: spareTree.path), FileStat.inode(of: output.path)]
        let read = prefetched.flatMap { $0.trees == trees ? $0 : nil } ?? ManifestPrefetch(writer: self)
        let loaded = read.manifests
        var claimed = OutputManifest()
        if let manifest = loaded[0], rename(spareTree.path, staging.path) == 0 {
            claimed = manifest
        } else {
            try? fm.removeItem(at: spareTree)
            do {
                try fm.createDirectory(at: staging, withIntermediateDirectories: false)
            } catch {
                throw BuildFailure([.error("cannot create a staging folder in \(cacheFolder.path): \(error.localizedDescription)", at: nil)])
            }
        }
        let markerPath = staging.appendingPathComponent(Self.marker).path
        if !fm.fileExists(atPath: markerPath) {
            guard fm.createFile(atPath: markerPath, contents: Data(Self.markerText.utf8)) else {
                throw BuildFailure([.error("cannot write in \(staging.path)", at: nil)])
            }
        }
        var live = OutputManifest()
        var liveKnown = false
        if let manifest = loaded[1] {
            live = manifest
            liveKnown = true
        }
        return OutputSession(writer: self, staging: staging, claimed: claimed, live: live, liveKnown: liveKnown)
    }

    /// Each build's staging tree is named by its process.
    private var stagingPrefix: String { "\(output.lastPathComponent).tmp-" }

    /// Removes the staging trees of builds into this output that were
    /// interrupted (killed, or the machine stopped), when no build is
    /// running (the caller holds the cache's lock): by the next build, or
    /// by one that finds nothing changed since the last that finished.
    func removeInterruptedStaging() throws {
        let fm = FileManager.default
        for item in try fm.contentsOfDirectory(atPath: cacheFolder.path) where item.hasPrefix(stagingPrefix) {
            try? fm.removeItem(at: cacheFolder.appendingPathComponent(item))
        }
    }

    /// Reads a file to copy into the output (a symbolic link as the file it
    /// points to: a link would dangle on the server).
    public static func contents(of source: URL) throws(BuildFailure) -> Data {
        do {
            return try Data(contentsOf: source.resolvingSymlinksInPath())
        } catch {
            throw BuildFailure([.error("cannot read \(source.path): \(error.localizedDescription)", at: nil)])
        }
    }
}

/// Atomic exchange of two paths.
enum AtomicSwap {
    static func exchange(_ a: String, _ b: String) -> Bool {
        papersite_exchange_paths(a, b) == 0
    }
}

extension OutputWriter {
    /// After a build: drops the manifests of this output's trees that are
    /// gone, and everything the cache folder keeps for output folders
    /// beside it that no longer exist (their manifests and spare tree), so
    /// that the cache does not grow with outputs once made.
    /// Other outputs' state is left alone: each builds from its own.
    func dropStaleState() {
        let fm = FileManager.default
        let parent = output.deletingLastPathComponent()
        let name = output.lastPathComponent
        func outputExists(_ other: String) -> Bool { other == name || fm.fileExists(atPath: parent.appendingPathComponent(other).path) }
        let current = Set([FileStat.inode(of: output.path), FileStat.inode(of: spareTree.path)].compactMap { $0 }.map { "\(name).\($0).manifest" })
        for item in (try? fm.contentsOfDirectory(atPath: treesFolder.path)) ?? [] where item.hasSuffix(".manifest") {
            // "<output>.<tree inode>.manifest"
            let owner = item.dropLast(".manifest".count).split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
            let stale = owner == name ? !current.contains(item) : owner.isEmpty || !outputExists(owner)
            if stale { try? fm.removeItem(at: treesFolder.appendingPathComponent(item)) }
        }
        for item in (try? fm.contentsOfDirectory(atPath: cacheFolder.path)) ?? [] {
            let stale = item.hasSuffix(".spare") && !outputExists(String(item.dropLast(".spare".count)))
                || item.hasSuffix(".incoming") && !outputExists(String(item.dropLast(".incoming".count)))
                // A build cache per output folder, as papersite kept before the one per site.
                || (item.hasSuffix(".store") || item.hasSuffix(".index")) && !item.hasPrefix("values.")
            if stale { try? fm.removeItem(at: cacheFolder.appendingPathComponent(item)) }
        }
    }
}
