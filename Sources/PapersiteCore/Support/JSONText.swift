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

    /// Which bytes end a run that is copied as it is: those escaped, and
    /// 0xE2, which may begin U+2028 or U+2029.
    private static let special: [Bool] = (0...255).map { b in
        b < 0x20 || b == 0x22 || b == 0x5C || b == 0x3C || b == 0x3E || b == 0x26 || b == 0xE2
    }

    /// Copies runs of bytes that need no escape in one append each: an
    /// abstract is a kilobyte with a handful of them. (A run is found with
    /// a table, a byte at a time: switching on each byte was about a
    /// quarter of writing a paper page's JSON-LD.)
    private static func writeString(utf8 bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        special.withUnsafeBufferPointer { special in
            var i = 0, run = 0
            while true {
                while i < bytes.count && !special[Int(bytes[i])] { i += 1 }
                if run < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i])) }
                guard i < bytes.count else { break }
                let b = bytes[i]
                i += 1
                switch b {
                case UInt8(ascii: "\""): out.append(0x5C); out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C); out.append(0x5C)
                case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
                case 0xE2:
                    if i + 1 < bytes.count && bytes[i] == 0x80 && (bytes[i + 1] == 0xA8 || bytes[i + 1] == 0xA9) {
                        out += Array((bytes[i + 1] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                        i += 2
                    } else {
                        out.append(b)
                    }
                default:
                    // `<`, `>`, `&` and the other control characters.
                    out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]]
                }
                run = i
            }
        }
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
