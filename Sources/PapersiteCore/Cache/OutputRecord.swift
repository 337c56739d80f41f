import Foundation

/// What the site's cache keeps for one output folder: the fingerprint of
/// each file its last build wrote, the tree that build swapped in, and the
/// generation of that build. The values themselves (records, Markdown,
/// related papers, search) are shared by every output; a value that no
/// existing output's last build used is dropped (see `CacheStore.commit`).
struct OutputRecord {
    static let format = "papersite-output 1"
    /// The output folder's absolute path (the record of a folder that no longer exists is dropped).
    var path: String
    var tree: UInt64 = 0
    var generation: UInt64 = 0
    var fingerprints = HashedKeyTable<UInt64>()
    /// `CacheStore.digest` of the fingerprints, made as they are read.
    var digest: UInt64 = 0

    /// The file of the output at `path`, in the cache folder: named by a hash of the path.
    static func file(for path: String, in folder: URL) -> URL {
        let name = String(Fingerprint.of { $0.add(path) }, radix: 16)
        return folder.appendingPathComponent("output-\(name).record")
    }

    /// The records of every output folder the cache knows, by file, without
    /// their fingerprints (read on every build; each has one per file of the site).
    static func all(in folder: URL, identity: UInt64) -> [(file: URL, record: OutputRecord?)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix("output-") && $0.hasSuffix(".record") }.sorted().map { name in
            let url = folder.appendingPathComponent(name)
            return (url, read(url, identity: identity, fingerprints: false))
        }
    }

    /// The record in `url`, if it is whole and of this program; with its
    /// fingerprints unless `fingerprints` is false.
    static func read(_ url: URL, identity: UInt64, fingerprints: Bool = true) -> OutputRecord? {
        SealedFile.read(url) { r -> OutputRecord? in
            guard r.string() == format, r.fixed() == identity else { return nil }
            var record = OutputRecord(path: r.string(), tree: r.fixed(), generation: r.fixed())
            guard fingerprints else { return r.failed ? nil : record }
            let count = Int(clamping: r.uint())
            guard count <= r.buffer.count / 16 else { return nil }
            var pairs: [(key: UInt64, fingerprint: UInt64)] = []
            pairs.reserveCapacity(count)
            record.fingerprints = HashedKeyTable(capacity: count)
            for _ in 0..<count {
                let pair = (key: r.fixed(), fingerprint: r.fixed())
                record.fingerprints.append(new: pair.key, pair.fingerprint)   // (each file once)
                pairs.append(pair)
            }
            guard !r.failed, r.atEnd else { return nil }
            record.digest = CacheStore.digest(pairs)
            return record
        }
    }

    /// Writes the record (atomically) with `pairs` as its fingerprints.
    static func write(path: String, tree: UInt64, generation: UInt64, pairs: [(key: UInt64, fingerprint: UInt64)],
                      identity: UInt64, to url: URL) {
        var w = ByteWriter(capacity: 64 + path.utf8.count + pairs.count * 16)
        w.string(format); w.fixed(identity)
        w.string(path); w.fixed(tree); w.fixed(generation)
        w.uint(UInt64(pairs.count))
        for (file, fingerprint) in pairs { w.fixed(file); w.fixed(fingerprint) }
        SealedFile.write(&w, to: url)
    }
}

/// One build at a time uses a site's cache: builds into two output folders
/// at once (or `serve` and `build`) take turns, as the store is appended to
/// and its index replaced. The lock is an flock(2) on a file in the cache
/// folder, held while any `CacheStore` of this process has the folder open
/// (flock would otherwise make a second store of the same process wait for
/// the first, which a rebuild may still hold).
final class CacheLock: @unchecked Sendable {
    private static let registry = NSLock()
    nonisolated(unsafe) private static var held: [String: (fd: Int32, count: Int)] = [:]
    private let path: String
    private var released = false

    init(folder: URL) {
        path = folder.appendingPathComponent("lock").path
        Self.registry.withLock {
            if let entry = Self.held[path] {
                Self.held[path] = (entry.fd, entry.count + 1)
                return
            }
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            if fd >= 0 {
                while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
            }
            Self.held[path] = (fd, 1)
        }
    }

    func release() {
        Self.registry.withLock {
            guard !released, let entry = Self.held[path] else { return }
            released = true
            if entry.count > 1 {
                Self.held[path] = (entry.fd, entry.count - 1)
            } else {
                Self.held[path] = nil
                if entry.fd >= 0 { close(entry.fd) }     // closing releases the flock
            }
        }
    }

    deinit { release() }
}
