import Foundation
import PaperMarkdown

/// Reads arXiv's metadata snapshot (`content/papers/*.jsonl`): one JSON
/// object per line with `id`, `title`, `authors`, `authors_parsed`,
/// `abstract`, `categories`, `versions`, `update_date`, `doi`,
/// `journal-ref`, `comments` ... The file is streamed a block at a time,
/// so its size does not matter; only the records are kept.
struct ArXivSnapshotReader {
    /// Bad lines reported one by one before the rest are summed up.
    static let errorLimit = 20
    /// Lines parsed together (a few megabytes): memory stays constant.
    static let batchSize = 2_000
    /// The threads a batch is parsed on.
    var parallelism = Parallelism.allCores

    func read(_ url: URL, file: String) -> (papers: [Paper], diagnostics: [Diagnostic]) {
        var papers: [Paper] = []
        let diagnostics = forEach(url, file: file) { paper, _ in papers.append(paper) }
        return (papers, diagnostics)
    }

    /// Streams the file: `body` gets each paper as its line is read, with
    /// the hash of the line, and nothing else is kept. `reuse`: the paper a
    /// line with this hash gave before, if known: the line is then not
    /// parsed (an edit to a large snapshot parses the lines it changed).
    func forEach(_ url: URL, file: String, reuse: ((UInt64) -> Paper?)? = nil,
                 _ body: (Paper, _ lineHash: UInt64) -> Void) -> [Diagnostic] {
        var log = DiagnosticLog()
        var errors = 0
        guard let reader = LineReader(url: url) else {
            return [.error("cannot read the file", at: SourceLocation(file: file))]
        }
        // Lines are parsed a batch at a time on all cores, and handed on in
        // order. A batch's lines stay where the reader read them (copying
        // each into a buffer of its own was, at 10,000 papers, the largest
        // part of an edit's reading that ran on one core while the other
        // waited), and each is parsed there.
        func parse(_ lines: [(number: Int, range: Range<Int>)], in all: UnsafeRawBufferPointer) {
            let results = parallelism.map(lines.count) { i -> (Result<Paper, Diagnostic>, UInt64) in
                let (number, range) = lines[i]
                let line = UnsafeRawBufferPointer(rebasing: all[range])
                let location = SourceLocation(file: file, line: number, column: 1)
                let hash = ContentHash.of(line)
                if var known = reuse?(hash) {
                    // (Set only if the line moved: a change forgets the record's hash.)
                    if known.source != location { known.source = location }
                    return (.success(known), hash)
                }
                do {
                    return (.success(try paper(from: line, at: location)), hash)
                } catch let diagnostic as Diagnostic {
                    return (.failure(diagnostic), hash)
                } catch {
                    return (.failure(.error("\(error)", at: location)), hash)
                }
            }
            for (result, hash) in results {
                switch result {
                case .success(let paper): body(paper, hash)
                case .failure(var diagnostic):
                    // One bad line is one record skipped; the file reads on.
                    errors += 1
                    diagnostic.severity = .warning
                    diagnostic.message += "; the line is skipped"
                    diagnostic.outcome = .skipped(record: diagnostic.location ?? SourceLocation(file: file))
                    if errors <= Self.errorLimit { log.append(diagnostic) }
                }
            }
        }
        while reader.nextLines(limit: Self.batchSize, { all, lines in
            parse(lines.filter { !all[$0.range].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }, in: all)
        }) {}
        if let failure = reader.failure {
            log.error("reading stopped: \(failure)", at: SourceLocation(file: file, line: reader.lineNumber))
        }
        if errors > Self.errorLimit {
            log.append(Diagnostic(.warning, "\(errors - Self.errorLimit) more bad lines are skipped (only the first \(Self.errorLimit) are listed)",
                                  at: SourceLocation(file: file), outcome: .skippedMore(count: errors - Self.errorLimit)))
        }
        return log.sorted
    }

    func paper(from line: Data, at location: SourceLocation) throws -> Paper {
        try line.withUnsafeBytes { try paper(from: $0, at: location) }
    }

    func paper(from line: UnsafeRawBufferPointer, at location: SourceLocation) throws -> Paper {
        // A line the fast parser gives up on (not an object, or not plain
        // JSON) is read as before, by JSONSerialization, with its message.
        var parsed = ParsedJSON.parse(line)
        if parsed?.isObject != true {
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(line))
            } catch {
                throw Diagnostic.error("this line is not a JSON object: \(Self.describe(error))", at: location)
            }
            parsed = object is [String: Any] ? ParsedJSON(foundation: object) : nil
        }
        guard let record = parsed else {
            throw Diagnostic.error("this line is not a JSON object", at: location)
        }
        guard let idValue = record["id"] else { throw Diagnostic.error("the record has no 'id'", at: location) }
        guard let idText = idValue.string else {
            throw Diagnostic.error("'id' must be a string (\"0704.0001\"): as a number it would lose its leading zero", at: location)
        }
        guard let arxiv = Identifiers.arxiv(idText) else {
            throw Diagnostic.error("'id' is not an arXiv identifier: \(idText)", at: location)
        }
        guard let rawTitle = record["title"]?.string, case let title = LaTeXText.toUnicode(rawTitle), !title.isEmpty else {
            throw Diagnostic.error("the record \(idText) has no title", at: location)
        }
        var versions: [(number: Int, day: Day?)] = []
        // (A list with anything but objects in it counts as no list.)
        let listed = record["versions"]?.array ?? []
        for version in listed.allSatisfy(\.isObject) ? listed : [] {
            let number = version["version"]?.string.flatMap { Int($0.drop { $0 == "v" }) } ?? 0
            versions.append((number, version["created"]?.string.flatMap(Self.rfc2822Day)))
        }
        let updated = record["update_date"]?.string.flatMap { Day(iso: $0) }
        guard let published = versions.first(where: { $0.number == 1 })?.day ?? versions.first?.day ?? updated else {
            throw Diagnostic.error("the record \(idText) has no date: neither 'versions' nor 'update_date'", at: location)
        }
        var authors: [String] = []
        if let rows = record["authors_parsed"]?.array, case let parsed = rows.compactMap(\.strings), parsed.count == rows.count {
            authors = parsed.map { parts in
                let last = parts.first ?? "", first = parts.count > 1 ? parts[1] : "", suffix = parts.count > 2 ? parts[2] : ""
                return LaTeXText.toUnicode([first, last, suffix].filter { !$0.isEmpty }.joined(separator: " "))
            }.filter { !$0.isEmpty }
        } else if let names = record["authors"]?.string {
            authors = names.replacingOccurrences(of: " and ", with: ", ").split(separator: ",").map { LaTeXText.toUnicode(String($0)) }.filter { !$0.isEmpty }
        }
        var tags: [String] = []
        for code in (record["categories"]?.string ?? "").split(separator: " ").map(String.init) {
            let name = ArXivCategories.name(of: code) ?? code
            if !tags.contains(name) { tags.append(name) }
        }
        var paper = Paper(
            title: title, authors: authors, published: published, updated: updated == published ? nil : updated,
            tags: tags, arxiv: arxiv.id, arxivVersion: versions.map(\.number).max().flatMap { $0 > 0 ? $0 : nil },
            doi: record["doi"]?.string.flatMap { Identifiers.doi($0.split(separator: " ").first.map(String.init) ?? $0) },
            venue: record["journal-ref"]?.string.map(TextCleaning.line).flatMap { $0.isEmpty ? nil : $0 },
            abstract: PlainText.markdown(from: TextCleaning.line(record["abstract"]?.string ?? "")),
            source: location)
        paper.comment = record["comments"]?.string.map(TextCleaning.line).flatMap { $0.isEmpty ? nil : $0 }
        var limits = DiagnosticLog()
        RecordLimits.check(title: title, authors: authors, tags: tags, at: { _ in location }, log: &limits)
        if let first = limits.items.first { throw first }
        return paper
    }

    private static func describe(_ error: Error) -> String {
        let ns = error as NSError
        return (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? "invalid JSON"
    }

    /// `Mon, 2 Apr 2007 19:18:42 GMT` → 2007-04-02.
    static func rfc2822Day(_ text: String) -> Day? {
        // (Split as bytes: split as Characters, this took 0.3 s of processor time for 100,000 lines.)
        let parts = text.utf8.split { $0 == 0x20 || $0 == 0x2C }.map { Substring($0) }
        // [weekday,] day month year time zone
        guard let index = parts.firstIndex(where: { Int($0) != nil }), index + 2 < parts.count,
              let day = Int(parts[index]), let month = Day.month(named: String(parts[index + 1])),
              let year = Int(parts[index + 2]) else { return nil }
        return Day(year: year, month: month, day: day)
    }
}

/// Reads a file in fixed-size blocks and hands its lines on a batch at a
/// time, in place: memory stays constant whatever the file's size. The
/// blocks are read into one byte buffer and the lines found there with
/// memchr (a `Data` searched and sliced per line cost a quarter of reading
/// a snapshot, on one core while the parsing used all; a `Data` for each
/// block read, its pages new each time, cost most of what was left).
final class LineReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// Where the unread part of `buffer` starts, and where its bytes end.
    private var start = 0, end = 0
    private var atEnd = false
    /// The lines of the batch being handed on (kept to reuse its memory).
    private var lines: [(number: Int, range: Range<Int>)] = []
    private(set) var lineNumber = 0
    private(set) var failure: String?
    static let blockSize = 1 << 20

    init?(url: URL) {
        fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
    }

    deinit { close(fd) }

    /// Calls `body` with the next lines, at least one and at most `limit`:
    /// the bytes they are in (valid only during the call), and each line's
    /// 1-based number and range there, without its newline. False at the
    /// end of the file. A batch holds the whole lines the last block read
    /// completed, so a line is never copied to be handed on.
    func nextLines(limit: Int, _ body: (_ bytes: UnsafeRawBufferPointer, _ lines: [(number: Int, range: Range<Int>)]) -> Void) -> Bool {
        lines.removeAll(keepingCapacity: true)
        while true {
            let handed = buffer.withUnsafeBytes { bytes -> Bool in
                guard let base = bytes.baseAddress else { return false }
                var at = start
                while lines.count < limit && at < end, let newline = memchr(base + at, 0x0A, end - at) {
                    let stop = base.distance(to: UnsafeRawPointer(newline))
                    lineNumber += 1
                    lines.append((lineNumber, at..<stop))
                    at = stop + 1
                }
                // The last line, if the file does not end with a newline.
                if atEnd && at < end && lines.count < limit {
                    lineNumber += 1
                    lines.append((lineNumber, at..<end))
                    at = end
                }
                guard !lines.isEmpty else { return false }
                start = at
                body(UnsafeRawBufferPointer(bytes), lines)
                return true
            }
            if handed { return true }
            if atEnd { return false }
            // No whole line is left: the unread rest moves to the front, and a block is read after it.
            if start > 0 {
                buffer.withUnsafeMutableBytes { bytes in
                    if end > start { memmove(bytes.baseAddress!, bytes.baseAddress! + start, end - start) }
                }
                end -= start
                start = 0
            }
            if buffer.count < end + Self.blockSize { buffer += [UInt8](repeating: 0, count: end + Self.blockSize - buffer.count) }
            let got = buffer.withUnsafeMutableBytes { bytes in read(fd, bytes.baseAddress! + end, Self.blockSize) }
            if got < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                atEnd = true
            } else if got == 0 {
                atEnd = true
            } else {
                end += got
            }
        }
    }
}
