import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A running `papersite serve`, with its output collected as it comes.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var out = "", err = ""

    init(site: URL, extra: [String] = []) throws {
        process.executableURL = CLI.binary
        process.arguments = ["serve", "--site", site.path, "--port", "0"] + extra
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        outPipe.fileHandleForReading.readabilityHandler = { [weak self] h in
            let text = String(decoding: h.availableData, as: UTF8.self)
            guard let self else { return }
            self.lock.withLock { self.out += text }
        }
        errPipe.fileHandleForReading.readabilityHandler = { [weak self] h in
            let text = String(decoding: h.availableData, as: UTF8.self)
            guard let self else { return }
            self.lock.withLock { self.err += text }
        }
        try process.run()
    }

    var stdout: String { lock.withLock { out } }
    var stderr: String { lock.withLock { err } }

    /// Waits for `condition` on the process's output, up to `seconds`.
    func wait(_ seconds: Double = 10, for condition: (ServeProcess) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(self) { return true }
            usleep(20_000)
        }
        return condition(self)
    }

    /// The URL printed on "Serving at ...".
    var url: URL? {
        guard let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix("Serving at ") }),
              let address = line.split(separator: " ").dropFirst(2).first else { return nil }
        return URL(string: String(address))
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// A minimal HTTP/1.1 client on a plain socket, so the tests see exactly
/// what a browser gets (status, headers, body, and event streams as they come).
struct RawHTTP {
    let host = "127.0.0.1"
    let port: UInt16

    init(_ url: URL) { port = UInt16(url.port ?? 80) }

    func connect() -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr(host)
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        precondition(ok == 0, "cannot connect to port \(port)")
        return fd
    }

    func send(_ fd: Int32, path: String) {
        let request = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n\r\n"
        _ = request.withCString { Glibc.write(fd, $0, strlen($0)) }
    }

    /// Reads what arrives within `seconds` (or until the server closes).
    func read(_ fd: Int32, seconds: Double, until done: (String) -> Bool = { _ in false }) -> String {
        var text = Data()
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 50) > 0 else { continue }
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            text.append(contentsOf: buffer[0..<n])
            if done(String(decoding: text, as: UTF8.self)) { break }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// One whole response: status code, header block and body.
    func get(_ path: String) -> (status: Int, head: String, body: String) {
        let fd = connect()
        defer { close(fd) }
        send(fd, path: path)
        let text = read(fd, seconds: 10)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, head, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}

/// Each step waits a few seconds at most for what it expects; the time
/// limits only stop a hung server. They are generous because these tests
/// share the machine's cores with the rest of the suite: in CI, on two
/// cores, the first passed every step and still went past two minutes.
@Suite(.serialized) struct ServeTests {
    /// The author's loop: serve a new site, edit a record and see the page
    /// change with a reload event; break the record and see the error in the
    /// event stream and the terminal while the last good page is still
    /// served; fix it and see the reload; Ctrl-C stops the server cleanly.
    @Test(.timeLimit(.minutes(5))) func editBreakAndFixWhileServing() throws {
        let root = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let site = root.appendingPathComponent("mysite")
        #expect(try CLI.run(["new", site.path]).status == 0)
        // A site that lives under a path, served under it.
        let settings = site.appendingPathComponent("content/site.yml")
        try String(contentsOf: settings, encoding: .utf8).replacingOccurrences(of: "\nbase_url: https://example.org/\n", with: "\nbase_url: https://example.org/papers/\n")
            .write(to: settings, atomically: true, encoding: .utf8)
        let serve = try ServeProcess(site: site)
        defer { serve.stop() }
        #expect(serve.wait { $0.url != nil }, "no 'Serving at' line: \(serve.stderr)")
        let url = try #require(serve.url)
        #expect(url.absoluteString.hasSuffix("/papers/"), "served under the base path of site.yml")
        let http = RawHTTP(url)
        let paperPath = "/papers/papers/attention-is-all-you-need/"

        // Pages, with the live-reload script injected; folders, 404s, content types.
        let page = http.get(paperPath)
        #expect(page.status == 200)
        #expect(page.head.lowercased().contains("content-type: text/html; charset=utf-8"))
        #expect(page.body.contains("<h1>Attention Is All You Need</h1>"))
        #expect(page.body.contains("<script src=\"/__papersite/live.js\"></script></body>"))
        #expect(http.get("/").status == 302)
        #expect(http.get("/papers/tags").head.contains("/papers/tags/"))
        let missing = http.get("/papers/no-such-page/")
        #expect(missing.status == 404 && missing.body.contains("Page not found"))
        #expect(http.get("/papers/../../etc/passwd").status == 404)
        #expect(http.get("/papers/atom.xml").head.lowercased().contains("content-type: application/atom+xml"))
        #expect(http.get("/papers/css/site.css").head.lowercased().contains("content-type: text/css"))
        #expect(http.get("/__papersite/live.js").body.contains("EventSource"))
        // Built files stay free of the script: public/ is not touched at all.
        #expect(!FileManager.default.fileExists(atPath: site.appendingPathComponent("public").path))

        // An open page's event stream.
        let events = http.connect()
        defer { close(events) }
        http.send(events, path: "/__papersite/events")
        let hello = http.read(events, seconds: 5) { $0.contains("event: hello") }
        #expect(hello.lowercased().contains("content-type: text/event-stream"))
        #expect(hello.contains("data: {\"generation\":1}"))

        // Edit: the page changes and a reload event arrives within a couple of seconds.
        let record = site.appendingPathComponent("content/papers/attention-is-all-you-need.md")
        let original = try String(contentsOf: record, encoding: .utf8)
        try original.replacingOccurrences(of: "title: Attention Is All You Need", with: "title: Attention Is Still All You Need")
            .write(to: record, atomically: true, encoding: .utf8)
        let reload = http.read(events, seconds: 5) { $0.contains("event: reload") }
        #expect(reload.contains("event: reload"))
        #expect(http.get(paperPath.replacingOccurrences(of: "attention-is-all", with: "attention-is-still-all")).body.contains("Attention Is Still All You Need"))

        // Break it: the error goes to the page (failure event) and the terminal; the last good site stays.
        try original.replacingOccurrences(of: "date: 2017-06-12", with: "date: 2017-13-12")
            .write(to: record, atomically: true, encoding: .utf8)
        let failure = http.read(events, seconds: 5) { $0.contains("event: failure") }
        #expect(failure.contains("content/papers/attention-is-all-you-need.md:6:7: error:"))
        #expect(serve.wait(5) { $0.stderr.contains("content/papers/attention-is-all-you-need.md:6:7: error:") })
        #expect(http.get("/papers/papers/attention-is-still-all-you-need/").status == 200)
        // A page opened now learns of the failure as it connects.
        let late = http.connect()
        http.send(late, path: "/__papersite/events")
        #expect(http.read(late, seconds: 5) { $0.contains("event: hello") }.contains("\"errors\":[\"content"))
        close(late)

        // Fix it: a reload, and the overlay's errors are gone.
        try original.write(to: record, atomically: true, encoding: .utf8)
        #expect(http.read(events, seconds: 5) { $0.contains("event: reload") }.contains("event: reload"))
        #expect(http.get(paperPath).body.contains("<h1>Attention Is All You Need</h1>"))

        // Ctrl-C: a clean stop.
        kill(serve.process.processIdentifier, SIGINT)
        #expect(serve.wait(5) { !$0.process.isRunning })
        #expect(serve.process.terminationStatus == 0)
    }

    /// The series of edits a user makes across commands: `build` into two
    /// output folders, `serve` (which shares the site's cache), additions,
    /// edits and removals in between. Every build gives the clean build.
    @Test(.timeLimit(.minutes(5))) func buildTwoFoldersAndServeInTurn() throws {
        let site = try CLI.copyOfExampleSite()
        defer { try? FileManager.default.removeItem(at: site) }
        let papers = site.appendingPathComponent("content/papers")
        func write(_ name: String, _ title: String, date: String) throws {
            try "---\ntitle: \(title)\nauthors: [Ada Lovelace]\ndate: \(date)\ntags: [Serving]\n---\nAn abstract about \(title).\n"
                .write(to: papers.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        func build(_ output: String, clean: Bool = false) throws {
            let result = try CLI.run(["build", "--site", site.path, "--output", site.appendingPathComponent(output).path] + (clean ? ["--clean"] : []))
            #expect(result.status == 0, "\(result.stderr)")
        }
        /// `output` as a clean build of the same records makes it.
        func expectClean(_ output: String, _ step: String) throws {
            try build("fresh", clean: true)
            let made = try files(under: site.appendingPathComponent(output)), fresh = try files(under: site.appendingPathComponent("fresh"))
            #expect(made.keys.sorted() == fresh.keys.sorted(), "\(step): the same files")
            for (file, bytes) in fresh where made[file] != bytes { Issue.record("\(step): \(file) differs from a clean build") }
        }
        try build("public")
        try build("public-b")
        try write("added-before-serving.md", "Added Before Serving", date: "2026-01-05")
        try build("public")
        try expectClean("public", "an addition, first folder")

        // serve builds into its own folder from the same cache, and follows edits.
        let serve = try ServeProcess(site: site)
        defer { serve.stop() }
        #expect(serve.wait { $0.url != nil }, "no 'Serving at' line: \(serve.stderr)")
        let http = try RawHTTP(#require(serve.url))
        let events = http.connect()
        defer { close(events) }
        http.send(events, path: "/__papersite/events")
        _ = http.read(events, seconds: 5) { $0.contains("event: hello") }
        try write("added-while-serving.md", "Added While Serving", date: "2026-01-06")
        #expect(http.read(events, seconds: 10) { $0.contains("event: reload") }.contains("event: reload"))
        #expect(http.get("/papers/added-while-serving/").body.contains("Added While Serving"))
        try FileManager.default.removeItem(at: papers.appendingPathComponent("added-before-serving.md"))
        #expect(http.read(events, seconds: 10) { $0.contains("event: reload") }.contains("event: reload"))
        #expect(http.get("/papers/added-before-serving/").status == 404)
        kill(serve.process.processIdentifier, SIGINT)
        #expect(serve.wait(5) { !$0.process.isRunning })

        // Each folder, behind by different edits, catches up to the clean build.
        try build("public")
        try expectClean("public", "after serving, first folder")
        try write("added-while-serving.md", "Added While Serving, Retitled", date: "2026-01-06")
        try build("public-b")
        try expectClean("public-b", "second folder, several edits behind")
        try build("public")
        try expectClean("public", "first folder, one edit behind")
    }

    @Test func busyPortIsAClearError() throws {
        let root = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let site = root.appendingPathComponent("s")
        _ = try CLI.run(["new", site.path])
        let first = try ServeProcess(site: site)
        defer { first.stop() }
        #expect(first.wait { $0.url != nil })
        let port = try #require(first.url?.port)
        let second = try CLI.run(["serve", "--site", site.path, "--port", String(port)])
        #expect(second.status == 1)
        #expect(second.stderr.contains("cannot serve on 127.0.0.1:\(port)"))
    }
}

@Suite struct NewCommandTests {
    @Test func newSiteBuildsAndChecksClean() throws {
        let root = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let site = root.appendingPathComponent("mysite")
        let made = try CLI.run(["new", site.path])
        #expect(made.status == 0)
        #expect(made.stdout.contains("papersite serve"))
        #expect(made.stdout.contains("python3 -m http.server --directory public"))
        let settings = try String(contentsOf: site.appendingPathComponent("content/site.yml"), encoding: .utf8)
        for key in ["title:", "description:", "base_url:", "language:", "author:", "theme:", "papers_per_page:", "feed:",
                    "limit:", "content:", "markdown:", "raw_html:", "smart_punctuation:", "math:", "tag_rules:"] {
            #expect(settings.contains("\n" + key) || settings.contains("  " + key), "site.yml shows \(key)")
        }
        let build = try CLI.run(["build", "--site", site.path])
        #expect(build.status == 0, "\(build.stderr)")
        #expect(build.stderr.isEmpty, "a new site builds without warnings: \(build.stderr)")
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("public/papers/attention-is-all-you-need/index.html").path))
        // Links relative to each page, so that public/ works on any static server, at any path, and from disk.
        #expect(settings.contains("\nbase_url: https://example.org/\n"))
        #expect(try String(contentsOf: site.appendingPathComponent("public/index.html"), encoding: .utf8).contains("href=\"./css/"))
        let check = try CLI.run(["check", "--site", site.path])
        #expect(check.status == 0)
        #expect(check.stdout.contains(" 0 errors"))
        // The theme is the site's own copy, the same as the repository's default theme.
        #expect(try files(under: site.appendingPathComponent("Themes/default")) == files(under: CLI.repositoryRoot.appendingPathComponent("Themes/default")),
                "run Scripts/embed-theme after changing Themes/default")
    }

    @Test func refusesANonEmptyFolder() throws {
        let root = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("mine".utf8).write(to: root.appendingPathComponent("notes.txt"))
        let result = try CLI.run(["new", root.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("already exists and is not empty"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["notes.txt"])
    }
}
