import Foundation
import PaperMarkdown

/// Reads a day of the trending-papers site saved as its JSON
/// (`content/papers/*.json`): an array of items, each with a `paper`
/// object (`id`, the arXiv id; `title`; `summary`, hard-wrapped;
/// `authors[].name`, where `hidden` ones are left out; `publishedAt`;
/// `githubRepo`; `projectPage`; `ai_keywords`). It gives the papers of a
/// pasted listing what the page lacks: authors, arXiv and code links,
/// keywords. Each paper is dated by the day it was listed (the item's own
/// `publishedAt`, as the pasted page's date line), else by its own.
struct DailyPapersReader {
    /// Whether a parsed document has this shape (rather than CSL-JSON's).
    static func recognises(_ items: [ParsedJSON]) -> Bool {
        items.first(where: \.isObject)?["paper"]?.isObject == true
    }

    func read(items: [ParsedJSON.Item], starts: [(line: Int, column: Int)], file: String) -> (papers: [Paper], diagnostics: [Diagnostic]) {
        var log = DiagnosticLog()
        var papers: [Paper] = []
        for (k, read) in items.enumerated() {
            let location = k < starts.count ? SourceLocation(file: file, line: starts[k].line, column: starts[k].column) : SourceLocation(file: file)
            let value = read.value
            guard let paper = value["paper"], paper.isObject else {
                log.skipped("item \(k + 1) has no 'paper' object; it is skipped", at: location)
                continue
            }
            CSLJSONReader.noteLoneSurrogates(read, item: k + 1, at: location, log: &log)
            let id = CSLJSONReader.text(paper["id"])
            let name = id.map { "'\($0)'" } ?? "item \(k + 1)"
            guard let title = CSLJSONReader.text(paper["title"] ?? value["title"]).map(TextCleaning.line), !title.isEmpty else {
                log.skipped("the paper \(name) has no title; it is skipped", at: location)
                continue
            }
            guard let published = Self.day(value["publishedAt"]) ?? Self.day(paper["publishedAt"]) else {
                log.skipped("the paper \(name) has no date ('publishedAt'); it is skipped", at: location)
                continue
            }
            var arxiv: (id: String, version: Int?)?
            if let id {
                arxiv = Identifiers.arxiv(id)
                if arxiv == nil { log.repaired("'id' of the paper '\(title)' is not an arXiv id and is left out: \(id)", at: location, record: location) }
            }
            let people = paper["authors"]?.array?.filter(\.isObject) ?? []
            let authors = people.filter { $0["hidden"]?.bool != true }.compactMap { CSLJSONReader.text($0["name"]).map(TextCleaning.line) }.filter { !$0.isEmpty }
            var links = Paper.Links()
            for (field, keyPath) in [("githubRepo", \Paper.Links.code), ("projectPage", \Paper.Links.url)] {
                guard let url = CSLJSONReader.text(paper[field]) else { continue }
                if Identifiers.isWebURL(url) { links[keyPath: keyPath] = url } else {
                    log.repaired("'\(field)' of the paper \(name) is not an absolute http(s) URL and is left out: \(url)", at: location, record: location)
                }
            }
            var tags: [String] = []
            for keyword in (paper["ai_keywords"]?.array ?? []).compactMap({ CSLJSONReader.text($0).map(TextCleaning.line) }) where !keyword.isEmpty && !tags.contains(keyword) {
                tags.append(keyword)
            }
            let abstract = CSLJSONReader.text(paper["summary"]).map { PlainText.markdown(from: TextCleaning.line($0)) } ?? ""
            guard RecordLimits.admits(title: title, authors: authors, tags: &tags, what: "the paper \(name)", at: location, log: &log) else { continue }
            papers.append(Paper(title: title, authors: authors, published: published, tags: tags, arxiv: arxiv?.id, arxivVersion: arxiv?.version,
                                links: links, abstract: abstract, source: location))
        }
        return (papers, log.sorted)
    }

    /// `2025-03-14T01:23:45.000Z` → 2025-03-14.
    static func day(_ value: ParsedJSON?) -> Day? {
        value?.string.flatMap { Day(iso: String($0.prefix(10))) }
    }
}
