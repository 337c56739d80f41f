/// The syntax of BibTeX files as academic sites keep them: entries in
/// braces or parentheses, case-insensitive types and field names, values in
/// braces, quotes or bare numbers, `@string` macros and `#` concatenation,
/// the month macros, `@preamble` and `@comment`, and any text between
/// entries (which BibTeX ignores).
///
/// Hand-written: no Swift BibTeX parser is available here. Values are
/// kept as raw LaTeX; `LaTeXText` turns them into Unicode.
struct BibTeXParser {
    struct Entry {
        var type: String            // lowercased
        var key: String
        /// Lowercased field names, values with macros expanded, in file order.
        var fields: [(name: String, value: String)]
        var line: Int

        func field(_ name: String) -> String? { fields.first { $0.name == name }?.value }
    }

    struct Failure: Error {
        var message: String
        var line: Int
        var column: Int
    }

    static let monthMacros = ["jan": "1", "feb": "2", "mar": "3", "apr": "4", "may": "5", "jun": "6",
                              "jul": "7", "aug": "8", "sep": "9", "oct": "10", "nov": "11", "dec": "12"]

    private let chars: [UInt8]
    private var i = 0
    private var line = 1
    private var lineStart = 0
    private var macros: [String: String] = BibTeXParser.monthMacros

    init(_ text: String) {
        chars = Array(text.utf8)
    }

    /// All entries, or the first syntax problem (BibTeX's own recovery
    /// would silently drop data, so papersite stops and says where).
    mutating func parse() -> (entries: [Entry], failures: [Failure]) {
        var entries: [Entry] = []
        var failures: [Failure] = []
        while let at = nextAt() {
            i = at + 1
            let entryLine = line, entryColumn = at - lineStart + 1
            do {
                if let entry = try parseEntry(openedAt: (entryLine, entryColumn)) { entries.append(entry) }
            } catch let failure as Failure {
                failures.append(failure)
                if failure.message.hasPrefix("the entry is never closed") { break }
                skipToNextLineStartingWithAt()
            } catch {}
        }
        return (entries, failures)
    }

    // MARK: Scanning

    private mutating func advance() {
        if chars[i] == UInt8(ascii: "\n") { line += 1; lineStart = i + 1 }
        i += 1
    }

    /// The next `@` that starts an entry; text between entries is skipped.
    private mutating func nextAt() -> Int? {
        while i < chars.count {
            if chars[i] == UInt8(ascii: "@") { return i }
            advance()
        }
        return nil
    }

    private mutating func skipToNextLineStartingWithAt() {
        while i < chars.count {
            if chars[i] == UInt8(ascii: "\n") {
                advance()
                var j = i
                while j < chars.count && (chars[j] == UInt8(ascii: " ") || chars[j] == UInt8(ascii: "\t")) { j += 1 }
                if j < chars.count && chars[j] == UInt8(ascii: "@") { return }
                continue
            }
            advance()
        }
    }

    private mutating func skipSpace() {
        while i < chars.count {
            let c = chars[i]
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
                advance()
            } else {
                return
            }
        }
    }

    private func failure(_ message: String) -> Failure {
        Failure(message: message, line: line, column: i - lineStart + 1)
    }

    private static func isNameByte(_ c: UInt8) -> Bool {
        // BibTeX identifiers: anything printable but these.
        !(c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r")
          || c == UInt8(ascii: "{") || c == UInt8(ascii: "}") || c == UInt8(ascii: "(") || c == UInt8(ascii: ")")
          || c == UInt8(ascii: ",") || c == UInt8(ascii: "=") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "#")
          || c == UInt8(ascii: "%") || c == UInt8(ascii: "'"))
    }

    private mutating func name() -> String {
        let start = i
        while i < chars.count && Self.isNameByte(chars[i]) { advance() }
        return String(decoding: chars[start..<i], as: UTF8.self)
    }

    // MARK: Entries

    private mutating func parseEntry(openedAt: (line: Int, column: Int)) throws -> Entry? {
        skipSpace()
        let type = name().lowercased()
        guard !type.isEmpty else {
            // A stray "@" in text between entries, as BibTeX allows.
            return nil
        }
        skipSpace()
        if type == "comment" {
            // @comment{...} skips a balanced group; a bare @comment skips its line.
            if i < chars.count && (chars[i] == UInt8(ascii: "{") || chars[i] == UInt8(ascii: "(")) {
                _ = try balanced(openedAt: openedAt)
            }
            return nil
        }
        guard i < chars.count, chars[i] == UInt8(ascii: "{") || chars[i] == UInt8(ascii: "(") else {
            throw failure("expected '{' or '(' after '@\(type)'")
        }
        let closer = chars[i] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: ")")
        advance()
        if type == "preamble" {
            skipSpace()
            _ = try value(openedAt: openedAt)
            skipSpace()
            try expect(closer, openedAt: openedAt)
            return nil
        }
        if type == "string" {
            skipSpace()
            let macro = name().lowercased()
            guard !macro.isEmpty else { throw failure("expected a macro name in @string") }
            skipSpace()
            try expect(UInt8(ascii: "="), openedAt: openedAt)
            skipSpace()
            macros[macro] = try value(openedAt: openedAt)
            skipSpace()
            try expect(closer, openedAt: openedAt)
            return nil
        }
        skipSpace()
        let keyStart = i
        while i < chars.count && chars[i] != UInt8(ascii: ",") && chars[i] != closer && chars[i] != UInt8(ascii: "\n") && chars[i] != UInt8(ascii: " ") { advance() }
        let key = String(decoding: chars[keyStart..<i], as: UTF8.self)
        guard !key.isEmpty else { throw failure("the @\(type) entry has no citation key") }
        var fields: [(String, String)] = []
        while true {
            skipSpace()
            guard i < chars.count else { throw Failure(message: "the entry is never closed (it opens here)", line: openedAt.line, column: openedAt.column) }
            if chars[i] == closer { advance(); break }
            if chars[i] == UInt8(ascii: ",") {
                advance()
                continue
            }
            let fieldLine = line, fieldColumn = i - lineStart + 1
            let field = name().lowercased()
            guard !field.isEmpty else { throw failure("expected a field name, found '\(String(decoding: [chars[i]], as: UTF8.self))'") }
            skipSpace()
            guard i < chars.count, chars[i] == UInt8(ascii: "=") else {
                if i >= chars.count { throw Failure(message: "the entry is never closed (it opens here)", line: openedAt.line, column: openedAt.column) }
                throw failure("expected '=' after the field name '\(field)'")
            }
            advance()
            skipSpace()
            let v = try value(openedAt: openedAt)
            if fields.contains(where: { $0.0 == field }) {
                throw Failure(message: "the field '\(field)' appears twice in '\(key)'", line: fieldLine, column: fieldColumn)
            }
            fields.append((field, v))
        }
        return Entry(type: type, key: key, fields: fields, line: openedAt.line)
    }

    private mutating func expect(_ c: UInt8, openedAt: (line: Int, column: Int)) throws {
        guard i < chars.count else { throw Failure(message: "the entry is never closed (it opens here)", line: openedAt.line, column: openedAt.column) }
        guard chars[i] == c else { throw failure("expected '\(String(decoding: [c], as: UTF8.self))'") }
        advance()
    }

    /// A value: parts joined by `#`.
    private mutating func value(openedAt: (line: Int, column: Int)) throws -> String {
        var result = ""
        while true {
            skipSpace()
            guard i < chars.count else { throw Failure(message: "the entry is never closed (it opens here)", line: openedAt.line, column: openedAt.column) }
            let c = chars[i]
            if c == UInt8(ascii: "{") {
                result += try balanced(openedAt: openedAt)
            } else if c == UInt8(ascii: "\"") {
                result += try quoted(openedAt: openedAt)
            } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                let start = i
                while i < chars.count && chars[i] >= UInt8(ascii: "0") && chars[i] <= UInt8(ascii: "9") { advance() }
                result += String(decoding: chars[start..<i], as: UTF8.self)
            } else if Self.isNameByte(c) {
                let macroLine = line, macroColumn = i - lineStart + 1
                let macro = name()
                guard let expansion = macros[macro.lowercased()] else {
                    throw Failure(message: "unknown @string macro '\(macro)'", line: macroLine, column: macroColumn)
                }
                result += expansion
            } else {
                throw failure("expected a value in braces, quotes, a number or a macro name")
            }
            skipSpace()
            if i < chars.count && chars[i] == UInt8(ascii: "#") {
                advance()
                continue
            }
            return result
        }
    }

    /// `{...}` with nested braces; returns the inside.
    private mutating func balanced(openedAt: (line: Int, column: Int)) throws -> String {
        let open = chars[i]
        let close = open == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "}")
        advance()
        let start = i
        var depth = 1
        while i < chars.count {
            let c = chars[i]
            if c == UInt8(ascii: "\\") && i + 1 < chars.count { advance(); advance(); continue }
            if c == open { depth += 1 } else if c == close {
                depth -= 1
                if depth == 0 {
                    let inside = String(decoding: chars[start..<i], as: UTF8.self)
                    advance()
                    return inside
                }
            }
            advance()
        }
        throw Failure(message: "the entry is never closed (it opens here)", line: openedAt.line, column: openedAt.column)
    }

    /// `"..."`, where braces nest and may hold quotes.
    private mutating func quoted(openedAt: (line: Int, column: Int)) throws -> String {
        advance()
        let start = i
        var depth = 0
        while i < chars.count {
            let c = chars[i]
            if c == UInt8(ascii: "\\") && i + 1 < chars.count { advance(); advance(); continue }
            if c == UInt8(ascii: "{") { depth += 1 } else if c == UInt8(ascii: "}") { depth -= 1 } else if c == UInt8(ascii: "\"") && depth == 0 {
                let inside = String(decoding: chars[start..<i], as: UTF8.self)
                advance()
                return inside
            }
            advance()
        }
        throw Failure(message: "the entry is never closed (it opens here)", line: openedAt.line, column: openedAt.column)
    }
}
