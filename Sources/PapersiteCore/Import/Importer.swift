import Foundation
import Yams

/// `papersite import`: turns records from any source format into one
/// editable Markdown file per paper, named by its stable key.
///
/// Each file it writes ends its front matter with a checksum line. On a
/// later import, a file whose checksum still matches was not edited and is
/// updated; a file that was edited (or that papersite did not write) is
/// left alone unless `force` is set, and the summary names it.
public struct Importer: Sendable {
    public struct Options: Sendable {
        public var sources: [URL]
        /// The folder to write into (usually `content/papers`).
        public var folder: URL
        /// nil: from each file's extension.
        public var format: RecordFormat?
        public var force: Bool
        /// Warnings about the sources are errors, and nothing is written (`--strict`).
        public var strict = false
        /// For messages: paths are shown relative to this folder.
        public var displayRoot: URL

        public init(sources: [URL], folder: URL, format: RecordFormat? = nil, force: Bool = false, displayRoot: URL) {
            self.sources = sources
            self.folder = folder
            self.format = format
            self.force = force
            self.displayRoot = displayRoot
        }
    }

    public struct Summary: Sendable {
        public var new = 0
        public var updated = 0
        public var unchanged = 0
        /// Files left alone because they were edited by hand.
        public var skipped: [String] = []
        public var warnings: [Diagnostic] = []

        public var line: String {
            "\(new) new, \(updated) updated, \(unchanged) unchanged, \(skipped.count) skipped (edited)"
        }
    }

    static let hashPrefix = "# papersite-import: "

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    /// Reads every source once to check it (nothing is written if any is
    /// bad), then again to write. Both passes stream: memory holds the
    /// papers' identities and the few papers that appear more than once,
    /// never a whole snapshot. `progress(done, total)` follows the writing.
    public func run(progress: (Int, Int) -> Void = { _, _ in }) throws(BuildFailure) -> Summary {
        var log = DiagnosticLog()
        var sources: [(url: URL, name: String, format: RecordFormat)] = []
        for source in options.sources {
            let name = display(source)
            guard let format = options.format ?? RecordFormat(fileExtension: source.pathExtension) else {
                log.error("cannot tell this file's format from its extension; give --format", at: SourceLocation(file: name))
                continue
            }
            guard FileManager.default.fileExists(atPath: source.path) else {
                log.error("no such file", at: SourceLocation(file: name))
                continue
            }
            sources.append((source, name, format))
        }
        if log.hasErrors { throw BuildFailure(log.sorted) }

        // BibTeX files imported together share their @string macros, as in a build.
        let bibtex = sources.filter { $0.format == .bibtex }
        let macros = bibtex.count < 2 ? [:] : BibTeXReader.sharedMacros(bibtex.map { BibTeXReader.stringDefinitions($0.url, file: $0.name) }).table
        func bibtexMacros(_ format: RecordFormat) -> [String: String] { format == .bibtex ? macros : [:] }

        // Pass 1: check everything and count identities.
        var identityCounts: [String: Int] = [:]
        var total = 0
        for source in sources {
            log.append(contentsOf: source.format.forEach(source.url, file: source.name, bibtexMacros: bibtexMacros(source.format)) { paper in
                total += 1
                for id in Self.identities(of: paper) { identityCounts[id, default: 0] += 1 }
            })
        }
        if log.hasErrors { throw BuildFailure(log.sorted) }
        if options.strict && log.items.contains(where: { $0.severity == .warning }) { throw BuildFailure(log.sorted.strict()) }

        do {
            try FileManager.default.createDirectory(at: options.folder, withIntermediateDirectories: true)
        } catch {
            throw BuildFailure([.error("cannot create \(display(options.folder)): \(error.localizedDescription)", at: nil)])
        }

        // Pass 2: write papers as they come; hold back those with a twin.
        var summary = Summary()
        var fileNames: [String: SourceLocation] = [:]
        var twins: [Paper] = []
        var done = 0
        var failure: BuildFailure?
        for source in sources where failure == nil {
            _ = source.format.forEach(source.url, file: source.name, bibtexMacros: bibtexMacros(source.format)) { paper in
                guard failure == nil else { return }
                if Self.identities(of: paper).contains(where: { (identityCounts[$0] ?? 0) > 1 }) {
                    twins.append(paper)
                    return
                }
                do throws(BuildFailure) {
                    try write(paper, summary: &summary, fileNames: &fileNames, log: &log)
                } catch {
                    failure = error
                }
                done += 1
                progress(done, total)
            }
        }
        if let failure { throw failure }
        for paper in DuplicateMerger.merge(twins, log: &log) {
            try write(paper, summary: &summary, fileNames: &fileNames, log: &log)
        }
        progress(total, total)
        summary.warnings = log.sorted
        return summary
    }

    static func identities(of paper: Paper) -> [String] {
        [paper.arxiv.map { "arXiv:\($0)" }, paper.doi.map { "doi:\($0.lowercased())" }].compactMap { $0 }
    }

    private func write(_ paper: Paper, summary: inout Summary, fileNames: inout [String: SourceLocation], log: inout DiagnosticLog) throws(BuildFailure) {
        let fileName = Self.fileName(for: paper)
        var target = fileName
        if let first = fileNames[fileName] {
            var k = 2
            while fileNames[target] != nil { target = String(fileName.dropLast(3)) + "-\(k).md"; k += 1 }
            log.warning("this paper's record name \(fileName) is taken by the paper at \(first); it is written to \(target)", at: paper.source)
        }
        fileNames[target] = paper.source
        let url = options.folder.appendingPathComponent(target)
        let text = Self.record(for: paper, from: (paper.source.file as NSString).lastPathComponent)
        if let existing = try? String(contentsOf: url, encoding: .utf8) {
            if !options.force && !Self.isUnedited(existing) {
                summary.skipped.append(display(url))
                log.warning("skipped: this file was edited by hand (use --force to overwrite it)", at: SourceLocation(file: display(url)))
                return
            }
            if existing == text {
                summary.unchanged += 1
                return
            }
            summary.updated += 1
        } else {
            summary.new += 1
        }
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw BuildFailure(log.sorted + [.error("cannot write: \(error.localizedDescription)", at: SourceLocation(file: display(url)))])
        }
    }

    private func display(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let root = options.displayRoot.standardizedFileURL.path + "/"
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
    }

    /// `2403.01234.md`, `hep-th-9711200.md`, `doi-10.1000-xyz.md` or `<slug>.md`.
    static func fileName(for paper: Paper) -> String {
        func clean(_ s: String) -> String {
            String(s.lowercased().unicodeScalars.map { scalar -> Character in
                let v = scalar.value
                return (v >= 97 && v <= 122) || (v >= 48 && v <= 57) || scalar == "." || scalar == "-" ? Character(scalar) : "-"
            }).replacingOccurrences(of: "..", with: "-")
        }
        if let arxiv = paper.arxiv { return clean(arxiv) + ".md" }
        if let doi = paper.doi { return "doi-" + clean(doi) + ".md" }
        return paper.slug + ".md"
    }

    /// The Markdown record of a paper, with its checksum line.
    static func record(for paper: Paper, from source: String) -> String {
        func text(_ s: String) -> Node { Node(s, Yams.Tag(.str), .doubleQuoted) }
        func list(_ items: [String]) -> Node { Node(items.map(text), Yams.Tag(.seq), .flow) }
        var pairs: [(Node, Node)] = [(Node("title"), text(paper.title))]
        if !paper.authors.isEmpty { pairs.append((Node("authors"), list(paper.authors))) }
        if paper.affiliations.contains(where: { !$0.isEmpty }) { pairs.append((Node("affiliations"), list(paper.affiliations))) }
        if let published = paper.publishedISO { pairs.append((Node("date"), Node(published))) }
        if let updated = paper.updated { pairs.append((Node("updated"), Node(updated.iso))) }
        if !paper.tags.isEmpty { pairs.append((Node("tags"), list(paper.tags))) }
        if let arxiv = paper.arxiv { pairs.append((Node("arxiv"), text(arxiv + (paper.arxivVersion.map { "v\($0)" } ?? "")))) }
        if let doi = paper.doi { pairs.append((Node("doi"), text(doi))) }
        if let url = paper.links.url { pairs.append((Node("url"), text(url))) }
        if let pdf = paper.links.pdf { pairs.append((Node("pdf"), text(pdf))) }
        if let code = paper.links.code { pairs.append((Node("code"), text(code))) }
        if let listing = paper.links.listing { pairs.append((Node("source"), text(listing))) }
        if let venue = paper.venue { pairs.append((Node("venue"), text(venue))) }
        if let comment = paper.comment { pairs.append((Node("comment"), text(comment))) }
        let yaml = (try? Yams.serialize(node: Node(pairs), width: -1, allowUnicode: true)) ?? ""
        var body = paper.abstract
        if !paper.notes.isEmpty { body += "\n\n" + paper.notes }
        let unhashed = "---\n\(yaml)# Imported by papersite from \(source). Edit freely: once edited, papersite import leaves this file alone.\n---\n\(body)\n"
        return insertHash(into: unhashed)
    }

    private static func insertHash(into text: String) -> String {
        // The hash line goes just before the closing `---`.
        guard let range = text.range(of: "\n---\n", options: [], range: text.index(text.startIndex, offsetBy: 4)..<text.endIndex) else { return text }
        let hash = fnv1a(text)
        return String(text[..<range.lowerBound]) + "\n" + hashPrefix + hash + String(text[range.lowerBound...])
    }

    /// True if the file is exactly as papersite wrote it.
    static func isUnedited(_ text: String) -> Bool {
        guard let line = text.range(of: "\n" + hashPrefix) else { return false }
        let end = text[line.upperBound...].firstIndex(of: "\n") ?? text.endIndex
        let recorded = String(text[line.upperBound..<end])
        let without = String(text[..<line.lowerBound]) + String(text[end...])
        return fnv1a(without) == recorded
    }

    /// FNV-1a, 64 bits, as hex: enough to notice an edit, stable everywhere.
    static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100000001b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
