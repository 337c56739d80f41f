import Foundation
import PapersiteCore

/// What `papersite serve` is asked to do.
public struct ServeOptions: Sendable {
    public var siteRoot: URL
    public var host: String
    /// 0 picks a free port.
    public var port: UInt16
    public var includeDrafts: Bool
    public var katexDirectory: URL?
    /// Where terminal messages go (standard error in the CLI).
    public var log: @Sendable (String) -> Void

    public init(siteRoot: URL, host: String = "127.0.0.1", port: UInt16 = 1313, includeDrafts: Bool = false,
                katexDirectory: URL? = nil, log: @escaping @Sendable (String) -> Void) {
        self.siteRoot = siteRoot
        self.host = host
        self.port = port
        self.includeDrafts = includeDrafts
        self.katexDirectory = katexDirectory
        self.log = log
    }
}

/// `papersite serve`: builds the site into a private folder, serves it
/// under its base path, rebuilds when `content/` or `Themes/` change, and
/// tells open pages to reload (or to show the errors of a failed build,
/// while the last good site stays served).
public final class DevServer: @unchecked Sendable {
    let options: ServeOptions
    let output: URL
    let live = LiveState()
    private let lock = NSLock()
    private var basePath = "/"
    private var server: PreviewListener?
    private var serving: Task<Void, any Error>?
    private var stopped = false

    public init(options: ServeOptions) throws {
        self.options = options
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("papersite-serve-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        output = folder.appendingPathComponent("site", isDirectory: true)
    }

    /// Serves until `stop()`; returns when the server has stopped.
    public func run(onListening: @escaping @Sendable (String) -> Void) async throws {
        // Listening first: a busy port fails before anything is built, and
        // `--port 0` has its number for the base URL.
        let host = options.host == "localhost" ? "127.0.0.1" : options.host
        let server = try PreviewListener(host: host, port: options.port)
        let port = server.port ?? options.port
        let serving = Task { try await server.run { [self] in await respond(to: $0) } }
        lock.withLock { (self.server, self.serving) = (server, serving) }
        let hostPart = options.host.contains(":") ? "[\(options.host)]" : options.host
        let origin = "http://\(hostPart):\(port)"
        rebuild(origin: origin)
        onListening(origin + lock.withLock { basePath })
        let watcher = Thread { [self] in watch(origin: origin) }
        watcher.name = "papersite watcher"
        watcher.start()
        let heartbeat = Task { [live] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 15_000_000_000)
                live.heartbeat()
            }
        }
        defer { heartbeat.cancel() }
        do {
            try await serving.value
        } catch {
            // Stopping makes the listening socket fail; that is the normal end.
            if !isStopped { throw error }
        }
    }


    /// Stops serving, closes event streams and removes the private output.
    public func stop() async {
        let (server, serving) = lock.withLock {
            stopped = true
            return (self.server, self.serving)
        }
        live.finish()
        // Closing the socket ends no wait on it: the waits end by cancelling.
        server?.close()
        serving?.cancel()
        try? FileManager.default.removeItem(at: output.deletingLastPathComponent())
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    // MARK: Building

    /// Builds with the base URL moved to this server (same path), so that
    /// feeds and canonical links work locally too.
    func rebuild(origin: String) {
        let start = DispatchTime.now().uptimeNanoseconds
        var path = "/"
        if let config = try? ConfigLoader(siteRoot: options.siteRoot).load() {
            path = config.basePath
            lock.withLock { basePath = path }
        }
        var build = BuildOptions(siteRoot: options.siteRoot, output: output, baseURL: origin + path, includeDrafts: options.includeDrafts)
        if let katex = options.katexDirectory { build.katexDirectory = katex }
        do {
            let summary = try SiteBuilder(options: build).build()
            let ms = Int(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            options.log("Built \(summary.papers) paper\(summary.papers == 1 ? "" : "s"), \(summary.pages) page\(summary.pages == 1 ? "" : "s") in \(ms) ms")
            live.built()
        } catch {
            let messages = error.diagnostics.filter { $0.severity == .error }.map(\.description)
            for message in messages { options.log(message) }
            let hasSite = FileManager.default.fileExists(atPath: output.appendingPathComponent("index.html").path)
            options.log("papersite: the build failed; \(hasSite ? "still serving the last good site" : "nothing to serve until it is fixed")")
            live.failed(messages)
        }
    }

    /// Polls the site's sources (a stat of each file, a few times a second)
    /// and rebuilds once a change has settled. Polling rather than inotify:
    /// it sees every editor's way of saving (rename, truncate, new folder)
    /// with no per-folder watches to keep in step.
    private func watch(origin: String) {
        var last = fingerprint()
        while !isStopped {
            usleep(200_000)
            var now = fingerprint()
            guard now != last else { continue }
            // Debounce: wait until nothing has changed for 150 ms (an editor saving several files).
            while !isStopped {
                usleep(150_000)
                let again = fingerprint()
                if again == now { break }
                now = again
            }
            if isStopped { return }
            last = now
            options.log("Change detected, rebuilding")
            rebuild(origin: origin)
        }
    }

    /// Path, size and modification time of every file that feeds the build.
    func fingerprint() -> [String: [Int]] {
        var result: [String: [Int]] = [:]
        for folder in ["content", "Themes"] {
            let root = options.siteRoot.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(atPath: root.path) else { continue }
            while let item = walker.nextObject() as? String {
                var info = stat()
                guard stat(root.appendingPathComponent(item).path, &info) == 0 else { continue }
                result[folder + "/" + item] = [Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec), Int(info.st_ino)]
            }
        }
        return result
    }

    // MARK: Serving

    func respond(to request: PreviewRequest) async -> PreviewReply {
        guard request.method == "GET" || request.method == "HEAD" else {
            return PreviewReply(status: 405, headers: [("Allow", "GET, HEAD")])
        }
        let path = request.path
        if path == LiveScript.eventsPath {
            return PreviewReply(status: 200, headers: [("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-store")],
                                body: .events(live.subscribe()))
        }
        if path == LiveScript.path {
            return PreviewReply(status: 200, headers: [("Content-Type", "text/javascript; charset=utf-8"), ("Cache-Control", "no-store")],
                                body: .bytes(Data(LiveScript.source.utf8)))
        }
        let base = lock.withLock { basePath }
        if path == "/" || path + "/" == base, base != "/" {
            return PreviewReply(status: 302, headers: [("Location", base)])
        }
        guard path.hasPrefix(base) else { return notFound() }
        let relative = String(path.dropFirst(base.count))
        let segments = relative.split(separator: "/", omittingEmptySubsequences: true)
        guard !segments.contains(where: { $0 == ".." || $0 == "." || $0.hasPrefix(".papersite") }) else { return notFound() }
        var file = output.appendingPathComponent(relative)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDir) else { return notFound() }
        if isDir.boolValue {
            guard path.hasSuffix("/") else {
                // Like any static host: a folder's address ends in '/'.
                return PreviewReply(status: 301, headers: [("Location", path + "/")])
            }
            file = file.appendingPathComponent("index.html")
            guard FileManager.default.fileExists(atPath: file.path) else { return notFound() }
        }
        return page(file, status: 200)
    }

    private func notFound() -> PreviewReply {
        let page404 = output.appendingPathComponent("404.html")
        if FileManager.default.fileExists(atPath: page404.path) { return page(page404, status: 404) }
        var body = Data("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><h1>Not found</h1></body></html>".utf8)
        body = LiveScript.inject(into: body)
        return PreviewReply(status: 404, headers: [("Content-Type", "text/html; charset=utf-8")], body: .bytes(body))
    }

    private func page(_ file: URL, status: Int) -> PreviewReply {
        guard var data = try? Data(contentsOf: file) else { return PreviewReply(status: 500) }
        let type = Self.contentType(of: file.lastPathComponent)
        if type.hasPrefix("text/html") { data = LiveScript.inject(into: data) }
        return PreviewReply(status: status, headers: [("Content-Type", type), ("Cache-Control", "no-store")], body: .bytes(data))
    }

    static func contentType(of name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "html", "htm": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "xml": name == "atom.xml" ? "application/atom+xml; charset=utf-8" : (name == "feed.xml" ? "application/rss+xml; charset=utf-8" : "application/xml; charset=utf-8")
        case "bib": "application/x-bibtex; charset=utf-8"
        case "txt": "text/plain; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "webp": "image/webp"
        case "ico": "image/x-icon"
        case "pdf": "application/pdf"
        case "woff2": "font/woff2"
        case "woff": "font/woff"
        case "ttf": "font/ttf"
        default: "application/octet-stream"
        }
    }
}
