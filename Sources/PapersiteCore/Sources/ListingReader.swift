import Foundation
import PaperMarkdown

/// Reads the listing format: a page of papers copied from a site such as
/// Hugging Face's daily papers. The text is blocks separated by blank lines:
/// first some page chrome ("Subscribe", ...), then a date line such as
/// `Mar 14`, then for each paper a title line and an abstract paragraph.
/// Further date lines start a new day.
///
/// The chrome is recognised rather than counted: papers start at the first
/// date line, or (with no date line) at the first title followed by an
/// abstract-like paragraph. An optional YAML front matter gives the
/// listing's `date` (with the year that `Mar 14` lacks), its `source` URL
/// and `tags` for all its papers.
struct ListingReader {
    static let keys = ["date", "source", "tags"]

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

        let blocks = Self.blocks(body, firstLine: bodyFirstLine)
        // Where the papers start: the first date line, else the first title + abstract pair.
        var index = blocks.firstIndex { Self.dateLine($0) != nil }
            ?? blocks.indices.first { i in i + 1 < blocks.count && Self.isTitle(blocks[i]) && Self.isAbstract(blocks[i + 1]) }
        guard var i = index else {
            log.error("found no papers: a listing needs a title line followed by an abstract paragraph", at: SourceLocation(file: file, line: bodyFirstLine, column: 1))
            return ([], log.sorted)
        }
        index = nil
        var currentDate = listingDate
        var papers: [Paper] = []
        while i < blocks.count {
            let block = blocks[i]
            let location = SourceLocation(file: file, line: block.firstLine, column: 1)
            if let (month, day, year) = Self.dateLine(block) {
                guard let y = year ?? listingDate?.year else {
                    log.error("the date '\(block.text)' has no year; give the listing's date in front matter ('date: YYYY-MM-DD' between '---' lines at the top)", at: location)
                    return ([], log.sorted)
                }
                guard let d = Day(year: y, month: month, day: day) else {
                    log.error("'\(block.text)' is not a real day", at: location)
                    return ([], log.sorted)
                }
                currentDate = d
                i += 1
                continue
            }
            if Self.isTitle(block), i + 1 < blocks.count, Self.isAbstract(blocks[i + 1]) {
                guard let date = currentDate else {
                    log.error("the listing has no date: add a date line such as 'Mar 14' before the papers, or 'date: YYYY-MM-DD' in front matter", at: location)
                    return ([], log.sorted)
                }
                let title = TextCleaning.line(block.text)
                let abstract = PlainText.markdown(from: TextCleaning.line(blocks[i + 1].text))
                papers.append(Paper(
                    title: title, published: date, tags: tags,
                    links: Paper.Links(listing: source), abstract: abstract, source: location))
                i += 2
                continue
            }
            let preview = block.text.count > 60 ? String(block.text.prefix(57)) + "..." : block.text
            log.warning("skipped text that is neither a date nor a title followed by an abstract: '\(preview)'", at: location)
            i += 1
        }
        if papers.isEmpty {
            log.error("found no papers: a listing needs a title line followed by an abstract paragraph", at: SourceLocation(file: file, line: bodyFirstLine, column: 1))
        }
        return (papers, log.sorted)
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
