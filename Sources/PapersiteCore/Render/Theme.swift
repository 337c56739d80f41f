import Foundation
import Mustache

/// A theme: Mustache templates (one per output kind) and static files.
/// Loaded and checked before anything is rendered, so a broken or
/// incomplete theme fails the build at start-up, never a page at a time.
public struct Theme: Sendable {
    /// The templates every theme must have, one per output kind.
    public static let requiredTemplates = ["home", "paper", "tag", "tags", "page", "404", "rss", "atom", "sitemap"]

    public let name: String
    /// `Themes/<name>`, relative to the site.
    public let folder: String
    let library: MustacheLibrary
    /// Files under `static/`, relative to it, sorted.
    public let staticFiles: [String]

    /// Renders `view` with the template `name`, which was checked to exist.
    func render(_ view: Any, template name: String) -> String {
        library.render(view, withTemplate: name) ?? ""
    }
}

/// Loads `Themes/<name>/` from the site folder.
public struct ThemeLoader: Sendable {
    public let siteRoot: URL

    public init(siteRoot: URL) {
        self.siteRoot = siteRoot
    }

    public func load(named name: String) throws(BuildFailure) -> Theme {
        let folder = "Themes/\(name)"
        let templatesFolder = folder + "/templates"
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: siteRoot.appendingPathComponent(templatesFolder).path, isDirectory: &isDir), isDir.boolValue else {
            throw BuildFailure([.error("the theme '\(name)' has no templates folder (expected \(templatesFolder)/)", at: SourceLocation(file: ConfigLoader.file))])
        }
        var log = DiagnosticLog()
        var library = MustacheLibrary()
        var sources: [(name: String, file: String, text: String)] = []
        for file in ContentLoader.files(under: templatesFolder, in: siteRoot) where file.hasSuffix(".mustache") {
            let templateName = String(file.dropFirst(templatesFolder.count + 1).dropLast(".mustache".count))
            do {
                let text = try SourceText.load(siteRoot.appendingPathComponent(file), as: file)
                let template = try MustacheTemplate(string: text)
                library.register(template, named: templateName)
                sources.append((templateName, file, text))
            } catch let error as MustacheTemplate.ParserError {
                log.error("template syntax error: \(Self.describe(error.error))", at: SourceLocation(file: file, line: error.context.lineNumber, column: error.context.columnNumber))
            } catch let error as Diagnostic {
                log.append(error)
            } catch {
                log.error("template error: \(error)", at: SourceLocation(file: file))
            }
        }
        let registered = Set(sources.map(\.name))
        for required in Theme.requiredTemplates where !registered.contains(required) && !log.hasErrors {
            log.error("the theme has no '\(required)' template (expected \(templatesFolder)/\(required).mustache)", at: SourceLocation(file: folder))
        }
        // swift-mustache renders a missing partial as nothing: check every reference now.
        for source in sources {
            for reference in Self.partialReferences(in: source.text) where !registered.contains(reference.name) {
                log.error("the template refers to '\(reference.name)', which is not in \(templatesFolder)/", at: SourceLocation(file: source.file, line: reference.line, column: reference.column))
            }
        }
        if log.hasErrors { throw BuildFailure(log.sorted) }
        let staticFiles = ContentLoader.files(under: folder + "/static", in: siteRoot).map { String($0.dropFirst(folder.count + "/static/".count)) }
        return Theme(name: name, folder: folder, library: library, staticFiles: staticFiles)
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
