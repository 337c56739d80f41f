import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PaperMarkdown

/// Reads arXiv API responses (`content/papers/*.xml`): the Atom documents
/// that `export.arxiv.org/api/query` returns. Elements are matched by
/// namespace and local name, never by prefix or order, so both the old and
/// the 2025 shape of the API's output read the same.
struct ArXivAtomReader {
    /// The threads entries are read on (one when the site's files are read side by side).
    var parallelism = Parallelism.allCores

    static let atom = "http://www.w3.org/2005/Atom"
    static let arxiv = "http://arxiv.org/schemas/atom"

    func read(_ data: Data, file: String) -> (papers: [Paper], diagnostics: [Diagnostic]) {
        let delegate = Collector()
        // Handed to libxml2 a block at a time: given whole, a document of
        // more than about 10 MB failed at its end ("huge input lookup").
        let parser = XMLParser(stream: InputStream(data: data))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        var log = DiagnosticLog()
        // FoundationXML on Linux may return true and only set parserError.
        if !parser.parse() || parser.parserError != nil || delegate.firstError != nil {
            let (code, line, column) = delegate.firstError ?? ((parser.parserError as NSError?)?.code ?? 0, parser.lineNumber, parser.columnNumber)
            log.error("the file is not well-formed XML: \(Self.describe(xmlError: code))", at: SourceLocation(file: file, line: max(1, line), column: max(1, column)))
            return ([], log.sorted)
        }
        guard delegate.rootIsAtomFeed else {
            log.error("not an arXiv API response: the document is not an Atom <feed>", at: SourceLocation(file: file, line: 1, column: 1))
            return ([], log.sorted)
        }
        let entries = delegate.entries
        let papers = parallelism.papers(entries.count, log: &log) { k, log in
            paper(from: entries[k], alone: entries.count == 1, file: file, log: &log)
        }
        return (papers, log.sorted)
    }

    /// `alone`: the response has no other entry (an error's shape).
    private func paper(from entry: Collector.Entry, alone: Bool, file: String, log: inout DiagnosticLog) -> Paper? {
        let location = SourceLocation(file: file, line: entry.line, column: 1)
        let title = TextCleaning.line(entry.text["title"] ?? "")
        let id = TextCleaning.line(entry.text["id"] ?? "")
        if title == "Error" && (id.contains("/api/errors") || alone && Identifiers.arxiv(id) == nil) {
            log.error("the arXiv API answered with an error: \(TextCleaning.line(entry.text["summary"] ?? "no details"))", at: location)
            return nil
        }
        guard let arxiv = Identifiers.arxiv(id) else {
            log.skipped("the entry's id is not an arXiv identifier: \(id); the entry is skipped", at: location)
            return nil
        }
        guard !title.isEmpty else {
            log.skipped("the entry \(arxiv.id) has no title; it is skipped", at: location)
            return nil
        }
        guard let published = entry.text["published"].flatMap({ Day(iso: TextCleaning.line($0)) }) else {
            log.skipped("the entry \(arxiv.id) has no valid <published> date; it is skipped", at: location)
            return nil
        }
        var tags: [String] = []
        for code in [entry.primaryCategory].compactMap({ $0 }) + entry.categories where !code.isEmpty {
            let name = ArXivCategories.name(of: code) ?? code
            if !tags.contains(name) { tags.append(name) }
        }
        var links = Paper.Links()
        links.pdf = entry.links.first { $0.title == "pdf" }?.href.flatMap { Identifiers.isWebURL($0) ? $0.replacingOccurrences(of: "http://arxiv.org", with: "https://arxiv.org") : nil }
        var doi = entry.text["doi"].flatMap { Identifiers.doi(TextCleaning.line($0)) }
        if doi == nil, let doiLink = entry.links.first(where: { $0.title == "doi" })?.href { doi = Identifiers.doi(doiLink) }
        var paper = Paper(
            title: title, authors: entry.authors.map(\.name), published: published,
            updated: entry.text["updated"].flatMap { Day(iso: TextCleaning.line($0)) },
            tags: tags, arxiv: arxiv.id, arxivVersion: arxiv.version, doi: doi, links: links,
            venue: entry.text["journal_ref"].map(TextCleaning.line).flatMap { $0.isEmpty ? nil : $0 },
            abstract: PlainText.markdown(from: TextCleaning.line(entry.text["summary"] ?? "")), source: location)
        if entry.authors.contains(where: { !$0.affiliation.isEmpty }) { paper.affiliations = entry.authors.map(\.affiliation) }
        paper.comment = entry.text["comment"].map(TextCleaning.line).flatMap { $0.isEmpty ? nil : $0 }
        guard RecordLimits.admits(title: title, authors: paper.authors, tags: &tags, what: "the entry \(arxiv.id)", at: location, log: &log) else { return nil }
        paper.tags = tags
        return paper
    }

    /// libxml2's error codes, as XMLParser reports them.
    static func describe(xmlError code: Int) -> String {
        switch code {
        case 4: return "the document is empty"
        case 5: return "the document ends before its elements are closed"
        case 9: return "a character that XML does not allow"
        case 26: return "an entity that is not defined"
        case 38, 39, 40, 41: return "a badly written attribute"
        case 68, 73: return "a tag that is not finished"
        case 76: return "an element closed by the wrong end tag"
        case 201, 202, 203, 204: return "a namespace problem"
        default: return "libxml2 error \(code)"
        }
    }

    /// Collects entries as the SAX parser walks the document.
    final class Collector: NSObject, XMLParserDelegate {
        struct Author { var name = ""; var affiliation = "" }
        struct Link { var href: String?; var rel: String?; var title: String? }
        struct Entry {
            var line: Int
            var text: [String: String] = [:]
            var authors: [Author] = []
            var links: [Link] = []
            var categories: [String] = []
            var primaryCategory: String?
        }

        var rootIsAtomFeed = false
        var entries: [Entry] = []
        private var depth = 0
        private var current: Entry?
        private var author: Author?
        private var buffer = ""
        private weak var parser: XMLParser?

        /// The first error: libxml2 code, line, column.
        var firstError: (Int, Int, Int)?

        func parserDidStartDocument(_ parser: XMLParser) { self.parser = parser }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            if firstError == nil { firstError = ((parseError as NSError).code, parser.lineNumber, parser.columnNumber) }
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            depth += 1
            buffer = ""
            let ns = namespaceURI ?? ""
            if depth == 1 { rootIsAtomFeed = ns == ArXivAtomReader.atom && name == "feed" }
            if ns == ArXivAtomReader.atom && name == "entry" && depth == 2 {
                current = Entry(line: parser.lineNumber)
                return
            }
            guard current != nil else { return }
            switch (ns, name) {
            case (ArXivAtomReader.atom, "author"): author = Author()
            case (ArXivAtomReader.atom, "link"):
                current?.links.append(Link(href: attributes["href"], rel: attributes["rel"], title: attributes["title"]))
            case (ArXivAtomReader.atom, "category"):
                if let term = attributes["term"] { current?.categories.append(term) }
            case (ArXivAtomReader.arxiv, "primary_category"):
                current?.primaryCategory = attributes["term"]
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { buffer += string }

        func parser(_ parser: XMLParser, foundCDATA block: Data) { buffer += String(decoding: block, as: UTF8.self) }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            defer { depth -= 1 }
            let ns = namespaceURI ?? ""
            guard current != nil else { return }
            if ns == ArXivAtomReader.atom && name == "entry" && depth == 2 {
                entries.append(current!)
                current = nil
                return
            }
            if var a = author {
                if ns == ArXivAtomReader.atom && name == "name" { a.name = TextCleaning.line(buffer); author = a }
                if ns == ArXivAtomReader.arxiv && name == "affiliation" {
                    a.affiliation = a.affiliation.isEmpty ? TextCleaning.line(buffer) : a.affiliation + "; " + TextCleaning.line(buffer)
                    author = a
                }
                if ns == ArXivAtomReader.atom && name == "author" {
                    if !a.name.isEmpty { current?.authors.append(a) }
                    author = nil
                }
                return
            }
            switch (ns, name) {
            case (ArXivAtomReader.atom, "id"), (ArXivAtomReader.atom, "title"), (ArXivAtomReader.atom, "summary"),
                 (ArXivAtomReader.atom, "published"), (ArXivAtomReader.atom, "updated"),
                 (ArXivAtomReader.arxiv, "doi"), (ArXivAtomReader.arxiv, "journal_ref"), (ArXivAtomReader.arxiv, "comment"):
                if depth == 3 { current?.text[name] = buffer }
            default: break
            }
        }
    }
}
