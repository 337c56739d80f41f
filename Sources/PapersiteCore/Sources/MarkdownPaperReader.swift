import Foundation
import Yams

/// Reads one paper from a Markdown file with YAML front matter. The body
/// starts with the abstract; the first heading starts the notes.
struct MarkdownPaperReader {
    static let keys = ["title", "slug", "authors", "affiliations", "date", "updated", "tags", "arxiv", "doi", "url",
                       "pdf", "code", "source", "venue", "comment", "draft", "abstract"]

    func read(_ text: String, file: String) -> (paper: Paper?, diagnostics: [Diagnostic]) {
        var log = DiagnosticLog()
        if text.allSatisfy(\.isWhitespace) {
            return (nil, [.error("the file is empty; a paper needs front matter with 'title' and 'date'", at: SourceLocation(file: file, line: 1, column: 1))])
        }
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
            log.error(fields.keys.contains("title") ? "'title' is empty" : "the paper has no 'title'", at: fields.keys.contains("title") ? fields.location(of: "title") : start)
        }
        // No `date` is an undated paper (an ancient text, a manual), as in a
        // bibliography; a year or a month alone is a date as far as it is known.
        let (date, precision) = Self.date(fields, log: &log)
        let updated = fields.day("updated", log: &log)
        let authors = (fields.stringList("authors", log: &log) ?? []).map(TextCleaning.line).filter { !$0.isEmpty }
        let tags = (fields.stringList("tags", log: &log) ?? []).map(TextCleaning.line).filter { !$0.isEmpty }
        RecordLimits.check(title: title, authors: authors, tags: tags, at: { fields.location(of: $0) }, log: &log)
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
        let affiliations = (fields.stringList("affiliations", log: &log) ?? []).map(TextCleaning.line)
        if !affiliations.isEmpty && affiliations.count != authors.count {
            log.error("'affiliations' has \(affiliations.count) entries but 'authors' has \(authors.count); give one per author (\"\" when unknown)", at: fields.location(of: "affiliations"))
        }
        let comment = fields.string("comment", log: &log).map(TextCleaning.line).flatMap { $0.isEmpty ? nil : $0 }
        for key in ["url", "pdf", "code", "source"] {
            guard let value = fields.string(key, log: &log)?.trimmingCharacters(in: .whitespaces) else { continue }
            guard Identifiers.isWebURL(value) else {
                log.error("'\(key)' must be an absolute http(s) URL: \(value)", at: fields.location(of: key))
                continue
            }
            switch key {
            case "url": links.url = value
            case "pdf": links.pdf = value
            case "source": links.listing = value
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
        // The body reaches cmark-gfm as written (an indented first line is code).
        abstract = TextCleaning.trimmedMarkdown(abstract)
        notes = TextCleaning.trimmedMarkdown(notes)

        var paper = Paper(
            title: title, authors: authors, published: date, datePrecision: precision, updated: updated, tags: tags,
            arxiv: arxiv?.id, arxivVersion: arxiv?.version, doi: doi, links: links, venue: venue,
            abstract: abstract, notes: notes, draft: draft,
            slug: slug, source: start)
        paper.affiliations = affiliations
        paper.comment = comment
        return (paper, log.sorted)
    }

    /// `date`: `YYYY-MM-DD`, or `YYYY-MM` or `YYYY` for a paper known only
    /// to its month or year.
    static func date(_ fields: YAMLReader.Fields, log: inout DiagnosticLog) -> (Day?, DatePrecision) {
        if case .scalar(let s)? = fields.node("date") {
            let text = Array(s.string.utf8)
            let digits = { (range: Range<Int>) in text[range].allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
            if text.count == 4, digits(0..<4), let day = Day(year: Int(s.string)!, month: 1, day: 1) { return (day, .year) }
            if text.count == 7, digits(0..<4), text[4] == UInt8(ascii: "-"), digits(5..<7),
               let day = Day(year: Int(s.string.prefix(4))!, month: Int(s.string.suffix(2))!, day: 1) { return (day, .month) }
        }
        return (fields.day("date", log: &log), .day)
    }

    /// Splits a body at its first heading (outside code blocks), walking
    /// UTF-8 offsets line by line rather than splitting the whole body.
    static func splitBody(_ body: String) -> (abstract: String, notes: String) {
        let utf8 = body.utf8
        var lineStart = utf8.startIndex
        var fence: UInt8?
        while lineStart < utf8.endIndex {
            let end = utf8[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
            let line = utf8[lineStart..<end]
            let indent = line.prefix { $0 == UInt8(ascii: " ") }.count
            let trimmed = line.dropFirst(indent)
            let first = trimmed.first
            if let f = fence {
                if trimmed.starts(with: [f, f, f]) { fence = nil }
            } else if indent < 4, let c = first, c == UInt8(ascii: "`") || c == UInt8(ascii: "~"), trimmed.starts(with: [c, c, c]) {
                fence = c
            } else if indent < 4, first == UInt8(ascii: "#") {
                let hashes = trimmed.prefix { $0 == UInt8(ascii: "#") }.count
                let after = trimmed.dropFirst(hashes).first
                if hashes <= 6 && (after == nil || after == UInt8(ascii: " ") || after == UInt8(ascii: "\t")) {
                    return (String(body[..<lineStart]), String(body[lineStart...]))
                }
            }
            lineStart = end == utf8.endIndex ? end : utf8.index(after: end)
        }
        return (body, "")
    }
}
