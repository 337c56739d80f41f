import Foundation

/// Reads a free-standing page (`content/pages/about.md`): front matter with
/// `title` (required), `slug`, `description`, `weight`, `draft`; a Markdown body.
struct PageReader {
    static let keys = ["title", "slug", "description", "weight", "draft"]
    /// Top-level paths that pages may not take.
    static let reservedSlugs: Set<String> = ["papers", "tags", "page", "authors", "static", "css", "js", "404", "feed.xml", "atom.xml", "sitemap.xml", "robots.txt"]

    func read(_ text: String, file: String) -> (page: StandalonePage?, diagnostics: [Diagnostic]) {
        var log = DiagnosticLog()
        let start = SourceLocation(file: file, line: 1, column: 1)
        do {
            guard let front = try FrontMatter.split(text, file: file) else {
                return (nil, [.error("a page must start with front matter giving its 'title' between '---' lines", at: start)])
            }
            let reader = YAMLReader(file: file, firstLine: front.yamlFirstLine)
            let fields = try reader.mapping(try reader.parse(front.yaml), what: "the front matter")
            fields.checkKeys(Self.keys, in: "the page's front matter", log: &log)
            let title = fields.string("title", log: &log).map(TextCleaning.line) ?? ""
            if title.isEmpty && !log.hasErrors {
                log.error(fields.keys.contains("title") ? "'title' is empty" : "the page has no 'title'", at: fields.keys.contains("title") ? fields.location(of: "title") : start)
            }
            let fileSlug = Slug.make((file as NSString).lastPathComponent.replacingOccurrences(of: ".md", with: ""))
            var slug = fileSlug
            if let s = fields.string("slug", log: &log) {
                if Slug.isValid(s) { slug = s } else {
                    log.error("'slug' may hold only lowercase letters, digits, '-', '_' and '.'", at: fields.location(of: "slug"))
                }
            }
            if Self.reservedSlugs.contains(slug) {
                log.error("the slug '\(slug)' is used by the site itself; choose another", at: fields.node("slug").map { reader.location($0) } ?? start)
            }
            let description = fields.string("description", log: &log).map(TextCleaning.line)
            let weight = fields.int("weight", in: -1_000_000...1_000_000, log: &log) ?? 0
            let draft = fields.bool("draft", log: &log) ?? false
            if log.hasErrors { return (nil, log.sorted) }
            let page = StandalonePage(title: title, slug: slug, description: description, body: TextCleaning.block(front.body),
                                      weight: weight, draft: draft, source: start)
            return (page, log.sorted)
        } catch {
            return (nil, [error])
        }
    }
}
