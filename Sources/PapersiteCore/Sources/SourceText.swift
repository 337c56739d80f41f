import Foundation

/// Reads a text file the way every reader needs it: valid UTF-8, without a
/// byte-order mark, with `\n` line endings.
enum SourceText {
    /// Largest source file read (a safety limit, not a format rule).
    static let maximumBytes = 16 << 20

    static func load(_ url: URL, as file: String) throws(Diagnostic) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw Diagnostic.error("cannot read the file: \(error.localizedDescription)", at: SourceLocation(file: file))
        }
        return try decode(data, as: file)
    }

    static func decode(_ data: Data, as file: String) throws(Diagnostic) -> String {
        if data.count > maximumBytes {
            throw Diagnostic.error("the file is larger than \(maximumBytes >> 20) MB", at: SourceLocation(file: file))
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
            throw Diagnostic.error("the file is not valid UTF-8", at: SourceLocation(file: file, line: line, column: column))
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
