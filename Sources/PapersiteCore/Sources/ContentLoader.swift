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

    public init(siteRoot: URL, includeDrafts: Bool, parallelism: Parallelism = .allCores) {
        self.siteRoot = siteRoot
        self.includeDrafts = includeDrafts
        self.parallelism = parallelism
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

        let results = parallelism.map(paperFiles.count) { readPaperFile(paperFiles[$0]) }
        var papers: [Paper] = []
        for r in results {
            papers.append(contentsOf: r.papers)
            log.append(contentsOf: r.diagnostics)
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

        Self.checkBibTeXKeys(papers, log: &log)
        if !includeDrafts { papers.removeAll { $0.draft } }
        papers = DuplicateMerger.merge(papers, log: &log)
        papers = SlugAssigner.assign(papers, log: &log)
        var seenPageSlugs: [String: SourceLocation] = [:]
        for page in pages {
            if let first = seenPageSlugs[page.slug] {
                log.error("the page slug '\(page.slug)' is already used by \(first.file)", at: page.source)
            }
            seenPageSlugs[page.slug] = page.source
        }
        return LoadedContent(papers: papers, pages: pages, diagnostics: log.sorted)
    }

    /// A BibTeX key names one entry: like BibTeX's "Repeated entry", a key
    /// used again for another paper (across all .bib files, case ignored)
    /// is an error. The same paper listed twice is merged, not an error.
    static func checkBibTeXKeys(_ papers: [Paper], log: inout DiagnosticLog) {
        var first: [String: Paper] = [:]
        for paper in papers.sorted(by: { $0.source < $1.source }) {
            guard let key = paper.bibKey else { continue }
            let folded = key.lowercased()
            if let earlier = first[folded] {
                let samePaper = earlier.key == paper.key && (earlier.arxiv != nil || earlier.doi != nil)
                if !samePaper {
                    log.error("the BibTeX key '\(key)' is already used by the entry at \(earlier.source)", at: paper.source)
                }
            } else {
                first[folded] = paper
            }
        }
    }

    private func readPaperFile(_ file: String) -> (papers: [Paper], diagnostics: [Diagnostic]) {
        guard let format = RecordFormat(fileExtension: (file as NSString).pathExtension) else {
            return ([], [.warning("ignored: not a paper format papersite reads (.md, .txt, .bib, .xml, .jsonl)", at: SourceLocation(file: file))])
        }
        return format.read(siteRoot.appendingPathComponent(file), file: file)
    }

    /// Regular files under `folder` (relative to the site), sorted, hidden files skipped.
    /// Symbolic links are not followed.
    static func files(under folder: String, in root: URL) -> [String] {
        listing(under: folder, in: root).files
    }

    /// Regular files and symbolic links under `folder`, each sorted.
    static func listing(under folder: String, in root: URL) -> (files: [String], links: [String]) {
        let base = root.appendingPathComponent(folder)
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: base.path, isDirectory: &isDir), isDir.boolValue,
              let enumerator = fm.enumerator(atPath: base.path) else { return ([], []) }
        var files: [String] = []
        var links: [String] = []
        while let item = enumerator.nextObject() as? String {
            let name = (item as NSString).lastPathComponent
            if name.hasPrefix(".") {
                if let type = enumerator.fileAttributes?[.type] as? FileAttributeType, type == .typeDirectory {
                    enumerator.skipDescendants()
                }
                continue
            }
            let type = enumerator.fileAttributes?[.type] as? FileAttributeType
            if type == .typeRegular {
                files.append(folder + "/" + item)
            } else if type == .typeSymbolicLink {
                links.append(folder + "/" + item)
            }
        }
        return (files.sorted(), links.sorted())
    }
}

/// Gives each paper a unique slug. Explicit slugs must be unique; derived
/// slugs that collide get `-2`, `-3`, ... in source order, with a warning.
enum SlugAssigner {
    static func assign(_ papers: [Paper], log: inout DiagnosticLog) -> [Paper] {
        var taken: [String: SourceLocation] = [:]
        var result = papers
        for i in result.indices where result[i].slugIsExplicit {
            if let first = taken[result[i].slug] {
                log.error("the slug '\(result[i].slug)' is already used by the paper at \(first)", at: result[i].source)
            } else {
                taken[result[i].slug] = result[i].source
            }
        }
        for i in result.indices where !result[i].slugIsExplicit {
            let base = result[i].slug
            guard let first = taken[base] else {
                taken[base] = result[i].source
                continue
            }
            var n = 2
            while taken["\(base)-\(n)"] != nil { n += 1 }
            let slug = "\(base)-\(n)"
            log.warning("the slug '\(base)' is already used by the paper at \(first); this paper gets '\(slug)' (set 'slug' to choose)", at: result[i].source)
            result[i].slug = slug
            if result[i].key == base { result[i].key = slug }
            taken[slug] = result[i].source
        }
        return result
    }
}

/// One paper from several sources (the same arXiv id or DOI in a BibTeX
/// file and an arXiv response, say) becomes one record. Markdown records
/// come first, then the others in path order; the first record's fields
/// win, and the later ones fill what it lacks (tags are joined). Each
/// merge is reported with both places.
enum DuplicateMerger {
    static func merge(_ papers: [Paper], log: inout DiagnosticLog) -> [Paper] {
        func identity(_ p: Paper) -> String? {
            p.key.hasPrefix("arXiv:") || p.key.hasPrefix("doi:") ? p.key : nil
        }
        // DOIs and arXiv ids name the same paper: link records that share either.
        var groups: [String: Int] = [:]      // identity → index of the kept record in `result`
        var result: [Paper] = []
        let ordered = papers.enumerated().sorted { a, b in
            let pa = a.element.source.file.hasSuffix(".md") ? 0 : 1, pb = b.element.source.file.hasSuffix(".md") ? 0 : 1
            return (pa, a.element.source, a.offset) < (pb, b.element.source, b.offset)
        }.map(\.element)
        for paper in ordered {
            let ids = [identity(paper), paper.arxiv.map { "arXiv:\($0)" }, paper.doi.map { "doi:\($0.lowercased())" }].compactMap { $0 }
            if let target = ids.lazy.compactMap({ groups[$0] }).first {
                let kept = result[target]
                log.warning("the paper \(kept.key) also comes from \(kept.source); the records are merged (fields from \(kept.source.file) come first)", at: paper.source)
                result[target] = fill(kept, from: paper)
                for id in ids { groups[id] = target }
            } else {
                result.append(paper)
                for id in ids { groups[id] = result.count - 1 }
            }
        }
        // Keep the original (path) order for everything else.
        let position = Dictionary(papers.enumerated().map { ($0.element.source, $0.offset) }, uniquingKeysWith: { a, _ in a })
        return result.sorted { (position[$0.source] ?? 0) < (position[$1.source] ?? 0) }
    }

    static func fill(_ base: Paper, from other: Paper) -> Paper {
        var p = base
        if p.authors.isEmpty { p.authors = other.authors; p.affiliations = other.affiliations }
        if p.affiliations.isEmpty && p.authors == other.authors { p.affiliations = other.affiliations }
        if p.updated == nil { p.updated = other.updated }
        if p.arxiv == nil { p.arxiv = other.arxiv }
        if p.arxivVersion == nil || (other.arxiv == p.arxiv && (other.arxivVersion ?? 0) > (p.arxivVersion ?? 0)) { p.arxivVersion = other.arxivVersion ?? p.arxivVersion }
        if p.doi == nil { p.doi = other.doi }
        if p.venue == nil { p.venue = other.venue }
        if p.comment == nil { p.comment = other.comment }
        if p.links.url == nil { p.links.url = other.links.url }
        if p.links.pdf == nil { p.links.pdf = other.links.pdf }
        if p.links.code == nil { p.links.code = other.links.code }
        if p.links.listing == nil { p.links.listing = other.links.listing }
        if p.abstract.isEmpty { p.abstract = other.abstract }
        if p.notes.isEmpty { p.notes = other.notes }
        for tag in other.tags where !p.tags.contains(where: { Tag(name: $0).slug == Tag(name: tag).slug }) { p.tags.append(tag) }
        if !p.key.hasPrefix("arXiv:"), let arxiv = p.arxiv { p.key = "arXiv:\(arxiv)" }
        return p
    }
}
