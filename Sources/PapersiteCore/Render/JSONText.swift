import Foundation

/// JSON for feeds and for `<script type="application/ld+json">` blocks:
/// keys sorted (so output is byte-identical between builds), and `<`, `>`,
/// `&`, U+2028 and U+2029 written as `\u` escapes, so the text can never
/// close a script element or start a comment inside one.
enum JSONText {
    static func encode(_ value: Any) -> String {
        guard JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        // Byte by byte: U+2028 and U+2029 are E2 80 A8 / E2 80 A9 in UTF-8.
        var out = [UInt8]()
        out.reserveCapacity(data.count + 16)
        let bytes = [UInt8](data)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "<"): out += Array("\\u003c".utf8)
            case UInt8(ascii: ">"): out += Array("\\u003e".utf8)
            case UInt8(ascii: "&"): out += Array("\\u0026".utf8)
            case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                out += Array((bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                i += 3
                continue
            default: out.append(b)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
