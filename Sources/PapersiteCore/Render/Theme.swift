import Foundation
import Mustache

/// A theme: Mustache templates (one per output kind) and static files.
/// Loaded and checked before anything is rendered, so a broken or
/// incomplete theme fails the build at start-up, never a page at a time.
public struct Theme: Sendable {
    /// The templates every theme must have, one per output kind.
    public static let requiredTemplates = ["home", "paper", "tag", "tags", "author", "authors", "year", "years",
                                           "page", "404", "rss", "atom", "sitemap", "partials/card"]

    public let name: String
    /// `Themes/<name>`, relative to the site.
    public let folder: String
    /// swift-mustache's library: checks the templates, and is the reference
    /// the tests hold papersite's renderer to.
    let library: MustacheLibrary
    /// The same templates compiled for papersite's renderer, which renders the site.
    let compiled: TemplateLibrary
    /// Files under `static/`, relative to it, sorted.
    public let staticFiles: [String]
    /// The static files' text when the theme comes from the binary (no `Themes/<name>/` in the site).
    var embeddedStatic: [String: String] = [:]
    /// Said once per build (that the theme comes from the binary).
    var notes: [Diagnostic] = []
    /// For each template, a hash of its text and of every partial and
    /// parent it uses (transitively): what its output depends on in the theme.
    var fingerprints: [String: UInt64] = [:]

    /// Render with swift-mustache instead (the tests compare the two).
    var rendersWithSwiftMustache = false

    /// Whether the theme's sitemap template is the default theme's, which
    /// `SitemapView.defaultXML` writes without the template engine (a large
    /// site's sitemap has hundreds of thousands of entries).
    var hasDefaultSitemap = false
    var writesDefaultSitemap: Bool { hasDefaultSitemap && !rendersWithSwiftMustache }

    /// Optional templates (`search`) are used when the theme has them.
    func has(template name: String) -> Bool { compiled.templates[name] != nil }

    /// Renders `view` with the template `name`, which was checked to exist.
    func render(_ view: any TemplateObject, template name: String) -> String {
        if name == "sitemap", writesDefaultSitemap, let sitemap = view as? SitemapView {
            return sitemap.defaultXML()
        }
        if rendersWithSwiftMustache {
            return library.render(MustacheBridge(object: view), withTemplate: name) ?? ""
        }
        return compiled.render(view, template: name)
    }
}

/// Loads `Themes/<name>/` from the site folder.
public struct ThemeLoader: Sendable {
    public let siteRoot: URL

    public init(siteRoot: URL) {
        self.siteRoot = siteRoot
    }

    /// `requireAll: false` skips the check for the templates a site needs (for tests).
    public func load(named name: String, requireAll: Bool = true) throws(BuildFailure) -> Theme {
        FastEscaping.register()
        let folder = "Themes/\(name)"
        let templatesFolder = folder + "/templates"
        var isDir: ObjCBool = false
        let themeFolder = siteRoot.appendingPathComponent(folder).path
        // A site without the theme's folder uses the copy papersite carries
        // (`papersite new` writes that copy out, to be changed).
        let embedded = name == DefaultTheme.name && !FileManager.default.fileExists(atPath: themeFolder)
        guard embedded || FileManager.default.fileExists(atPath: siteRoot.appendingPathComponent(templatesFolder).path, isDirectory: &isDir), embedded || isDir.boolValue else {
            throw BuildFailure([.error("the theme '\(name)' has no templates folder (expected \(templatesFolder)/)", at: SourceLocation(file: ConfigLoader.file))])
        }
        var log = DiagnosticLog()
        var library = MustacheLibrary()
        var sources: [(name: String, file: String, text: String)] = []
        var compiled: [String: CompiledTemplate] = [:]
        let templateFiles = embedded
            ? DefaultTheme.files.filter { $0.path.hasPrefix("templates/") && $0.path.hasSuffix(".mustache") }.map { folder + "/" + $0.path }
            : ContentLoader.files(under: templatesFolder, in: siteRoot).filter { $0.hasSuffix(".mustache") }
        let embeddedText = embedded ? Dictionary(DefaultTheme.files.map { (folder + "/" + $0.path, $0.text) }, uniquingKeysWith: { a, _ in a }) : [:]
        for file in templateFiles {
            let templateName = String(file.dropFirst(templatesFolder.count + 1).dropLast(".mustache".count))
            do {
                let text = try embeddedText[file] ?? SourceText.load(siteRoot.appendingPathComponent(file), as: file)
                let template = try MustacheTemplate(string: FastEscaping.pragma + text)
                library.register(template, named: templateName)
                sources.append((templateName, file, text))
                do {
                    compiled[templateName] = try CompiledTemplate.compile(FastEscaping.pragma + text)
                } catch {
                    log.error("papersite cannot render this template: \(error.description)", at: SourceLocation(file: file))
                }
            } catch let error as MustacheTemplate.ParserError {
                // The pragma papersite adds is line 1: give the line in the user's text.
                log.error("template syntax error: \(Self.describe(error.error))", at: SourceLocation(file: file, line: max(1, error.context.lineNumber - 1), column: error.context.columnNumber))
            } catch let error as Diagnostic {
                log.append(error)
            } catch {
                log.error("template error: \(error)", at: SourceLocation(file: file))
            }
        }
        let registered = Set(sources.map(\.name))
        for required in Theme.requiredTemplates where requireAll && !registered.contains(required) && !log.hasErrors {
            log.error("the theme has no '\(required)' template (expected \(templatesFolder)/\(required).mustache)", at: SourceLocation(file: folder))
        }
        // swift-mustache renders a missing partial as nothing: check every reference now.
        for source in sources {
            for reference in Self.partialReferences(in: source.text) where !registered.contains(reference.name) {
                log.error("the template refers to '\(reference.name)', which is not in \(templatesFolder)/", at: SourceLocation(file: source.file, line: reference.line, column: reference.column))
            }
        }
        if log.hasErrors { throw BuildFailure(log.sorted) }
        let staticFiles = embedded
            ? DefaultTheme.files.filter { $0.path.hasPrefix("static/") }.map { String($0.path.dropFirst("static/".count)) }.sorted()
            : ContentLoader.files(under: folder + "/static", in: siteRoot).map { String($0.dropFirst(folder.count + "/static/".count)) }
        var theme = Theme(name: name, folder: folder, library: library, compiled: TemplateLibrary(templates: compiled), staticFiles: staticFiles)
        if embedded {
            theme.embeddedStatic = Dictionary(DefaultTheme.files.filter { $0.path.hasPrefix("static/") }.map { (String($0.path.dropFirst("static/".count)), $0.text) }, uniquingKeysWith: { a, _ in a })
            theme.notes = [.note("the site has no \(folder)/, so the default theme comes from papersite itself ('papersite new' writes a copy to change)", at: SourceLocation(file: ConfigLoader.file))]
        }
        theme.fingerprints = Self.fingerprints(of: sources.map { ($0.name, $0.text) })
        theme.hasDefaultSitemap = sources.first { $0.name == "sitemap" }?.text == Self.defaultSitemapTemplate
        return theme
    }

    /// Each template's fingerprint over the templates it reaches through
    /// `{{> partial}}` and `{{< parent}}`.
    static let defaultSitemapTemplate = DefaultTheme.files.first { $0.path == "templates/sitemap.mustache" }?.text

    static func fingerprints(of sources: [(name: String, text: String)]) -> [String: UInt64] {
        let texts = Dictionary(sources, uniquingKeysWith: { a, _ in a })
        let references = texts.mapValues { Set(partialReferences(in: $0).map(\.name)) }
        var result: [String: UInt64] = [:]
        for name in texts.keys {
            var reached: Set<String> = [name], queue = [name]
            while let next = queue.popLast() {
                for reference in references[next] ?? [] where reached.insert(reference).inserted { queue.append(reference) }
            }
            result[name] = Fingerprint.of { f in
                for template in reached.sorted() { f.add(template); f.add(texts[template] ?? "") }
            }
        }
        return result
    }

    private static let referencePattern = try! NSRegularExpression(pattern: #"\{\{\s*[<>]\s*([^\s}]+)\s*\}\}"#)

    /// Names of partials (`{{> name}}`) and parents (`{{< name}}`) used by a template.
    static func partialReferences(in text: String) -> [(name: String, line: Int, column: Int)] {
        let ns = text as NSString
        return referencePattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { match in
            let name = ns.substring(with: match.range(at: 1))
            let before = ns.substring(to: match.range.location)
            let line = before.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
            let lastNewline = before.lastIndex(of: "\n").map { before.distance(from: before.index(after: $0), to: before.endIndex) } ?? before.count
            return (name, line, lastNewline + 1)
        }
    }

    private static func describe(_ error: Error) -> String {
        guard let e = error as? MustacheTemplate.Error else { return "\(error)" }
        switch e {
        case .sectionCloseNameIncorrect: return "a section is closed with a different name than it was opened with"
        case .unfinishedName: return "a tag is not finished (missing '}}')"
        case .expectedSectionEnd: return "a section is never closed (missing '{{/name}}')"
        case .invalidSetDelimiter: return "badly formed set-delimiter tag"
        case .transformAppliedToInheritanceSection: return "a transform cannot apply to an inheritance section"
        case .illegalTokenInsideInheritSection: return "only block overrides may appear inside '{{<parent}}'"
        case .textInsideInheritSection: return "text inside '{{<parent}}' must be inside a block override"
        case .invalidConfigVariableSyntax: return "badly formed '{{% ... }}' tag"
        case .unrecognisedConfigVariable: return "unknown '{{% ... }}' setting"
        @unknown default: return "\(e)"
        }
    }
}

/// swift-mustache escapes HTML with a dictionary lookup per character,
/// which dominated profiles of large builds. Every template is loaded with
/// a content-type pragma that selects this escaper instead: the same five
/// characters and the same entities, over UTF-8 bytes, with a fast path
/// for text that needs no escaping. Themes need not know about it.
enum FastEscaping {
    static let name = "PAPERSITE_HTML"
    /// On a line of its own, so that it leaves no trace in the output and
    /// does not change whether the template's first tag stands alone.
    static let pragma = "{{% CONTENT_TYPE: \(name) }}\n"

    private static let registered: Bool = {
        MustacheContentTypes.register(Escaper(), named: name)
        return true
    }()

    static func register() { _ = registered }

    struct Escaper: MustacheContentType {
        func escapeText(_ text: String) -> String { FastEscaping.escape(text) }
    }

    static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        // Most values need nothing: one pass over the contiguous bytes says so.
        let needs = utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            for b in bytes where b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x27 { return true }
            return false
        } ?? true
        guard needs else { return text }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count + 32)
        escape(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `escape(text)`'s bytes, appended to `out`.
    /// (The runs between special bytes are copied whole.)
    static func escape(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var run = 0
            for i in bytes.indices {
                let replacement: [UInt8]
                switch bytes[i] {
                case 0x26: replacement = [0x26, 0x61, 0x6D, 0x70, 0x3B]                 // &amp;
                case 0x3C: replacement = [0x26, 0x6C, 0x74, 0x3B]                       // &lt;
                case 0x3E: replacement = [0x26, 0x67, 0x74, 0x3B]                       // &gt;
                case 0x22: replacement = [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B]           // &quot;
                case 0x27: replacement = [0x26, 0x23, 0x33, 0x39, 0x3B]                 // &#39;
                default: continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
                out.append(contentsOf: replacement)
                run = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
        }
    }
}
