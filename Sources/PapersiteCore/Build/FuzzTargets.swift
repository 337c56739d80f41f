import Foundation
import PaperMarkdown

/// Entry points for fuzzing harnesses (`Sources/papersite-fuzz`): each
/// feeds arbitrary bytes to one reader or renderer. Errors are expected;
/// a crash, a hang or a broken invariant is a bug.
public enum FuzzTargets {
    public static let names = ["front-matter", "paper", "listing", "settings", "markdown", "plain-text", "yaml-guard",
                               "bibtex", "latex", "arxiv-xml", "snapshot-line", "csl-json", "daily-json", "ris", "template"]

    /// Runs one target on one input.
    public static func run(_ target: String, _ data: Data) {
        let file = "content/papers/fuzz.md"
        switch target {
        case "arxiv-xml":
            _ = ArXivAtomReader().read(data, file: "content/papers/fuzz.xml")
            return
        case "csl-json", "daily-json":
            // One entry point reads both shapes; the daily target wraps the input as a day's item.
            let input = target == "daily-json" ? Data("[{\"paper\": ".utf8) + data + Data("}]".utf8) : data
            let (papers, diagnostics) = RecordFormat.readJSON(input, file: "content/papers/fuzz.json")
            for paper in papers { precondition(!paper.title.isEmpty, "a JSON paper without a title") }
            precondition(diagnostics.allSatisfy { $0.severity != .error } || papers.isEmpty, "an error, yet papers")
            // Items parsed one by one read as the document parsed whole
            // (where Foundation can: one by one, an item with a lone
            // surrogate escape is read, and the document around it is not).
            var bytes = [UInt8](input)
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            let whole = RecordFormat.readWhole(bytes, starts: JSONItemLocator.items(in: bytes).starts, file: "content/papers/fuzz.json", parallelism: .serial)
            let repaired = !whole.diagnostics.isEmpty && whole.diagnostics.allSatisfy { $0.severity == .error }
                && diagnostics.contains { $0.message.contains("lone surrogate") }
            precondition(repaired || (whole.papers == papers && whole.diagnostics == diagnostics), "items read one by one differ from the whole document")
            return
        case "snapshot-line":
            if let paper = try? ArXivSnapshotReader().paper(from: data, at: SourceLocation(file: "content/papers/fuzz.jsonl", line: 1)) {
                precondition(paper.arxiv != nil && !paper.title.isEmpty, "a snapshot paper without id or title")
            }
            return
        default:
            break
        }
        guard let text = try? SourceText.decode(data, as: file) else { return }
        switch target {
        case "bibtex":
            // The file as the site's other BibTeX files see it (its macros), then as read.
            var scan = BibTeXParser(text)
            let shared = BibTeXReader.sharedMacros([scan.stringDefinitions()]).table
            let (papers, _) = BibTeXReader().read(text, file: "content/papers/fuzz.bib", sharedMacros: shared)
            for paper in papers { precondition(!paper.title.isEmpty, "a BibTeX paper without a title") }
        case "ris":
            let (papers, _) = RISReader().read(text, file: "content/papers/fuzz.ris")
            for paper in papers { precondition(!paper.title.isEmpty, "a RIS paper without a title") }
        case "latex":
            _ = LaTeXText.toUnicode(text)
            _ = BibTeXReader.authors(text)
        case "front-matter":
            if let front = try? FrontMatter.split(text, file: file) {
                precondition(front.bodyFirstLine >= 3, "body starts before the front matter ends")
            }
        case "paper":
            let (paper, diagnostics) = MarkdownPaperReader().read(text, file: file)
            precondition(paper != nil || diagnostics.contains { $0.severity == .error }, "no paper and no error")
            if let paper {
                precondition(!paper.title.isEmpty && Slug.isValid(paper.slug), "a paper without title or with a bad slug")
            }
        case "listing":
            let (papers, diagnostics) = ListingReader(today: Day(year: 2025, month: 6, day: 1)!).read(text, file: "content/papers/fuzz.txt")
            precondition(!papers.isEmpty || diagnostics.contains { $0.severity == .error || $0.outcome != nil }, "no papers and nothing said")
        case "settings":
            _ = try? ConfigLoader.parse(text, file: "content/site.yml")
        case "markdown":
            let rendered = MarkdownRenderer().render(text)
            precondition(!rendered.html.contains("<script"), "a script tag got through")
            _ = MathMarkup.containsMath(text)
        case "plain-text":
            let html = MarkdownRenderer().render(PlainText.markdown(from: text)).html
            precondition(!html.contains("<script") && !html.contains("<img"), "plain text became markup")
            _ = BibTeX.title(text)
            _ = MathMarkup.wrap(plainText: text)
        case "yaml-guard":
            if YAMLGuard.firstAnchorOrAlias(in: text) == nil {
                _ = try? YAMLReader(file: file, firstLine: 1).parse(text)
            }
        case "template":
            // A theme's template, parsed and rendered over a view of every kind of value.
            if let template = try? CompiledTemplate.compile(text) {
                let library = TemplateLibrary(templates: ["t": template, "partials/card": template])
                let view = FuzzView(depth: 0)
                _ = library.render(view, template: "t")
            }
        default:
            preconditionFailure("unknown fuzz target \(target)")
        }
    }
}

/// A view that answers every name, with text that needs escaping, a list
/// and a nested view, three levels deep (so recursion in a template ends).
private struct FuzzView: TemplateObject {
    var depth: Int
    func value(named name: String) -> TemplateValue {
        guard depth < 3 else { return .none }
        switch name.count % 5 {
        case 0: return .text("<b>\(name) & 'x'</b>")
        case 1: return .bool(depth % 2 == 0)
        case 2: return .list([FuzzView(depth: depth + 1), FuzzView(depth: depth + 2)])
        case 3: return .object(FuzzView(depth: depth + 1))
        default: return .number(name.count)
        }
    }
}
