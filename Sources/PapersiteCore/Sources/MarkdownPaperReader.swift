import Foundation
import Yams

/// Reads one paper from a Markdown file with YAML front matter. The body
/// starts with the abstract; the first heading starts the notes.
struct MarkdownPaperReader {
    static let keys = ["title", "slug", "authors", "date", "updated", "tags", "arxiv", "doi", "url",
                       "pdf", "code", "venue", "draft", "abstract"]

    func read(_ text: String, file: String) -> (paper: Paper?, diagnostics: [Diagnostic]) {
        var log = DiagnosticLog()
        let front: FrontMatter
        do {
            guard let f = try FrontMatter.split(text, file: file) else {
                return (nil, [.error("a paper file must start with front matter: a line '---', 'title: ...' and 'date: YYYY-MM-DD', then '---'", at: SourceLocation(file: file, line: 1, column: 1))])
            }
            front = f
        } catch {
            return (nil, [error])
        }
        let reader = YAMLReader(file: file, firstLine: front.yamlFirstLine)
        let fields: YAMLReader.Fields
        do {
            fields = try reader.mapping(try reader.parse(front.yaml), what: "the front matter")
        } catch {
            return (nil, [error])
        }
        let start = SourceLocation(file: file, line: 1, column: 1)
        fields.checkKeys(Self.keys, in: "the front matter", log: &log)

        let title = fields.string("title", log: &log).map(TextCleaning.line) ?? ""
        if title.isEmpty && !log.hasErrors {
            log.error(fields.node("title") == nil && !fields.keys.contains("title") ? "the paper has no 'title'" : "'title' is empty", at: fields.node("title").map { reader.location($0) } ?? start)
        }
        let date = fields.day("date", log: &log)
        if date == nil && fields.node("date") == nil {
            log.error("the paper has no 'date' (YYYY-MM-DD)", at: start)
        }
        let updated = fields.day("updated", log: &log)
        let authors = (fields.stringList("authors", log: &log) ?? []).map(TextCleaning.line).filter { !$0.isEmpty }
        let tags = (fields.stringList("tags", log: &log) ?? []).map(TextCleaning.line).filter { !$0.isEmpty }
        let draft = fields.bool("draft", log: &log) ?? false
        let venue = fields.string("venue", log: &log).map(TextCleaning.line).flatMap { $0.isEmpty ? nil : $0 }

        var slug: String?
        if let s = fields.string("slug", log: &log) {
            if Slug.isValid(s) { slug = s } else {
                log.error("'slug' may hold only lowercase letters, digits, '-', '_' and '.' (try '\(Slug.make(s))')", at: fields.location(of: "slug"))
            }
        }
        var arxiv: (id: String, version: Int?)?
        if let a = fields.string("arxiv", log: &log) {
            arxiv = Identifiers.arxiv(a)
            if arxiv == nil { log.error("'arxiv' is not an arXiv identifier (such as 2403.01234 or hep-th/9711200): \(a)", at: fields.location(of: "arxiv")) }
        }
        var doi: String?
        if let d = fields.string("doi", log: &log) {
            doi = Identifiers.doi(d)
            if doi == nil { log.error("'doi' is not a DOI (such as 10.1000/xyz123): \(d)", at: fields.location(of: "doi")) }
        }
        var links = Paper.Links()
        for key in ["url", "pdf", "code"] {
            guard let value = fields.string(key, log: &log)?.trimmingCharacters(in: .whitespaces) else { continue }
            guard Identifiers.isWebURL(value) else {
                log.error("'\(key)' must be an absolute http(s) URL: \(value)", at: fields.location(of: key))
                continue
            }
            switch key {
            case "url": links.url = value
            case "pdf": links.pdf = value
            default: links.code = value
            }
        }
        if log.hasErrors { return (nil, log.sorted) }

        let body = TextCleaning.block(front.body)
        var abstract: String
        var notes: String
        if let given = fields.string("abstract", log: &log) {
            abstract = TextCleaning.block(given)
            notes = body
        } else {
            (abstract, notes) = Self.splitBody(body)
        }
        abstract = abstract.trimmingCharacters(in: .whitespacesAndNewlines)
        notes = notes.trimmingCharacters(in: .whitespacesAndNewlines)

        let paper = Paper(
            title: title, authors: authors, published: date!, updated: updated, tags: tags,
            arxiv: arxiv?.id, arxivVersion: arxiv?.version, doi: doi, links: links, venue: venue,
            abstract: abstract, notes: notes, draft: draft,
            slug: slug, source: start)
        return (paper, log.sorted)
    }

    /// Splits a body at its first heading (outside code blocks).
    static func splitBody(_ body: String) -> (abstract: String, notes: String) {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        var fence: Substring?
        for (i, line) in lines.enumerated() {
            let trimmed = line.drop(while: { $0 == " " })
            if let f = fence {
                if trimmed.hasPrefix(f) { fence = nil }
                continue
            }
            if trimmed.hasPrefix("```") { fence = "```"; continue }
            if trimmed.hasPrefix("~~~") { fence = "~~~"; continue }
            if line.count - trimmed.count < 4, trimmed.hasPrefix("#") {
                let hashes = trimmed.prefix(while: { $0 == "#" })
                let after = trimmed.dropFirst(hashes.count)
                if hashes.count <= 6 && (after.isEmpty || after.first == " " || after.first == "\t") {
                    return (lines[..<i].joined(separator: "\n"), lines[i...].joined(separator: "\n"))
                }
            }
        }
        return (body, "")
    }
}
