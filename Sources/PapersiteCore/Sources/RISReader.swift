import Foundation
import PaperMarkdown

/// Reads RIS (`content/papers/*.ris`), the format of EndNote, Scopus, Web
/// of Science, PubMed and Zotero: records from `TY  - ` to `ER  - `, one
/// tag per line (`XX  - value`), lines without a tag continuing the one
/// before, tags repeated for lists. Read:
///
/// - `TI`/`T1` (else `CT`, `BT`) the title; `AU`/`A1` (else `A2`/`ED`) the authors;
/// - `PY`/`Y1` (`2020`, `2020/05/01/`) or `DA` the date;
/// - `AB`/`N2` the abstract; `DO` the DOI; `UR` (else `L2`) the link, `L1` the PDF;
/// - `KW` keywords as tags; `JO`/`JF`/`JA`/`T2` the venue;
/// - an arXiv id in `UR`, `N1`, `M3`, `AN` or the DOI (`10.48550/arXiv.…`).
///
/// Hand-written: RIS is a line format with no library here. As reference
/// managers do, a record with a problem is repaired or skipped with a
/// warning, and the file reads on.
struct RISReader {
    struct Record {
        var fields: [(tag: String, value: String)] = []
        var line: Int
        func all(_ tags: String...) -> [String] {
            tags.flatMap { tag in fields.filter { $0.tag == tag }.map(\.value) }.filter { !$0.isEmpty }
        }
        func first(_ tags: String...) -> String? {
            for tag in tags { if let v = fields.first(where: { $0.tag == tag && !$0.value.isEmpty }) { return v.value } }
            return nil
        }
    }

    /// The threads records are read on (one when the site's files are read side by side).
    var parallelism = Parallelism.allCores

    func read(_ text: String, file: String) -> (papers: [Paper], diagnostics: [Diagnostic]) {
        var text = text
        return text.withUTF8 { bytes in read(bytes, file: file) }
    }

    /// A record's lines (its `TY` line first, its `ER` line left out), by their bytes in the file.
    private struct RecordLines { var line: Int; var lines: [Range<Int>] = [] }

    private func read(_ bytes: UnsafeBufferPointer<UInt8>, file: String) -> (papers: [Paper], diagnostics: [Diagnostic]) {
        var log = DiagnosticLog()
        var records: [RecordLines] = []
        var current: RecordLines?
        var strayLine: Int?
        // The file's lines, found in its bytes (one pass, no string made);
        // their fields are read with the records, on all cores.
        var lineNumber = 0
        Self.forEachLine(bytes) { range in
            lineNumber += 1
            if let tag = Self.tag(bytes[range]) {
                if tag == Self.recordStart {
                    if let open = current {
                        log.repaired("the record has no 'ER' before the next 'TY'; it ends there", at: SourceLocation(file: file, line: lineNumber, column: 1),
                                     record: SourceLocation(file: file, line: open.line, column: 1))
                        records.append(open)
                    }
                    current = RecordLines(line: lineNumber, lines: [range])
                } else if tag == Self.recordEnd {
                    if let open = current { records.append(open) }
                    current = nil
                } else if current != nil {
                    current!.lines.append(range)
                } else if strayLine == nil {
                    strayLine = lineNumber
                }
            } else if !Self.isBlank(bytes[range]) {
                // A line without a tag continues the value before it (wrapped abstracts).
                if current != nil {
                    current!.lines.append(range)
                } else if strayLine == nil {
                    strayLine = lineNumber
                }
            }
        }
        if let open = current {
            log.repaired("the file ends inside a record (no 'ER  - '); the record ends there", at: SourceLocation(file: file, line: open.line, column: 1),
                         record: SourceLocation(file: file, line: open.line, column: 1))
            records.append(open)
        }
        if let stray = strayLine {
            log.warning("text outside a record (before 'TY  - ' or after 'ER  - ') is ignored", at: SourceLocation(file: file, line: stray, column: 1))
        }
        if records.isEmpty && strayLine == nil {
            log.warning("no RIS records in this file ('TY  - ' starts one)", at: SourceLocation(file: file))
        }
        let papers = parallelism.papers(records.count, log: &log) { k, log in
            var record = Record(line: records[k].line)
            for range in records[k].lines {
                if Self.tag(bytes[range]) != nil {
                    let tag = String(decoding: bytes[range.lowerBound..<range.lowerBound + 2], as: UTF8.self)
                    record.fields.append((tag, TextCleaning.trimmingSpaces(String(decoding: bytes[(range.lowerBound + 5)..<range.upperBound], as: UTF8.self))))
                } else if let last = record.fields.indices.last {
                    record.fields[last].value += " " + TextCleaning.trimmingSpaces(String(decoding: bytes[range], as: UTF8.self))
                }
            }
            return paper(from: record, file: file, log: &log)
        }
        return (papers, log.sorted)
    }

    private static let recordStart = UInt16(UInt8(ascii: "T")) << 8 | UInt16(UInt8(ascii: "Y"))
    private static let recordEnd = UInt16(UInt8(ascii: "E")) << 8 | UInt16(UInt8(ascii: "R"))

    /// Each line's bytes, split where Swift's `Character.isNewline` would
    /// (LF, VT, FF, CR, CR LF, NEL, and the line and paragraph separators),
    /// a byte-order mark at the start left out.
    private static func forEachLine(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var i = start
        while i < bytes.count {
            let b = bytes[i]
            var width = 0
            if b >= 0x0A && b <= 0x0D {
                width = b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A ? 2 : 1
            } else if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0x85 {
                width = 2
            } else if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                width = 3
            }
            if width == 0 { i += 1; continue }
            body(start..<i)
            i += width
            start = i
        }
        body(start..<bytes.count)
    }

    /// The tag of a line `XX  - value`, as two bytes: two capitals or a
    /// capital and a digit, two spaces, a hyphen. (Exporters differ in the
    /// spaces after the hyphen, and `ER  -` often has none.)
    private static func tag(_ u: Slice<UnsafeBufferPointer<UInt8>>) -> UInt16? {
        let i = u.startIndex
        guard u.count >= 5, (65...90).contains(u[i]), (65...90).contains(u[i + 1]) || (48...57).contains(u[i + 1]),
              u[i + 2] == 0x20, u[i + 3] == 0x20, u[i + 4] == UInt8(ascii: "-") else { return nil }
        return UInt16(u[i]) << 8 | UInt16(u[i + 1])
    }

    private static func isBlank(_ u: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        if u.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return true }
        return u.contains(where: { $0 >= 0x80 }) && TextCleaning.trimmingSpaces(String(decoding: u, as: UTF8.self)).isEmpty
    }

    private func paper(from record: Record, file: String, log: inout DiagnosticLog) -> Paper? {
        let location = SourceLocation(file: file, line: record.line, column: 1)
        let id = record.first("ID", "AN")
        let name = id.map { "'\($0)'" } ?? "at line \(record.line)"
        guard let title = record.first("TI", "T1", "CT", "BT").map(TextCleaning.line), !title.isEmpty else {
            log.skipped("the record \(name) has no title ('TI'); it is skipped", at: location)
            return nil
        }
        let date = date(of: record, name: name, at: location, log: &log)
        var authors = record.all("AU", "A1").map(Self.name).filter { !$0.isEmpty }
        if authors.isEmpty { authors = record.all("A2", "ED").map(Self.name).filter { !$0.isEmpty } }

        var doi: String?
        if let d = record.first("DO") {
            doi = Identifiers.doi(d)
            if doi == nil { log.repaired("'DO' of the record \(name) is not a DOI and is left out: \(d)", at: location, record: location) }
        }
        var arxiv: (id: String, version: Int?)?
        for value in record.all("UR", "N1", "M3", "AN", "L2") + [doi.map { "arXiv:" + $0.replacingOccurrences(of: #"(?i)^10\.48550/arxiv\."#, with: "", options: .regularExpression) }].compactMap({ $0 }) where arxiv == nil {
            arxiv = Identifiers.arxivMention(in: value)
        }
        if let d = doi, d.lowercased().hasPrefix("10.48550/arxiv.") { doi = nil }   // arXiv's own DOI: the arXiv id says it

        var links = Paper.Links()
        for text in record.all("UR", "L2") where links.url == nil {
            if let url = Identifiers.webURL(in: text) {
                if !url.contains("arxiv.org/abs/") && !url.contains("doi.org/") { links.url = url }
            } else if !text.hasPrefix("internal-pdf:") && !text.hasPrefix("file:") {
                log.repaired("'UR' of the record \(name) is not an absolute http(s) URL and is left out: \(text)", at: location, record: location)
            }
        }
        links.pdf = record.all("L1").first(where: Identifiers.isWebURL)

        var tags: [String] = []
        for keyword in record.all("KW").flatMap({ $0.split(separator: ";").map { TextCleaning.line(String($0)) } }) where !keyword.isEmpty && !tags.contains(keyword) {
            tags.append(keyword)
        }
        let venue = record.first("JF", "T2", "JO", "JA", "J2").map(TextCleaning.line).flatMap { $0.isEmpty || $0.lowercased().hasPrefix("arxiv") ? nil : $0 }
        let abstract = record.first("AB", "N2").map { PlainText.markdown(from: TextCleaning.line($0)) } ?? ""

        guard RecordLimits.admits(title: title, authors: authors, tags: &tags, what: "the record \(name)", at: location, log: &log) else { return nil }
        return Paper(title: title, authors: authors, published: date?.day, datePrecision: date?.precision ?? .day, tags: tags, arxiv: arxiv?.id, arxivVersion: arxiv?.version,
                     doi: doi, links: links, venue: venue, abstract: abstract, source: location)
    }

    /// `PY`/`Y1` (`2020`, `2020/05/01/`, `2020///Spring`), else `DA`; nil: undated.
    private func date(of record: Record, name: String, at location: SourceLocation, log: inout DiagnosticLog) -> (day: Day, precision: DatePrecision)? {
        let candidates = record.all("PY", "Y1", "DA", "Y2")
        for text in candidates {
            if let (day, note, precision) = LenientDate.isoStart(text) {
                // `2020///Spring`: the fourth part names a season or other text.
                let parts = text.split(separator: "/", omittingEmptySubsequences: false)
                if parts.count >= 4, day.month == 1, let season = LenientDate.month(String(parts[3]))?.value,
                   let seasonDay = Day(year: day.year, month: season, day: 1) {
                    log.repaired("the date of the record \(name) is '\(text)': read as \(Day.monthNames[season - 1]) \(day.year)", at: location, record: location)
                    return (seasonDay, .month)
                }
                if let note { log.repaired("the date of the record \(name) is '\(text)': \(note)", at: location, record: location) }
                return (day, precision)
            }
            if let date = LenientDate.yearAndMonth(text) {
                log.repaired("the date of the record \(name) is '\(text)': read as \(date.day.long(date.precision))", at: location, record: location)
                return date
            }
        }
        if let text = candidates.first {
            log.repaired("the record \(name) has no date that can be read ('PY', 'Y1' or 'DA'): \(text); the paper is listed as undated", at: location, record: location)
        } else {
            log.warning("the record \(name) has no date ('PY', 'Y1' or 'DA'); the paper is listed as undated", at: location)
        }
        return nil
    }

    /// `Last, First` → `First Last`; `Last, First, Jr.` → `First Last, Jr.`.
    static func name(_ raw: String) -> String {
        let parts = raw.split(separator: ",", omittingEmptySubsequences: false).map { TextCleaning.trimmingSpaces($0) }
        switch parts.count {
        case 2: return TextCleaning.line("\(parts[1]) \(parts[0])")
        case 3: return TextCleaning.line("\(parts[1]) \(parts[0]), \(parts[2])")
        default: return TextCleaning.line(raw)
        }
    }
}
