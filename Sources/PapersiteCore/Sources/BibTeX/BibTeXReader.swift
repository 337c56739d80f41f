import Foundation
import PaperMarkdown

/// Reads papers from a BibTeX file (`content/papers/*.bib`).
///
/// - `title`, `author` (with `and`, "Last, First" or "First Last", `and
///   others`), `year` + `month` (+ `day`) or biblatex `date`;
/// - arXiv: `eprint` with `archivePrefix = arXiv` (or `eprinttype`), an
///   `arxiv` field, or "arXiv:2403.01234" in `journal`; `primaryClass` and
///   `keywords` become tags;
/// - links: `url`, `pdf`, `code`, `html`, `doi`; `abstract`;
/// - venue: `journal` or `booktitle` (not when it only says "arXiv preprint").
struct BibTeXReader {
    func read(_ text: String, file: String) -> (papers: [Paper], diagnostics: [Diagnostic]) {
        var parser = BibTeXParser(text)
        let (entries, failures) = parser.parse()
        var log = DiagnosticLog()
        for failure in failures {
            log.error(failure.message, at: SourceLocation(file: file, line: failure.line, column: failure.column))
        }
        var papers: [Paper] = []
        for entry in entries {
            if let paper = paper(from: entry, file: file, log: &log) { papers.append(paper) }
        }
        if entries.isEmpty && failures.isEmpty {
            log.warning("no BibTeX entries in this file", at: SourceLocation(file: file))
        }
        return (papers, log.sorted)
    }

    private func paper(from entry: BibTeXParser.Entry, file: String, log: inout DiagnosticLog) -> Paper? {
        let location = SourceLocation(file: file, line: entry.line, column: 1)
        func text(_ name: String) -> String? {
            entry.field(name).map(LaTeXText.toUnicode).flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let title = text("title") else {
            log.error("the entry '\(entry.key)' has no title", at: location)
            return nil
        }
        guard let published = date(of: entry, key: entry.key, at: location, log: &log) else { return nil }

        var authors: [String] = []
        if let raw = entry.field("author") ?? entry.field("editor") {
            authors = Self.authors(raw)
        }

        // arXiv: eprint + archivePrefix, an arxiv field, or an arXiv id in journal/note.
        var arxiv: (id: String, version: Int?)?
        let prefix = (entry.field("archiveprefix") ?? entry.field("eprinttype") ?? "").lowercased()
        if let eprint = entry.field("eprint"), prefix == "arxiv" || prefix.isEmpty {
            arxiv = Identifiers.arxiv(eprint)
        }
        if arxiv == nil, let a = entry.field("arxiv") { arxiv = Identifiers.arxiv(a) }
        for name in ["journal", "note", "howpublished", "url"] where arxiv == nil {
            if let value = entry.field(name), let range = value.range(of: #"(?i)arxiv[:/ ]*(abs/)?(\d{4}\.\d{4,5}(v\d+)?|[a-z-]+(\.[A-Z]{2})?/\d{7})"#, options: .regularExpression) {
                arxiv = Identifiers.arxiv(String(value[range]).replacingOccurrences(of: #"(?i)^arxiv[:/ ]*(abs/)?"#, with: "", options: .regularExpression))
            }
        }

        var tags: [String] = []
        if let primary = entry.field("primaryclass") {
            let code = primary.trimmingCharacters(in: .whitespaces)
            tags.append(ArXivCategories.name(of: code) ?? code)
        }
        if let keywords = text("keywords") {
            tags += keywords.split(whereSeparator: { $0 == "," || $0 == ";" }).map { TextCleaning.line(String($0)) }.filter { !$0.isEmpty }
        }

        var doi: String?
        if let d = entry.field("doi") {
            doi = Identifiers.doi(d)
            if doi == nil { log.warning("'doi' in '\(entry.key)' is not a DOI and is left out: \(d)", at: location) }
        }

        var links = Paper.Links()
        for (field, keyPath) in [("url", \Paper.Links.url), ("html", \Paper.Links.url), ("pdf", \Paper.Links.pdf), ("code", \Paper.Links.code)] {
            guard let value = entry.field(field)?.trimmingCharacters(in: .whitespaces), !value.isEmpty, links[keyPath: keyPath] == nil else { continue }
            if Identifiers.isWebURL(value) {
                links[keyPath: keyPath] = value
            } else {
                log.warning("'\(field)' in '\(entry.key)' is not an absolute http(s) URL and is left out: \(value)", at: location)
            }
        }
        // A url that is just the arXiv or DOI page adds nothing.
        if let url = links.url, url.contains("arxiv.org/abs/") || url.contains("doi.org/") { links.url = nil }

        var venue = text("journal") ?? text("booktitle")
        if let v = venue, v.lowercased().hasPrefix("arxiv") || v.lowercased().contains("preprint") && v.lowercased().contains("arxiv") { venue = nil }

        let abstract = text("abstract").map(PlainText.markdown(from:)) ?? ""
        var limits = DiagnosticLog()
        RecordLimits.check(title: title, authors: authors, tags: tags, at: { _ in location }, log: &limits)
        if limits.hasErrors { log.append(contentsOf: limits.items); return nil }

        var paper = Paper(
            title: title, authors: authors, published: published, tags: tags,
            arxiv: arxiv?.id, arxivVersion: arxiv?.version, doi: doi, links: links, venue: venue,
            abstract: abstract, source: location)
        paper.bibKey = entry.key
        return paper
    }

    private func date(of entry: BibTeXParser.Entry, key: String, at location: SourceLocation, log: inout DiagnosticLog) -> Day? {
        if let date = entry.field("date") {
            let parts = date.trimmingCharacters(in: .whitespaces).split(separator: "-").compactMap { Int($0) }
            if let y = parts.first, let d = Day(year: y, month: parts.count > 1 ? parts[1] : 1, day: parts.count > 2 ? parts[2] : 1) { return d }
            log.error("'date' in '\(key)' is not a date (YYYY, YYYY-MM or YYYY-MM-DD): \(date)", at: location)
            return nil
        }
        guard let yearText = entry.field("year") else {
            log.error("the entry '\(key)' has no year", at: location)
            return nil
        }
        guard let year = Int(yearText.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "{}"))) else {
            log.error("'year' in '\(key)' is not a year: \(yearText)", at: location)
            return nil
        }
        var month = 1
        if let m = entry.field("month")?.trimmingCharacters(in: .whitespaces) {
            if let n = Int(m), (1...12).contains(n) { month = n } else if let n = Day.month(named: m) { month = n } else {
                log.error("'month' in '\(key)' is not a month: \(m)", at: location)
                return nil
            }
        }
        let day = entry.field("day").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 1
        guard let d = Day(year: year, month: month, day: day) else {
            log.error("the date of '\(key)' is not a real day", at: location)
            return nil
        }
        return d
    }

    /// Splits `A and B and others` at `and` outside braces; turns
    /// "Last, First" (and "Last, Jr, First") into "First Last".
    static func authors(_ raw: String) -> [String] {
        var names: [String] = []
        var current = ""
        var depth = 0
        let words = raw.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
        var i = words.startIndex
        while i < words.endIndex {
            let ch = words[i]
            if ch == "{" { depth += 1 } else if ch == "}" { depth -= 1 }
            if depth == 0, ch == " ", words[i...].lowercased().hasPrefix(" and ") {
                names.append(current)
                current = ""
                i = words.index(i, offsetBy: 5)
                continue
            }
            current.append(ch)
            i = words.index(after: i)
        }
        names.append(current)
        return names.compactMap { name -> String? in
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.lowercased() == "others" { return nil }
            let parts = splitTopLevel(trimmed, on: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let ordered: String
            switch parts.count {
            case 2: ordered = "\(parts[1]) \(parts[0])"
            case 3: ordered = "\(parts[2]) \(parts[0]), \(parts[1])"
            default: ordered = trimmed
            }
            let text = LaTeXText.toUnicode(ordered)
            return text.isEmpty ? nil : text
        }
    }

    private static func splitTopLevel(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for ch in text {
            if ch == "{" { depth += 1 } else if ch == "}" { depth -= 1 }
            if ch == separator && depth == 0 { parts.append(current); current = ""; continue }
            current.append(ch)
        }
        parts.append(current)
        return parts
    }
}
