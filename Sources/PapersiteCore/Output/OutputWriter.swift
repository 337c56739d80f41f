import CSystemShims
import Foundation

/// The only code that touches the output folder.
///
/// A build is written into a staging folder beside the output and swapped
/// in only when everything succeeded, so a failed or interrupted build
/// leaves the previous site as it was. A marker file says the folder is
/// papersite's: an existing non-empty folder without it is refused, never
/// replaced.
public struct OutputWriter: Sendable {
    public static let marker = ".papersite-output"
    static let markerText = "This folder is written by papersite. Each build replaces its contents.\n"

    public let output: URL
    public let siteRoot: URL

    public init(output: URL, siteRoot: URL) {
        self.output = output.standardizedFileURL
        self.siteRoot = siteRoot.standardizedFileURL
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

    /// A new, empty staging folder beside the output (left-overs of
    /// interrupted builds are removed first).
    public func makeStaging() throws(BuildFailure) -> URL {
        let parent = output.deletingLastPathComponent()
        let prefix = ".\(output.lastPathComponent).papersite-tmp-"
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            for item in try fm.contentsOfDirectory(atPath: parent.path) where item.hasPrefix(prefix) {
                try? fm.removeItem(at: parent.appendingPathComponent(item))
            }
            let staging = parent.appendingPathComponent(prefix + String(ProcessInfo.processInfo.processIdentifier))
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
            try Data(Self.markerText.utf8).write(to: staging.appendingPathComponent(Self.marker))
            return staging
        } catch {
            throw BuildFailure([.error("cannot create a staging folder beside \(displayName): \(error.localizedDescription)", at: nil)])
        }
    }

    /// Creates the folders for `files` (relative paths) in `staging`.
    public func makeFolders(for files: [String], in staging: URL) throws(BuildFailure) {
        var folders = Set<String>()
        for file in files {
            var dir = (file as NSString).deletingLastPathComponent
            while !dir.isEmpty && folders.insert(dir).inserted {
                dir = (dir as NSString).deletingLastPathComponent
            }
        }
        for dir in folders.sorted() {
            do {
                try FileManager.default.createDirectory(at: staging.appendingPathComponent(dir), withIntermediateDirectories: true)
            } catch {
                throw BuildFailure([.error("cannot create \(dir): \(error.localizedDescription)", at: nil)])
            }
        }
    }

    /// Writes one file into the staging folder (its folder must exist).
    public static func write(_ text: String, to file: String, in staging: URL) throws(BuildFailure) {
        let path = staging.appendingPathComponent(file).path
        var bytes = Array(text.utf8)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw BuildFailure([.error("cannot write \(file): \(String(cString: strerror(errno)))", at: nil)])
        }
        defer { close(fd) }
        var offset = 0
        let count = bytes.count
        let failed = bytes.withUnsafeMutableBytes { raw -> Bool in
            while offset < count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, count - offset)
                if n < 0 { if errno == EINTR { continue }; return true }
                offset += n
            }
            return false
        }
        if failed { throw BuildFailure([.error("cannot write \(file): \(String(cString: strerror(errno)))", at: nil)]) }
    }

    /// Copies a file into the staging folder. A symbolic link is copied as
    /// the file it points to (a link would dangle on the server).
    public static func copy(_ source: URL, to file: String, in staging: URL) throws(BuildFailure) {
        do {
            try FileManager.default.copyItem(at: source.resolvingSymlinksInPath(), to: staging.appendingPathComponent(file))
        } catch {
            throw BuildFailure([.error("cannot copy \(source.path) to \(file): \(error.localizedDescription)", at: nil)])
        }
    }

    /// Puts the staging folder in the output's place and removes the old output.
    public func commit(_ staging: URL) throws(BuildFailure) {
        let fm = FileManager.default
        guard fm.fileExists(atPath: output.path) else {
            do { try fm.moveItem(at: staging, to: output) } catch {
                throw BuildFailure([.error("cannot move the new site into \(displayName): \(error.localizedDescription)", at: nil)])
            }
            return
        }
        // Swap atomically where the kernel can (Linux renameat2 RENAME_EXCHANGE).
        if AtomicSwap.exchange(staging.path, output.path) {
            try? fm.removeItem(at: staging)
            return
        }
        let old = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).papersite-tmp-old-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try fm.moveItem(at: output, to: old)
            try fm.moveItem(at: staging, to: output)
        } catch {
            if !fm.fileExists(atPath: output.path) { try? fm.moveItem(at: old, to: output) }
            throw BuildFailure([.error("cannot replace \(displayName): \(error.localizedDescription)", at: nil)])
        }
        try? fm.removeItem(at: old)
    }

    /// Removes the staging folder after a failed build.
    public func abandon(_ staging: URL) {
        try? FileManager.default.removeItem(at: staging)
    }
}

/// Atomic exchange of two paths.
enum AtomicSwap {
    static func exchange(_ a: String, _ b: String) -> Bool {
        papersite_exchange_paths(a, b) == 0
    }
}
