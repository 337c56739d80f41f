import Foundation
import PaperMarkdown

/// Reads the listing format: a page of papers copied from a site such as
/// Hugging Face's daily papers. The text is blocks separated by blank lines:
/// first some page chrome ("Subscribe", ...), then a date line such as
/// `Mar 14`, then the papers, each in one of the two shapes that copying
/// such a page gives:
///
/// - a title block, then an abstract paragraph (the sample's shape);
/// - one block: the title line, then the abstract's lines.
///
/// Further date lines start a new day. The chrome is recognised rather
/// than counted: papers start at the first date line (which may end a
/// block of chrome), or with no date line at the first paper-shaped text.
/// An optional YAML front matter gives the listing's `date` (with the year
/// that `Mar 14` lacks), its `source` URL and `tags` for all its papers.
/// Without either, a date without a year is the latest such day not after
/// `today`, with a warning that says how to pin it.
struct ListingReader {
    static let keys = ["date", "source", "tags"]

    /// The day the site is built (`Day.today()`): dates without a year are read against it.
    var today: Day

    init(today: Day = .today()) {
        self.today = today
    }

    struct Block {
        var lines: [Substring]
        var firstLine: Int
        var text: String { lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") }
    }

    func read(_ text: String, file: String) -> (papers: [Paper], diagnostics: [Diagnostic]) {
        var log = DiagnosticLog()
        var body = text
        var bodyFirstLine = 1
        var listingDate: Day?
        var source: String?
        var tags: [String] = []
        do {
            if let front = try FrontMatter.split(text, file: file) {
                let reader = YAMLReader(file: file, firstLine: front.yamlFirstLine)
                let fields = try reader.mapping(try reader.parse(front.yaml), what: "the listing's front matter")
                fields.checkKeys(Self.keys, in: "the listing's front matter", log: &log)
                listingDate = fields.day("date", log: &log)
                if let s = fields.string("source", log: &log) {
                    if Identifiers.isWebURL(s) { source = s } else {
                        log.error("'source' must be an absolute http(s) URL: \(s)", at: fields.location(of: "source"))
                    }
                }
                tags = (fields.stringList("tags", log: &log) ?? []).map(TextCleaning.line).filter { !$0.isEmpty }
                RecordLimits.check(title: "", authors: [], tags: tags, at: { fields.location(of: $0) }, log: &log)
                body = front.body
                bodyFirstLine = front.bodyFirstLine
            }
        } catch {
            return ([], [error])
        }
        if log.hasErrors { return ([], log.sorted) }

        let blocks = Self.splittingDates(Self.blocks(body, firstLine: bodyFirstLine))
        // Where the papers start: the first date line, else the first paper.
        let start = blocks.firstIndex { Self.dateLine($0) != nil }
            ?? blocks.indices.first { Self.paper(at: $0, in: blocks) != nil }
        guard var i = start else {
            log.error("found no papers: a listing needs a title line followed by an abstract paragraph", at: SourceLocation(file: file, line: bodyFirstLine, column: 1))
            return ([], log.sorted)
        }
        var currentDate = listingDate
        var badDate: String?
        var papers: [Paper] = []
        while i < blocks.count {
            let block = blocks[i]
            let location = SourceLocation(file: file, line: block.firstLine, column: 1)
            if let (month, day, year) = Self.dateLine(block) {
                badDate = nil
                if let y = year ?? listingDate?.year {
                    currentDate = Day(year: y, month: month, day: day)
                    if currentDate == nil { badDate = block.text }
                } else if let chosen = Day.latest(month: month, day: day, notAfter: today) {
                    currentDate = chosen
                    log.warning("the date '\(block.text)' has no year; read as \(chosen.iso), the latest such day not after today (\(today.iso)). To pin it, add front matter at the top: '---', 'date: \(chosen.iso)', '---'", at: location)
                } else {
                    currentDate = nil
                    badDate = block.text
                }
                if let bad = badDate { log.warning("'\(bad)' is not a real day; the papers under it are skipped", at: location) }
                i += 1
                continue
            }
            if let (title, abstract, width) = Self.paper(at: i, in: blocks) {
                defer { i += width }
                guard let date = currentDate else {
                    if let bad = badDate {
                        log.skipped("the paper '\(Self.preview(title))' is under '\(bad)', which is not a real day; it is skipped", at: location)
                        continue
                    }
                    log.error("the listing has no date: add a date line such as 'Mar 14' before the papers, or 'date: YYYY-MM-DD' in front matter", at: location)
                    return ([], log.sorted)
                }
                papers.append(Paper(
                    title: TextCleaning.line(title), published: date, tags: tags,
                    links: Paper.Links(listing: source), abstract: PlainText.markdown(from: TextCleaning.line(abstract)), source: location))
                continue
            }
            log.warning("skipped text that is neither a date nor a title followed by an abstract: '\(Self.preview(block.text))'", at: location)
            i += 1
        }
        if papers.isEmpty && !log.items.contains(where: { $0.outcome != nil }) {
            log.error("found no papers: a listing needs a title line followed by an abstract paragraph", at: SourceLocation(file: file, line: bodyFirstLine, column: 1))
        }
        return (papers, log.sorted)
    }

    private static func preview(_ text: String) -> String {
        text.count > 60 ? String(text.prefix(57)) + "..." : text
    }

    /// The paper that starts at block `i`, in either shape, and how many blocks it takes.
    static func paper(at i: Int, in blocks: [Block]) -> (title: String, abstract: String, blocks: Int)? {
        let block = blocks[i]
        if isTitle(block), i + 1 < blocks.count, isAbstract(blocks[i + 1]) {
            return (block.text, blocks[i + 1].text, 2)
        }
        // One block: a title line, then the abstract's lines.
        if block.lines.count >= 2 {
            let title = Block(lines: [block.lines[0]], firstLine: block.firstLine)
            let rest = Block(lines: Array(block.lines.dropFirst()), firstLine: block.firstLine + 1)
            if isTitle(title), isAbstract(rest) { return (title.text, rest.text, 1) }
        }
        return nil
    }

    /// Blocks with each date line made a block of its own: a copied page can
    /// run its chrome and the day together (`Subscribe` / `Mar 14`).
    static func splittingDates(_ blocks: [Block]) -> [Block] {
        var result: [Block] = []
        for block in blocks {
            guard block.lines.count > 1 else { result.append(block); continue }
            var current: Block?
            for (k, line) in block.lines.enumerated() {
                let single = Block(lines: [line], firstLine: block.firstLine + k)
                if dateLine(single) != nil {
                    if let c = current { result.append(c) }
                    result.append(single)
                    current = nil
                } else if current == nil {
                    current = single
                } else {
                    current!.lines.append(line)
                }
            }
            if let c = current { result.append(c) }
        }
        return result
    }

    static func blocks(_ text: String, firstLine: Int) -> [Block] {
        var blocks: [Block] = []
        var current: Block?
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if let c = current { blocks.append(c) }
                current = nil
            } else if current == nil {
                current = Block(lines: [line], firstLine: firstLine + offset)
            } else {
                current!.lines.append(line)
            }
        }
        if let c = current { blocks.append(c) }
        return blocks
    }

    /// A title: one or two short lines that do not read like prose.
    static func isTitle(_ block: Block) -> Bool {
        let t = block.text
        return block.lines.count <= 2 && t.count <= 300 && dateLine(block) == nil
    }

    /// An abstract: a paragraph of prose, long enough not to be page chrome.
    static func isAbstract(_ block: Block) -> Bool {
        let t = block.text
        if t.count >= 200 { return true }
        return t.count >= 60 && t.contains(". ") && (t.hasSuffix(".") || t.hasSuffix(")"))
    }

    private static let datePatterns: [NSRegularExpression] = [
        // Mar 14 / March 14, 2025 / Mar. 14 2025
        #"^([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?(?:,? (\d{4}))?$"#,
        // 14 Mar / 14 March 2025
        #"^(\d{1,2}) ([A-Za-z]{3,9})\.?(?:,? (\d{4}))?$"#,
        // 2025-03-14
        #"^(\d{4})-(\d{2})-(\d{2})$"#,
    ].map { try! NSRegularExpression(pattern: $0) }

    /// (month, day, year?) if the block is a single date line.
    static func dateLine(_ block: Block) -> (Int, Int, Int?)? {
        guard block.lines.count == 1 else { return nil }
        let t = block.text
        guard t.count <= 24 else { return nil }
        let range = NSRange(t.startIndex..., in: t)
        func group(_ m: NSTextCheckingResult, _ i: Int) -> String? {
            Range(m.range(at: i), in: t).map { String(t[$0]) }
        }
        if let m = datePatterns[0].firstMatch(in: t, range: range),
           let month = Day.month(named: group(m, 1)!), let day = Int(group(m, 2)!) {
            return (month, day, group(m, 3).flatMap { Int($0) })
        }
        if let m = datePatterns[1].firstMatch(in: t, range: range),
           let month = Day.month(named: group(m, 2)!), let day = Int(group(m, 1)!) {
            return (month, day, group(m, 3).flatMap { Int($0) })
        }
        if let m = datePatterns[2].firstMatch(in: t, range: range),
           let y = Int(group(m, 1)!), let month = Int(group(m, 2)!), let day = Int(group(m, 3)!) {
            return (month, day, y)
        }
        return nil
    }
}
