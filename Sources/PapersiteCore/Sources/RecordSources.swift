import Foundation

/// The formats papersite reads, and the reader for each.
public enum RecordFormat: String, Sendable, CaseIterable {
    case markdown = "md"
    case listing = "txt"
    case bibtex = "bib"
    case arxivAPI = "xml"
    case arxivSnapshot = "jsonl"

    /// The format a file's extension names, if any.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "md", "markdown": self = .markdown
        case "txt": self = .listing
        case "bib": self = .bibtex
        case "xml": self = .arxivAPI
        case "jsonl": self = .arxivSnapshot
        default: return nil
        }
    }

    /// Hands each paper of one file to `body`: the snapshot is streamed,
    /// the other formats (at most 16 MB a file) are read whole.
    func forEach(_ url: URL, file: String, _ body: (Paper) -> Void) -> [Diagnostic] {
        if self == .arxivSnapshot { return ArXivSnapshotReader().forEach(url, file: file, body) }
        let (papers, diagnostics) = read(url, file: file)
        papers.forEach(body)
        return diagnostics
    }

    /// Reads one file. `file` is the name used in messages.
    func read(_ url: URL, file: String) -> (papers: [Paper], diagnostics: [Diagnostic]) {
        let location = SourceLocation(file: file)
        switch self {
        case .arxivSnapshot:
            return ArXivSnapshotReader().read(url, file: file)
        case .arxivAPI:
            guard let data = FileManager.default.contents(atPath: url.path) else {
                return ([], [.error("cannot read the file", at: location)])
            }
            guard data.count <= SourceText.maximumBytes else {
                return ([], [.error("the file is larger than \(SourceText.maximumBytes >> 20) MB", at: location)])
            }
            return ArXivAtomReader().read(data, file: file)
        case .markdown, .listing, .bibtex:
            let text: String
            do { text = try SourceText.load(url, as: file) } catch { return ([], [error]) }
            switch self {
            case .listing: return ListingReader().read(text, file: file)
            case .bibtex: return BibTeXReader().read(text, file: file)
            default:
                let (paper, diagnostics) = MarkdownPaperReader().read(text, file: file)
                return (paper.map { [$0] } ?? [], diagnostics)
            }
        }
    }
}
