import Foundation
import Testing
@testable import PapersiteCore

/// A build whose inputs are all as the last build into the same folder
/// found them does nothing and says what that build said; any change to an
/// input, a setting or an option makes it build, and the output is then the
/// clean build's.
@Suite struct UnchangedBuildTests {
    final class Stages: @unchecked Sendable {
        private let lock = NSLock()
        private var names: [String] = []
        func add(_ name: String) { lock.withLock { names.append(name) } }
        var all: [String] { lock.withLock { names } }
    }

    /// A build, with the names of the stages it ran.
    func build(_ site: TestSite, output: URL? = nil, baseURL: String? = nil, drafts: Bool = false,
               strict: Bool = false, clean: Bool = false) throws(BuildFailure) -> (summary: BuildSummary, stages: [String]) {
        let stages = Stages()
        var options = BuildOptions(siteRoot: site.root, output: output ?? site.output, baseURL: baseURL, includeDrafts: drafts)
        options.strict = strict
        options.clean = clean
        options.stageTimer = { name, _, _ in stages.add(name) }
        let summary = try SiteBuilder(options: options).build()
        return (summary, stages.all)
    }

    let skipped = ["nothing changed since the last build"]

    /// Files changed within the file system's clock tick are not trusted to
    /// keep a stamp: the test waits them out, as a user's next build would.
    func waitOutTheClockTick() { Thread.sleep(forTimeInterval: 2.1) }

    /// A build killed after the last one finished leaves its staging tree
    /// in the cache folder; a build that then finds nothing changed still
    /// removes it (the next build that writes would, and this one may be
    /// the last for a while).
    @Test func aBuildWithNothingChangedRemovesAKilledBuildsStagingTree() throws {
        let site = try TestSite([
            "content/site.yml": "title: Stamps\n",
            "content/papers/a.md": paperFile("title: Focal Modulation\nauthors: [Ada Lovelace]\ndate: 2024-05-01"),
        ])
        defer { site.remove() }
        waitOutTheClockTick()
        _ = try build(site)
        let writer = OutputWriter(output: site.output, siteRoot: site.root)
        let killed = writer.cacheFolder.appendingPathComponent("\(site.output.lastPathComponent).tmp-99999", isDirectory: true)
        try FileManager.default.createDirectory(at: killed.appendingPathComponent("papers"), withIntermediateDirectories: true)
        try "half".write(to: killed.appendingPathComponent("papers/half.html"), atomically: false, encoding: .utf8)
        let again = try build(site)
        #expect(again.stages == skipped)
        #expect(!FileManager.default.fileExists(atPath: killed.path))
    }

    @Test func aBuildWithNothingChangedDoesNothingAndAnyChangeBuilds() throws {
        let site = try TestSite([
            "content/site.yml": "title: Stamps\nbase_url: https://example.org/s/\n",
            "content/papers/a.md": paperFile("title: Focal Modulation\nauthors: [Ada Lovelace]\ndate: 2024-05-01\ntags: [Vision]"),
            "content/papers/b.md": paperFile("title: Depth Estimation\nauthors: [Grace Hopper]\ndate: 2024-05-02\ntags: [Vision]\ndraft: true"),
            // A record repaired with a warning, which every build reports.
            "content/papers/refs.bib": "@article{k, title = {Winter Papers}, author = {Mary Somerville}, year = 1999, month = {Winter}}\n",
        ])
        defer { site.remove() }
        waitOutTheClockTick()
        let full = try build(site)
        #expect(full.stages.count > 3 && full.summary.papers == 2)
        #expect(full.summary.warnings.contains { $0.description.contains("refs.bib:1") })

        // Nothing changed: nothing read, the same summary and warnings, the output as it was.
        let before = try tree(site.output)
        var again = try build(site)
        #expect(again.stages == skipped)
        #expect(again.summary.written == 0 && again.summary.rendered == 0 && again.summary.unchanged == full.summary.files)
        #expect((again.summary.papers, again.summary.tags, again.summary.pages, again.summary.files)
                == (full.summary.papers, full.summary.tags, full.summary.pages, full.summary.files))
        #expect(again.summary.warnings == full.summary.warnings)
        #expect(try tree(site.output) == before)

        // Options are inputs: each builds, and then is done.
        for (baseURL, drafts) in [("https://example.org/other/", false), (nil, true), (nil, false)] {
            again = try build(site, baseURL: baseURL, drafts: drafts)
            #expect(again.stages != skipped, "\(String(describing: baseURL)), drafts \(drafts)")
            #expect(try build(site, baseURL: baseURL, drafts: drafts).stages == skipped)
        }
        #expect(throws: BuildFailure.self) { try build(site, strict: true) }
        #expect(try build(site).stages == skipped)
        // --clean builds, and what it made is as good a last build as any.
        #expect(try build(site, clean: true).stages != skipped)
        #expect(try build(site).stages == skipped)

        // A second output folder has its own last build.
        let second = site.root.appendingPathComponent("public-b")
        #expect(try build(site, output: second).stages != skipped)
        #expect(try build(site, output: second).stages == skipped)
        #expect(try build(site).stages == skipped)

        // Each kind of input: a record's file, a new file, a template, the settings, a removed file.
        let edits: [(String, () throws -> Void)] = [
            ("editing a paper", { try site.edit("content/papers/a.md") { $0.replacingOccurrences(of: "Focal", with: "Local") } }),
            ("adding a static file", { try site.write("content/static/notes.txt", "Notes.\n") }),
            ("editing a template", { try site.edit("Themes/default/templates/paper.mustache") { $0 + "\n" } }),
            ("editing the settings", { try site.edit("content/site.yml") { $0.replacingOccurrences(of: "Stamps", with: "Stamped") } }),
            ("removing a file", { try FileManager.default.removeItem(at: site.root.appendingPathComponent("content/static/notes.txt")) }),
        ]
        for (step, edit) in edits {
            try edit()
            waitOutTheClockTick()
            #expect(try build(site).stages != skipped, "after \(step)")
            try expectSameAsCleanBuild(site, step)
        }
        #expect(try site.read("papers/local-modulation/index.html").contains("Local Modulation"))
        #expect(try site.read("index.html").contains("Stamped"))

        // A file changed just now may change again within the clock tick unseen: not trusted.
        try site.edit("content/papers/a.md") { $0.replacingOccurrences(of: "Local", with: "Global") }
        #expect(try build(site).stages != skipped)
        #expect(try build(site).stages != skipped)
        try expectSameAsCleanBuild(site, "two quick builds")

        // The output folder replaced by hand is not the last build's tree.
        waitOutTheClockTick()
        _ = try build(site)
        try FileManager.default.removeItem(at: site.output)
        #expect(try build(site).stages != skipped)
        try expectSameAsCleanBuild(site, "removing the output folder")
    }

    /// A theme linked from another folder could change there unseen: such a
    /// site always builds.
    @Test func aThemeLinkedFromElsewhereIsAlwaysBuilt() throws {
        let site = try TestSite(["content/site.yml": "title: Linked\nbase_url: https://example.org/l/\n",
                                 "content/papers/a.md": paperFile("title: Focal Modulation\nauthors: [Ada Lovelace]\ndate: 2024-05-01")],
                                theme: false)
        defer { site.remove() }
        let shared = site.root.appendingPathComponent("shared-theme")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Themes/default"), to: shared)
        try FileManager.default.createDirectory(at: site.root.appendingPathComponent("Themes"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: site.root.appendingPathComponent("Themes/default"), withDestinationURL: shared)
        waitOutTheClockTick()
        _ = try build(site)
        let template = shared.appendingPathComponent("templates/paper.mustache")
        try (try String(contentsOf: template, encoding: .utf8) + "<!-- linked -->\n").write(to: template, atomically: false, encoding: .utf8)
        waitOutTheClockTick()
        #expect(try build(site).stages != skipped)
        #expect(try site.read("papers/focal-modulation/index.html").contains("<!-- linked -->"))
    }
}
