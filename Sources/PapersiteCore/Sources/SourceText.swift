import Foundation

/// Reads a text file the way every reader needs it: valid UTF-8, without a
/// byte-order mark, with `\n` line endings.
enum SourceText {
    /// Largest file a person writes for papersite (a safety limit, not a format rule).
    static let maximumBytes = 16 << 20
    /// Largest file another tool wrote (a library's export, an API's
    /// response), read whole: its text and its records must fit in memory
    /// together. arXiv's snapshot is streamed and has no limit.
    static let maximumExportedBytes = 1 << 30

    static func load(_ url: URL, as file: String) throws(Diagnostic) -> String {
        try decode(bytes(of: url, as: file), as: file)
    }

    private static func bytes(of url: URL, as file: String) throws(Diagnostic) -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw Diagnostic.error("cannot read the file: \(error.localizedDescription)", at: SourceLocation(file: file))
        }
    }

    /// As `load`, for files other tools wrote: text that is not UTF-8 is
    /// read as Windows-1252 (which Latin-1 files also read correctly as),
    /// with a warning, as BibTeX and most reference managers accept it.
    static func loadExported(_ url: URL, as file: String) throws(Diagnostic) -> (text: String, warning: Diagnostic?) {
        try decodeExported(bytes(of: url, as: file), as: file)
    }

    static func decodeExported(_ data: Data, as file: String) throws(Diagnostic) -> (text: String, warning: Diagnostic?) {
        do {
            return (try decode(data, as: file, limit: maximumExportedBytes), nil)
        } catch where error.message == notUTF8 {
            var bytes = [UInt8](data)
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            var scalars = String.UnicodeScalarView()
            scalars.reserveCapacity(bytes.count)
            for b in bytes {
                if b >= 0x80 && b < 0xA0 { scalars.append(windows1252[Int(b - 0x80)]) } else { scalars.append(Unicode.Scalar(b)) }
            }
            var text = String(scalars)
            if text.contains("\r") { text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") }
            let warning = Diagnostic.warning("the file is not UTF-8 (\(error.location.map { "first at line \($0.line)" } ?? "")); it is read as Latin-1 (Windows-1252): save it as UTF-8 to be sure", at: SourceLocation(file: file))
            return (text, warning)
        }
    }

    static func tooLarge(_ file: String, limit: Int) -> Diagnostic {
        .error("the file is larger than \(limit >> 20) MB", at: SourceLocation(file: file))
    }

    private static let notUTF8 = "the file is not valid UTF-8"

    /// Windows-1252's characters for 0x80...0x9F (where Latin-1 has control codes); the five unassigned bytes stay as they are.
    private static let windows1252: [Unicode.Scalar] = [
        "\u{20AC}", "\u{81}", "\u{201A}", "\u{192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
        "\u{2C6}", "\u{2030}", "\u{160}", "\u{2039}", "\u{152}", "\u{8D}", "\u{17D}", "\u{8F}",
        "\u{90}", "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
        "\u{2DC}", "\u{2122}", "\u{161}", "\u{203A}", "\u{153}", "\u{9D}", "\u{17E}", "\u{178}",
    ]

    static func decode(_ data: Data, as file: String, limit: Int = maximumBytes) throws(Diagnostic) -> String {
        if data.count > limit {
            throw tooLarge(file, limit: limit)
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let nul = bytes.firstIndex(of: 0) {
            let (line, column) = position(of: nul, in: bytes)
            throw Diagnostic.error("the file is not text (it contains a NUL byte)", at: SourceLocation(file: file, line: line, column: column))
        }
        let hasCR = bytes.contains(0x0D)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let bad = firstInvalidUTF8(bytes)
            let (line, column) = position(of: bad, in: bytes)
            throw Diagnostic.error(notUTF8, at: SourceLocation(file: file, line: line, column: column))
        }
        if !hasCR { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// 1-based line and column (in bytes) of a byte offset.
    private static func position(of offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        var line = 1, lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return (line, offset - lineStart + 1)
    }

    private static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return i
            }
            if i + length > bytes.count { return i }
            if length > 1, String(validating: bytes[i..<(i + length)], as: UTF8.self) == nil { return i }
            i += length
        }
        return bytes.count
    }
}
