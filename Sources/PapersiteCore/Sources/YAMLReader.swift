import Yams

/// Parses YAML with Yams and reads typed fields from a mapping, turning
/// every problem into a diagnostic at the right place in the file (Yams
/// counts lines from the start of the YAML text, so the front matter's
/// offset is added here).
struct YAMLReader {
    let file: String
    /// File line of the YAML's first line.
    let firstLine: Int

    func location(_ mark: Mark?) -> SourceLocation {
        guard let mark else { return SourceLocation(file: file, line: firstLine, column: 1) }
        return SourceLocation(file: file, line: firstLine + mark.line - 1, column: mark.column)
    }

    func location(_ node: Node) -> SourceLocation { location(node.mark) }

    /// The document's root node (nil for an empty document).
    func parse(_ yaml: String) throws(Diagnostic) -> Node? {
        if let (line, column) = YAMLGuard.firstAnchorOrAlias(in: yaml) {
            throw Diagnostic.error("YAML anchors and aliases (&name, *name) are not accepted here; if this is text, put the value in quotes", at: SourceLocation(file: file, line: firstLine + line - 1, column: column))
        }
        do {
            return try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw diagnostic(for: error, yaml: yaml)
        } catch {
            throw Diagnostic.error("YAML: \(error)", at: location(nil))
        }
    }

    private func diagnostic(for error: YamlError, yaml: String) -> Diagnostic {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            // Point at where the unfinished construct began (an opening quote
            // or bracket), and say where the problem showed.
            guard let context else { return .error("YAML syntax error: \(problem)", at: location(mark)) }
            let found = location(mark)
            return .error("YAML syntax error: \(problem) (\(context.text) that starts here; the problem shows at line \(found.line), column \(found.column))", at: location(context.mark))
        case let .duplicatedKeysInMapping(duplicates, context):
            // The author most likely just typed the second one: point there, and name the first.
            let first = location(context.mark)
            if duplicates.count == 1, let again = Self.repeatedKey(duplicates[0], after: context.mark, in: yaml) {
                return .error("the key '\(duplicates[0])' is given again; a key is given once (the first is at line \(first.line), column \(first.column))",
                              at: SourceLocation(file: file, line: firstLine + again.line - 1, column: again.column))
            }
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return .error("the key \(keys) appears more than once in the same mapping (first here)", at: first)
        case let .reader(problem, _, _, _):
            return .error("YAML: \(problem)", at: location(nil))
        default:
            return .error("YAML: \(error)", at: location(nil))
        }
    }

    /// Where a block mapping's key that Yams found at `first` is given
    /// again: the next line at the same indentation that starts with the key.
    /// (Yams names only the first occurrence of a repeated key.) Nil when
    /// the key is not found so, as in a flow mapping `{a: 1, a: 2}`.
    static func repeatedKey(_ key: String, after first: Mark, in yaml: String) -> (line: Int, column: Int)? {
        let indent = String(repeating: " ", count: first.column - 1)
        let forms = [key, "\"\(key)\"", "'\(key)'"]
        for (index, line) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index + 1 > first.line {
            guard line.hasPrefix(indent) else { continue }
            let rest = line.dropFirst(indent.count)
            for form in forms where rest.hasPrefix(form) {
                let after = rest.dropFirst(form.count).drop { $0 == " " || $0 == "\t" }
                if after.hasPrefix(":") && (after.count == 1 || after.dropFirst().first!.isWhitespace) { return (index + 1, first.column) }
            }
        }
        return nil
    }

    /// The root as a mapping of string keys; an empty document is an empty mapping.
    func mapping(_ root: Node?, what: String) throws(Diagnostic) -> Fields {
        guard let root else { return Fields(reader: self, pairs: [], mark: nil) }
        if case .scalar = root, root.null != nil {
            return Fields(reader: self, pairs: [], mark: root.mark)
        }
        guard case .mapping(let m) = root else {
            throw Diagnostic.error("\(what) must be a mapping of 'key: value' lines", at: location(root))
        }
        return try Fields(reader: self, mapping: m, mark: root.mark)
    }

    /// The keys and values of one YAML mapping, read one field at a time.
    struct Fields {
        let reader: YAMLReader
        let pairs: [(key: String, keyNode: Node, value: Node)]
        let mark: Mark?

        init(reader: YAMLReader, pairs: [(key: String, keyNode: Node, value: Node)], mark: Mark?) {
            self.reader = reader
            self.pairs = pairs
            self.mark = mark
        }

        init(reader: YAMLReader, mapping: Node.Mapping, mark: Mark?) throws(Diagnostic) {
            var pairs: [(key: String, keyNode: Node, value: Node)] = []
            for (k, v) in mapping {
                guard case .scalar(let s) = k else {
                    throw Diagnostic.error("keys must be plain words", at: reader.location(k))
                }
                pairs.append((s.string, k, v))
            }
            self.init(reader: reader, pairs: pairs, mark: mark)
        }

        var keys: [String] { pairs.map(\.key) }

        func node(_ key: String) -> Node? {
            guard let v = pairs.first(where: { $0.key == key })?.value else { return nil }
            if case .scalar = v, v.null != nil { return nil }
            return v
        }

        func location(of key: String) -> SourceLocation {
            if let v = pairs.first(where: { $0.key == key }) { return reader.location(v.value) }
            return reader.location(mark)
        }

        /// Reports keys not in `known`, with a suggestion for near misses.
        func checkKeys(_ known: [String], in what: String, log: inout DiagnosticLog) {
            for pair in pairs where !known.contains(pair.key) {
                var message = "unknown key '\(pair.key)' in \(what)"
                if let guess = Suggestion.closest(to: pair.key, in: known) {
                    message += "; did you mean '\(guess)'?"
                } else {
                    message += " (known keys: \(known.joined(separator: ", ")))"
                }
                log.error(message, at: reader.location(pair.keyNode))
            }
        }

        func string(_ key: String, log: inout DiagnosticLog) -> String? {
            guard let v = node(key) else { return nil }
            guard case .scalar(let s) = v else {
                log.error("'\(key)' must be text, not a \(kind(v))", at: reader.location(v))
                return nil
            }
            return s.string
        }

        func bool(_ key: String, log: inout DiagnosticLog) -> Bool? {
            guard let v = node(key) else { return nil }
            guard case .scalar = v, let b = v.bool else {
                log.error("'\(key)' must be true or false", at: reader.location(v))
                return nil
            }
            return b
        }

        func int(_ key: String, in range: ClosedRange<Int>, log: inout DiagnosticLog) -> Int? {
            guard let v = node(key) else { return nil }
            guard case .scalar = v, let n = v.int else {
                log.error("'\(key)' must be a whole number", at: reader.location(v))
                return nil
            }
            guard range.contains(n) else {
                log.error("'\(key)' must be between \(range.lowerBound) and \(range.upperBound)", at: reader.location(v))
                return nil
            }
            return n
        }

        func day(_ key: String, log: inout DiagnosticLog) -> Day? {
            guard let v = node(key) else { return nil }
            guard case .scalar(let s) = v else {
                log.error("'\(key)' must be a date (YYYY-MM-DD)", at: reader.location(v))
                return nil
            }
            guard let day = Day(iso: s.string) else {
                let looksLikeDate = s.string.range(of: #"^\d{4}-\d{2}-\d{2}"#, options: .regularExpression) != nil
                log.error(looksLikeDate ? "'\(key)' is not a real day: \(s.string)" : "'\(key)' is not a date (expected YYYY-MM-DD): \(s.string)", at: reader.location(v))
                return nil
            }
            return day
        }

        /// A list of texts. A single text is refused, so that `tags: a, b`
        /// is not silently read as one tag called "a, b".
        func stringList(_ key: String, log: inout DiagnosticLog) -> [String]? {
            guard let v = node(key) else { return nil }
            guard case .sequence(let seq) = v else {
                log.error("'\(key)' must be a list, such as [a, b] or lines starting with '- '", at: reader.location(v))
                return nil
            }
            var items: [String] = []
            for item in seq {
                guard case .scalar(let s) = item else {
                    log.error("each item of '\(key)' must be text, not a \(kind(item))", at: reader.location(item))
                    return nil
                }
                items.append(s.string)
            }
            return items
        }

        func mapping(_ key: String, log: inout DiagnosticLog) -> Fields? {
            guard let v = node(key) else { return nil }
            guard case .mapping(let m) = v else {
                log.error("'\(key)' must be a mapping of 'key: value' lines", at: reader.location(v))
                return nil
            }
            do {
                return try Fields(reader: reader, mapping: m, mark: v.mark)
            } catch {
                log.append(error)
                return nil
            }
        }

        func sequence(_ key: String, log: inout DiagnosticLog) -> [Node]? {
            guard let v = node(key) else { return nil }
            guard case .sequence(let seq) = v else {
                log.error("'\(key)' must be a list", at: reader.location(v))
                return nil
            }
            return Array(seq)
        }

        private func kind(_ node: Node) -> String {
            switch node {
            case .scalar: return "text"
            case .mapping: return "mapping"
            case .sequence: return "list"
            case .alias: return "alias"
            }
        }
    }
}

/// "Did you mean" for misspelt keys.
enum Suggestion {
    static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0)) }.filter { $0.1 <= max(2, word.count / 3) }
        return scored.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count]
    }
}
