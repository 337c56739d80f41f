import Foundation

/// A place in a source file, for messages. `file` is relative to the site
/// folder; `line` and `column` start at 1 (0 means unknown).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int = 0, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        var text = file
        if line > 0 {
            text += ":\(line)"
            if column > 0 { text += ":\(column)" }
        }
        return text
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// One problem found while building, printed like a compiler message:
/// `content/papers/x.md:4:7: error: 'date' is not a date`.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
        /// Said once for the reader's information; never fails a build, even with `--strict`.
        case note
    }

    /// What became of the record a problem is about. Records from other
    /// tools (BibTeX, listings, arXiv, CSL-JSON, RIS) are repaired when the
    /// intent is clear, else skipped: the build goes on and its summary
    /// counts them. `record` is where the record starts, so that several
    /// repairs to one record count it once.
    public enum Outcome: Sendable, Hashable {
        case repaired(record: SourceLocation)
        case skipped(record: SourceLocation)
        /// Further records skipped for the same reason, summed up in one message.
        case skippedMore(count: Int)
    }

    public var severity: Severity
    public var location: SourceLocation?
    public var message: String
    public var outcome: Outcome?

    public init(_ severity: Severity, _ message: String, at location: SourceLocation?, outcome: Outcome? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
        self.outcome = outcome
    }

    public static func error(_ message: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.error, message, at: location)
    }

    public static func warning(_ message: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.warning, message, at: location)
    }

    public static func note(_ message: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.note, message, at: location)
    }

    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        return "\(prefix)\(severity.rawValue): \(message)"
    }
}

/// A stage that cannot go on: carries every error found so far
/// (and the warnings, so they are printed too).
public struct BuildFailure: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

/// Collects diagnostics in a stage; sorted by location when reported so
/// the order does not depend on threads.
public struct DiagnosticLog: Sendable {
    public private(set) var items: [Diagnostic] = []

    public init() {}

    public mutating func append(_ d: Diagnostic) { items.append(d) }
    public mutating func append(contentsOf ds: [Diagnostic]) { items.append(contentsOf: ds) }
    public mutating func error(_ message: String, at location: SourceLocation?) { items.append(.error(message, at: location)) }
    public mutating func warning(_ message: String, at location: SourceLocation?) { items.append(.warning(message, at: location)) }
    public mutating func note(_ message: String, at location: SourceLocation?) { items.append(.note(message, at: location)) }
    /// A record from another tool was mended (`location`: where the problem is; `record`: where the record starts).
    public mutating func repaired(_ message: String, at location: SourceLocation, record: SourceLocation) {
        items.append(Diagnostic(.warning, message, at: location, outcome: .repaired(record: record)))
    }
    /// A record from another tool could not be used; the rest of its file is read on.
    public mutating func skipped(_ message: String, at location: SourceLocation, record: SourceLocation? = nil) {
        items.append(Diagnostic(.warning, message, at: location, outcome: .skipped(record: record ?? location)))
    }

    public var hasErrors: Bool { items.contains { $0.severity == .error } }

    /// Diagnostics ordered by file, line, column, then message.
    public var sorted: [Diagnostic] {
        items.sorted { a, b in
            let la = a.location ?? SourceLocation(file: ""), lb = b.location ?? SourceLocation(file: "")
            if la != lb { return la < lb }
            return a.message < b.message
        }
    }
}

/// How many records were skipped and how many repaired, as a build's
/// summary line and `check` give them.
public struct RecordTally: Sendable, Equatable {
    public var skipped: Int
    public var repaired: Int

    public init(skipped: Int = 0, repaired: Int = 0) {
        self.skipped = skipped
        self.repaired = repaired
    }

    /// Counts records, not messages: a record repaired twice counts once,
    /// and a record that was repaired and then skipped counts as skipped.
    public init(_ diagnostics: [Diagnostic]) {
        var skipped = Set<SourceLocation>(), repaired = Set<SourceLocation>(), more = 0
        for d in diagnostics {
            switch d.outcome {
            case .skipped(let record)?: skipped.insert(record)
            case .repaired(let record)?: repaired.insert(record)
            case .skippedMore(let count)?: more += count
            case nil: continue
            }
        }
        self.skipped = skipped.count + more
        self.repaired = repaired.subtracting(skipped).count
    }
}

extension Array where Element == Diagnostic {
    /// The same problems with every warning made an error (`--strict`, for CI).
    public func strict() -> [Diagnostic] {
        map { d in
            var d = d
            if d.severity == .warning { d.severity = .error }
            return d
        }
    }
}

/// Collects errors from parallel workers.
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var failures: [BuildFailure] = []

    func add(_ failure: BuildFailure) { lock.withLock { failures.append(failure) } }

    var sorted: [BuildFailure] {
        lock.withLock { failures.sorted { $0.description < $1.description } }
    }
}
