import Foundation

/// LaTeX as BibTeX files write text, turned into Unicode: accents
/// (`{\"o}`, `\'e`, `\v{c}`), special letters (`\L`, `\ss`, `\o`), escapes
/// (`\&`, `\%`), dashes and quotes, formatting commands (`\emph{x}` → x),
/// and braces that protect capitals (`{BERT}` → BERT). Math (`$...$`) is
/// kept as written, so that the theme can typeset it.
///
/// Hand-written: no Swift library here converts LaTeX to Unicode.
enum LaTeXText {
    static func toUnicode(_ latex: String) -> String {
        var text = latex
        if hasMarkup(latex) {
            var parser = Converter(Array(latex.unicodeScalars))
            text = parser.run()
        }
        // Accents come out as combining marks; compose them (Foundation's
        // normalisation is slow, so only when there is anything to compose).
        let composed = text.utf8.contains { $0 >= 0x80 } ? text.precomposedStringWithCanonicalMapping : text
        return TextCleaning.line(composed)
    }

    /// Whether `text` holds anything the converter changes: math, a group,
    /// a command, a tie, or a dash, quote pair it turns into a character
    /// (most titles and names hold none, and are left as they are).
    private static func hasMarkup(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "$"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\\"), UInt8(ascii: "~"): return true
            case UInt8(ascii: "-"), UInt8(ascii: "`"), UInt8(ascii: "'"): if previous == b { return true }
            default: break
            }
            previous = b
        }
        return false
    }

    static let accents: [String: Unicode.Scalar] = [
        "`": "\u{300}", "'": "\u{301}", "^": "\u{302}", "~": "\u{303}", "=": "\u{304}", "u": "\u{306}",
        ".": "\u{307}", "\"": "\u{308}", "r": "\u{30A}", "H": "\u{30B}", "v": "\u{30C}", "d": "\u{323}",
        "c": "\u{327}", "k": "\u{328}", "b": "\u{331}",
    ]

    static let symbols: [String: String] = [
        "ss": "ß", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
        "aa": "å", "AA": "Å", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ",
        "dj": "đ", "DJ": "Đ",
        "textendash": "–", "textemdash": "—", "textquoteleft": "‘", "textquoteright": "’",
        "textquotedblleft": "“", "textquotedblright": "”", "ldots": "…", "dots": "…", "textellipsis": "…",
        "textasciitilde": "~", "textasciicircum": "^", "textbackslash": "\\", "textbar": "|",
        "textless": "<", "textgreater": ">", "textregistered": "®", "texttrademark": "™", "copyright": "©",
        "textdegree": "°", "textperiodcentered": "·", "S": "§", "P": "¶", "pounds": "£", "euro": "€",
        "LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX", "LaTeXe": "LaTeX2e", "relax": "", "slash": "/",
        "emdash": "—", "endash": "–", "thinspace": " ", "Dash": " — ",
        "&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", ",": " ", " ": " ", ";": " ",
        "!": "", "/": "", "-": "", "\\": " ", "@": "",
    ]

    /// The TeX world's logos and acronyms as TUGboat's macros (`tugboat.def`,
    /// `ltugboat.cls`) and the TeX bibliographies write them: a title
    /// without them loses its subject ("Drawing Graphs with {\MP}").
    static let logos: [String: String] = [
        "MF": "METAFONT", "METAFONT": "METAFONT", "MP": "MetaPost", "METAPOST": "MetaPost", "MetaPost": "MetaPost",
        "PS": "PostScript", "POSTSCRIPT": "PostScript", "ConTeXt": "ConTeXt", "LuaTeX": "LuaTeX", "LuaLaTeX": "LuaLaTeX",
        "XeTeX": "XeTeX", "XeLaTeX": "XeLaTeX", "pdfTeX": "pdfTeX", "pdfLaTeX": "pdfLaTeX", "eTeX": "ε-TeX", "NTS": "NTS",
        "AmSTeX": "AMS-TeX", "AMSTeX": "AMS-TeX", "AmSLaTeX": "AMS-LaTeX", "AMS": "AMS", "AmS": "AMS", "AllTeX": "(La)TeX",
        "PiCTeX": "PiCTeX", "SliTeX": "SliTeX", "BibLaTeX": "BibLaTeX", "MakeIndex": "MakeIndex", "WEB": "WEB",
        "TUB": "TUGboat", "TUG": "TUG", "CTAN": "CTAN", "PDF": "PDF", "XML": "XML", "HTML": "HTML", "SGML": "SGML", "VAX": "VAX",
    ]

    /// Commands whose argument only sorts the entry (defined in the files' `@preamble`).
    static let sortHints: Set<String> = ["noopsort", "SortNoop", "sortnoop", "nosort"]

    /// Commands whose argument is the text (`\emph{x}` → x).
    static let passThrough: Set<String> = [
        "emph", "textit", "textbf", "texttt", "textsc", "textsf", "textrm", "textup", "textsl", "text",
        "mbox", "url", "href", "uppercase", "lowercase", "MakeUppercase", "MakeLowercase", "textnormal",
        "bf", "it", "em", "sc", "tt", "rm", "sf", "sl", "small", "footnotesize", "large", "Large", "tiny",
        // TUGboat's markup of names: acronyms, books, packages, programs, files.
        "acro", "booktitle", "pkg", "pgm", "file", "env", "cls", "prog",
    ]

    /// Commands that print their argument as a command's name (`\cs{relax}` → \relax).
    static let commandNames: Set<String> = ["cs", "macro", "cmd"]

    struct Converter {
        let s: [Unicode.Scalar]
        var i = 0
        init(_ s: [Unicode.Scalar]) { self.s = s }

        mutating func run() -> String {
            var out = String.UnicodeScalarView()
            while i < s.count { step(into: &out) }
            return String(out)
        }

        /// Converts one unit: a character, a group, a command or a math span.
        mutating func step(into out: inout String.UnicodeScalarView) {
            let c = s[i]
            switch c {
            case "$":
                // Math: copied to the closing dollar(s), braces and all.
                let double = i + 1 < s.count && s[i + 1] == "$"
                let width = double ? 2 : 1
                var j = i + width
                while j < s.count {
                    if s[j] == "\\" { j += 2; continue }
                    if s[j] == "$" && (!double || (j + 1 < s.count && s[j + 1] == "$")) { break }
                    j += 1
                }
                let end = min(s.count, j + width)
                out.append(contentsOf: s[i..<end])
                i = end
            case "{":
                i += 1
                while i < s.count && s[i] != "}" { step(into: &out) }
                i += 1
            case "}":
                i += 1
            case "\\":
                command(into: &out)
            case "~":
                out.append(" ")
                i += 1
            case "-":
                var n = 0
                while i + n < s.count && s[i + n] == "-" { n += 1 }
                out.append(contentsOf: (n >= 3 ? "—" : n == 2 ? "–" : "-").unicodeScalars)
                i += n
            case "`" where i + 1 < s.count && s[i + 1] == "`":
                out.append("\u{201C}")
                i += 2
            case "'" where i + 1 < s.count && s[i + 1] == "'":
                out.append("\u{201D}")
                i += 2
            default:
                out.append(c)
                i += 1
            }
        }

        /// The text of one argument: `{...}`, or a single character.
        mutating func argument() -> String {
            while i < s.count && s[i] == " " { i += 1 }
            guard i < s.count else { return "" }
            var out = String.UnicodeScalarView()
            if s[i] == "{" {
                step(into: &out)
            } else if s[i] == "\\" {
                command(into: &out)
            } else {
                out.append(s[i])
                i += 1
            }
            return String(out)
        }

        mutating func command(into out: inout String.UnicodeScalarView) {
            i += 1  // the backslash
            guard i < s.count else { return }
            var name = ""
            if s[i].properties.isAlphabetic && s[i].isASCII {
                while i < s.count && s[i].isASCII && s[i].properties.isAlphabetic {
                    name.unicodeScalars.append(s[i])
                    i += 1
                }
            } else {
                name = String(s[i])
                i += 1
            }
            if let mark = LaTeXText.accents[name] {
                var base = argument()
                if base == "ı" { base = "i" }
                if base == "ȷ" { base = "j" }
                if let first = base.unicodeScalars.first {
                    out.append(first)
                    out.append(mark)
                    out.append(contentsOf: base.unicodeScalars.dropFirst())
                }
                return
            }
            // As in TeX, a command named by letters ends at the first space, which it swallows (`\ss{}` or `\ss ` both end it).
            if name.unicodeScalars.first?.properties.isAlphabetic == true {
                if i < s.count && s[i] == " " { i += 1 }
                if i + 1 < s.count && s[i] == "{" && s[i + 1] == "}" { i += 2 }
            }
            if LaTeXText.sortHints.contains(name) {
                // `{\noopsort{1992a}}1992`: the argument sorts, and is never printed.
                _ = argument()
                return
            }
            if let symbol = LaTeXText.symbols[name] ?? LaTeXText.logos[name] {
                out.append(contentsOf: symbol.unicodeScalars)
                return
            }
            if LaTeXText.passThrough.contains(name) || name == "href" {
                if name == "href" { _ = argument() }
                if i < s.count && s[i] == "{" { out.append(contentsOf: argument().unicodeScalars) }
                return
            }
            if LaTeXText.commandNames.contains(name) && i < s.count && s[i] == "{" {
                out.append("\\")
                out.append(contentsOf: argument().unicodeScalars)
                return
            }
            if name == "nth" && i < s.count && s[i] == "{" {
                // `\nth{4}` → 4th (the English ordinal, as the nth package prints it).
                let n = argument()
                let value = Int(n) ?? -1
                let suffix = (value % 100) / 10 == 1 ? "th" : [1: "st", 2: "nd", 3: "rd"][value % 10] ?? "th"
                out.append(contentsOf: (n + suffix).unicodeScalars)
                return
            }
            // Unknown command: keep its argument if it has one, drop the name.
            if i < s.count && s[i] == "{" { out.append(contentsOf: argument().unicodeScalars) }
        }
    }
}
