import Foundation
import PaperMarkdown

/// Reads papers from a BibTeX file (`content/papers/*.bib`).
///
/// - `title`, `author` (with `and`, "Last, First" or "First Last", `and
///   others`), `year` + `month` (+ `day`) or biblatex `date`;
/// - fields inherited through `crossref` and biblatex `xdata`;
/// - arXiv: `eprint` with `archivePrefix = arXiv` (or `eprinttype`), an
///   `arxiv` field, or "arXiv:2403.01234" in `journal`; `primaryClass` and
///   `keywords` become tags;
/// - links: `url`, `pdf`, `code`, `html`, `doi`; `abstract`;
/// - venue: `journal` or `booktitle` (not when it only says "arXiv preprint").
///
/// A problem with one entry never stops the file: the entry is repaired
/// when the intent is clear (a repeated field, a season for a month) and
/// skipped otherwise, each with a warning that names it.
struct BibTeXReader {
    /// The threads entries are read on (one when the site's files are read side by side).
    var parallelism = Parallelism.allCores

    /// `sharedMacros`: the `@string` macros of the site's other BibTeX files.
    func read(_ text: String, file: String, sharedMacros: [String: String] = [:]) -> (papers: [Paper], diagnostics: [Diagnostic]) {
        var parser = BibTeXParser(text, shared: sharedMacros)
        let (parsed, failures) = parser.parse()
        var log = DiagnosticLog()
        for failure in failures {
            let at = SourceLocation(file: file, line: failure.line, column: failure.column)
            log.skipped("\(failure.message); the entry is skipped", at: at)
        }
        let entries = BibTeXInheritance.resolve(parsed, file: file, log: &log)
        let papers = parallelism.papers(entries.count, log: &log) { k, log in
            let entry = entries[k]
            let record = SourceLocation(file: file, line: entry.line, column: entry.column)
            for problem in entry.problems {
                log.repaired(problem.message, at: SourceLocation(file: file, line: problem.line, column: problem.column), record: record)
            }
            switch entry.type {
            case "xdata":
                return nil      // data for other entries, not a paper
            case "set":
                log.note("the @set '\(entry.key)' groups entries that have pages of their own; it gets none", at: record)
                return nil
            default:
                return paper(from: entry, at: record, log: &log)
            }
        }
        if parsed.isEmpty && failures.isEmpty && parser.definitions.isEmpty {   // (a file of @strings serves the others)
            log.warning("no BibTeX entries in this file", at: SourceLocation(file: file))
        }
        return (papers, log.sorted)
    }

    /// The `@string` macros of a BibTeX file, read without its entries
    /// (none if it cannot be read: its reader reports that).
    static func stringDefinitions(_ url: URL, file: String) -> [(name: String, value: String)] {
        guard let loaded = try? SourceText.loadExported(url, as: file) else { return [] }
        var parser = BibTeXParser(loaded.text)
        return parser.stringDefinitions()
    }

    /// The macros of several BibTeX files read together (`definitions`,
    /// each file's in turn: a later definition wins, as in BibTeX), with
    /// their fingerprint: given to each of the files, whose own
    /// definitions come first.
    static func sharedMacros(_ definitions: [[(name: String, value: String)]]) -> (table: [String: String], key: UInt64) {
        var table: [String: String] = [:]
        for (name, value) in definitions.joined() { table[name] = value }
        let key = Fingerprint.of { f in
            f.add("bibtex macros")
            for (name, value) in definitions.joined() { f.add(name); f.add(value) }
        }
        return (table, key)
    }

    private func paper(from entry: BibTeXParser.Entry, at location: SourceLocation, log: inout DiagnosticLog) -> Paper? {
        func text(_ name: String) -> String? {
            entry.field(name).map(LaTeXText.toUnicode).flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let title = text("title") else {
            log.skipped("the entry '\(entry.key)' has no title; it is skipped", at: location)
            return nil
        }
        let date = date(of: entry, at: location, log: &log)

        var authors: [String] = []
        if let raw = entry.field("author") ?? entry.field("editor") {
            authors = Self.authors(raw)
        }

        // arXiv: eprint + archivePrefix/eprinttype, an arxiv field, or an arXiv id in journal/note.
        var arxiv: (id: String, version: Int?)?
        let prefix = (entry.field("archiveprefix") ?? entry.field("eprinttype") ?? "").lowercased()
        if let eprint = entry.field("eprint"), prefix == "arxiv" || prefix.isEmpty {
            arxiv = Identifiers.arxiv(eprint)
        }
        if arxiv == nil, let a = entry.field("arxiv") { arxiv = Identifiers.arxiv(a) }
        for name in ["journal", "journaltitle", "note", "howpublished", "url"] where arxiv == nil {
            if let value = entry.field(name) { arxiv = Identifiers.arxivMention(in: value) }
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
            if doi == nil { log.repaired("'doi' in '\(entry.key)' is not a DOI and is left out: \(d)", at: location, record: location) }
        }

        var links = Paper.Links()
        for (field, keyPath) in [("url", \Paper.Links.url), ("html", \Paper.Links.url), ("pdf", \Paper.Links.pdf), ("code", \Paper.Links.code)] {
            guard let value = entry.field(field)?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty, links[keyPath: keyPath] == nil else { continue }
            if let url = Identifiers.webURL(in: value) {
                links[keyPath: keyPath] = url
            } else {
                log.repaired("'\(field)' in '\(entry.key)' is not an absolute http(s) URL and is left out: \(value)", at: location, record: location)
            }
        }
        // A url that is just the arXiv or DOI page adds nothing.
        if let url = links.url, url.contains("arxiv.org/abs/") || url.contains("doi.org/") { links.url = nil }

        var venue = text("journal") ?? text("journaltitle") ?? text("booktitle")
        if let v = venue, v.lowercased().hasPrefix("arxiv") || v.lowercased().contains("preprint") && v.lowercased().contains("arxiv") { venue = nil }

        let abstract = text("abstract").map(PlainText.markdown(from:)) ?? ""
        guard RecordLimits.admits(title: title, authors: authors, tags: &tags, what: "the entry '\(entry.key)'", at: location, log: &log) else { return nil }

        var paper = Paper(
            title: title, authors: authors, published: date?.day, datePrecision: date?.precision ?? .day, tags: tags,
            arxiv: arxiv?.id, arxivVersion: arxiv?.version, doi: doi, links: links, venue: venue,
            abstract: abstract, source: location)
        paper.bibKey = entry.key
        return paper
    }

    /// The entry's date: biblatex `date`, else `year` with `month` and `day`,
    /// read as BibTeX users mean them (see `LenientDate`). Without a year that
    /// can be read, the paper is listed as undated, as BibTeX styles print it.
    private func date(of entry: BibTeXParser.Entry, at location: SourceLocation, log: inout DiagnosticLog) -> (day: Day, precision: DatePrecision)? {
        let key = entry.key
        if let date = entry.field("date") {
            if let (day, note, precision) = LenientDate.isoStart(LaTeXText.toUnicode(date)) {
                if let note { log.repaired("'date' in '\(key)' is \(date): \(note), \(day.iso)", at: location, record: location) }
                return (day, precision)
            }
            if entry.field("year") == nil {
                log.repaired("'date' in '\(key)' is not a date (YYYY, YYYY-MM, YYYY-MM-DD or a range of these): \(date); the paper is listed as undated", at: location, record: location)
                return nil
            }
            log.repaired("'date' in '\(key)' is not a date: \(date); 'year' is used instead", at: location, record: location)
        }
        guard let yearText = entry.field("year"), !yearText.trimmingCharacters(in: .whitespaces).isEmpty else {
            log.warning("the entry '\(key)' has no year (nor 'date'); the paper is listed as undated", at: location)
            return nil
        }
        guard let year = LenientDate.year(yearText) else {
            log.repaired("'year' in '\(key)' is not a year: \(yearText); the paper is listed as undated", at: location, record: location)
            return nil
        }
        if let note = year.note { log.repaired("'year' in '\(key)' is \(yearText): \(note)", at: location, record: location) }
        var month = 1
        var precision = DatePrecision.year
        if let m = entry.field("month"), !m.trimmingCharacters(in: .whitespaces).isEmpty {
            if let read = LenientDate.month(LaTeXText.toUnicode(m)) {
                month = read.value
                precision = .month
                if !read.exact { log.repaired("'month' in '\(key)' is \(m): read as \(Day.monthNames[month - 1])", at: location, record: location) }
            } else {
                log.repaired("'month' in '\(key)' is not a month: \(m); the year alone is used", at: location, record: location)
            }
        }
        var day = 1
        if let d = entry.field("day"), !d.trimmingCharacters(in: .whitespaces).isEmpty {
            if precision == .month, let n = Int(d.trimmingCharacters(in: .whitespaces)), (1...Day.daysIn(month: month, year: year.value)).contains(n) {
                day = n
                precision = .day
            } else {
                log.repaired("'day' in '\(key)' is not a day of \(Day.monthNames[month - 1]): \(d); it is left out", at: location, record: location)
            }
        }
        guard let result = Day(year: year.value, month: month, day: day) else {
            log.skipped("the date of '\(key)' is not a real day; the entry is skipped", at: location)
            return nil
        }
        return (result, precision)
    }

    /// Splits `A and B and others` at `and` outside braces; turns
    /// "Last, First" (and "Last, Jr, First") into "First Last".
    /// On the field's scalars, looking only at the four after a space
    /// (lowercasing the rest of the field at each space made a long list of
    /// authors cost the square of its length).
    static func authors(_ raw: String) -> [String] {
        let text = raw.unicodeScalars
        // (Newlines and tabs are spaces here, as in BibTeX.)
        func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\n" || s == "\t" }
        func isLetter(_ s: Unicode.Scalar, _ lower: Unicode.Scalar) -> Bool { s == lower || s.value == lower.value - 32 }
        /// Where " and " (in any case) ends, if it starts at `i`.
        func andEnd(_ i: String.UnicodeScalarView.Index) -> String.UnicodeScalarView.Index? {
            var j = text.index(after: i)
            for lower in ["a", "n", "d"] as [Unicode.Scalar] {
                guard j < text.endIndex, isLetter(text[j], lower) else { return nil }
                j = text.index(after: j)
            }
            return j < text.endIndex && isSpace(text[j]) ? text.index(after: j) : nil
        }
        var names: [String] = []
        var start = text.startIndex, i = text.startIndex, depth = 0
        while i < text.endIndex {
            let s = text[i]
            if s == "{" { depth += 1 } else if s == "}" { depth -= 1 }
            if depth == 0, isSpace(s), let end = andEnd(i) {
                names.append(String(text[start..<i]))
                (i, start) = (end, end)
                continue
            }
            i = text.index(after: i)
        }
        names.append(String(text[start...]))
        for k in names.indices where names[k].utf8.contains(where: { $0 == 0x0A || $0 == 0x09 }) {
            names[k] = String(String.UnicodeScalarView(names[k].unicodeScalars.map { isSpace($0) ? " " : $0 }))
        }
        return names.compactMap { name -> String? in
            let trimmed = TextCleaning.trimmingSpaces(name)
            if trimmed.isEmpty || trimmed.lowercased() == "others" { return nil }
            let parts = splitTopLevel(trimmed, on: ",").map(TextCleaning.trimmingSpaces)
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
