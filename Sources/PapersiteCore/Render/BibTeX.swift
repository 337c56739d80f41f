import Foundation
import PaperMarkdown

/// Writes BibTeX entries for papers: `@misc` with `eprint` for arXiv
/// preprints, `@inproceedings` or `@article` when a venue is known.
/// Text is escaped for LaTeX, accents become LaTeX accent commands
/// (`ö` → `{\"o}`), math is kept as written, and words with inner capitals
/// (`BERT`, `LoRA`) are braced so that bibliography styles keep them.
///
/// Hand-written: no Swift library here writes BibTeX.
enum BibTeX {
    static func entry(for paper: Paper, key: String, pageURL: String) -> String {
        var fields: [(String, String)] = []
        fields.append(("title", title(paper.title)))
        if !paper.authors.isEmpty {
            fields.append(("author", paper.authors.map(authorName).joined(separator: " and ")))
        }
        if let published = paper.published { fields.append(("year", String(published.year))) }
        let type: String
        if let venue = paper.venue {
            if Venue.isConference(venue) {
                type = "inproceedings"
                fields.append(("booktitle", escape(venue)))
            } else {
                type = "article"
                fields.append(("journal", escape(venue)))
            }
        } else {
            type = "misc"
        }
        if let arxiv = paper.arxiv {
            fields.append(("eprint", arxiv))
            fields.append(("archivePrefix", "arXiv"))
        }
        if let doi = paper.doi { fields.append(("doi", escapeVerbatim(doi))) }
        let url = paper.links.url ?? paper.arxiv.map { "https://arxiv.org/abs/\($0)" } ?? pageURL
        fields.append(("url", escapeVerbatim(url)))

        var text = "@\(type){\(key),\n"
        for (i, (name, value)) in fields.enumerated() {
            let month = name == "year" && paper.datePrecision != .year ? paper.published.map { ",\n  month = \(monthMacros[$0.month - 1])" } ?? "" : ""
            text += "  \(name) = {\(value)}\(month)\(i == fields.count - 1 ? "" : ",")\n"
        }
        return text + "}\n"
    }

    static let monthMacros = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// "Ashish Vaswani" → "Vaswani, Ashish"; "Ludwig van Beethoven" →
    /// "van Beethoven, Ludwig"; names already written "Last, First" are kept.
    static func authorName(_ name: String) -> String {
        if name.utf8.contains(UInt8(ascii: ",")) { return escape(name) }
        let parts = name.split(separator: " ").map(String.init)
        guard parts.count > 1 else { return "{\(escape(name))}" }
        var familyStart = parts.count - 1
        while familyStart > 1, let first = parts[familyStart - 1].first, first.isLowercase { familyStart -= 1 }
        let family = parts[familyStart...].joined(separator: " ")
        let given = parts[..<familyStart].joined(separator: " ")
        return "\(escape(family)), \(escape(given))"
    }

    /// A title with math kept, text escaped and inner capitals braced.
    static func title(_ text: String) -> String {
        mathSegments(text).map { segment in
            segment.isMath ? segment.text : segment.text.split(separator: " ", omittingEmptySubsequences: false).map { word in
                let w = String(word)
                guard needsProtection(w) else { return escape(w) }
                // Brace the word, not the punctuation around it: `{LLMs}:`.
                let lead = w.prefix { !$0.isLetter && !$0.isNumber }
                let rest = w.dropFirst(lead.count)
                let trail = String(rest.reversed().prefix { !$0.isLetter && !$0.isNumber }.reversed())
                let core = rest.dropLast(trail.count)
                return escape(String(lead)) + "{" + escape(String(core)) + "}" + escape(trail)
            }.joined(separator: " ")
        }.joined()
    }

    /// True for words whose capitals a style must not lower: `BERT`, `LoRA`, `Vision-Language`.
    static func needsProtection(_ word: String) -> Bool {
        if word.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: an uppercase letter after the first letter.
            var seenLetter = false
            for b in word.utf8 {
                let upper = b >= 65 && b <= 90, lower = b >= 97 && b <= 122
                if upper && seenLetter { return true }
                if upper || lower { seenLetter = true }
            }
            return false
        }
        let letters = word.drop { !$0.isLetter }
        guard letters.count > 1 else { return false }
        return letters.dropFirst().contains { $0.isUppercase }
    }

    /// Escapes text for LaTeX, keeping math spans as written.
    static func escape(_ text: String) -> String {
        guard MathSpans.mayHold(text, "$", "\\") else { return escapeText(text) }
        return mathSegments(text).map { $0.isMath ? $0.text : escapeText($0.text) }.joined()
    }

    /// Math spans that BibTeX can hold: its brace counting ignores
    /// backslashes, so a span with unbalanced braces is escaped as text.
    static func mathSegments(_ text: String) -> [(text: String, isMath: Bool)] {
        MathSpans.segments(text).map { segment in
            guard segment.isMath else { return segment }
            var depth = 0
            for ch in segment.text {
                if ch == "{" { depth += 1 } else if ch == "}" { depth -= 1 }
                if depth < 0 { return (segment.text, false) }
            }
            return (segment.text, depth == 0)
        }
    }

    /// For fields read verbatim by most styles (url, doi): only braces and
    /// percent signs need care.
    static func escapeVerbatim(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "}") }) else { return text }
        return text.replacingOccurrences(of: "{", with: "%7B").replacingOccurrences(of: "}", with: "%7D")
    }

    private static let specials: [Character: String] = [
        "\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "&": "\\&", "%": "\\%", "$": "\\$",
        "#": "\\#", "_": "\\_", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}",
        "ß": "{\\ss}", "æ": "{\\ae}", "Æ": "{\\AE}", "ø": "{\\o}", "Ø": "{\\O}", "ł": "{\\l}", "Ł": "{\\L}",
        "œ": "{\\oe}", "Œ": "{\\OE}", "å": "{\\aa}", "Å": "{\\AA}", "ı": "{\\i}", "đ": "{\\dj}", "Đ": "{\\DJ}",
    ]

    /// The ASCII characters `specials` replaces (a switch: a set hashed each byte).
    private static func isSpecialASCII(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\\"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "&"), UInt8(ascii: "%"),
             UInt8(ascii: "$"), UInt8(ascii: "#"), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "^"): true
        default: false
        }
    }

    /// Combining marks and their LaTeX accent commands.
    private static let accents: [UInt32: String] = [
        0x300: "`", 0x301: "'", 0x302: "^", 0x303: "~", 0x304: "=", 0x306: "u", 0x307: ".",
        0x308: "\"", 0x30A: "r", 0x30B: "H", 0x30C: "v", 0x327: "c", 0x328: "k",
    ]

    static func escapeText(_ text: String) -> String {
        // Most text is plain ASCII with nothing to escape.
        if text.utf8.allSatisfy({ $0 < 0x80 && !isSpecialASCII($0) }) { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for ch in text {
            if let special = specials[ch] {
                out += special
                continue
            }
            if ch.isASCII {
                out.append(ch)
                continue
            }
            // A letter with one accent: é → {\'e}, ç → {\c c}.
            let scalars = Array(String(ch).decomposedStringWithCanonicalMapping.unicodeScalars)
            if scalars.count == 2, scalars[0].isASCII, let command = accents[scalars[1].value] {
                var base = String(scalars[0])
                if base == "i" && "^`'\"~=".contains(command) { base = "\\i" }
                let isSymbol = command.first.map { !$0.isLetter } ?? true
                out += isSymbol ? "{\\\(command)\(base)}" : "{\\\(command) \(base)}"
                continue
            }
            out.append(ch)
        }
        return out
    }
}

/// Whether a venue names a conference (for `@inproceedings`,
/// `citation_conference_title`) or a journal.
enum Venue {
    private static let conferenceWords = [
        "conference", "proceedings", "workshop", "symposium", "neurips", "nips", "icml", "iclr", "cvpr",
        "iccv", "eccv", "acl", "emnlp", "naacl", "eacl", "coling", "aaai", "ijcai", "kdd", "sigir", "www",
        "chi", "interspeech", "icassp", "uai", "aistats", "colt", "miccai", "wacv", "bmvc", "corl", "rss",
        "icra", "iros", "siggraph", "usenix", "osdi", "sosp", "nsdi", "sigmod", "vldb", "icde", "stoc", "focs", "soda",
    ]

    static func isConference(_ venue: String) -> Bool {
        let words = venue.lowercased().split { !$0.isLetter }.map(String.init)
        return words.contains { conferenceWords.contains($0) }
    }
}

extension SiteRenderer {
    /// Every paper's entry, newest first, in one file, handed to `emit` in
    /// pieces: the file grows with the site (a megabyte for each 3,000
    /// papers), and made whole it was the largest block of memory of a
    /// large build.
    func writeBibliography(_ emit: (UnsafeRawBufferPointer) -> Void) {
        var header = "% \(config.title): \(index.papers.count) entr\(index.papers.count == 1 ? "y" : "ies"), from \(urls.absolute(""))\n"
        header.withUTF8 { emit(UnsafeRawBufferPointer($0)) }
        let newline: [UInt8] = [0x0A]
        for i in index.papers.indices {
            newline.withUnsafeBytes(emit)
            // An entry the cache holds is copied as bytes (no string for each of thousands).
            let copied = bibtexEntries.withStoredBytes(bibtexKey(i)) { raw -> Bool in
                var r = ByteReader(raw)
                let count = Int(clamping: r.uint())
                guard let bytes = r.bytes(count), r.atEnd else { return false }
                emit(bytes)
                return true
            } ?? false
            if !copied {
                var entry = bibtex(i)
                entry.withUTF8 { emit(UnsafeRawBufferPointer($0)) }
            }
        }
    }
}
