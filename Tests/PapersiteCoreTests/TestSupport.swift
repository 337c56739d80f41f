import Foundation
import Testing
@testable import PapersiteCore

/// The repository root (for the default theme and the example site).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let fixturesRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// A site made for one test in a fresh temporary folder: the given files,
/// plus a copy of the default theme unless the test brings its own.
struct TestSite {
    let root: URL

    init(_ files: [String: String], theme: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("papersite-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        if theme {
            try FileManager.default.createDirectory(at: root.appendingPathComponent("Themes"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Themes/default"), to: root.appendingPathComponent("Themes/default"))
        }
        for (path, text) in files { try write(path, text) }
    }

    /// Copies a fixture folder (content/ and anything else) into a new test site.
    init(fixture: String) throws {
        try self.init([:])
        let source = fixturesRoot.appendingPathComponent(fixture)
        // Overlay: the fixture's files replace or add to the default site (theme included).
        for (path, data) in try tree(source) where !path.hasPrefix("expected/") && path != "expected-diagnostics.txt" {
            try write(path, data)
        }
    }

    func write(_ path: String, _ text: String) throws {
        try write(path, Data(text.utf8))
    }

    func write(_ path: String, _ data: Data) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    var output: URL { root.appendingPathComponent("public") }

    /// Changes a file of the site with `change`, which must change it.
    func edit(_ path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation, _ change: (String) -> String) throws {
        let url = root.appendingPathComponent(path)
        let text = try String(contentsOf: url, encoding: .utf8)
        let changed = change(text)
        #expect(changed != text, "the edit of \(path) changes it", sourceLocation: sourceLocation)
        try changed.write(to: url, atomically: false, encoding: .utf8)
    }

    @discardableResult
    func build(baseURL: String? = nil, drafts: Bool = false, output: URL? = nil, clean: Bool = false) throws(BuildFailure) -> BuildSummary {
        var options = BuildOptions(siteRoot: root, output: output ?? self.output, baseURL: baseURL, includeDrafts: drafts)
        options.clean = clean
        return try SiteBuilder(options: options).build()
    }

    /// The diagnostics of a build that must fail, as printed.
    func failingBuild() -> [String] {
        do {
            try build()
            Issue.record("the build was expected to fail")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: output.appendingPathComponent(path), encoding: .utf8)
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: output.appendingPathComponent(path).path)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// All files under a folder with their bytes, keyed by relative path.
func tree(_ folder: URL) throws -> [String: Data] {
    var result: [String: Data] = [:]
    guard let e = FileManager.default.enumerator(atPath: folder.path) else { return result }
    while let item = e.nextObject() as? String {
        var isDir: ObjCBool = false
        let url = folder.appendingPathComponent(item)
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue {
            result[item] = try Data(contentsOf: url)
        }
    }
    return result
}

/// A paper file with front matter.
func paperFile(_ front: String, body: String = "An abstract.\n") -> String {
    "---\n\(front)\n---\n\(body)"
}

/// Compares the output with a build of the same sources, with no cache, into an empty folder.
func expectSameAsCleanBuild(_ site: TestSite, _ step: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let clean = FileManager.default.temporaryDirectory.appendingPathComponent("papersite-clean-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: clean) }
    var options = BuildOptions(siteRoot: site.root, output: clean.appendingPathComponent("public"))
    options.useCache = false
    try SiteBuilder(options: options).build()
    let rebuilt = try tree(site.output), fresh = try tree(clean.appendingPathComponent("public"))
    #expect(rebuilt.keys.sorted() == fresh.keys.sorted(), "after \(step): the same files", sourceLocation: sourceLocation)
    var differing: [String] = []
    for (path, data) in fresh where rebuilt[path] != data { differing.append(path) }
    #expect(differing.isEmpty, "after \(step): \(differing.sorted().prefix(8)) differ from a clean build", sourceLocation: sourceLocation)
}

/// A record's hash made from its fields, as `RecordCodec.hash` makes it
/// for a record that has none stored.
func encodedRecordHash(_ paper: Paper) -> UInt64 {
    var w = ByteWriter()
    RecordCodec.write(paper, to: &w)
    return w.bytes.withUnsafeBytes { ContentHash.of($0) }
}
