/// A theme template, compiled: papersite's one template engine, a Mustache
/// parser (here) and renderer (`TemplateLibrary`) over typed views.
///
/// Written by hand because the Swift Mustache library, swift-mustache,
/// renders through `Any` and dynamic casts: even with typed contexts
/// (`MustacheParent`) a full build took far longer with it (the figures are
/// in docs/themes.md). The parser began as a port of swift-mustache 2.1's
/// and passes the whole Mustache specification, inheritance and dynamic
/// names included (`MustacheSpecTests`).
final class CompiledTemplate: @unchecked Sendable {
    let tokens: [Token]
    /// A hash of the tokens, the same in every run: two templates with the
    /// same identity render the same (where a list keeps what its sections
    /// made, `KeptSections`, this tells the sections apart).
    let identity: UInt64

    init(_ tokens: [Token]) {
        self.tokens = tokens
        identity = Self.identity(of: tokens)
    }

    struct Name {
        /// `.`: the current object.
        var isDot: Bool
        /// A leading `.`: look only in the current object.
        var anchored: Bool
        var path: [String]

        init(_ text: String) {
            isDot = text == "."
            anchored = text.first == "."
            path = text.split(separator: ".").map(String.init)
        }
    }

    enum Token {
        case text(String)
        case variable(Name, escaped: Bool)
        case section(Name, CompiledTemplate, inverted: Bool)
        case partial(String, indentation: String?, inherits: [String: CompiledTemplate]?)
        /// `{{>*name}}`: the partial named by the value of `name`.
        case dynamicPartial(Name, indentation: String?)
        case blockExpansion(String, CompiledTemplate, indentation: String)
        case blockDefinition(String, CompiledTemplate)
        /// `{{% CONTENT_TYPE: TEXT }}` turns escaping off; HTML types turn it on.
        case escaping(Bool)
    }

    /// A template the parser cannot read, with the byte offset in its text
    /// where the problem is (a section that is never closed: its opening tag).
    struct SyntaxError: Error, CustomStringConvertible {
        var description: String
        var offset: Int

        /// The 1-based line and column of `offset` in `text`.
        func place(in text: String) -> (line: Int, column: Int) {
            let before = text.utf8.prefix(offset)
            let line = before.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            let lineStart = before.lastIndex(of: 0x0A).map { before.index(after: $0) } ?? before.startIndex
            return (line, String(decoding: before[lineStart...], as: UTF8.self).count + 1)
        }
    }

    static func compile(_ text: String) throws(SyntaxError) -> CompiledTemplate {
        var parser = TemplateParser(Array(text.utf8))
        return try parser.parse(state: .init())
    }
}

/// The parser (see `CompiledTemplate`), on UTF-8 bytes.
struct TemplateParser {
    typealias Token = CompiledTemplate.Token
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    struct State {
        var sectionName: String?
        /// Where the open section's tag starts (for "never closed").
        var sectionOffset = 0
        var newLine = true
        var isPartialDefinition = false
        var isPartialDefinitionTopLevel = false
        var start: [UInt8] = Array("{{".utf8)
        var end: [UInt8] = Array("}}".utf8)
        var partialDefinitionIndent: ArraySlice<UInt8>?

        func withSectionName(_ name: String, newLine: Bool, at offset: Int) -> State {
            var s = self
            s.sectionName = name
            s.sectionOffset = offset
            s.isPartialDefinitionTopLevel = false
            if !newLine { s.newLine = false }
            return s
        }

        func withInheritancePartial(_ name: String, at offset: Int) -> State {
            var s = self
            s.sectionName = name
            s.sectionOffset = offset
            s.newLine = true
            s.isPartialDefinition = true
            s.isPartialDefinitionTopLevel = true
            return s
        }
    }

    var reachedEnd: Bool { position >= bytes.count }
    var current: UInt8 { position < bytes.count ? bytes[position] : 0 }

    static func isSpaceOrTab(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
    static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
    static func isNameChar(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            || b == 0x2E || b == 0x2D || b == 0x5F || b == 0x3F || b == 0x2A || b == 0x28 || b == 0x29
    }
    static func isPartialNameChar(_ b: UInt8) -> Bool { isNameChar(b) || b == 0x2F }

    mutating func read(while predicate: (UInt8) -> Bool) -> ArraySlice<UInt8> {
        let start = position
        while position < bytes.count, predicate(bytes[position]) { position += 1 }
        return bytes[start..<position]
    }

    mutating func read(_ string: [UInt8]) -> Bool {
        guard position + string.count <= bytes.count, bytes[position..<(position + string.count)].elementsEqual(string) else { return false }
        position += string.count
        return true
    }

    static func string(_ slice: ArraySlice<UInt8>) -> String { String(decoding: slice, as: UTF8.self) }

    func unsupported(_ what: String, at offset: Int? = nil) -> CompiledTemplate.SyntaxError {
        .init(description: what, offset: offset ?? position)
    }

    mutating func parse(state initial: State) throws(CompiledTemplate.SyntaxError) -> CompiledTemplate {
        var tokens: [Token] = []
        var state = initial
        var whiteSpaceBefore: ArraySlice<UInt8> = []
        while !reachedEnd {
            if state.newLine {
                let whiteSpace = read(while: Self.isSpaceOrTab)
                if state.isPartialDefinition && !state.isPartialDefinitionTopLevel {
                    if let indent = state.partialDefinitionIndent {
                        whiteSpaceBefore = whiteSpace.dropFirst(indent.count)
                    } else {
                        state.partialDefinitionIndent = whiteSpace
                    }
                } else {
                    whiteSpaceBefore = whiteSpace
                }
            }
            let text = readUntilDelimiterOrNewline(state)
            if current == 0x0A && !reachedEnd {
                tokens.append(.text(Self.string(whiteSpaceBefore) + text + "\n"))
                state.newLine = true
                position += 1
                continue
            }
            if !text.isEmpty {
                tokens.append(.text(Self.string(whiteSpaceBefore) + text))
                whiteSpaceBefore = []
                state.newLine = false
            }
            if reachedEnd { break }
            let tagOffset = position - state.start.count
            var setNewLine = false
            switch current {
            case UInt8(ascii: "#"), UInt8(ascii: "^"):
                let inverted = current == UInt8(ascii: "^")
                position += 1
                let name = try parseName(state)
                if isStandalone(state) {
                    setNewLine = true
                } else if !whiteSpaceBefore.isEmpty {
                    tokens.append(.text(Self.string(whiteSpaceBefore)))
                    whiteSpaceBefore = []
                }
                let section = try parse(state: state.withSectionName(name, newLine: setNewLine, at: tagOffset))
                tokens.append(.section(.init(name), section, inverted: inverted))
            case UInt8(ascii: "/"):
                position += 1
                let name = try parseName(state)
                guard name == state.sectionName else { throw unsupported("the section '\(state.sectionName ?? "")' is closed with '\(name)'") }
                if isStandalone(state) {
                    setNewLine = true
                } else if !whiteSpaceBefore.isEmpty {
                    tokens.append(.text(Self.string(whiteSpaceBefore)))
                    whiteSpaceBefore = []
                }
                return CompiledTemplate(tokens)
            case UInt8(ascii: "!"):
                position += 1
                try skipComment(state)
                setNewLine = isStandalone(state)
            case UInt8(ascii: "{"):
                if !whiteSpaceBefore.isEmpty {
                    tokens.append(.text(Self.string(whiteSpaceBefore)))
                    whiteSpaceBefore = []
                }
                position += 1
                let name = try parseName(state)
                guard read([UInt8(ascii: "}")]) else { throw unsupported("'{{{' is not closed with '}}}'") }
                tokens.append(.variable(.init(name), escaped: false))
            case UInt8(ascii: "&"):
                if !whiteSpaceBefore.isEmpty {
                    tokens.append(.text(Self.string(whiteSpaceBefore)))
                    whiteSpaceBefore = []
                }
                position += 1
                let name = try parseName(state)
                tokens.append(.variable(.init(name), escaped: false))
            case UInt8(ascii: ">"):
                position += 1
                _ = read(while: Self.isWhitespace)
                let dynamic = read([UInt8(ascii: "*")])
                let name = dynamic ? try parseName(state) : try parsePartialName(state)
                if !whiteSpaceBefore.isEmpty { tokens.append(.text(Self.string(whiteSpaceBefore))) }
                let indentation = isStandalone(state) ? Self.string(whiteSpaceBefore) : nil
                setNewLine = indentation != nil
                tokens.append(dynamic ? .dynamicPartial(.init(name), indentation: indentation) : .partial(name, indentation: indentation, inherits: nil))
                whiteSpaceBefore = []
            case UInt8(ascii: "<"):
                position += 1
                _ = read(while: Self.isWhitespace)
                let name = try parsePartialName(state)
                if name.first == "*" { throw unsupported("dynamic parents ({{<*name}}) are not supported") }
                if !whiteSpaceBefore.isEmpty { tokens.append(.text(Self.string(whiteSpaceBefore))) }
                if isStandalone(state) { setNewLine = true }
                let section = try parse(state: state.withInheritancePartial(name, at: tagOffset))
                var inherit: [String: CompiledTemplate] = [:]
                for token in section.tokens {
                    switch token {
                    case .blockDefinition(let block, let template): inherit[block] = template
                    case .text: break
                    default: throw unsupported("only blocks ({{$name}}) may be inside a parent ({{<\(name)}})")
                    }
                }
                tokens.append(.partial(name, indentation: Self.string(whiteSpaceBefore), inherits: inherit))
                whiteSpaceBefore = []
            case UInt8(ascii: "$"):
                position += 1
                let name = try parseName(state)
                if state.isPartialDefinitionTopLevel {
                    if isStandalone(state) { setNewLine = true }
                    let section = try parse(state: state.withSectionName(name, newLine: setNewLine, at: tagOffset))
                    tokens.append(.blockDefinition(name, section))
                } else {
                    if !whiteSpaceBefore.isEmpty { tokens.append(.text(Self.string(whiteSpaceBefore))) }
                    if isStandalone(state) { setNewLine = true }
                    var inner = state.withSectionName(name, newLine: setNewLine, at: tagOffset)
                    var indentation = Self.string(whiteSpaceBefore)
                    // A standalone block's default content is dedented by
                    // its own indentation, as an override is where it is
                    // defined; what fills the block is indented as the tag
                    // is, or, for a tag that is not, as the default content
                    // was (the spec's "intrinsic indentation").
                    let outer = state.isPartialDefinition && !state.isPartialDefinitionTopLevel ? state.partialDefinitionIndent ?? [] : []
                    let lineIndent = bytes[position...].prefix(while: Self.isSpaceOrTab)
                    if setNewLine && lineIndent.count > outer.count {
                        inner.isPartialDefinition = true
                        inner.partialDefinitionIndent = lineIndent
                        if whiteSpaceBefore.isEmpty {
                            indentation = Self.string(lineIndent.dropFirst(outer.count))
                            tokens.append(.text(indentation))
                        }
                    }
                    let section = try parse(state: inner)
                    tokens.append(.blockExpansion(name, section, indentation: indentation))
                    whiteSpaceBefore = []
                }
            case UInt8(ascii: "="):
                position += 1
                try setDelimiters(&state)
                setNewLine = isStandalone(state)
            case UInt8(ascii: "%"):
                position += 1
                tokens.append(try readConfigVariable(state))
                setNewLine = isStandalone(state)
            default:
                if !whiteSpaceBefore.isEmpty {
                    tokens.append(.text(Self.string(whiteSpaceBefore)))
                    whiteSpaceBefore = []
                }
                let name = try parseName(state)
                tokens.append(.variable(.init(name), escaped: true))
            }
            state.newLine = setNewLine
        }
        guard state.sectionName == nil else { throw unsupported("the section '\(state.sectionName!)' is never closed (missing '{{/\(state.sectionName!)}}')", at: state.sectionOffset) }
        return CompiledTemplate(tokens)
    }

    /// Text up to the next tag (the start delimiter is consumed) or newline.
    mutating func readUntilDelimiterOrNewline(_ state: State) -> String {
        let start = position
        let first = state.start[0]
        var end = position
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x0A { end = position; return Self.string(bytes[start..<end]) }
            if b == first {
                end = position
                if read(state.start) { return Self.string(bytes[start..<end]) }
                position += 1
                continue
            }
            position += 1
        }
        return Self.string(bytes[start..<position])
    }

    mutating func parseName(_ state: State) throws(CompiledTemplate.SyntaxError) -> String {
        _ = read(while: Self.isWhitespace)
        let text = Self.string(read(while: Self.isNameChar))
        _ = read(while: Self.isWhitespace)
        guard read(state.end) else { throw unsupported("a tag is not closed with '\(Self.string(state.end[...]))'") }
        if text.contains("(") || text.contains(")") { throw unsupported("transforms such as '\(text)' are not supported") }
        return text
    }

    mutating func parsePartialName(_ state: State) throws(CompiledTemplate.SyntaxError) -> String {
        _ = read(while: Self.isWhitespace)
        let text = Self.string(read(while: Self.isPartialNameChar))
        _ = read(while: Self.isWhitespace)
        guard read(state.end) else { throw unsupported("a partial's name is not closed with '\(Self.string(state.end[...]))'") }
        return text
    }

    mutating func skipComment(_ state: State) throws(CompiledTemplate.SyntaxError) {
        while position < bytes.count {
            if read(state.end) { return }
            position += 1
        }
        throw unsupported("a comment is not closed")
    }

    mutating func setDelimiters(_ state: inout State) throws(CompiledTemplate.SyntaxError) {
        _ = read(while: Self.isWhitespace)
        let start = read(while: { !Self.isWhitespace($0) })
        _ = read(while: Self.isWhitespace)
        let end = read(while: { $0 != UInt8(ascii: "=") && !Self.isWhitespace($0) })
        _ = read(while: Self.isWhitespace)
        guard !start.isEmpty, !end.isEmpty, read([UInt8(ascii: "=")]), read(state.end) else {
            throw unsupported("a delimiter change is not of the form {{=<% %>=}}")
        }
        state.start = Array(start)
        state.end = Array(end)
        state.isPartialDefinitionTopLevel = false
    }

    mutating func readConfigVariable(_ state: State) throws(CompiledTemplate.SyntaxError) -> Token {
        _ = read(while: Self.isWhitespace)
        let variable = Self.string(read(while: { Self.isNameChar($0) && $0 != 0x28 && $0 != 0x29 }))
        _ = read(while: Self.isWhitespace)
        guard read([UInt8(ascii: ":")]) else { throw unsupported("a pragma is not of the form {{% CONTENT_TYPE: HTML }}") }
        _ = read(while: Self.isWhitespace)
        let value = Self.string(read(while: { Self.isNameChar($0) && $0 != 0x28 && $0 != 0x29 }))
        _ = read(while: Self.isWhitespace)
        guard read(state.end), variable == "CONTENT_TYPE" else { throw unsupported("the only pragma is {{% CONTENT_TYPE: HTML }} (or TEXT)") }
        switch value {
        case "TEXT": return .escaping(false)
        case "HTML": return .escaping(true)
        default: throw unsupported("unknown content type '\(value)' (HTML or TEXT)")
        }
    }

    func hasLineFinished() -> Int? {
        if reachedEnd { return position }
        var p = position
        while p < bytes.count, Self.isSpaceOrTab(bytes[p]) { p += 1 }
        if p < bytes.count, bytes[p] == 0x0A { return p + 1 }
        if p + 1 < bytes.count, bytes[p] == 0x0D, bytes[p + 1] == 0x0A { return p + 2 }
        return nil
    }

    mutating func isStandalone(_ state: State) -> Bool {
        guard state.newLine, let next = hasLineFinished() else { return false }
        position = next
        return true
    }
}
