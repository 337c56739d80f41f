import Foundation
import PaperMarkdown

/// Reads CSL-JSON (`content/papers/*.json`), the format that Zotero,
/// Mendeley, Pandoc and Better BibTeX export: an array of items, or
/// `{"items": [...]}`. Each item gives:
///
/// - `title`; `author` (else `editor`) as name parts (`given`, `family`,
///   particles, `suffix`) or `literal`;
/// - `issued` as `date-parts` (a range gives its start; `season` 1–4
///   gives a month), else `raw` or `literal` text;
/// - `DOI`, `URL`, `abstract`, `container-title` (the venue), `keyword`,
///   `id` (its citation key), and an arXiv id in `number`, `URL`, `note`
///   or `archive_location`.
///
/// One bad item is a warning and is skipped; the rest are read.
struct CSLJSONReader {
    /// The threads items are read on (one when the site's files are read side by side).
    var parallelism = Parallelism.allCores

    /// `item`: the `count` items' values by number (each parsed when asked
    /// for; nil where the item is not JSON).
    func read(count: Int, starts: [(line: Int, column: Int)], file: String, item: (Int) -> ParsedJSON.Item?) -> (papers: [Paper], diagnostics: [Diagnostic]) {
        var log = DiagnosticLog()
        let papers = parallelism.papers(count, log: &log) { k, log in
            let location = k < starts.count ? SourceLocation(file: file, line: starts[k].line, column: starts[k].column) : SourceLocation(file: file)
            guard let read = item(k), read.value.isObject else {
                log.skipped("item \(k + 1) is not a JSON object; it is skipped", at: location)
                return nil
            }
            Self.noteLoneSurrogates(read, item: k + 1, at: location, log: &log)
            return paper(from: read.value, number: k + 1, at: location, log: &log)
        }
        return (papers, log.sorted)
    }

    private func paper(from item: ParsedJSON, number: Int, at location: SourceLocation, log: inout DiagnosticLog) -> Paper? {
        let id = Self.text(item["id"]) ?? Self.text(item["citation-key"])
        let name = id.map { "'\($0)'" } ?? "item \(number)"
        guard let title = Self.text(item["title"]).map(Self.plain), !title.isEmpty else {
            log.skipped("the item \(name) has no title; it is skipped", at: location)
            return nil
        }
        let date = date(item["issued"], of: name, at: location, log: &log)

        let people = item["author"]?.array.flatMap { $0.isEmpty ? nil : $0 } ?? item["editor"]?.array ?? []
        let authors = people.compactMap(Self.name)

        let urlText = Self.text(item["URL"])
        var arxiv: (id: String, version: Int?)?
        for field in ["number", "archive_location", "URL", "note", "container-title"] where arxiv == nil {
            if let value = Self.text(item[field]) { arxiv = Identifiers.arxivMention(in: value) }
        }
        var doi: String?
        if let d = Self.text(item["DOI"]) {
            doi = Identifiers.doi(d)
            if doi == nil { log.repaired("'DOI' of \(name) is not a DOI and is left out: \(d)", at: location, record: location) }
        }
        var links = Paper.Links()
        if let text = urlText?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            if let url = Identifiers.webURL(in: text) {
                if !url.contains("arxiv.org/abs/") && !url.contains("doi.org/") { links.url = url }
            } else {
                log.repaired("'URL' of \(name) is not an absolute http(s) URL and is left out: \(text)", at: location, record: location)
            }
        }
        var tags: [String] = []
        if let keywords = Self.text(item["keyword"]) {
            for tag in keywords.split(whereSeparator: { $0 == "," || $0 == ";" }).map({ TextCleaning.line(String($0)) }) where !tag.isEmpty && !tags.contains(tag) {
                tags.append(tag)
            }
        }
        var venue = Self.text(item["container-title"]).map(Self.plain).flatMap { $0.isEmpty ? nil : $0 }
        if let v = venue?.lowercased(), v.hasPrefix("arxiv") { venue = nil }
        let abstract = Self.text(item["abstract"]).map { PlainText.markdown(from: TextCleaning.line($0)) } ?? ""

        guard RecordLimits.admits(title: title, authors: authors, tags: &tags, what: "the item \(name)", at: location, log: &log) else { return nil }
        // (`id` is not kept as a BibTeX key: exporters number items, and the site makes its own keys.)
        return Paper(title: title, authors: authors, published: date?.day, datePrecision: date?.precision ?? .day, tags: tags, arxiv: arxiv?.id, arxivVersion: arxiv?.version,
                     doi: doi, links: links, venue: venue, abstract: abstract, source: location)
    }

    /// `issued`: `date-parts` (the first date of a range), `season`, else `raw` or `literal`; nil: undated.
    private func date(_ value: ParsedJSON?, of name: String, at location: SourceLocation, log: inout DiagnosticLog) -> (day: Day, precision: DatePrecision)? {
        guard let issued = value, issued.isObject else {
            log.warning("the item \(name) has no date ('issued'); the paper is listed as undated", at: location)
            return nil
        }
        if let parts = issued["date-parts"]?.array, let first = parts.first?.array, !first.isEmpty {
            let numbers = first.map { Self.number($0) }
            if let year = numbers[0], year > 0 {
                var month = numbers.count > 1 ? numbers[1] ?? 1 : 1
                var day = numbers.count > 2 ? numbers[2] ?? 1 : 1
                var precision: DatePrecision = numbers.count > 2 && numbers[2] != nil ? .day : numbers.count > 1 && numbers[1] != nil ? .month : .year
                var notes: [String] = []
                if parts.count > 1 { notes.append("a range: its start is used") }
                if let season = issued["season"].flatMap(Self.number), (1...4).contains(season), numbers.count == 1 {
                    month = [3, 6, 9, 1][season - 1]
                    precision = .month
                    notes.append("season \(season): its first month is used")
                }
                if !(1...12).contains(month) { month = 1; day = 1; precision = .year; notes.append("the month is not a month; the year alone is used") }
                if day < 1 || day > Day.daysIn(month: month, year: year) { day = 1; if precision == .day { precision = .month }; notes.append("the day is not a day of the month; it is left out") }
                if !notes.isEmpty { log.repaired("the date of \(name): \(notes.joined(separator: "; "))", at: location, record: location) }
                if let result = Day(year: year, month: month, day: day) { return (result, precision) }
            }
        }
        for field in ["raw", "literal"] {
            guard let text = Self.text(issued[field]) else { continue }
            if let (day, note, precision) = LenientDate.isoStart(text) {
                if let note { log.repaired("the date of \(name) is '\(text)': \(note)", at: location, record: location) }
                return (day, precision)
            }
            if let date = LenientDate.yearAndMonth(text) {
                log.repaired("the date of \(name) is '\(text)': read as \(date.day.long(date.precision))", at: location, record: location)
                return date
            }
        }
        log.repaired("the item \(name) has no date that can be read ('issued'); the paper is listed as undated", at: location, record: location)
        return nil
    }

    /// The repair `ParsedJSON.parseReplacingLoneSurrogates` made, if any.
    static func noteLoneSurrogates(_ read: ParsedJSON.Item, item number: Int, at location: SourceLocation, log: inout DiagnosticLog) {
        guard read.loneSurrogates > 0 else { return }
        let count = read.loneSurrogates == 1 ? "a lone surrogate escape" : "\(read.loneSurrogates) lone surrogate escapes"
        log.repaired("item \(number) has \(count) (half of a UTF-16 pair, as in '\\ud83d' alone), read as U+FFFD", at: location, record: location)
    }

    /// A CSL name: `literal`, or `given`, particles, `family`, `suffix`.
    static func name(_ person: ParsedJSON) -> String? {
        guard person.isObject else { return nil }
        if let literal = text(person["literal"]) { return TextCleaning.line(literal) }
        let parts = [person["given"], person["dropping-particle"], person["non-dropping-particle"], person["family"]].compactMap { text($0) }
        var name = TextCleaning.line(parts.joined(separator: " "))
        if let suffix = text(person["suffix"]) { name += ", " + TextCleaning.line(suffix) }
        return name.isEmpty ? nil : name
    }

    /// CSL's rich text as plain text: its few tags (`<i>`, `<b>`, `<sup>`,
    /// `<sub>`, `<span class="nocase">`, small caps) are markup, not words.
    static func plain(_ text: String) -> String {
        guard text.contains("<") else { return TextCleaning.line(text) }
        let stripped = text.replacingOccurrences(of: #"</?(i|b|sup|sub)>|<span\s+(class="nocase"|style="font-variant:\s*small-caps;?")\s*>|</span>"#, with: "", options: .regularExpression)
        return TextCleaning.line(stripped)
    }

    /// A string or a number as text; nil when blank, absent or anything else.
    static func text(_ value: ParsedJSON?) -> String? {
        switch value {
        // (Unicode's white space is Foundation's `.whitespacesAndNewlines`,
        // which made a copy of each abstract to trim it.)
        case .string(let s): s.unicodeScalars.allSatisfy(\.properties.isWhitespace) ? nil : s
        case .number(let n): numberText(n)
        default: nil
        }
    }

    /// A JSON number as JSONSerialization's NSNumber prints it (`-0` as
    /// `0`, `1.50` as `1.5`, `1e3` as `1000.0`), so that an item reads the
    /// same parsed here as parsed by Foundation (`ParsedJSON.init(foundation:)`,
    /// which has the printed number).
    static func numberText(_ text: String) -> String {
        if let n = Int(text) { return String(n) }
        // Past Int, an integer is an NSDecimalNumber: its digits.
        if text.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || (0x30...0x39).contains($0) }) { return text }
        return Double(text).map { "\($0)" } ?? text
    }

    /// An integer from a number (a fraction cut off) or a string of digits
    /// (CSL allows both in `date-parts`).
    static func number(_ value: ParsedJSON) -> Int? {
        switch value {
        case .number(let n): Int(n) ?? Double(n).flatMap { abs($0) < 1e15 ? Int($0) : nil }
        case .string(let s): Int(s.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }
}
