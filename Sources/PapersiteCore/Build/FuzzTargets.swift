import Foundation
import PaperMarkdown

/// Entry points for fuzzing harnesses (`Sources/papersite-fuzz`): each
/// feeds arbitrary bytes to one reader or renderer. Errors are expected;
/// a crash, a hang or a broken invariant is a bug.
public enum FuzzTargets {
    public static let names = ["front-matter", "paper", "listing", "settings", "markdown", "plain-text", "yaml-guard",
                               "bibtex", "latex", "arxiv-xml", "snapshot-line"]

    /// Runs one target on one input.
    public static func run(_ target: String, _ data: Data) {
        let file = "content/papers/fuzz.md"
        switch target {
        case "arxiv-xml":
            _ = ArXivAtomReader().read(data, file: "content/papers/fuzz.xml")
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
            let (papers, _) = BibTeXReader().read(text, file: "content/papers/fuzz.bib")
            for paper in papers { precondition(!paper.title.isEmpty, "a BibTeX paper without a title") }
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
            let (papers, diagnostics) = ListingReader().read(text, file: "content/papers/fuzz.txt")
            precondition(!papers.isEmpty || diagnostics.contains { $0.severity == .error }, "no papers and no error")
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
        default:
            preconditionFailure("unknown fuzz target \(target)")
        }
    }
}
