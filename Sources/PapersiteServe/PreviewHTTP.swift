import Foundation
import FlyingSocks

/// A request as the preview server reads it: the method and the path,
/// percent-decoded, without the query.
struct PreviewRequest: Sendable {
    var method: String
    var path: String
}

/// A reply: a status, headers, and a body that is either bytes or a stream
/// of server-sent events (sent as they come, until the stream ends).
struct PreviewReply: Sendable {
    enum Body: Sendable {
        case bytes(Data)
        case events(AsyncStream<String>)
    }

    var status: Int
    var headers: [(String, String)] = []
    var body: Body = .bytes(Data())

    static let reasons = [200: "OK", 301: "Moved Permanently", 302: "Found", 400: "Bad Request", 404: "Not Found",
                          405: "Method Not Allowed", 500: "Internal Server Error"]
}

/// HTTP/1.1 for the preview server, on FlyingSocks' sockets and event
/// loop. Written here rather than taken from FlyingFox's HTTP layer, which
/// carries a proxy handler built on Foundation's URL session: that links
/// libcurl and its thirty libraries, and the release binary must start on
/// a machine without them. A preview server needs little of HTTP: GET and
/// HEAD from a browser on the same machine, one request per connection
/// (`Connection: close`), and one long reply for live reload.
final class PreviewListener: @unchecked Sendable {
    private let socket: Socket
    private let pool: any AsyncSocketPool
    /// The largest request head read; a browser's is a few hundred bytes.
    static let headLimit = 16 * 1024

    /// Binds and listens (a busy port fails here, before anything is built).
    init(host: String, port: UInt16) throws {
        let isIP6 = host.contains(":")
        socket = try Socket(domain: isIP6 ? AF_INET6 : AF_INET)
        try socket.setValue(true, for: .localAddressReuse)
        if isIP6 { try socket.bind(to: .inet6(ip6: host, port: port)) } else { try socket.bind(to: .inet(ip4: host, port: port)) }
        try socket.listen()
        pool = .make(maxEvents: 64)
    }

    /// The port it listens on (the one chosen, for port 0).
    var port: UInt16? {
        switch try? socket.sockname() {
        case .ip4(_, let port)?, .ip6(_, let port)?: port
        default: nil
        }
    }

    /// Answers requests with `respond` until `close()`.
    func run(_ respond: @escaping @Sendable (PreviewRequest) async -> PreviewReply) async throws {
        try await pool.prepare()
        let listening = try AsyncSocket(socket: socket, pool: pool)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [pool] in try await pool.run() }
            group.addTask {
                try await withThrowingDiscardingTaskGroup { connections in
                    for try await client in listening.sockets {
                        connections.addTask { await Self.serve(client, respond) }
                    }
                }
            }
            // The first to end (the listening socket closed) ends the other.
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    func close() { try? socket.close() }

    private static func serve(_ client: AsyncSocket, _ respond: @Sendable (PreviewRequest) async -> PreviewReply) async {
        defer { try? client.close() }
        guard let head = try? await readHead(client) else { return }
        let request = parse(head)
        let answer = if let request { await respond(request) } else { PreviewReply(status: 400) }
        let isHead = request?.method == "HEAD"
        var text = "HTTP/1.1 \(answer.status) \(PreviewReply.reasons[answer.status] ?? "Status")\r\n"
        for (name, value) in answer.headers { text += "\(name): \(value)\r\n" }
        text += "Connection: close\r\n"
        switch answer.body {
        case .bytes(let data):
            text += "Content-Length: \(data.count)\r\n\r\n"
            try? await client.write(Data(text.utf8) + (isHead ? Data() : data))
        case .events(let stream):
            // No length: the reply ends when the stream does (or the page goes).
            text += "\r\n"
            do {
                try await client.write(Data(text.utf8))
                guard !isHead else { return }
                for await event in stream { try await client.write(Data(event.utf8)) }
            } catch {}
        }
    }

    /// The bytes up to the blank line that ends the request head.
    private static func readHead(_ client: AsyncSocket) async throws -> [UInt8]? {
        var head: [UInt8] = []
        while head.count < headLimit {
            let chunk = try await client.read(atMost: 4096)
            if chunk.isEmpty { return nil }
            head += chunk
            if let end = head.firstRange(of: [13, 10, 13, 10]) { return Array(head[..<end.lowerBound]) }
        }
        return nil
    }

    /// The request line's method and path (`GET /a%20b/?q=1 HTTP/1.1`).
    static func parse(_ head: [UInt8]) -> PreviewRequest? {
        let line = head.split(separator: 10, maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        let parts = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1."), parts[1].hasPrefix("/") else { return nil }
        let target = parts[1].prefix { $0 != "?" && $0 != "#" }
        guard let path = String(target).removingPercentEncoding else { return nil }
        return PreviewRequest(method: String(parts[0]), path: path)
    }
}
