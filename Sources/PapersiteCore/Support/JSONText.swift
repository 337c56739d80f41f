import Foundation

/// JSON for feeds and for `<script type="application/ld+json">` blocks:
/// keys sorted (so output is byte-identical between builds), and `<`, `>`,
/// `&`, U+2028 and U+2029 written as `\u` escapes, so the text can never
/// close a script element or start a comment inside one.
///
/// Written by hand rather than with JSONSerialization, which was a tenth of
/// a large build's time. Values are typed (`JSONValue`): written from
/// `Any`, the casts that found each value's type were half of writing a
/// paper page's JSON-LD.
enum JSONText {
    static func encode(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(value, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .string(let s):
            writeString(s, into: &out)
        case .int(let n):
            out += Array(String(n).utf8)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in object.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private static func writeString(_ s: String, into out: inout [UInt8]) {
        var s = s
        s.withUTF8 { writeString(utf8: $0, into: &out) }
    }

    /// Copies runs of bytes that need no escape in one append each: an
    /// abstract is a kilobyte with a handful of them.
    private static func writeString(utf8 bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var i = 0, run = 0
        func flush() {
            if run < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i])) }
        }
        while i < bytes.count {
            let b = bytes[i]
            let escape: [UInt8]
            switch b {
            case UInt8(ascii: "\""): escape = [0x5C, 0x22]
            case UInt8(ascii: "\\"): escape = [0x5C, 0x5C]
            case 0x0A: escape = [0x5C, UInt8(ascii: "n")]
            case 0x0D: escape = [0x5C, UInt8(ascii: "r")]
            case 0x09: escape = [0x5C, UInt8(ascii: "t")]
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), 0x00..<0x20:
                escape = [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                flush()
                out += Array((bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                i += 3
                run = i
                continue
            default:
                i += 1
                continue
            }
            flush()
            out += escape
            i += 1
            run = i
        }
        flush()
        out.append(UInt8(ascii: "\""))
    }
}

/// What papersite writes as JSON: strings, integers, arrays and objects
/// (written with their keys sorted). Literals make one: `["name": "A"]`.
/// (Not `indirect`: arrays and dictionaries already hold their elements
/// apart, and boxing every value would cost an allocation each.)
enum JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral {
    case string(String)
    case int(Int)
    case array([JSONValue])
    case object([String: JSONValue])

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(Dictionary(uniqueKeysWithValues: elements)) }

    static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
}
