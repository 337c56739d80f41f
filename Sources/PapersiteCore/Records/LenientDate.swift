import Foundation

/// Dates as other tools write them, read the way a reader of the record
/// would: `1991--1992` is 1991, `Winter` is January, `18--24 Jul` is July,
/// `20xx` is 2000, biblatex's `1984/1986` is 1984. What was read some other
/// way than as written comes back as a note, for a `repaired` warning.
///
/// Shared by the readers of BibTeX, CSL-JSON and RIS, which meet the same
/// shapes (seasons, ranges, unknown digits).
enum LenientDate {
    /// A year, with the note when the text was more than a plain year.
    struct Year { var value: Int; var note: String? }

    /// The first year in `text`: four digits, where `x`, `X` and `?` stand
    /// for unknown digits (taken as 0: `19??` is 1900). Sorting prefixes
    /// such as `{\noopsort{1992a}}1992` are ignored.
    static func year(_ text: String) -> Year? {
        let plain = dropSortPrefixes(text).trimmingCharacters(in: CharacterSet(charactersIn: " \t\n{}"))
        if plain.utf8.count == 4, let y = Int(plain), y >= 1 { return Year(value: y, note: nil) }
        let scalars = Array(plain.unicodeScalars)
        var i = 0
        while i + 4 <= scalars.count {
            let window = scalars[i..<(i + 4)]
            let before = i > 0 ? scalars[i - 1] : " "
            let after = i + 4 < scalars.count ? scalars[i + 4] : " "
            let isDigitLike: (Unicode.Scalar) -> Bool = { ("0"..."9").contains($0) || "xX?".unicodeScalars.contains($0) }
            if window.allSatisfy(isDigitLike), ("0"..."9").contains(window.first!),
               !(("0"..."9").contains(before)), !(("0"..."9").contains(after)) {
                let digits = String(String.UnicodeScalarView(window.map { ("0"..."9").contains($0) ? $0 : "0" }))
                if let y = Int(digits), y >= 1 { return Year(value: y, note: "read as \(y)") }
            }
            i += 1
        }
        return nil
    }

    /// A date written as words, such as `Spring 2020` or `2020, March 3`:
    /// its first year and the month named in it, if any (nil without a year).
    static func yearAndMonth(_ text: String) -> (day: Day, precision: DatePrecision)? {
        guard let year = year(text) else { return nil }
        let month = month(text)?.value
        return Day(year: year.value, month: month ?? 1, day: 1).map { ($0, month == nil ? .year : .month) }
    }

    /// The month of a BibTeX `month`, RIS date part or similar: a number,
    /// an English month name or abbreviation, a season, or a range of
    /// these (the first). Nil when nothing in it names a month.
    static func month(_ text: String) -> (value: Int, exact: Bool)? {
        let t = text.trimmingCharacters(in: CharacterSet(charactersIn: " \t\n{}."))
        if let n = Int(t), (1...12).contains(n) { return (n, true) }
        if let n = Day.month(named: t) { return (n, true) }
        // A range or a phrase: the first month named, else the first number that is a month.
        let words = t.split { !$0.isLetter && !$0.isNumber }
        for word in words {
            if let n = Day.month(named: String(word)) ?? season(String(word)) { return (n, false) }
        }
        if let first = words.first, let n = Int(first), (1...12).contains(n), !words.dropFirst().contains(where: { $0.first?.isLetter == true }) {
            return (n, false)
        }
        return nil
    }

    /// The first month of a season, so that a volume's issues sort in order
    /// within the year: Winter (the first issue of a year) January, Spring
    /// March, Summer June, Autumn or Fall September.
    static func season(_ word: String) -> Int? {
        switch word.lowercased() {
        case "winter": return 1
        case "spring": return 3
        case "summer": return 6
        case "autumn", "fall": return 9
        default: return nil
        }
    }

    /// The first date of an ISO 8601 / EDTF date or range as biblatex's
    /// `date` field and RIS's `DA` write it: `1984`, `1984-05`,
    /// `1984-05-02`, `1984/1986`, `1984-05/1984-07`, `1984~`, `1984?`,
    /// `19XX`, `2004-04-05T14:34:00`. A RIS `1984/05/02/` gives the same.
    static func isoStart(_ text: String) -> (day: Day, note: String?, precision: DatePrecision)? {
        var t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var notes: [String] = []
        // EDTF ranges (`1984/1986`, `1984-05/`, `/1986`, `1984..1986`) have a
        // full date on each side; RIS writes `1984/05/02/` with short parts.
        let halves = t.replacingOccurrences(of: "..", with: "/").split(separator: "/", omittingEmptySubsequences: false)
        if halves.count == 2, halves.allSatisfy({ $0.isEmpty || $0.count >= 4 }), halves.contains(where: { !$0.isEmpty }) {
            t = String(halves[0].isEmpty ? halves[1] : halves[0])
            if !halves[0].isEmpty && !halves[1].isEmpty { notes.append("a range: its start is used") }
        }
        t = t.trimmingCharacters(in: CharacterSet(charactersIn: "~?% "))
        if let cut = t.firstIndex(where: { $0 == "T" || $0 == " " }) { t = String(t[..<cut]) }
        let parts = t.split(whereSeparator: { $0 == "-" || $0 == "/" }).map(String.init)
        guard let first = parts.first, first.count == 4, let y = year(first) else { return nil }
        if y.note != nil { notes.append("unknown digits read as 0") }
        var month = 1, day = 1
        var precision = DatePrecision.year
        if parts.count > 1 {
            if let m = Int(parts[1]), (1...12).contains(m) { month = m; precision = .month }
            else if let m = Int(parts[1]), (21...24).contains(m) { month = [3, 6, 9, 1][m - 21]; precision = .month; notes.append("a season: its first month is used") }
            else if !parts[1].isEmpty { notes.append("the month is not known") }
        }
        if precision == .month, parts.count > 2, let d = Int(parts[2].prefix(2)), d >= 1, d <= Day.daysIn(month: month, year: y.value) { day = d; precision = .day }
        guard let result = Day(year: y.value, month: month, day: day) else { return nil }
        return (result, notes.isEmpty ? nil : notes.joined(separator: "; "), precision)
    }

    /// `{\noopsort{1992a}}1992` → `1992`: sorting hints have no text.
    static func dropSortPrefixes(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        return text.replacingOccurrences(of: #"\\(noopsort|SortNoop|sortnoop|nosort)\s*\{[^{}]*\}"#, with: "", options: .regularExpression)
    }
}
