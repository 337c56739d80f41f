import Foundation
import Yams

/// Reads `content/site.yml` into a `SiteConfig`. A missing file gives the
/// defaults; an unknown key is an error, so that a typo never passes silently.
public struct ConfigLoader: Sendable {
    public static let file = "content/site.yml"
    static let topKeys = ["title", "description", "base_url", "language", "author", "theme",
                          "papers_per_page", "feed", "markdown", "math", "tag_rules", "related_papers", "search", "links"]

    public let siteRoot: URL

    public init(siteRoot: URL) {
        self.siteRoot = siteRoot
    }

    public func load() throws(BuildFailure) -> SiteConfig {
        let url = siteRoot.appendingPathComponent(Self.file)
        guard FileManager.default.fileExists(atPath: url.path) else { return SiteConfig() }
        do {
            let text = try SourceText.load(url, as: Self.file)
            return try Self.parse(text, file: Self.file)
        } catch let failure as BuildFailure {
            throw failure
        } catch let diagnostic as Diagnostic {
            throw BuildFailure([diagnostic])
        } catch {
            throw BuildFailure([.error("\(error)", at: SourceLocation(file: Self.file))])
        }
    }

    /// Parses the text of a settings file.
    public static func parse(_ text: String, file: String) throws -> SiteConfig {
        let reader = YAMLReader(file: file, firstLine: 1)
        let fields = try reader.mapping(try reader.parse(text), what: "the settings file")
        var log = DiagnosticLog()
        var config = SiteConfig()
        fields.checkKeys(topKeys, in: "the settings", log: &log)

        if let v = fields.string("title", log: &log) { config.title = TextCleaning.line(v) }
        if let v = fields.string("description", log: &log) { config.description = TextCleaning.line(v) }
        if let v = fields.string("base_url", log: &log) {
            if let normalised = normaliseBaseURL(v) {
                config.baseURL = normalised
                config.baseURLWasSet = true
            } else {
                log.error("'base_url' must be an absolute http(s) URL such as https://example.org/papers/", at: fields.location(of: "base_url"))
            }
        }
        if let v = fields.string("language", log: &log) {
            if v.range(of: #"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$"#, options: .regularExpression) != nil {
                config.language = v
            } else {
                log.error("'language' must be a language tag such as en or pt-BR", at: fields.location(of: "language"))
            }
        }
        if let node = fields.node("author") {
            if case .scalar(let s) = node {
                config.author.name = s.string
            } else if let author = fields.mapping("author", log: &log) {
                author.checkKeys(["name", "email", "url"], in: "'author'", log: &log)
                config.author.name = author.string("name", log: &log)
                config.author.email = author.string("email", log: &log)
                config.author.url = author.string("url", log: &log)
            }
        }
        if let v = fields.string("theme", log: &log) {
            if Slug.isValid(v) || v.range(of: #"^[A-Za-z0-9_-]+$"#, options: .regularExpression) != nil {
                config.theme = v
            } else {
                log.error("'theme' must be the name of a folder in Themes/", at: fields.location(of: "theme"))
            }
        }
        if let v = fields.int("papers_per_page", in: 1...10_000, log: &log) { config.papersPerPage = v }
        if let v = fields.int("related_papers", in: 0...50, log: &log) { config.relatedPapers = v }
        if let v = fields.bool("search", log: &log) { config.search = v }
        if let feed = fields.mapping("feed", log: &log) {
            feed.checkKeys(["limit", "content"], in: "'feed'", log: &log)
            if let v = feed.int("limit", in: 1...100_000, log: &log) { config.feed.limit = v }
            if let v = feed.string("content", log: &log) {
                if let c = SiteConfig.FeedContent(rawValue: v) {
                    config.feed.content = c
                } else {
                    log.error("'content' must be 'full' or 'summary'", at: feed.location(of: "content"))
                }
            }
        }
        if let md = fields.mapping("markdown", log: &log) {
            md.checkKeys(["raw_html", "smart_punctuation"], in: "'markdown'", log: &log)
            if let v = md.bool("raw_html", log: &log) { config.markdown.allowRawHTML = v }
            if let v = md.bool("smart_punctuation", log: &log) { config.markdown.smartPunctuation = v }
        }
        if let v = fields.string("links", log: &log) {
            if let links = SiteConfig.Links(rawValue: v) {
                config.links = links
            } else {
                log.error("'links' must be 'relative' or 'absolute'", at: fields.location(of: "links"))
            }
        }
        if let v = fields.string("math", log: &log) {
            if let m = SiteConfig.MathRendering(rawValue: v) {
                config.math = m
                config.mathLocation = fields.location(of: "math")
            } else {
                log.error("'math' must be 'none' or 'katex'", at: fields.location(of: "math"))
            }
        }
        if let rules = fields.sequence("tag_rules", log: &log) {
            config.tagRules = readTagRules(rules, reader: reader, log: &log)
        }
        if log.hasErrors { throw BuildFailure(log.sorted) }
        return config
    }

    private static func readTagRules(_ nodes: [Node], reader: YAMLReader, log: inout DiagnosticLog) -> [TagRule] {
        var rules: [TagRule] = []
        var seen: [String: SourceLocation] = [:]
        for node in nodes {
            guard case .mapping(let m) = node else {
                log.error("each tag rule must be a mapping such as {tag: Diffusion, match: [diffusion]}", at: reader.location(node))
                continue
            }
            let rule: YAMLReader.Fields
            do { rule = try YAMLReader.Fields(reader: reader, mapping: m, mark: node.mark) } catch {
                log.append(error)
                continue
            }
            rule.checkKeys(["tag", "match"], in: "a tag rule", log: &log)
            let location = reader.location(node)
            guard let tag = rule.string("tag", log: &log)?.trimmingCharacters(in: .whitespaces), !tag.isEmpty else {
                log.error("a tag rule needs 'tag' (the tag's name)", at: location)
                continue
            }
            guard let phrases = rule.stringList("match", log: &log), !phrases.isEmpty else {
                if rule.node("match") == nil { log.error("the tag rule for '\(tag)' needs 'match' (a list of phrases)", at: location) }
                continue
            }
            let slug = Tag(name: tag).slug
            if let first = seen[slug] {
                log.error("the tag '\(tag)' already has a rule at line \(first.line); merge their phrases", at: location)
                continue
            }
            seen[slug] = location
            let cleaned = phrases.map { $0.trimmingCharacters(in: .whitespaces) }
            if let empty = cleaned.firstIndex(where: { $0.isEmpty || $0 == "*" }) {
                log.error("phrase \(empty + 1) of the rule for '\(tag)' is empty", at: location)
                continue
            }
            rules.append(TagRule(tag: tag, phrases: cleaned, source: location))
        }
        return rules
    }

    /// `https://example.org/x` → `https://example.org/x/`; nil unless absolute http(s).
    public static func normaliseBaseURL(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: t),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty,
              components.query == nil, components.fragment == nil,
              !t.contains(" "), !t.contains("\"") else { return nil }
        return t.hasSuffix("/") ? t : t + "/"
    }
}
