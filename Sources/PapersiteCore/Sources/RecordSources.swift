import Foundation

/// The formats papersite reads, and the reader for each.
public enum RecordFormat: String, Sendable, CaseIterable {
    case markdown = "md"
    case listing = "txt"
    case bibtex = "bib"
    case arxivAPI = "xml"
    case arxivSnapshot = "jsonl"
    /// CSL-JSON, or a day of the trending-papers site as its JSON (told apart by shape).
    case json = "json"
    case ris = "ris"

    /// The format a file's extension names, if any.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "md", "markdown": self = .markdown
        case "txt": self = .listing
        case "bib": self = .bibtex
        case "xml": self = .arxivAPI
        case "jsonl": self = .arxivSnapshot
        case "json": self = .json
        case "ris": self = .ris
        default: return nil
        }
    }

    /// Hands each paper of one file to `body`: the snapshot is streamed,
    /// the other formats are read whole (`SourceText.maximumExportedBytes`).
    func forEach(_ url: URL, file: String, today: Day = .today(), bibtexMacros: [String: String] = [:], _ body: (Paper) -> Void) -> [Diagnostic] {
        if self == .arxivSnapshot { return ArXivSnapshotReader().forEach(url, file: file) { paper, _ in body(paper) } }
        let (papers, diagnostics) = read(url, file: file, today: today, bibtexMacros: bibtexMacros)
        papers.forEach(body)
        return diagnostics
    }

    /// Reads one file. `file` is the name used in messages; `today` dates
    /// listings that give no year; `bibtexMacros` are the `@string` macros
    /// of the other BibTeX files read with this one.
    /// `parallelism`: the threads a file's records are made on.
    func read(_ url: URL, file: String, today: Day = .today(), bibtexMacros: [String: String] = [:],
              parallelism: Parallelism = .allCores) -> (papers: [Paper], diagnostics: [Diagnostic]) {
        let location = SourceLocation(file: file)
        switch self {
        case .arxivSnapshot:
            return ArXivSnapshotReader().read(url, file: file)
        case .arxivAPI:
            guard let data = FileManager.default.contents(atPath: url.path) else {
                return ([], [.error("cannot read the file", at: location)])
            }
            guard data.count <= SourceText.maximumExportedBytes else {
                return ([], [SourceText.tooLarge(file, limit: SourceText.maximumExportedBytes)])
            }
            return ArXivAtomReader(parallelism: parallelism).read(data, file: file)
        case .json:
            guard let data = FileManager.default.contents(atPath: url.path) else {
                return ([], [.error("cannot read the file", at: location)])
            }
            guard data.count <= SourceText.maximumExportedBytes else {
                return ([], [SourceText.tooLarge(file, limit: SourceText.maximumExportedBytes)])
            }
            return Self.readJSON(data, file: file, parallelism: parallelism)
        case .markdown:
            let text: String
            do { text = try SourceText.load(url, as: file) } catch { return ([], [error]) }
            let (paper, diagnostics) = MarkdownPaperReader().read(text, file: file)
            return (paper.map { [$0] } ?? [], diagnostics)
        case .listing, .bibtex, .ris:
            let loaded: (text: String, warning: Diagnostic?)
            do { loaded = try SourceText.loadExported(url, as: file) } catch { return ([], [error]) }
            var (papers, diagnostics) = self == .listing ? ListingReader(today: today).read(loaded.text, file: file)
                : self == .bibtex ? BibTeXReader(parallelism: parallelism).read(loaded.text, file: file, sharedMacros: bibtexMacros)
                : RISReader(parallelism: parallelism).read(loaded.text, file: file)
            if let warning = loaded.warning { diagnostics.insert(warning, at: 0) }
            return (papers, diagnostics)
        }
    }
}

extension RecordFormat {
    /// A `.json` file: CSL-JSON (an array of items, or `{"items": [...]}`)
    /// or a trending-papers day (items with a `paper` object).
    ///
    /// Each item is parsed by itself (by `ParsedJSON`; what it doubts, by
    /// JSONSerialization), on all cores, and made a paper straight away: a
    /// large export's items are never all in memory (as Foundation's
    /// objects, 130 MB of CSL-JSON took 2.2 GB). The document around the
    /// list (brackets, other keys) is checked by parsing it with the list
    /// emptied, the commas between items by `JSONItemLocator`. Should any
    /// part not parse, the whole document is parsed, for Foundation's own
    /// message.
    static func readJSON(_ data: Data, file: String, parallelism: Parallelism = .allCores) -> (papers: [Paper], diagnostics: [Diagnostic]) {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let located = JSONItemLocator.items(in: bytes)
        if let list = located.list, located.separatorsValid, located.ranges.count == located.starts.count,
           let skeleton = try? JSONSerialization.jsonObject(with: Data(bytes[..<list.lowerBound] + [0x5B, 0x5D] + bytes[list.upperBound...])),
           (skeleton as? [Any])?.isEmpty == true || ((skeleton as? [String: Any])?["items"] as? [Any])?.isEmpty == true {
            let unparsed = AtomicCounter()
            let read = bytes.withUnsafeBytes { all in
                let item = { (k: Int) -> ParsedJSON.Item? in
                    let bytes = UnsafeRawBufferPointer(rebasing: all[located.ranges[k]])
                    if let value = ParsedJSON.parse(bytes) { return ParsedJSON.Item(value: value) }
                    // What the parser gave up on, JSONSerialization reads; what
                    // it refuses for a lone surrogate escape is read with U+FFFD.
                    if let value = (try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)).flatMap(ParsedJSON.init(foundation:)) {
                        return ParsedJSON.Item(value: value)
                    }
                    if let repaired = ParsedJSON.parseReplacingLoneSurrogates(bytes) { return repaired }
                    _ = unparsed.increment()
                    return nil
                }
                let first = (0..<located.ranges.count).lazy.compactMap(item).first(where: \.value.isObject)
                if let first, DailyPapersReader.recognises([first.value]) {
                    let items = parallelism.map(located.ranges.count) { item($0) ?? ParsedJSON.Item(value: .null) }
                    return DailyPapersReader().read(items: items, starts: located.starts, file: file)
                }
                return CSLJSONReader(parallelism: parallelism).read(count: located.ranges.count, starts: located.starts, file: file, item: item)
            }
            if unparsed.add(0) == 0 { return read }
        }
        return readWhole(bytes, starts: located.starts, file: file, parallelism: parallelism)
    }

    /// The document parsed whole (what `readJSON` falls back on; the fuzz
    /// target checks that both read every input alike).
    static func readWhole(_ bytes: [UInt8], starts: [(line: Int, column: Int)], file: String, parallelism: Parallelism) -> (papers: [Paper], diagnostics: [Diagnostic]) {
        let location = SourceLocation(file: file)
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            let detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "invalid JSON"
            return ([], [.error("the file is not JSON: \(detail)", at: location)])
        }
        let items: [Any]
        if let array = document as? [Any] {
            items = array
        } else if let object = document as? [String: Any], let array = object["items"] as? [Any] {
            items = array
        } else {
            return ([], [.error("not a list of papers: papersite reads CSL-JSON (an array of items, or {\"items\": [...]}) and trending-papers days (items with a 'paper')", at: location)])
        }
        let parsed = items.map { ParsedJSON.Item(value: ParsedJSON(foundation: $0) ?? .null) }
        if DailyPapersReader.recognises(parsed.map(\.value)) {
            return DailyPapersReader().read(items: parsed, starts: starts, file: file)
        }
        return CSLJSONReader(parallelism: parallelism).read(count: parsed.count, starts: starts, file: file) { parsed[$0] }
    }
}

extension Parallelism {
    /// The papers `make` gives for records `0..<count`, made on these
    /// threads (most of reading a large file), in the records' order, each
    /// record's problems added to `log` in that order too: a file reads
    /// the same on one thread as on many.
    func papers(_ count: Int, log: inout DiagnosticLog, _ make: (Int, inout DiagnosticLog) -> Paper?) -> [Paper] {
        let made = map(count) { k -> (paper: Paper?, log: DiagnosticLog) in
            var log = DiagnosticLog()
            let paper = make(k, &log)
            return (paper, log)
        }
        var papers: [Paper] = []
        papers.reserveCapacity(count)
        for (paper, recordLog) in made {
            if let paper { papers.append(paper) }
            log.append(contentsOf: recordLog.items)
        }
        return papers
    }
}
