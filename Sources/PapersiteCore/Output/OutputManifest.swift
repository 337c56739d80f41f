import Foundation

/// What one output tree holds: for each file, the hash and size of its
/// bytes and the file's own modification time and inode, so that the next
/// build can tell without reading it whether a file already has the bytes
/// it is about to write. A file whose size, time or inode differ from the
/// entry (edited by hand, say) is simply written again.
///
/// Entries are found by a 64-bit hash of the file's path (`key(_:)`, the
/// same one the build cache names output files by): a build looks up every
/// file of the site in two manifests, and hashing an integer is cheaper
/// than hashing a path. The path is kept with the entry: for entries read
/// from a file, as where it is in the file's bytes (a string for each of
/// tens of thousands of paths, made on every build, cost more than the
/// rest of reading the manifest). A lookup checks a stored path by its
/// length, not byte by byte (reaching each path's bytes in a large
/// manifest cost a cache miss per file): a different path of the same
/// length would also need the same 64-bit hash.
struct OutputManifest: Sendable {
    struct Entry: Sendable {
        /// The path, when the entry was made by this build; else nil, and
        /// the path is at `stored` in the manifest's bytes (see `path(of:)`).
        fileprivate var given: String?
        fileprivate var stored: (offset: Int32, length: Int32) = (0, 0)
        var hash: UInt64
        var size: Int
        var mtime: Int64
        var inode: UInt64

        init(path: String, hash: UInt64, size: Int, mtime: Int64, inode: UInt64) {
            given = path
            self.hash = hash
            self.size = size
            self.mtime = mtime
            self.inode = inode
        }

        fileprivate init(stored: (offset: Int32, length: Int32), hash: UInt64, size: Int, mtime: Int64, inode: UInt64) {
            self.stored = stored
            self.hash = hash
            self.size = size
            self.mtime = mtime
            self.inode = inode
        }
    }

    private(set) var entries: [UInt64: Entry] = [:]
    /// The bytes of the file the manifest was read from (where stored paths are).
    private var bytes = Data()

    /// The path of an entry of this manifest.
    func path(of entry: Entry) -> String {
        if let given = entry.given { return given }
        return bytes.withUnsafeBytes { raw in
            String(decoding: UnsafeRawBufferPointer(rebasing: raw[Int(entry.stored.offset)..<Int(entry.stored.offset) + Int(entry.stored.length)]), as: UTF8.self)
        }
    }

    private func entry(_ entry: Entry, isAt path: String) -> Bool {
        if let given = entry.given { return given == path }
        return path.utf8.count == Int(entry.stored.length)
    }
    /// The file this manifest was read from, how many segments it had, and
    /// the entries set or removed since: `save` appends just those to that
    /// file when it saves to it again (see `save`).
    private var source: URL? = nil
    private var segments = 0
    private var changed = Set<UInt64>()

    static let header = "papersite-output-manifest 4"
    static let deltaHeader = "papersite-output-manifest changes"

    static func key(_ path: String) -> UInt64 { Fingerprint.of { $0.add(path) } }

    subscript(path: String, key: UInt64) -> Entry? {
        get {
            guard let entry = entries[key], self.entry(entry, isAt: path) else { return nil }
            return entry
        }
        set {
            entries[key] = newValue
            changed.insert(key)
        }
    }

    subscript(path: String) -> Entry? {
        get { self[path, Self.key(path)] }
        set { self[path, Self.key(path)] = newValue }
    }

    var count: Int { entries.count }

    /// The manifest of the tree whose root folder is `root`, or nil (no
    /// manifest, one for another tree, or a damaged one).
    ///
    /// In the cache's byte format: a large site's manifest has an entry for
    /// each of tens of thousands of files and is read on every build (as
    /// text, formatting and parsing the numbers took longer than the rest).
    /// A file is one or more segments, each its length, its bytes and their
    /// hash: all the entries, then the entries changed by later builds
    /// (a removed file has size -1). Any damaged segment makes the whole
    /// manifest unusable: the build then writes files rather than trust it.
    static func load(from file: URL) -> OutputManifest? {
        guard let data = try? Data(contentsOf: file), data.count > 16 else { return nil }
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> OutputManifest? in
            var manifest = OutputManifest()
            var offset = 0
            while offset < raw.count {
                guard raw.count - offset >= 16 else { return nil }
                let length = Int(clamping: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian)
                guard length <= raw.count - offset - 16 else { return nil }
                let body = UnsafeRawBufferPointer(rebasing: raw[offset + 8..<offset + 8 + length])
                guard ContentHash.of(body) == raw.loadUnaligned(fromByteOffset: offset + 8 + length, as: UInt64.self).littleEndian else { return nil }
                var r = ByteReader(body)
                guard r.string() == (manifest.segments == 0 ? header : deltaHeader) else { return nil }
                let count = Int(clamping: r.uint())
                guard count <= body.count / 12 else { return nil }
                if manifest.segments == 0 { manifest.entries.reserveCapacity(count) }
                for _ in 0..<count {
                    let key = r.fixed(), hash = r.fixed(), size = r.int(), mtime = Int64(r.int()), inode = r.uint()
                    let length = Int(clamping: r.uint()), start = offset + 8 + r.offset
                    guard r.bytes(length) != nil, start + length <= Int(Int32.max) else { return nil }
                    manifest.entries[key] = size < 0 ? nil : Entry(stored: (Int32(start), Int32(length)), hash: hash, size: size, mtime: mtime, inode: inode)
                }
                guard !r.failed, r.atEnd else { return nil }
                manifest.segments += 1
                offset += 16 + length
            }
            manifest.source = file
            manifest.bytes = data
            return manifest
        }
    }

    /// Writes the manifest to `file`. If it was read from that very file
    /// (the staging tree is the spare tree renamed: the same inode, so the
    /// same file name) and few entries changed, the changes are appended as
    /// a segment (a one-paper edit changes a few dozen of tens of thousands
    /// of entries); otherwise the file is replaced whole, atomically.
    func save(to file: URL) throws {
        func segment(_ header: String, _ keys: [UInt64]) -> [UInt8] {
            // (Room for paths of about 150 bytes: pages a large site makes
            // have paths of 60 to 120, and a buffer that grew would be
            // copied; room not used is never touched.)
            var w = ByteWriter(capacity: 64 + keys.count * 192)
            w.fixed(0)                           // the length, set below
            w.string(header)
            w.uint(UInt64(keys.count))
            for key in keys {
                if let e = entries[key] {
                    w.fixed(key); w.fixed(e.hash); w.int(e.size); w.int(Int(e.mtime)); w.uint(e.inode); w.string(path(of: e))
                } else {
                    w.fixed(key); w.fixed(0); w.int(-1); w.int(0); w.uint(0); w.string("")
                }
            }
            let length = UInt64(w.bytes.count - 8).littleEndian
            withUnsafeBytes(of: length) { w.bytes.replaceSubrange(0..<8, with: $0) }
            w.fixed(w.bytes.withUnsafeBytes { ContentHash.of(UnsafeRawBufferPointer(rebasing: $0[8...])) })
            return w.bytes
        }
        if source == file, segments > 0, segments < 16, changed.count <= max(64, entries.count / 8) {
            if changed.isEmpty { return }
            let bytes = segment(Self.deltaHeader, Array(changed))
            let fd = open(file.path, O_WRONLY | O_APPEND | O_CLOEXEC)
            if fd >= 0 {
                defer { close(fd) }
                let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if written == bytes.count { return }
            }
            // Could not append: the file is written whole below.
        }
        // In no particular order: the reader does not care.
        try segment(Self.header, Array(entries.keys)).writeAtomically(to: file)
    }
}
