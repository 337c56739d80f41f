/// Sizes beyond which a record is refused, so that one pathological record
/// cannot make a build slow or its output huge. Generous for real papers:
/// the longest arXiv titles are a few hundred characters, and the largest
/// collaborations list a few thousand authors.
enum RecordLimits {
    static let titleCharacters = 2_000
    static let authors = 10_000
    static let authorCharacters = 500
    static let tags = 200
    static let tagCharacters = 200

    /// Checks a record's sizes; messages name the limit.
    static func check(title: String, authors: [String], tags: [String], at location: (String) -> SourceLocation, log: inout DiagnosticLog) {
        if title.count > titleCharacters {
            log.error("'title' is \(title.count) characters long; the limit is \(titleCharacters)", at: location("title"))
        }
        if authors.count > Self.authors {
            log.error("the paper has \(authors.count) authors; the limit is \(Self.authors)", at: location("authors"))
        } else if let long = authors.first(where: { $0.count > authorCharacters }) {
            log.error("an author's name is \(long.count) characters long; the limit is \(authorCharacters)", at: location("authors"))
        }
        if tags.count > Self.tags {
            log.error("the paper has \(tags.count) tags; the limit is \(Self.tags)", at: location("tags"))
        } else if let long = tags.first(where: { $0.count > tagCharacters }) {
            log.error("a tag is \(long.count) characters long; the limit is \(tagCharacters)", at: location("tags"))
        }
    }

    /// For records from other tools: whether the record is within the
    /// limits; if not, it is skipped with a warning per limit it passes
    /// (`what`: how the record is named, such as "the entry 'key'").
    /// Tags past the limits are repaired instead: a keyword list that a
    /// tool ran together is not worth the paper.
    static func admits(title: String, authors: [String], tags: inout [String], what: String, at location: SourceLocation, log: inout DiagnosticLog) -> Bool {
        if let long = tags.first(where: { $0.count > tagCharacters }) {
            tags.removeAll { $0.count > tagCharacters }
            log.repaired("a tag of \(what) is \(long.count) characters long; the limit is \(tagCharacters); it is left out", at: location, record: location)
        }
        if tags.count > Self.tags {
            log.repaired("\(what) has \(tags.count) tags; the limit is \(Self.tags); the first \(Self.tags) are kept", at: location, record: location)
            tags.removeLast(tags.count - Self.tags)
        }
        var limits = DiagnosticLog()
        check(title: title, authors: authors, tags: tags, at: { _ in location }, log: &limits)
        for problem in limits.items where problem.severity == .error { log.skipped("\(problem.message); \(what) is skipped", at: location) }
        return !limits.hasErrors
    }
}
