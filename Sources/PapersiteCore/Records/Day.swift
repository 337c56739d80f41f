import Foundation

/// A calendar day (proleptic Gregorian, no time zone): papers are dated by
/// day, and feeds put them at midnight UTC. Hand-written rather than
/// Foundation's `Date` + `DateFormatter` so that parsing and formatting are
/// exact, locale-free and fast.
public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// `year << 9 | month << 5 | day`, which orders days as they come: a
    /// record holds two days, and a million records held 40 MB more as
    /// three whole numbers each.
    private let packed: UInt32
    public var year: Int { Int(packed >> 9) }
    public var month: Int { Int(packed >> 5 & 0xF) }
    public var day: Int { Int(packed & 0x1F) }

    /// Returns nil unless the date exists (`2025-02-30` does not).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Day.daysIn(month: month, year: year)).contains(day) else { return nil }
        packed = UInt32(year) << 9 | UInt32(month) << 5 | UInt32(day)
    }

    /// Parses `YYYY-MM-DD` (a trailing time such as `T10:00:00Z` is ignored).
    public init?(iso text: String) {
        // Trimmed only if an end may be a space (Foundation's trimming
        // costs more than the rest, and dates in records rarely have one).
        let plain = { (b: UInt8?) in b.map { $0 > 0x20 && $0 < 0x80 } ?? false }
        let t = plain(text.utf8.first) && plain(text.utf8.last) ? text : text.trimmingCharacters(in: .whitespaces)
        let scalars = Array(t.utf8)
        guard scalars.count >= 10, scalars[4] == UInt8(ascii: "-"), scalars[7] == UInt8(ascii: "-") else { return nil }
        if scalars.count > 10 {
            let sep = scalars[10]
            guard sep == UInt8(ascii: "T") || sep == UInt8(ascii: " ") || sep == UInt8(ascii: "t") else { return nil }
        }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                let c = scalars[i]
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The day `daysSinceEpoch` days after 1970-01-01 (Howard Hinnant's civil_from_days).
    public init?(daysSinceEpoch: Int) {
        let z = daysSinceEpoch + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    /// Today in UTC, or the day of `SOURCE_DATE_EPOCH` when it is set (the
    /// reproducible-builds convention: the same input builds the same site).
    public static func today(environment: [String: String] = ProcessInfo.processInfo.environment) -> Day {
        let seconds = environment["SOURCE_DATE_EPOCH"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            ?? Int(Date().timeIntervalSince1970)
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        return Day(daysSinceEpoch: days) ?? .epoch
    }

    /// 1 January 1970: the day of a feed with no dated paper.
    public static let epoch = Day(year: 1970, month: 1, day: 1)!

    /// The latest day with this month and day that is not after `today`
    /// (for a date written without its year, as listings write them).
    public static func latest(month: Int, day: Int, notAfter today: Day) -> Day? {
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        // Eight years reach back past any leap day.
        for year in stride(from: today.year, through: max(1, today.year - 8), by: -1) {
            if let d = Day(year: year, month: month, day: day), d <= today { return d }
        }
        return nil
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// 0 = Sunday ... 6 = Saturday.
    public var weekday: Int {
        let d = (daysSinceEpoch + 4) % 7
        return d < 0 ? d + 7 : d
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                             "August", "September", "October", "November", "December"]
    static let weekdayAbbreviations = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// `2025-03-14`
    public var iso: String {
        String(unsafeUninitializedCapacity: 10) { buffer in
            var bytes = buffer.baseAddress!
            appendISO { bytes.pointee = $0; bytes += 1 }
            return 10
        }
    }

    /// The ten bytes of `iso`, one by one. (By hand: feeds and sitemaps
    /// write a date for every entry, and interpolation with padding made
    /// four strings for each.)
    @inline(__always)
    func appendISO(_ put: (UInt8) -> Void) {
        let zero = UInt8(ascii: "0"), dash = UInt8(ascii: "-")
        put(zero + UInt8(year / 1000 % 10)); put(zero + UInt8(year / 100 % 10)); put(zero + UInt8(year / 10 % 10)); put(zero + UInt8(year % 10))
        put(dash); put(zero + UInt8(month / 10)); put(zero + UInt8(month % 10))
        put(dash); put(zero + UInt8(day / 10)); put(zero + UInt8(day % 10))
    }
    /// `2025-03-14T00:00:00Z` (RFC 3339, for Atom)
    public var rfc3339: String { iso + "T00:00:00Z" }
    /// `Fri, 14 Mar 2025 00:00:00 +0000` (RFC 822, for RSS)
    public var rfc822: String {
        let mon = String(Day.monthNames[month - 1].prefix(3))
        return "\(Day.weekdayAbbreviations[weekday]), \(Day.pad(day, 2)) \(mon) \(Day.pad(year, 4)) 00:00:00 +0000"
    }
    /// `14 March 2025`
    public var long: String { "\(day) \(Day.monthNames[month - 1]) \(year)" }
    /// `March 2025`
    public var monthAndYear: String { "\(Day.monthNames[month - 1]) \(year)" }

    /// The day as far as a source gives it: `14 March 2025`, `March 2025`
    /// or `2025` (see `DatePrecision`).
    public func long(_ precision: DatePrecision) -> String {
        switch precision {
        case .day: long
        case .month: monthAndYear
        case .year: String(year)
        }
    }

    /// `2025-03-14`, `2025-03` or `2025`: ISO 8601 as far as known (valid
    /// in HTML's `<time datetime>` and schema.org dates).
    public func iso(_ precision: DatePrecision) -> String {
        switch precision {
        case .day: iso
        case .month: String(iso.prefix(7))
        case .year: String(iso.prefix(4))
        }
    }

    public var description: String { iso }

    public static func < (a: Day, b: Day) -> Bool { a.packed < b.packed }

    /// Month number for an English month name or its abbreviation (`Mar`, `March`, `Sept`).
    public static func month(named name: String) -> Int? {
        var n = Substring(name.lowercased())
        while n.first == "." { n.removeFirst() }
        while n.last == "." { n.removeLast() }
        guard n.count >= 3 else { return nil }
        for (i, f) in lowercasedMonthNames.enumerated() {
            if f == n || (f.hasPrefix(n) && (n.count == 3 || n == "sept")) { return i + 1 }
        }
        return nil
    }

    private static let lowercasedMonthNames = monthNames.map { $0.lowercased() }
}

/// How much of a date its source gives: a bibliography entry often has a
/// year alone, or a year and a month. The record's `Day` fills the rest
/// with the first month or day (for sorting and feeds); pages show only
/// what is known.
public enum DatePrecision: UInt8, Sendable, Hashable {
    case day, month, year
}
