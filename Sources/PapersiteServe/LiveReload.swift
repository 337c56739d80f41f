import Foundation

/// The state of the served site that open pages follow: a generation that
/// grows with each good build, and the errors of the last build if it failed.
/// Pages listen on a Server-Sent Events stream; each subscriber gets the
/// state when it connects, then every change.
final class LiveState: @unchecked Sendable {
    private let lock = NSLock()
    private var generation = 0
    private var errors: [String]? = nil
    private var subscribers: [UUID: AsyncStream<String>.Continuation] = [:]

    /// A good build: open pages reload, and any error overlay goes.
    func built() {
        let event: String = lock.withLock {
            generation += 1
            errors = nil
            return Self.event("reload", ["generation": generation])
        }
        broadcast(event)
    }

    /// A failed build: open pages show the errors over the last good site.
    func failed(_ messages: [String]) {
        let event: String = lock.withLock {
            errors = messages
            return Self.event("failure", ["generation": generation, "errors": messages])
        }
        broadcast(event)
    }

    var currentGeneration: Int { lock.withLock { generation } }

    /// A stream of SSE text for one page: `hello` with the state, then changes.
    func subscribe() -> AsyncStream<String> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let hello: String = lock.withLock {
            subscribers[id] = continuation
            var state: [String: Any] = ["generation": generation]
            if let errors { state["errors"] = errors }
            return "retry: 500\n\n" + Self.event("hello", state)
        }
        continuation.yield(hello)
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            _ = self.lock.withLock { self.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// A comment line that keeps idle connections open through proxies.
    func heartbeat() { broadcast(": keep-alive\n\n") }

    func finish() {
        let all = lock.withLock { subscribers.values }
        for continuation in all { continuation.finish() }
    }

    private func broadcast(_ text: String) {
        let all = lock.withLock { Array(subscribers.values) }
        for continuation in all { continuation.yield(text) }
    }

    /// One SSE event with a JSON payload (JSON has no raw newlines, so one `data:` line).
    static func event(_ name: String, _ payload: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return "event: \(name)\ndata: \(String(decoding: data, as: UTF8.self))\n\n"
    }
}

/// The script added to every HTML page while serving (never to built files):
/// it follows the event stream, reloads on a new build and shows build
/// errors in an overlay until they are fixed.
enum LiveScript {
    static let path = "/__papersite/live.js"
    static let eventsPath = "/__papersite/events"
    static let tag = "<script src=\"\(path)\"></script>"

    /// The page with the script before `</body>` (or at the end).
    static func inject(into html: Data) -> Data {
        let marker = Data("</body>".utf8)
        guard let range = html.range(of: marker, options: .backwards) else { return html + Data(tag.utf8) }
        var out = html
        out.replaceSubrange(range.lowerBound..<range.lowerBound, with: Data(tag.utf8))
        return out
    }

    static let source = """
    // papersite serve: reload on rebuild, show build errors over the page.
    (function () {
      "use strict";
      var shown = null, generation = null;
      function overlay(errors) {
        if (shown) { shown.remove(); shown = null; }
        if (!errors || !errors.length) return;
        var box = document.createElement("div");
        box.id = "papersite-error-overlay";
        box.setAttribute("role", "alert");
        box.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,24,.92);color:#fff;" +
          "font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:2rem;overflow:auto";
        var title = document.createElement("h2");
        title.textContent = "papersite: the build failed";
        var note = document.createElement("p");
        note.textContent = "Behind this is the last good build. Fix the file and the page reloads by itself.";
        note.style.cssText = "margin:0 0 1rem;font:15px system-ui,sans-serif;color:#ddd";
        title.style.cssText = "margin:0 0 1rem;font:600 18px system-ui,sans-serif;color:#ff8a80";
        var pre = document.createElement("pre");
        pre.textContent = errors.join("\\n");
        pre.style.cssText = "white-space:pre-wrap;margin:0 0 1rem";
        var close = document.createElement("button");
        close.type = "button";
        close.textContent = "Hide until the next build";
        close.onclick = function () { overlay(null); };
        box.appendChild(title); box.appendChild(note); box.appendChild(pre); box.appendChild(close);
        document.body.appendChild(box);
        shown = box;
      }
      var source = new EventSource("\(eventsPath)");
      source.addEventListener("hello", function (e) {
        var state = JSON.parse(e.data);
        if (generation !== null && state.generation !== generation) { location.reload(); return; }
        generation = state.generation;
        overlay(state.errors);
      });
      source.addEventListener("reload", function () { location.reload(); });
      source.addEventListener("failure", function (e) { overlay(JSON.parse(e.data).errors); });
    })();

    """
}
