import Foundation

/// Everything read from `content/`: the paper records and pages, with the
/// problems found on the way.
public struct LoadedContent: Sendable {
    public var papers: [Paper]
    public var pages: [StandalonePage]
    public var diagnostics: [Diagnostic]
}

/// Finds the source files under `content/papers/` and `content/pages/`,
/// reads them in parallel with the reader for each format, and makes slugs
/// unique. Files are taken in path order, so the result never depends on
/// the file system or on threads.
public struct ContentLoader: Sendable {
    public let siteRoot: URL
    public let includeDrafts: Bool
    public let parallelism: Parallelism
    /// The day of the build: listings that give no year are read against it.
    public let today: Day
    /// The records of files read by an earlier build (nil: read every file).
    let storedFiles: StoredRecordFiles?
    /// An exported file this large (in bytes) is read on all cores by
    /// itself; smaller ones are read side by side, one on each core.
    static let largeExport = 1 << 20

    public init(siteRoot: URL, includeDrafts: Bool, parallelism: Parallelism = .allCores, today: Day = .today()) {
        self.init(siteRoot: siteRoot, includeDrafts: includeDrafts, parallelism: parallelism, today: today, storedFiles: nil)
    }

    init(siteRoot: URL, includeDrafts: Bool, parallelism: Parallelism, today: Day = .today(), storedFiles: StoredRecordFiles?) {
        self.siteRoot = siteRoot
        self.includeDrafts = includeDrafts
        self.parallelism = parallelism
        self.today = today
        self.storedFiles = storedFiles
    }

    public func load() -> LoadedContent {
        var log = DiagnosticLog()
        let papersFolder = Self.listing(under: "content/papers", in: siteRoot)
        let pagesFolder = Self.listing(under: "content/pages", in: siteRoot)
        let paperFiles = papersFolder.files
        let pageFiles = pagesFolder.files
        // A link could lead outside the site; it is named, never followed.
        for link in papersFolder.links + pagesFolder.links {
            log.warning("ignored: symbolic links are not followed", at: SourceLocation(file: link))
        }

        // Each folder of records, open: a file's stat(2) then looks up its
        // name alone, not every folder from the root of the file system.
        // Files come sorted, so a folder's files mostly follow each other
        // (a subfolder's can come between): a folder is looked up by name
        // only when it differs from the last file's.
        var folderFDs: [Int32] = []
        var opened: [String: Int32] = [:]
        var places: [(folder: Int32, name: String)] = []
        places.reserveCapacity(paperFiles.count)
        var lastFolder: [UInt8] = []
        let rootPath = siteRoot.path
        for file in paperFiles {
            var path = file
            path.withUTF8 { bytes in
                // (Listed files are always in a folder: `content/papers/...`.)
                let slash = bytes.lastIndex(of: UInt8(ascii: "/")) ?? -1
                let folder = UnsafeBufferPointer(rebasing: bytes[..<max(slash, 0)])
                if folderFDs.isEmpty || !folder.elementsEqual(lastFolder) {
                    lastFolder = Array(folder)
                    let name = String(decoding: folder, as: UTF8.self)
                    if let fd = opened[name] {
                        folderFDs.append(fd)
                    } else {
                        let fd = slash < 0 ? -1 : open(rootPath + "/" + name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                        opened[name] = fd
                        folderFDs.append(fd)
                    }
                }
                places.append((folderFDs.last!, String(decoding: UnsafeBufferPointer(rebasing: bytes[(slash + 1)...]), as: UTF8.self)))
            }
        }
        defer { for fd in opened.values where fd >= 0 { close(fd) } }
        let at = places      // (a constant: read from all threads)
        let macros = sharedBibTeXMacros(paperFiles, at: at)
        // Files are read on all cores, except snapshots and large exports,
        // which are parsed on all cores themselves and so are read one after
        // another: a parallel loop inside another runs on one thread.
        let parsedInParallel = paperFiles.indices.filter { i in
            if paperFiles[i].hasSuffix(".jsonl") { return true }
            guard RecordFormat(fileExtension: (paperFiles[i] as NSString).pathExtension) != .markdown else { return false }
            var info = stat()
            return fstatat(at[i].folder, at[i].name, &info, 0) == 0 && info.st_size >= Self.largeExport
        }
        let inParallel = Set(parsedInParallel)
        let others = paperFiles.indices.filter { !inParallel.contains($0) }
        var results = [(papers: [Paper], diagnostics: [Diagnostic])](repeating: ([], []), count: paperFiles.count)
        for (k, read) in parallelism.map(others.count, { k in readPaperFile(paperFiles[others[k]], folder: at[others[k]].folder, name: at[others[k]].name, macros: macros) }).enumerated() {
            results[others[k]] = read
        }
        for i in parsedInParallel { results[i] = readPaperFile(paperFiles[i], folder: at[i].folder, name: at[i].name, macros: macros) }
        var papers: [Paper] = []
        papers.reserveCapacity(results.reduce(0) { $0 + $1.papers.count })
        for k in results.indices {
            papers.append(contentsOf: results[k].papers)
            log.append(contentsOf: results[k].diagnostics)
            results[k] = ([], [])   // each record's box then has one owner, changed in place below
        }

        var pages: [StandalonePage] = []
        for file in pageFiles {
            guard file.hasSuffix(".md") else {
                log.warning("ignored: pages are Markdown files (.md)", at: SourceLocation(file: file))
                continue
            }
            do {
                let text = try SourceText.load(siteRoot.appendingPathComponent(file), as: file)
                let (page, diagnostics) = PageReader().read(text, file: file)
                log.append(contentsOf: diagnostics)
                if let page, includeDrafts || !page.draft { pages.append(page) }
            } catch {
                log.append(error)
            }
        }

        Self.checkBibTeXKeys(&papers, log: &log)
        if !includeDrafts { papers.removeAll { $0.draft } }
        papers = DuplicateMerger.merge(papers, log: &log, parallelism: parallelism)
        SlugAssigner.assign(&papers, log: &log, parallelism: parallelism)
        if storedFiles != nil { Self.rehashChanged(&papers, parallelism: parallelism) }
        Paper.shareAuthorNames(&papers, parallelism: parallelism)
        var seenPageSlugs: [String: SourceLocation] = [:]
        for page in pages {
            if let first = seenPageSlugs[page.slug] {
                log.error("the page slug '\(page.slug)' is already used by \(first.file)", at: page.source)
            }
            seenPageSlugs[page.slug] = page.source
        }
        return LoadedContent(papers: papers, pages: pages, diagnostics: log.sorted)
    }

    /// Gives back its hash to each record changed since the cache gave it
    /// one (merged with another source's; one renamed for a shared slug
    /// keeps one, `Paper.rename`), made once here on all cores: each later
    /// stage that keys its work by it would otherwise encode the whole
    /// record again to hash it.
    static func rehashChanged(_ papers: inout [Paper], parallelism: Parallelism) {
        let changed = papers.indices.filter { papers[$0].recordHash == nil }
        let hashes = parallelism.map(changed.count) { RecordCodec.hash(papers[changed[$0]]) }
        for (k, i) in changed.enumerated() { papers[i].setRecordHash(hashes[k]) }
    }

    /// A BibTeX key names one entry: a key used again for another paper
    /// (across all .bib files, case ignored) is biber's "duplicate entry":
    /// the later entry is skipped with a warning. The same paper listed
    /// twice is merged, not skipped.
    static func checkBibTeXKeys(_ papers: inout [Paper], log: inout DiagnosticLog) {
        var first: [String: Int] = [:]
        // As indices: records are large values, and most have no BibTeX key.
        let withKeys = papers.indices.filter { papers[$0].bibKey != nil }.sorted { papers[$0].source < papers[$1].source }
        var duplicates: [Int] = []
        for i in withKeys {
            guard let key = papers[i].bibKey else { continue }
            let folded = key.lowercased()
            if let e = first[folded] {
                let earlier = papers[e], paper = papers[i]
                let samePaper = earlier.key == paper.key && (earlier.arxiv != nil || earlier.doi != nil)
                if !samePaper {
                    log.skipped("the BibTeX key '\(key)' is already used by the entry at \(earlier.source); this entry is skipped", at: paper.source)
                    duplicates.append(i)
                }
            } else {
                first[folded] = i
            }
        }
        for i in duplicates.sorted(by: >) { papers.remove(at: i) }
    }

    /// The `@string` macros of the site's BibTeX files, for each of them
    /// (none with fewer than two); each file's are kept in the cache.
    private func sharedBibTeXMacros(_ files: [String], at places: [(folder: Int32, name: String)]) -> (table: [String: String], key: UInt64) {
        let bibFiles = files.indices.filter { RecordFormat(fileExtension: (files[$0] as NSString).pathExtension) == .bibtex }
        guard bibFiles.count > 1 else { return ([:], 0) }
        let definitions = parallelism.map(bibFiles.count) { k in
            let i = bibFiles[k]
            let scan = { BibTeXReader.stringDefinitions(siteRoot.appendingPathComponent(files[i]), file: files[i]) }
            guard let storedFiles, places[i].folder >= 0 else { return scan() }
            return storedFiles.macroDefinitions(of: files[i], folder: places[i].folder, name: places[i].name, scan: scan)
        }
        return BibTeXReader.sharedMacros(definitions)
    }

    /// `folder`: the file's folder, open; `name`: its name in it.
    private func readPaperFile(_ file: String, folder: Int32, name: String,
                               macros: (table: [String: String], key: UInt64)) -> (papers: [Paper], diagnostics: [Diagnostic]) {
        let format = RecordFormat(fileExtension: (file as NSString).pathExtension)
        let shared = format == .bibtex ? macros.table : [:]
        guard let storedFiles, folder >= 0 else {
            return StoredRecordFiles.collect { earlier, emit in readPaperFileNow(file, format: format, earlier: earlier, macros: shared, emit: emit) }
        }
        let context: UInt64? = format == .listing ? UInt64(bitPattern: Int64(today.daysSinceEpoch))
            : format == .bibtex && !shared.isEmpty ? macros.key : nil
        return storedFiles.records(of: file, folder: folder, name: name, context: context) { earlier, emit in
            readPaperFileNow(file, format: format, earlier: earlier, macros: shared, emit: emit)
        }
    }

    /// Hands on each record with `emit`, in order (a snapshot's as its
    /// lines are parsed, with their hashes); returns the problems found.
    /// `earlier`: for a snapshot, the papers of its last version by the
    /// hash of their line; a line among them is not parsed again.
    private func readPaperFileNow(_ file: String, format: RecordFormat?, earlier: [UInt64: Paper], macros: [String: String],
                                  emit: StoredRecordFiles.Emit) -> [Diagnostic] {
        guard let format else {
            return [.warning("ignored: not a paper format papersite reads (.md, .txt, .bib, .xml, .jsonl, .json, .ris)", at: SourceLocation(file: file))]
        }
        let url = siteRoot.appendingPathComponent(file)
        guard format == .arxivSnapshot else {
            let records = format.read(url, file: file, today: today, bibtexMacros: macros, parallelism: parallelism)
            for paper in records.papers { emit(paper, nil) }
            return records.diagnostics
        }
        return ArXivSnapshotReader(parallelism: parallelism)
            .forEach(url, file: file, reuse: earlier.isEmpty ? nil : { earlier[$0] }) { paper, hash in emit(paper, hash) }
    }

    /// Regular files under `folder` (relative to the site), sorted, hidden files skipped.
    /// Symbolic links are not followed.
    static func files(under folder: String, in root: URL) -> [String] {
        listing(under: folder, in: root).files
    }

    /// Regular files and symbolic links under `folder`, each sorted.
    /// Symbolic links are not followed; hidden files and folders are skipped.
    /// (readdir directly: FileManager's enumerator builds an attribute
    /// dictionary for every file, a tenth of a second for 10,000 records.)
    static func listing(under folder: String, in root: URL) -> (files: [String], links: [String]) {
        var files: [String] = []
        var links: [String] = []
        func walk(_ relative: String) {
            guard let dir = opendir(root.path + "/" + relative) else { return }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name.hasPrefix(".") { continue }
                let path = relative + "/" + name
                var type = Int32(entry.pointee.d_type)
                if type == Int32(DT_UNKNOWN) {
                    var info = stat()
                    guard lstat(root.path + "/" + path, &info) == 0 else { continue }
                    switch info.st_mode & S_IFMT {
                    case S_IFDIR: type = Int32(DT_DIR)
                    case S_IFREG: type = Int32(DT_REG)
                    case S_IFLNK: type = Int32(DT_LNK)
                    default: continue
                    }
                }
                switch type {
                case Int32(DT_DIR): walk(path)
                case Int32(DT_REG): files.append(path)
                case Int32(DT_LNK): links.append(path)
                default: continue
                }
            }
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent(folder).path, isDirectory: &isDir), isDir.boolValue else { return ([], []) }
        walk(folder)
        return (files.sorted(), links.sorted())
    }
}
