import Foundation

/// A theme: Mustache templates (one per output kind) and static files.
/// Loaded and checked before anything is rendered, so a broken or
/// incomplete theme fails the build at start-up, never a page at a time.
public struct Theme: Sendable {
    /// The templates every theme must have, one per output kind.
    public static let requiredTemplates = ["home", "paper", "tag", "tags", "author", "authors", "year", "years",
                                           "page", "404", "rss", "atom", "partials/card"]

    public let name: String
    /// `Themes/<name>`, relative to the site.
    public let folder: String
    /// The templates, compiled (see `CompiledTemplate`).
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

    /// Whether a page made with any of `templates` may show a field named
    /// one of `fields` (see `TemplateLibrary.mayShow`).
    func mayShow(_ fields: Set<String>, from templates: [String]) -> Bool {
        compiled.mayShow(fields, from: templates)
    }

    /// The identities of the sections named `name` in `templates` and the
    /// partials they reach (see `TemplateLibrary.sectionIdentities`).
    func sectionIdentities(named name: String, from templates: [String]) -> [UInt64] {
        compiled.sectionIdentities(named: name, from: templates)
    }

    /// Optional templates (`search`) are used when the theme has them.
    func has(template name: String) -> Bool { compiled.templates[name] != nil }

    /// Renders `view` with the template `name`, which was checked to exist.
    func render(_ view: any TemplateObject, template name: String) -> String {
        compiled.render(view, template: name)
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
        var sources: [(name: String, file: String, text: String)] = []
        var compiled: [String: CompiledTemplate] = [:]
        let templateFiles = embedded
            ? DefaultTheme.files.filter { $0.path.hasPrefix("templates/") && $0.path.hasSuffix(".mustache") }.map { folder + "/" + $0.path }
            : ContentLoader.files(under: templatesFolder, in: siteRoot).filter { $0.hasSuffix(".mustache") }
        let embeddedText = embedded ? Dictionary(DefaultTheme.files.map { (folder + "/" + $0.path, $0.text) }, uniquingKeysWith: { a, _ in a }) : [:]
        for file in templateFiles {
            let templateName = String(file.dropFirst(templatesFolder.count + 1).dropLast(".mustache".count))
            var text = embeddedText[file] ?? ""
            if embeddedText[file] == nil {
                do {
                    text = try SourceText.load(siteRoot.appendingPathComponent(file), as: file)
                } catch {
                    log.append(error)
                    continue
                }
            }
            do {
                compiled[templateName] = try CompiledTemplate.compile(text)
                sources.append((templateName, file, text))
            } catch {
                let (line, column) = error.place(in: text)
                log.error("template syntax error: \(error.description)", at: SourceLocation(file: file, line: line, column: column))
            }
        }
        let registered = Set(sources.map(\.name))
        for required in Theme.requiredTemplates where requireAll && !registered.contains(required) && !log.hasErrors {
            log.error("the theme has no '\(required)' template (expected \(templatesFolder)/\(required).mustache)", at: SourceLocation(file: folder))
        }
        // A missing partial would render as nothing: check every reference now.
        for source in sources {
            for reference in Self.partialReferences(in: source.text) where !registered.contains(reference.name) {
                log.error("the template refers to '\(reference.name)', which is not in \(templatesFolder)/", at: SourceLocation(file: source.file, line: reference.line, column: reference.column))
            }
        }
        if log.hasErrors { throw BuildFailure(log.sorted) }
        let staticFiles = embedded
            ? DefaultTheme.files.filter { $0.path.hasPrefix("static/") }.map { String($0.path.dropFirst("static/".count)) }.sorted()
            : ContentLoader.files(under: folder + "/static", in: siteRoot).map { String($0.dropFirst(folder.count + "/static/".count)) }
        var theme = Theme(name: name, folder: folder, compiled: TemplateLibrary(templates: compiled), staticFiles: staticFiles)
        if embedded {
            theme.embeddedStatic = Dictionary(DefaultTheme.files.filter { $0.path.hasPrefix("static/") }.map { (String($0.path.dropFirst("static/".count)), $0.text) }, uniquingKeysWith: { a, _ in a })
            theme.notes = [.note("the site has no \(folder)/, so the default theme comes from papersite itself ('papersite new' writes a copy to change)", at: SourceLocation(file: ConfigLoader.file))]
        }
        if let sitemap = sources.first(where: { $0.name == "sitemap" }) {
            theme.notes.append(.note("this template is not used: papersite writes the sitemap itself", at: SourceLocation(file: sitemap.file)))
        }
        theme.fingerprints = Self.fingerprints(of: sources.map { ($0.name, $0.text) })
        return theme
    }

    /// Each template's fingerprint over the templates it reaches through
    /// `{{> partial}}` and `{{< parent}}`.
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
}

/// Escaping for HTML and XML text and attributes: `& < > " '` over
/// UTF-8 bytes, with a fast path for text that needs none (most values).
enum FastEscaping {
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
        text.withUTF8 { escape(utf8: $0, into: &out) }
    }

    private static func escape(utf8 bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var run = 0
        for i in bytes.indices {
            let replacement: StaticString
            switch bytes[i] {
            case 0x26: replacement = "&amp;"
            case 0x3C: replacement = "&lt;"
            case 0x3E: replacement = "&gt;"
            case 0x22: replacement = "&quot;"
            case 0x27: replacement = "&#39;"
            default: continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
            out.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
            run = i + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
    }
}
