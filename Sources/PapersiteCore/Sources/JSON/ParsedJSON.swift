import Foundation

/// A JSON value as a record reader reads it: strings, numbers (their
/// text), true, false, null, arrays, and objects (their members in order;
/// a repeated name means its last value, as JSONSerialization has it).
///
/// Parsed by hand, for every JSON record papersite reads (arXiv snapshot
/// lines, the largest input; CSL-JSON items; trending-papers days):
/// JSONSerialization, the only JSON parser here, makes a bridged
/// dictionary of `Any` per line and each value is then cast back, which
/// was half of reading a 100,000-line snapshot (about 20 µs a line;
/// Foundation's JSONDecoder, tried with a lenient `Decodable` record,
/// was slower still). This parser accepts strict RFC 8259 JSON in UTF-8
/// and gives up (nil) on anything else, or anything doubtful (a lone
/// surrogate escape): the caller then asks JSONSerialization, so what is
/// accepted, and every message about a bad line, stay JSONSerialization's.
enum ParsedJSON: Equatable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array([ParsedJSON])
    case object([Member])

    struct Member: Equatable {
        var name: String
        var value: ParsedJSON
    }

    /// The whole of `bytes` as one JSON value (whitespace around it allowed), or nil.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> ParsedJSON? {
        parse(bytes, replacingLoneSurrogates: false)?.value
    }

    /// A record's value, and how many lone surrogate escapes in it were read as U+FFFD.
    struct Item {
        var value: ParsedJSON
        var loneSurrogates = 0
    }

    /// `parse`, but with each lone surrogate escape (`\ud800` without the
    /// other half of its UTF-16 pair) read as U+FFFD, as a browser reads
    /// it: RFC 8259's grammar allows one, JavaScript writes one where a
    /// string was cut between the halves of an emoji, and JSONSerialization
    /// refuses the whole document. For a record JSONSerialization refused.
    static func parseReplacingLoneSurrogates(_ bytes: UnsafeRawBufferPointer) -> Item? {
        parse(bytes, replacingLoneSurrogates: true)
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer, replacingLoneSurrogates: Bool) -> Item? {
        var reader = Reader(bytes: bytes.bindMemory(to: UInt8.self), replacesLoneSurrogates: replacingLoneSurrogates)
        guard let value = reader.value(depth: 0) else { return nil }
        reader.skipSpace()
        return reader.at == reader.bytes.count ? Item(value: value, loneSurrogates: reader.loneSurrogates) : nil
    }

    /// What JSONSerialization made of a document (for a line this parser gave up on).
    init?(foundation value: Any) {
        switch value {
        case let text as String: self = .string(text)
        case is NSNull: self = .null
        // (true and false come back as NSNumbers of their own type; as Bool,
        // 1 and 0 would pass for them.)
        case let number as NSNumber where type(of: number) == type(of: NSNumber(value: true)): self = .bool(number.boolValue)
        case let number as NSNumber: self = .number(number.stringValue)
        case let items as [Any]:
            var values: [ParsedJSON] = []
            for item in items {
                guard let parsed = ParsedJSON(foundation: item) else { return nil }
                values.append(parsed)
            }
            self = .array(values)
        case let members as [String: Any]:
            var parsed: [Member] = []
            for (name, item) in members.sorted(by: { $0.key < $1.key }) {
                guard let value = ParsedJSON(foundation: item) else { return nil }
                parsed.append(Member(name: name, value: value))
            }
            self = .object(parsed)
        default: return nil
        }
    }

    /// An object's member named `name` (its last, if repeated).
    subscript(name: String) -> ParsedJSON? {
        guard case .object(let members) = self else { return nil }
        return members.last(where: { $0.name == name })?.value
    }

    var string: String? { if case .string(let s) = self { s } else { nil } }
    var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    var isObject: Bool { if case .object = self { true } else { false } }
    var array: [ParsedJSON]? { if case .array(let a) = self { a } else { nil } }
    /// An array whose elements are all strings.
    var strings: [String]? {
        guard case .array(let items) = self else { return nil }
        var out: [String] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard case .string(let s) = item else { return nil }
            out.append(s)
        }
        return out
    }

    /// Deeper than this, a document is left to JSONSerialization (a
    /// record is a few levels deep; the stack is not).
    static let depthLimit = 64

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        let replacesLoneSurrogates: Bool
        var at = 0
        var loneSurrogates = 0

        mutating func skipSpace() {
            while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
        }

        mutating func value(depth: Int) -> ParsedJSON? {
            skipSpace()
            guard at < bytes.count, depth < ParsedJSON.depthLimit else { return nil }
            switch bytes[at] {
            case UInt8(ascii: "\""): return string().map(ParsedJSON.string)
            case UInt8(ascii: "{"): return object(depth: depth)
            case UInt8(ascii: "["): return array(depth: depth)
            case UInt8(ascii: "t"): return word("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return word("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return word("null") ? .null : nil
            default: return number()
            }
        }

        mutating func word(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard bytes.count - at >= count else { return false }
            for k in 0..<count where bytes[at + k] != text.utf8Start[k] { return false }
            at += count
            return true
        }

        mutating func object(depth: Int) -> ParsedJSON? {
            at += 1
            var members: [Member] = []
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
            while true {
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: "\""), let name = string() else { return nil }
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { return nil }
                at += 1
                guard let value = value(depth: depth + 1) else { return nil }
                members.append(Member(name: name, value: value))
                guard let closed = closes(UInt8(ascii: "}")) else { return nil }
                if closed { return .object(members) }
            }
        }

        mutating func array(depth: Int) -> ParsedJSON? {
            at += 1
            var items: [ParsedJSON] = []
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
            while true {
                guard let item = value(depth: depth + 1) else { return nil }
                items.append(item)
                guard let closed = closes(UInt8(ascii: "]")) else { return nil }
                if closed { return .array(items) }
            }
        }

        /// After a member or an element: true past the `closing` bracket,
        /// false past a comma (another follows), nil at anything else.
        mutating func closes(_ closing: UInt8) -> Bool? {
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: ",") || bytes[at] == closing else { return nil }
            at += 1
            return bytes[at - 1] == closing
        }

        /// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, kept as its text.
        mutating func number() -> ParsedJSON? {
            let start = at
            func digits() -> Int {
                let from = at
                while at < bytes.count, bytes[at] >= 0x30 && bytes[at] <= 0x39 { at += 1 }
                return at - from
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard at < bytes.count else { return nil }
            if bytes[at] == UInt8(ascii: "0") { at += 1 } else if digits() == 0 { return nil }
            if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
                at += 1
                guard digits() > 0 else { return nil }
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
                at += 1
                if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
                guard digits() > 0 else { return nil }
            }
            // (One past Double's range, JSONSerialization refuses the document.)
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
            guard let value = Double(text), value.isFinite else { return nil }
            return .number(text)
        }

        /// A string, `at` on its opening quote. Runs without escapes are
        /// taken whole; the text must be valid UTF-8.
        mutating func string() -> String? {
            at += 1
            var start = at
            var ascii = true
            // Most strings have no escape: they are made straight from the line.
            while at < bytes.count {
                let b = bytes[at]
                if b == UInt8(ascii: "\"") {
                    let run = UnsafeBufferPointer(rebasing: bytes[start..<at])
                    at += 1
                    return ascii ? String(decoding: run, as: UTF8.self) : String(validating: run, as: UTF8.self)
                }
                if b == UInt8(ascii: "\\") { break }
                if b < 0x20 { return nil }
                if b >= 0x80 { ascii = false }
                at += 1
            }
            var out: [UInt8] = []
            while at < bytes.count {
                let b = bytes[at]
                if b == UInt8(ascii: "\"") {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<at]))
                    at += 1
                    return String(validating: out, as: UTF8.self)
                }
                if b < 0x20 { return nil }
                guard b == UInt8(ascii: "\\") else { at += 1; continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<at]))
                at += 1
                guard at < bytes.count else { return nil }
                let escaped = bytes[at]
                at += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var code = hex4() else { return nil }
                    if code >= 0xD800 && code < 0xE000 {
                        // A surrogate pair, as `\uD83D\uDE00`; alone, it is
                        // left to JSONSerialization, or read as U+FFFD (and
                        // what follows it read as itself).
                        let pairEnd = at
                        if code < 0xDC00, bytes.count - at >= 6, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") {
                            at += 2
                            if let low = hex4(), low >= 0xDC00 && low < 0xE000 {
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                at = pairEnd
                            }
                        }
                        if code < 0x10000 {
                            guard replacesLoneSurrogates else { return nil }
                            code = 0xFFFD
                            loneSurrogates += 1
                        }
                    }
                    guard let scalar = Unicode.Scalar(code) else { return nil }
                    out.append(contentsOf: UTF8.encode(scalar)!)
                default: return nil
                }
                start = at
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard bytes.count - at >= 4 else { return nil }
            var code: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[at]
                let digit: UInt8
                switch b {
                case 0x30...0x39: digit = b - 0x30
                case 0x41...0x46: digit = b - 0x41 + 10
                case 0x61...0x66: digit = b - 0x61 + 10
                default: return nil
                }
                code = code << 4 | UInt32(digit)
                at += 1
            }
            return code
        }
    }
}
