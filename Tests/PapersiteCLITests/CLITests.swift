import Foundation
import Testing

/// Runs the built `papersite` binary the way a user does.
struct CLI {
    /// The binary beside the test runner (`swift test` builds it first,
    /// because this test target depends on the executable target).
    static let binary: URL = {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("papersite")
    }()

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("papersite-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A copy of the example site (content/ and Themes/) to break safely.
    static func copyOfExampleSite() throws -> URL {
        let root = try temporaryFolder()
        for item in ["content", "Themes"] {
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(item), to: root.appendingPathComponent(item))
        }
        return root
    }
}

func files(under folder: URL) throws -> [String: Data] {
    var result: [String: Data] = [:]
    let e = FileManager.default.enumerator(atPath: folder.path)
    while let item = e?.nextObject() as? String {
        var isDir: ObjCBool = false
        let url = folder.appendingPathComponent(item)
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue {
            result[item] = try Data(contentsOf: url)
        }
    }
    return result
}

@Suite(.serialized) struct CLITests {
    @Test func helpAndVersion() throws {
        let version = try CLI.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression) != nil)
        let help = try CLI.run(["build", "--help"])
        #expect(help.status == 0)
        for option in ["--site", "--output", "--base-url", "--drafts"] { #expect(help.stdout.contains(option)) }
        let bad = try CLI.run(["build", "--no-such-option"])
        #expect(bad.status != 0)
    }

    @Test func buildsTheExampleSite() throws {
        let out = try CLI.temporaryFolder().appendingPathComponent("public")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let result = try CLI.run(["build", "--site", CLI.repositoryRoot.path, "--output", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(summary.range(of: #"^Built 97 papers, \d+ tags, \d+ pages \(files: \d+ written, 0 unchanged; \d+ rendered\) in \d+\.\d s$"#, options: .regularExpression) != nil, "\(summary)")
        let again = try CLI.run(["build", "--site", CLI.repositoryRoot.path, "--output", out.path])
        #expect(again.stdout.range(of: #"^Built 97 papers, \d+ tags, \d+ pages \(files: 0 written, \d+ unchanged; \d+ rendered\) in \d+\.\d s$"#, options: .regularExpression) != nil, "\(again.stdout)")
        #expect(result.stderr == "")

        let papers = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("papers").path)
        #expect(papers.count == 97)
        for file in ["index.html", "404.html", "feed.xml", "atom.xml", "sitemap.xml", "robots.txt", "tags/index.html", "about/index.html", "css/site.css"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
        }

        // The example site's tags: every paper has one, none holds most papers, 15+ have two or more.
        let tags = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("tags").path).filter { $0 != "index.html" }
        var sizes: [String: Int] = [:]
        for tag in tags {
            let atom = try String(contentsOf: out.appendingPathComponent("tags/\(tag)/atom.xml"), encoding: .utf8)
            #expect(atom.contains("<feed"))
            let page = try String(contentsOf: out.appendingPathComponent("tags/\(tag)/index.html"), encoding: .utf8)
            let count = page.firstMatch(of: /<p class="lede">(\d+) paper/).map { Int($0.1)! } ?? 0
            sizes[tag] = count
        }
        #expect(sizes.values.filter { $0 >= 2 }.count >= 15)
        #expect(sizes.values.allSatisfy { $0 < 97 / 2 })
        for paper in papers {
            let html = try String(contentsOf: out.appendingPathComponent("papers/\(paper)/index.html"), encoding: .utf8)
            #expect(html.contains("class=\"tag\""), "\(paper) has no tag")
        }
        let diffusionPapers = try String(contentsOf: out.appendingPathComponent("tags/diffusion-models/index.html"), encoding: .utf8)
        #expect(diffusionPapers.contains("DreamMat"))

        // What machines read: citation tags, JSON-LD, Open Graph, BibTeX, JSON Feed.
        let page = try String(contentsOf: out.appendingPathComponent("papers/\(papers.sorted()[0])/index.html"), encoding: .utf8)
        for tag in ["<meta name=\"citation_title\"", "<meta name=\"citation_publication_date\" content=\"2025/03/14\">",
                    "<meta property=\"og:title\"", "<h2 id=\"cite-heading\">Cite</h2>"] {
            #expect(page.contains(tag), "\(tag)")
        }
        let jsonLD = try #require(page.components(separatedBy: "<script type=\"application/ld+json\">").dropFirst().first?.components(separatedBy: "</script>").first)
        let article = try #require(try JSONSerialization.jsonObject(with: Data(jsonLD.utf8)) as? [String: Any])
        #expect(article["@type"] as? String == "ScholarlyArticle")
        #expect(article["datePublished"] as? String == "2025-03-14")
        let feed = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("feed.json"))) as? [String: Any])
        #expect((feed["items"] as? [[String: Any]])?.count == 97)
        let bib = try String(contentsOf: out.appendingPathComponent("papers.bib"), encoding: .utf8)
        #expect(bib.components(separatedBy: "\n@misc{").count - 1 == 97)
    }

    @Test func outputIsByteIdenticalAcrossBuilds() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a"), b = folder.appendingPathComponent("b")
        #expect(try CLI.run(["build", "--site", CLI.repositoryRoot.path, "--output", a.path]).status == 0)
        #expect(try CLI.run(["build", "--site", CLI.repositoryRoot.path, "--output", b.path]).status == 0)
        #expect(try files(under: a) == files(under: b))
    }

    @Test func brokenFrontMatterFailsAndKeepsThePreviousSite() throws {
        let site = try CLI.copyOfExampleSite()
        defer { try? FileManager.default.removeItem(at: site) }
        let first = try CLI.run(["build"], in: site)
        #expect(first.status == 0, "\(first.stderr)")
        let before = try files(under: site.appendingPathComponent("public"))

        try "---\ntitle: A paper\ndate: 2025-01-01\ntags: [a, b\n---\nBody\n".write(to: site.appendingPathComponent("content/papers/x.md"), atomically: true, encoding: .utf8)
        try "---\ntitle: Another\ndate: 2025-02-30\n---\nBody\n".write(to: site.appendingPathComponent("content/papers/y.md"), atomically: true, encoding: .utf8)
        let broken = try CLI.run(["build"], in: site)
        #expect(broken.status == 1)
        #expect(broken.stdout == "")
        #expect(broken.stderr == """
            content/papers/x.md:4:7: error: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence that starts here; the problem shows at line 5, column 1)
            content/papers/y.md:3:7: error: 'date' is not a real day: 2025-02-30
            papersite: build failed with 2 errors; the output folder was not changed

            """)
        #expect(try files(under: site.appendingPathComponent("public")) == before)
    }

    /// A broken record among a bibliography's many warnings: the error
    /// comes first, and the warnings are cut short as in a good build.
    @Test func anErrorIsNotLostAmongWarnings() throws {
        let site = try CLI.copyOfExampleSite()
        defer { try? FileManager.default.removeItem(at: site) }
        let undated = (1...40).map { "@book{b\($0), title = {Book \($0)}}\n" }.joined()
        try undated.write(to: site.appendingPathComponent("content/papers/old.bib"), atomically: true, encoding: .utf8)
        try "---\ntitle: Another\ndate: 2025-02-30\n---\nBody\n".write(to: site.appendingPathComponent("content/papers/y.md"), atomically: true, encoding: .utf8)
        let broken = try CLI.run(["build"], in: site)
        #expect(broken.status == 1)
        let lines = broken.stderr.split(separator: "\n")
        #expect(lines.first == "content/papers/y.md:3:7: error: 'date' is not a real day: 2025-02-30")
        #expect(lines.count == 1 + 20 + 2)
        #expect(lines.dropLast().last == "papersite: 20 more warnings (--verbose prints them all)")
    }

    @Test func refusesToReplaceAFolderItDidNotMake() throws {
        let site = try CLI.copyOfExampleSite()
        defer { try? FileManager.default.removeItem(at: site) }
        let mine = site.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try "keep me".write(to: mine.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["build", "--output", "mine"], in: site)
        #expect(result.status == 1)
        #expect(result.stderr.contains("is not empty and was not made by papersite"))
        #expect(try String(contentsOf: mine.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep me")
    }

    @Test func warningsArePrintedAndTheBuildSucceeds() throws {
        let site = try CLI.copyOfExampleSite()
        defer { try? FileManager.default.removeItem(at: site) }
        try "x".write(to: site.appendingPathComponent("content/papers/readme.rtf"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["build", "--site", site.path, "--base-url", "https://other.example/"], in: site.deletingLastPathComponent())
        #expect(result.status == 0)
        #expect(result.stderr == "content/papers/readme.rtf: warning: ignored: not a paper format papersite reads (.md, .txt, .bib, .xml, .jsonl, .json, .ris)\n")
        let feed = try String(contentsOf: site.appendingPathComponent("public/feed.xml"), encoding: .utf8)
        #expect(feed.contains("<link>https://other.example/</link>"))
    }
}

/// A build killed with SIGKILL at any moment leaves the previous site
/// exactly as it was when it changes much of the site (the new tree is
/// swapped in whole); when it changes a few files (moved into the live
/// folder one by one), every file is whole, the old one or the new one.
/// Either way the next build gives the new site.
@Suite(.serialized) struct KillTests {
    @Test(.timeLimit(.minutes(5))) func killedBuildsLeaveThePreviousSite() throws {
        let site = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: site) }
        try FileManager.default.copyItem(at: CLI.repositoryRoot.appendingPathComponent("Themes"), to: site.appendingPathComponent("Themes"))
        let papers = site.appendingPathComponent("content/papers")
        try FileManager.default.createDirectory(at: papers, withIntermediateDirectories: true)
        let body = String(repeating: "Words of an abstract that goes on for a while. ", count: 40)
        for i in 0..<3_000 {
            try "---\ntitle: Paper number \(i)\ndate: 2024-01-\(10 + i % 19)\ntags: [t\(i % 40)]\n---\n\(body)\n"
                .write(to: papers.appendingPathComponent("p\(i).md"), atomically: false, encoding: .utf8)
        }
        let started = Date()
        let first = try CLI.run(["build", "--site", site.path, "--clean"])
        let firstBuildTime = Date().timeIntervalSince(started)
        #expect(first.status == 0, "\(first.stderr)")
        let output = site.appendingPathComponent("public")

        /// Kills builds of the changed input at moments spread over a whole
        /// build; `whole`: the output must be the old site or the new one.
        func killBuilds(_ change: String, whole: Bool) throws {
            let before = try files(under: output)
            #expect(before.count > 3_000)
            // What a finished build of the changed input gives (the output folder does not change the bytes).
            let elsewhere = site.appendingPathComponent("after")
            try? FileManager.default.removeItem(at: elsewhere)
            let started = Date()
            #expect(try CLI.run(["build", "--site", site.path, "--output", elsewhere.path, "--clean"]).status == 0)
            // The shorter of two whole builds: one timed while the disk was
            // busy (another program deleting a large folder) put every kill
            // after the build's end.
            let buildTime = min(firstBuildTime, Date().timeIntervalSince(started))
            let after = try files(under: elsewhere)
            #expect(after != before)
            var killedWhileRunning = 0
            var killedBeforeTheEnd = 0
            for fraction in [0.02, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] {
                let delay = buildTime * fraction
                let process = Process()
                process.executableURL = CLI.binary
                // --clean: the whole build, not an incremental one that finishes at once.
                process.arguments = ["build", "--site", site.path, "--clean"]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                Thread.sleep(forTimeInterval: delay)
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    killedWhileRunning += 1
                }
                process.waitUntilExit()
                let now = try files(under: output)
                if whole {
                    // Killed before the swap: the old site, whole. Killed after it (while
                    // the old tree is being deleted): the new site, whole. Never a mix.
                    #expect(now == before || now == after, "\(change): a kill at \(delay) s left a site that is neither the old nor the new one")
                } else {
                    let torn = now.filter { $0.value != before[$0.key] && $0.value != after[$0.key] }.keys
                    #expect(torn.isEmpty, "\(change): a kill at \(delay) s left files that are neither old nor new: \(torn.sorted().prefix(3))")
                }
                if process.terminationReason == .uncaughtSignal && now == before { killedBeforeTheEnd += 1 }
            }
            #expect(killedWhileRunning >= 5, "the build was too quick to be killed mid-way; make the site larger")
            #expect(killedBeforeTheEnd >= 3, "too few kills landed before the end to prove anything")
            // The next build succeeds and gives the new site.
            #expect(try CLI.run(["build", "--site", site.path]).status == 0)
            #expect(try files(under: output) == after, "\(change): the build after the kills gives the new site")
        }

        // Every page changes: swapped in whole.
        try "title: Killed builds\n".write(to: site.appendingPathComponent("content/site.yml"), atomically: false, encoding: .utf8)
        try killBuilds("a new site title", whole: true)
        // A paper added: a few hundred files, moved into place.
        try "---\ntitle: A new paper\ndate: 2025-01-01\n---\nNew.\n".write(to: papers.appendingPathComponent("new.md"), atomically: false, encoding: .utf8)
        try killBuilds("a paper added", whole: false)
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("papers/a-new-paper/index.html").path))

        // No staging folders are left behind.
        let cache = site.appendingPathComponent(".papersite-cache")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: site.path).filter { $0.contains("tmp") }
            + FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.contains("tmp") }
        #expect(leftovers == [])
    }
}

@Suite struct CheckCommandTests {
    @Test func brokenLinkAndDuplicateKeyExitWithOne() throws {
        let root = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(at: CLI.repositoryRoot.appendingPathComponent("Tests/PapersiteCoreTests/Fixtures/check-site/content"), to: root.appendingPathComponent("content"))
        try FileManager.default.copyItem(at: CLI.repositoryRoot.appendingPathComponent("Themes"), to: root.appendingPathComponent("Themes"))
        let text = try CLI.run(["check", "--site", root.path])
        #expect(text.status == 1)
        #expect(text.stderr.contains("content/papers/good.md:13:24: error: the link '/lab/papers/no-such-paper/' leads to no page of the site"))
        #expect(text.stderr.contains("content/papers/refs.bib:10:1: warning: the BibTeX key 'smith2024' is already used by the entry at content/papers/refs.bib:1:1; this entry is skipped"))
        #expect(text.stdout.contains("(1 skipped, 0 repaired)"))
        #expect(text.stdout.contains("6 errors, 2 warnings"))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("public").path))

        let json = try CLI.run(["check", "--site", root.path, "--format", "json"])
        #expect(json.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["errors"] as? Int == 6)
        let diagnostics = object?["diagnostics"] as? [[String: Any]] ?? []
        #expect(diagnostics.contains { $0["file"] as? String == "content/papers/refs.bib" && $0["line"] as? Int == 10 && $0["severity"] as? String == "warning" })

        // --strict: every warning is an error.
        let strict = try CLI.run(["check", "--site", root.path, "--strict"])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("8 errors, 0 warnings"))
        #expect(strict.stderr.contains("content/papers/refs.bib:10:1: error: the BibTeX key 'smith2024' is already used"))
    }

    @Test func exampleSitePasses() throws {
        let result = try CLI.run(["check", "--site", CLI.repositoryRoot.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(" 0 errors"))
    }
}

@Suite struct TagsSuggestCommandTests {
    @Test func printsRulesForTheExampleSite() throws {
        let result = try CLI.run(["tags", "suggest", "--site", CLI.repositoryRoot.path, "--limit", "5"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("# 5 suggested tag rules for 97 papers"))
        #expect(result.stdout.components(separatedBy: "\n  - tag: ").count == 6)
    }

    @Test func aBrokenRecordStopsIt() throws {
        let root = try CLI.copyOfExampleSite()
        defer { try? FileManager.default.removeItem(at: root) }
        try "---\ntitle: Broken\ndate: 2024-13-01\n---\n".write(to: root.appendingPathComponent("content/papers/broken.md"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["tags", "suggest", "--site", root.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("content/papers/broken.md:3:7: error:"))
    }
}

@Suite struct BuildProgressTests {
    /// On a terminal (here `script`'s pseudo-terminal) a build shows its
    /// stages and a bar with counts and a rate, then erases them before the
    /// summary line; through a pipe it shows none of it.
    @Test func aTerminalSeesProgressAndAPipeDoesNot() throws {
        let root = try CLI.copyOfExampleSite()
        defer { try? FileManager.default.removeItem(at: root) }
        let script = Process()
        script.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        script.arguments = ["-qec", "\(CLI.binary.path) build --site \(root.path)", "/dev/null"]
        script.environment = ProcessInfo.processInfo.environment.merging(["PAPERSITE_PROGRESS_DELAY": "0"]) { $1 }
        let out = Pipe()
        script.standardOutput = out
        script.standardInput = FileHandle.nullDevice
        try script.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        script.waitUntilExit()
        #expect(script.terminationStatus == 0)
        #expect(text.contains("Reading records…"))
        #expect(text.contains("Rendering and writing [########################] 718/718"), "\(text)")
        #expect(text.contains("/s"))
        let summary = try #require(text.range(of: "Built 97 papers"))
        #expect(text[..<summary.lowerBound].hasSuffix("\r\u{1B}[K"), "the bar is erased before the summary")

        let piped = try CLI.run(["build", "--site", root.path])
        #expect(piped.status == 0)
        #expect(!piped.stderr.contains("Rendering") && !piped.stderr.contains("\r"))
        #expect(piped.stdout.hasPrefix("Built 97 papers, 30 tags, 140 pages (files: 0 written, 787 unchanged; "))
    }
}
