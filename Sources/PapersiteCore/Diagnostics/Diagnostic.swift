/// A place in a source file, for messages. `file` is relative to the site
/// folder; `line` and `column` start at 1 (0 means unknown).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
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
    }

    public var severity: Severity
    public var location: SourceLocation?
    public var message: String

    public init(_ severity: Severity, _ message: String, at location: SourceLocation?) {
        self.severity = severity
        self.message = message
        self.location = location
    }

    public static func error(_ message: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.error, message, at: location)
    }

    public static func warning(_ message: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.warning, message, at: location)
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
