/// The links and anchors of one rendered HTML page.
///
/// Written by hand: the pages are papersite's own output (well-formed,
/// attributes quoted), and all `check` needs is every `href`/`src` and
/// every `id`; an HTML parser library would build a whole tree per page
/// for that. Script, style and comment contents are skipped.
struct HTMLScan: Sendable {
    var ids: Set<String> = []
    var links: [String] = []

    init(_ html: String) {
        var bytes = Array(html.utf8)
        bytes.append(0)
        let n = bytes.count - 1
        var i = 0
        func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }
        func startsWith(_ text: String, at p: Int) -> Bool {
            var k = p
            for c in text.utf8 {
                guard k < n, lower(bytes[k]) == c else { return false }
                k += 1
            }
            return true
        }
        func find(_ text: String, from p: Int) -> Int {
            var k = p
            while k < n {
                if startsWith(text, at: k) { return k }
                k += 1
            }
            return n
        }
        while i < n {
            guard bytes[i] == UInt8(ascii: "<") else { i += 1; continue }
            if startsWith("<!--", at: i) { i = find("-->", from: i + 4) + 3; continue }
            var k = i + 1
            guard k < n, (bytes[k] | 0x20) >= 97, (bytes[k] | 0x20) <= 122 else { i += 1; continue }
            let nameStart = k
            while k < n, bytes[k] != 0x20, bytes[k] != 0x0A, bytes[k] != 0x09, bytes[k] != UInt8(ascii: ">"), bytes[k] != UInt8(ascii: "/") { k += 1 }
            let tag = String(decoding: bytes[nameStart..<k].map(lower), as: UTF8.self)
            // Attributes up to the closing '>'.
            while k < n, bytes[k] != UInt8(ascii: ">") {
                while k < n, bytes[k] == 0x20 || bytes[k] == 0x0A || bytes[k] == 0x09 || bytes[k] == 0x0D || bytes[k] == UInt8(ascii: "/") { k += 1 }
                let attrStart = k
                while k < n, bytes[k] != UInt8(ascii: "="), bytes[k] != UInt8(ascii: ">"), bytes[k] != 0x20, bytes[k] != 0x0A, bytes[k] != 0x09, bytes[k] != UInt8(ascii: "/") { k += 1 }
                let attr = String(decoding: bytes[attrStart..<k].map(lower), as: UTF8.self)
                guard k < n, bytes[k] == UInt8(ascii: "=") else { if k == attrStart { k += 1 }; continue }
                k += 1
                var value: String
                if bytes[k] == UInt8(ascii: "\"") || bytes[k] == UInt8(ascii: "'") {
                    let quote = bytes[k]
                    let start = k + 1
                    k = start
                    while k < n, bytes[k] != quote { k += 1 }
                    value = String(decoding: bytes[start..<k], as: UTF8.self)
                    k += 1
                } else {
                    let start = k
                    while k < n, bytes[k] != 0x20, bytes[k] != UInt8(ascii: ">") { k += 1 }
                    value = String(decoding: bytes[start..<k], as: UTF8.self)
                }
                value = Self.decodeEntities(value)
                switch attr {
                case "id": ids.insert(value)
                case "name" where tag == "a": ids.insert(value)
                case "href" where tag == "a" || tag == "link" || tag == "area": links.append(value)
                case "src" where tag == "img" || tag == "script" || tag == "iframe" || tag == "source" || tag == "audio" || tag == "video":
                    links.append(value)
                default: break
                }
            }
            i = k + 1
            if tag == "script" || tag == "style" { i = find("</\(tag)", from: i) }
        }
    }

    /// The character references papersite's escaping produces, and numeric ones.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[amp...]
            guard let semi = after.firstIndex(of: ";"), after.distance(from: amp, to: semi) <= 10 else {
                out += "&"; rest = rest[rest.index(after: amp)...]; continue
            }
            let name = after[after.index(after: amp)..<semi]
            var decoded: String?
            switch name {
            case "amp": decoded = "&"
            case "lt": decoded = "<"
            case "gt": decoded = ">"
            case "quot": decoded = "\""
            case "apos": decoded = "'"
            default:
                if name.hasPrefix("#x") || name.hasPrefix("#X"), let v = UInt32(name.dropFirst(2), radix: 16), let s = Unicode.Scalar(v) { decoded = String(Character(s)) }
                else if name.hasPrefix("#"), let v = UInt32(name.dropFirst()), let s = Unicode.Scalar(v) { decoded = String(Character(s)) }
            }
            if let decoded {
                out += decoded
                rest = rest[rest.index(after: semi)...]
            } else {
                out += "&"
                rest = rest[rest.index(after: amp)...]
            }
        }
        return out + rest
    }
}
