/// Refuses YAML anchors and aliases (`&name`, `*name`) before Yams sees
/// the text. A few nested aliases ("billion laughs") expand to a tree of
/// billions of nodes, and Yams hashes mapping keys whole, so one alias used
/// as a key can hang the build. Front matter and settings never need them.
///
/// Hand-written because Yams offers no way to parse without resolving
/// aliases. The scan knows quoted scalars, comments and block scalars
/// (`|`, `>`), whose text may hold `*emphasis*` freely. A plain value with
/// a word starting with `*` or `&` after a space is refused too (it may be
/// an alias); the message says to quote it.
enum YAMLGuard {
    /// The 1-based line and column of the first anchor or alias, if any.
    static func firstAnchorOrAlias(in yaml: String) -> (line: Int, column: Int)? {
        var blockIndent: Int?          // inside a block scalar started at this indentation
        var quote: UInt8?              // inside a quoted scalar that spans lines
        for (index, lineText) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = Array(lineText.utf8)
            let indent = line.prefix { $0 == UInt8(ascii: " ") }.count
            if let b = blockIndent {
                if indent > b || line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == 13 }) { continue }
                blockIndent = nil
            }
            var i = 0
            var previous: UInt8 = UInt8(ascii: " ")  // line start counts as a token start
            var lastSignificant: UInt8 = 0
            while i < line.count {
                let c = line[i]
                if let q = quote {
                    if c == q {
                        if q == UInt8(ascii: "'") && i + 1 < line.count && line[i + 1] == q { i += 2; continue }
                        quote = nil
                    } else if c == UInt8(ascii: "\\") && q == UInt8(ascii: "\"") {
                        i += 2
                        continue
                    }
                    previous = c
                    i += 1
                    continue
                }
                let atTokenStart = previous == UInt8(ascii: " ") || previous == UInt8(ascii: "\t")
                    || previous == UInt8(ascii: "[") || previous == UInt8(ascii: "{") || previous == UInt8(ascii: ",")
                if c == UInt8(ascii: "#") && atTokenStart { break }  // a comment
                if atTokenStart && (c == UInt8(ascii: "\"") || c == UInt8(ascii: "'")) {
                    quote = c
                } else if atTokenStart && (c == UInt8(ascii: "&") || c == UInt8(ascii: "*")) {
                    let next = i + 1 < line.count ? line[i + 1] : 0
                    let isName = (next >= 48 && next <= 57) || (next >= 65 && next <= 90) || (next >= 97 && next <= 122) || next == UInt8(ascii: "_") || next == UInt8(ascii: "-") || next >= 0x80
                    if isName { return (index + 1, String(decoding: line[..<i], as: UTF8.self).count + 1) }
                }
                if c != UInt8(ascii: " ") && c != UInt8(ascii: "\t") && c != 13 { lastSignificant = c }
                previous = c
                i += 1
            }
            // `key: |`, `key: >-`, `- |2`: the lines after are a block scalar.
            if quote == nil, let indicatorEnd = line.lastIndex(where: { $0 != UInt8(ascii: " ") && $0 != 13 }) {
                var j = indicatorEnd
                while j > 0 && (line[j] == UInt8(ascii: "+") || line[j] == UInt8(ascii: "-") || (line[j] >= 49 && line[j] <= 57)) { j -= 1 }
                if (line[j] == UInt8(ascii: "|") || line[j] == UInt8(ascii: ">")) && (j == 0 || line[j - 1] == UInt8(ascii: " ")) && lastSignificant != 0 {
                    blockIndent = indent
                }
            }
        }
        return nil
    }
}
