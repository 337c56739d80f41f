/// Fields that entries take from others: BibTeX's `crossref` (an
/// `@inproceedings` takes the `@proceedings` volume's editors, publisher
/// and year) and biblatex's `xdata` (shared fields kept in `@xdata`
/// entries). A field the entry has itself always wins.
///
/// As biber does, the title of a parent that is a whole book, collection,
/// proceedings or periodical becomes the child's `booktitle` (or
/// `journaltitle`), not its title; other parents pass every field on as
/// BibTeX does. Entries are looked up in the same file, case ignored.
enum BibTeXInheritance {
    /// Fields that name or steer one entry only, never inherited (biber's list).
    static let notInherited: Set<String> = [
        "ids", "crossref", "xref", "xdata", "entryset", "entrysubtype", "execute", "label", "options", "presort",
        "related", "relatedoptions", "relatedstring", "relatedtype", "shorthand", "shorthandintro", "sortkey",
    ]

    /// Where a container's title goes in the entries it contains.
    static func titleField(ofChildOf parentType: String) -> String? {
        switch parentType {
        case "book", "mvbook", "collection", "mvcollection", "reference", "mvreference", "proceedings", "mvproceedings":
            return "booktitle"
        case "periodical":
            return "journaltitle"
        default:
            return nil
        }
    }

    static func resolve(_ entries: [BibTeXParser.Entry], file: String, log: inout DiagnosticLog) -> [BibTeXParser.Entry] {
        guard entries.contains(where: { $0.field("crossref") != nil || $0.field("xdata") != nil }) else { return entries }
        var byKey: [String: Int] = [:]
        for (i, entry) in entries.enumerated() where byKey[entry.key.lowercased()] == nil { byKey[entry.key.lowercased()] = i }
        var resolved = entries
        var done = Set<Int>()

        // Depth first, so that a parent has its own inheritance before it passes it on.
        func resolve(_ i: Int, path: Set<Int>) {
            guard !done.contains(i) else { return }
            var entry = resolved[i]
            let location = SourceLocation(file: file, line: entry.line, column: entry.column)
            var sources: [(key: String, isCrossref: Bool)] = []
            if let xdata = entry.field("xdata") {
                sources += xdata.split(separator: ",").map { (String($0).trimmingCharacters(in: .whitespacesAndNewlines), false) }
            }
            if let crossref = entry.field("crossref") {
                sources.append((crossref.trimmingCharacters(in: .whitespacesAndNewlines), true))
            }
            for source in sources where !source.key.isEmpty {
                let what = source.isCrossref ? "crossref" : "xdata"
                guard let p = byKey[source.key.lowercased()] else {
                    log.warning("the \(what) '\(source.key)' of '\(entry.key)' is not in this file; nothing is inherited from it", at: location)
                    continue
                }
                guard !path.contains(p), p != i else {
                    log.warning("the \(what) '\(source.key)' of '\(entry.key)' leads back to it; nothing is inherited from it", at: location)
                    continue
                }
                resolve(p, path: path.union([i]))
                let parent = resolved[p]
                let containerTitle = source.isCrossref ? titleField(ofChildOf: parent.type) : nil
                for (name, value) in parent.fields where !notInherited.contains(name) {
                    var target = name
                    if let containerTitle, name == "title" { target = containerTitle }
                    if containerTitle != nil, name == "subtitle" { target = "book" + name }
                    if entry.field(target) == nil { entry.fields.append((target, value)) }
                }
            }
            resolved[i] = entry
            done.insert(i)
        }
        for i in resolved.indices { resolve(i, path: []) }
        return resolved
    }
}
