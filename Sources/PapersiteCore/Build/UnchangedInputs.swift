import Foundation

/// A build with nothing to do. The output is a function of the program,
/// the build's options, the day (for listings without a year) and the
/// files the build reads: everything under `content/` and `Themes/`, and
/// KaTeX's files. When none of these changed since the last build into
/// this output, and that build's tree is still the output, the build
/// reports the last summary (its warnings included) and touches nothing:
/// no record is read, which for a large site is most of a no-change build.
extension SiteBuilder {
    /// One number for every input, taken before any is read (a file changed
    /// during the build then makes the next build do its work); nil when a
    /// file `changedRecently`, or a link leads to a folder (a theme linked
    /// from elsewhere: its files would change unseen).
    func inputStamp() -> UInt64? {
        let root = options.siteRoot.standardizedFileURL
        var unstamped = false
        let stamp = Fingerprint.of { f in
            f.add(CacheStore.programIdentity())
            f.add(root.path); f.add(options.output.standardizedFileURL.path)
            f.add(options.baseURL); f.add(options.includeDrafts); f.add(options.strict)
            f.add(options.today.description)
            func add(_ path: String, _ display: String) {
                var info = stat()
                guard stat(path, &info) == 0 else { f.add(display); f.add(false); return }
                unstamped = unstamped || changedRecently(info) || info.st_mode & S_IFMT == S_IFDIR
                f.add(display); f.add(true)
                for value in [Int64(info.st_size), Int64(info.st_mtim.tv_sec), Int64(info.st_mtim.tv_nsec),
                              Int64(info.st_ctim.tv_sec), Int64(info.st_ctim.tv_nsec), Int64(bitPattern: UInt64(info.st_ino))] {
                    f.add(UInt64(bitPattern: value))
                }
            }
            for folder in ["content", "Themes"] {
                let listing = ContentLoader.listing(under: folder, in: root)
                f.add(folder); f.add(listing.files.count + listing.links.count)
                // Links are followed: the file a link points to is what is read.
                for file in (listing.files + listing.links).sorted() { add(root.path + "/" + file, file) }
            }
            let katex = options.katexDirectory.standardizedFileURL
            f.add(katex.path)
            add(katex.appendingPathComponent("katex.min.js").path, "katex.min.js")
            add(katex.appendingPathComponent("katex.min.css").path, "katex.min.css")
            let fonts = katex.appendingPathComponent("fonts").resolvingSymlinksInPath()
            for font in ((try? FileManager.default.contentsOfDirectory(atPath: fonts.path)) ?? []).sorted() {
                add(fonts.appendingPathComponent(font).path, font)
            }
        }
        return unstamped ? nil : stamp
    }

    /// The summary of the last build into this output, when it was made from
    /// the inputs with this stamp and its tree is still the output.
    func unchangedBuild(inputs: UInt64, into writer: OutputWriter) -> BuildSummary? {
        let lock = CacheLock(folder: options.cacheFolder)
        defer { lock.release() }
        let file = LastBuild.file(for: writer.output.standardizedFileURL.path, in: options.cacheFolder)
        guard let last = LastBuild.read(file, identity: CacheStore.programIdentity()), last.inputs == inputs,
              last.tree == FileStat.inode(of: writer.output.path) else { return nil }
        // A build killed since that one left its staging tree (a `--clean`
        // build, which the stamp does not skip).
        try? writer.removeInterruptedStaging()
        return BuildSummary(papers: last.papers, tags: last.tags, pages: last.pages, files: last.files,
                            written: 0, unchanged: last.files, removed: 0, warnings: last.warnings)   // none rendered
    }
}
