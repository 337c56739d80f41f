import CCmarkGFM
import Foundation

/// Options for rendering Markdown.
public struct MarkdownOptions: Sendable, Hashable, Codable {
    /// Pass raw HTML in the source through to the output. Off by default:
    /// raw HTML is replaced by a comment, and `javascript:` links are dropped.
    public var allowRawHTML: Bool
    /// Typographic quotes and dashes.
    public var smartPunctuation: Bool

    public init(allowRawHTML: Bool = false, smartPunctuation: Bool = false) {
        self.allowRawHTML = allowRawHTML
        self.smartPunctuation = smartPunctuation
    }
}

/// The result of rendering one Markdown document.
public struct RenderedMarkdown: Sendable, Hashable {
    /// HTML for the body of a page.
    public var html: String
    /// The same document as plain text (for summaries and meta descriptions).
    public var plainText: String
}

/// Renders GitHub-flavoured Markdown with cmark-gfm: tables, strikethrough,
/// autolinks, task lists and the tag filter. LaTeX math spans pass through
/// verbatim (see `MathSpans`) so that a theme can typeset them.
///
/// Safe to call from many threads at once: `cmark_parser_finish` edits
/// global tables when extensions are attached, so that one call is serialised.
public struct MarkdownRenderer: Sendable {
    public let options: MarkdownOptions

    public init(options: MarkdownOptions = MarkdownOptions()) {
        self.options = options
    }

    static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    private var cmarkOptions: Int32 {
        var flags = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_GITHUB_PRE_LANG
        if options.allowRawHTML { flags |= CMARK_OPT_UNSAFE }
        if options.smartPunctuation { flags |= CMARK_OPT_SMART }
        return flags
    }

    /// Renders `markdown` to HTML and plain text.
    public func render(_ markdown: String) -> RenderedMarkdown {
        CmarkRuntime.ensureRegistered()
        let source = MathSpans.protect(markdown)
        let flags = cmarkOptions
        guard let parser = cmark_parser_new(flags) else {
            return RenderedMarkdown(html: "", plainText: "")
        }
        defer { cmark_parser_free(parser) }
        for name in Self.extensionNames {
            if let ext = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, ext)
            }
        }
        var bytes = Array(source.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return }
            base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                cmark_parser_feed(parser, $0, buffer.count)
            }
        }
        let document = CmarkRuntime.finishLock.withLock { cmark_parser_finish(parser) }
        guard let document else { return RenderedMarkdown(html: "", plainText: "") }
        defer { cmark_node_free(document) }
        let extensions = cmark_parser_get_syntax_extensions(parser)
        var html = MathMarkup.wrap(html: Self.take(cmark_render_html(document, flags, extensions)))
        var text = Self.plainText(of: document)
        if source.unicodeScalars.contains(MathSpans.escapedDollar) {
            html = html.replacingOccurrences(of: String(MathSpans.escapedDollar), with: "&#36;")
            text = text.replacingOccurrences(of: String(MathSpans.escapedDollar), with: "$")
        }
        return RenderedMarkdown(html: html, plainText: text)
    }

    /// The document's text: literal text and code, a space for line breaks,
    /// a newline after each block. Walked by hand because cmark-gfm's
    /// plain-text renderer takes quadratic time on long unbroken words.
    private static func plainText(of document: OpaquePointer) -> String {
        guard let iterator = cmark_iter_new(document) else { return "" }
        defer { cmark_iter_free(iterator) }
        var out: [UInt8] = []
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            if event == CMARK_EVENT_ENTER {
                switch type {
                case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_CODE_BLOCK:
                    if let literal = cmark_node_get_literal(node) {
                        out.append(contentsOf: UnsafeBufferPointer(start: UnsafeRawPointer(literal).assumingMemoryBound(to: UInt8.self), count: strlen(literal)))
                    }
                case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                    out.append(UInt8(ascii: " "))
                default:
                    break
                }
            } else if event == CMARK_EVENT_EXIT {
                switch type {
                case CMARK_NODE_PARAGRAPH, CMARK_NODE_HEADING, CMARK_NODE_CODE_BLOCK, CMARK_NODE_ITEM, CMARK_NODE_BLOCK_QUOTE:
                    if out.last != UInt8(ascii: "\n") { out.append(UInt8(ascii: "\n")) }
                default:
                    break
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func take(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

/// Process-wide cmark-gfm state: extension registration and the lock
/// around `cmark_parser_finish`.
enum CmarkRuntime {
    static let finishLock = NSLock()
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    static func ensureRegistered() {
        _ = registered
    }
}
