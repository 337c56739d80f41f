/// The syntax of BibTeX files as academic sites keep them: entries in
/// braces or parentheses, case-insensitive types and field names, values in
/// braces, quotes or bare numbers, `@string` macros and `#` concatenation,
/// the month macros, `@preamble` and `@comment`, and any text between
/// entries (which BibTeX ignores; a line starting with `%` there is a
/// comment, as biber, JabRef and Zotero read it, even when it holds `@`).
///
/// Tolerant as BibTeX and biber are: an undefined macro is empty and a
/// repeated field keeps its first value (each a `Problem` of the entry),
/// and an entry that cannot be read is a `Failure`, after which reading
/// goes on at the next line that starts with `@`.
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
        var column: Int = 1
        /// What was mended while reading the entry.
        var problems: [Failure] = []

        func field(_ name: String) -> String? { fields.first { $0.name == name }?.value }
    }

    /// A problem at a place in the file.
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
    private var macros: [String: String]
    /// The `@string` macros this file defines, in the order read.
    private(set) var definitions: [(name: String, value: String)] = []
    /// Problems of the entry being read.
    private var problems: [Failure] = []

    /// `shared`: macros the site's other BibTeX files define. BibTeX and
    /// biber keep one table of macros for all the files of a document, so
    /// a file of `@string`s (journal names, say) serves the others.
    init(_ text: String, shared: [String: String] = [:]) {
        chars = Array(text.utf8)
        macros = BibTeXParser.monthMacros.merging(shared) { _, defined in defined }
    }

    /// The `@string` macros of the file, read without its entries: what
    /// the site's other BibTeX files are given (`shared`). An `@string`
    /// that cannot be read is left to `parse` to report.
    mutating func stringDefinitions() -> [(name: String, value: String)] {
        while let at = nextAt() {
            i = at + 1
            var k = i
            while k < chars.count && (chars[k] == UInt8(ascii: " ") || chars[k] == UInt8(ascii: "\t")) { k += 1 }
            let type = chars[k..<min(k + 6, chars.count)].map { $0 | 0x20 }
            if type.elementsEqual("string".utf8) && k + 6 < chars.count && !Self.isNameByte(chars[k + 6]) {
                let entryLine = line, entryColumn = at - lineStart + 1
                do { _ = try parseEntry(openedAt: (entryLine, entryColumn)) } catch { skipToNextLineStartingWithAt() }
            } else {
                skipToNextLineStartingWithAt()
            }
        }
        return definitions
    }

    /// Every entry that could be read, and a failure for each that could
    /// not (named by the place where it went wrong).
    mutating func parse() -> (entries: [Entry], failures: [Failure]) {
        var entries: [Entry] = []
        var failures: [Failure] = []
        while let at = nextAt() {
            let start = (i: at, line: line, lineStart: lineStart)
            i = at + 1
            let entryLine = line, entryColumn = at - lineStart + 1
            problems = []
            do {
                if var entry = try parseEntry(openedAt: (entryLine, entryColumn)) {
                    entry.column = entryColumn
                    entry.problems = problems
                    entries.append(entry)
                }
            } catch let failure as Failure {
                failures.append(failure)
                // Read on from the line after the entry's start: an entry
                // left open would otherwise swallow every entry after it.
                (i, line, lineStart) = (start.i, start.line, start.lineStart)
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

    /// The next `@` that starts an entry; text between entries is skipped,
    /// and so is a line whose first non-blank character is `%`.
    private mutating func nextAt() -> Int? {
        var atLineStart = i == lineStart
        while i < chars.count {
            let c = chars[i]
            if c == UInt8(ascii: "@") { return i }
            if c == UInt8(ascii: "%") && atLineStart {
                while i < chars.count && chars[i] != UInt8(ascii: "\n") { advance() }
                continue
            }
            if c == UInt8(ascii: "\n") { atLineStart = true } else if c != UInt8(ascii: " ") && c != UInt8(ascii: "\t") && c != UInt8(ascii: "\r") { atLineStart = false }
            advance()
        }
        return nil
    }

    /// Whether a line that starts at `j` opens an entry (`@type{` or `@type(`):
    /// a value that runs into one was never closed.
    private func opensEntry(at j: Int) -> Bool {
        guard j < chars.count, chars[j] == UInt8(ascii: "@") else { return false }
        var k = j + 1
        while k < chars.count && ((chars[k] | 0x20) >= UInt8(ascii: "a") && (chars[k] | 0x20) <= UInt8(ascii: "z")) { k += 1 }
        return k > j + 1 && k < chars.count && (chars[k] == UInt8(ascii: "{") || chars[k] == UInt8(ascii: "("))
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
            let expansion = try value(openedAt: openedAt)
            macros[macro] = expansion
            definitions.append((macro, expansion))
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
            if chars[i] == UInt8(ascii: "%") {
                // A commented-out field.
                while i < chars.count && chars[i] != UInt8(ascii: "\n") { advance() }
                continue
            }
            if opensEntry(at: i) {
                throw Failure(message: "the entry is never closed (it opens here)", line: openedAt.line, column: openedAt.column)
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
                // BibTeX keeps the first value ("Repeated field"), and so does papersite.
                problems.append(Failure(message: "the field '\(field)' appears again in '\(key)'; the first value is kept", line: fieldLine, column: fieldColumn))
            } else {
                fields.append((field, v))
            }
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
                if let expansion = macros[macro.lowercased()] {
                    result += expansion
                } else {
                    // BibTeX: "Warning--string name ... is undefined", and the macro is empty.
                    problems.append(Failure(message: "the @string macro '\(macro)' is not defined; it is read as empty", line: macroLine, column: macroColumn))
                }
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
            if c == UInt8(ascii: "\n") && opensEntry(at: i + 1) { break }
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
            if c == UInt8(ascii: "\n") && opensEntry(at: i + 1) { break }
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
