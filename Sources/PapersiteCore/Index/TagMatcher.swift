/// Applies the tag rules of `site.yml`: a rule's tag goes to every paper
/// whose title or abstract contains one of its phrases, case-insensitively
/// and on word boundaries. Hyphens count as spaces (`fine-tuning` also
/// matches "fine tuning"), and a trailing `*` matches any word ending
/// (`transformer*` matches "Transformers"). Markdown backslash escapes in
/// the abstract are ignored.
///
/// Hand-written over UTF-8 bytes: Foundation's regular expressions would
/// be far slower for hundreds of phrases over many thousands of abstracts.
struct TagMatcher: Sendable {
    struct CompiledPhrase: Sendable {
        var bytes: [UInt8]
        var prefix: Bool
    }

    let rules: [(tag: String, phrases: [CompiledPhrase])]

    init(rules: [TagRule]) {
        self.rules = rules.map { rule in
            (rule.tag, rule.phrases.map { phrase in
                var p = phrase
                let prefix = p.hasSuffix("*")
                if prefix { p.removeLast() }
                return CompiledPhrase(bytes: Array(TagMatcher.normalise(p).utf8), prefix: prefix)
            })
        }
    }

    /// The tags (in rule order) whose phrases occur in `text`.
    func tags(for text: String) -> [String] {
        let haystack = Array(Self.normalise(text).utf8)
        return rules.compactMap { rule in
            rule.phrases.contains { Self.occurs($0, in: haystack) } ? rule.tag : nil
        }
    }

    /// Lowercased, hyphens and whitespace runs as single spaces.
    static func normalise(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var space = false
        for ch in text.lowercased().unicodeScalars {
            // Markdown escapes (`fine\-tuning` in an abstract) are not part of the words.
            if ch == "\\" { continue }
            if ch == "-" || ch == "\u{2010}" || ch == "\u{2011}" || ch.properties.isWhitespace {
                space = true
                continue
            }
            if space && !out.isEmpty { out.append(" ") }
            space = false
            out.unicodeScalars.append(ch)
        }
        return out
    }

    private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || b >= 0x80
    }

    static func occurs(_ phrase: CompiledPhrase, in text: [UInt8]) -> Bool {
        let p = phrase.bytes
        guard !p.isEmpty, p.count <= text.count else { return false }
        let first = p[0]
        var i = 0
        let last = text.count - p.count
        while i <= last {
            if text[i] == first {
                var j = 1
                while j < p.count && text[i + j] == p[j] { j += 1 }
                if j == p.count {
                    let beforeOK = i == 0 || !isWordByte(text[i - 1]) || !isWordByte(first)
                    let end = i + p.count
                    let afterOK = phrase.prefix || end == text.count || !isWordByte(text[end]) || !isWordByte(p[p.count - 1])
                    if beforeOK && afterOK { return true }
                }
            }
            i += 1
        }
        return false
    }
}
