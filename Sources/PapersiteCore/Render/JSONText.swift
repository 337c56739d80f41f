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
        var out = ""
        out.reserveCapacity(data.count + 16)
        for scalar in String(decoding: data, as: UTF8.self).unicodeScalars {
            switch scalar {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
