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
/// than hashing a path. The path is kept in the entry and compared too.
struct OutputManifest: Sendable {
    struct Entry: Sendable, Hashable {
        var path: String
        var hash: UInt64
        var size: Int
        var mtime: Int64
        var inode: UInt64
    }

    private(set) var entries: [UInt64: Entry] = [:]

    static let header = "papersite-output-manifest 3"

    static func key(_ path: String) -> UInt64 { Fingerprint.of { $0.add(path) } }

    subscript(path: String, key: UInt64) -> Entry? {
        get {
            guard let entry = entries[key], entry.path == path else { return nil }
            return entry
        }
        set { entries[key] = newValue }
    }

    subscript(path: String) -> Entry? {
        get { self[path, Self.key(path)] }
        set { self[path, Self.key(path)] = newValue }
    }

    var count: Int { entries.count }
    var paths: [String] { entries.values.map(\.path) }

    /// The manifest of the tree whose root folder is `root`, or nil (no
    /// manifest, one for another tree, or a damaged one).
    ///
    /// In the cache's byte format, with a hash of the whole at the end: a
    /// large site's manifest has an entry for each of tens of thousands of
    /// files and is read and written on every build (as text, formatting
    /// and parsing the numbers took longer than the rest).
    static func load(from file: URL) -> OutputManifest? {
        guard let data = try? Data(contentsOf: file), data.count > 8 else { return nil }
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> OutputManifest? in
            let body = UnsafeRawBufferPointer(rebasing: raw[0..<raw.count - 8])
            guard ContentHash.of(body) == raw.loadUnaligned(fromByteOffset: raw.count - 8, as: UInt64.self).littleEndian else { return nil }
            var r = ByteReader(body)
            guard r.string() == header else { return nil }
            let count = Int(clamping: r.uint())
            guard count <= body.count / 12 else { return nil }
            var manifest = OutputManifest()
            manifest.entries.reserveCapacity(count)
            for _ in 0..<count {
                let key = r.fixed(), hash = r.fixed(), size = r.int(), mtime = Int64(r.int()), inode = r.uint()
                manifest.entries[key] = Entry(path: r.string(), hash: hash, size: size, mtime: mtime, inode: inode)
            }
            return r.failed || !r.atEnd ? nil : manifest
        }
    }

    func save(to file: URL) throws {
        var w = ByteWriter(capacity: 64 + entries.count * 80)
        w.string(Self.header)
        w.uint(UInt64(entries.count))
        for (key, e) in entries {      // in no particular order: the reader does not care
            w.fixed(key); w.fixed(e.hash); w.int(e.size); w.int(Int(e.mtime)); w.uint(e.inode); w.string(e.path)
        }
        w.fixed(w.bytes.withUnsafeBytes { ContentHash.of($0) })
        try Data(w.bytes).write(to: file, options: .atomic)
    }
}

/// A fast 64-bit hash of file contents (8 bytes a step, multiply-xor
/// mixing, the length folded in). Not cryptographic: it only has to tell
/// a file's new bytes from its old ones, together with the size.
enum ContentHash {
    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        let m: UInt64 = 0xFF51_AFD7_ED55_8CCD
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ (w &* 0xC2B2_AE3D_27D4_EB4F)) &* m
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ (tail &* 0xC2B2_AE3D_27D4_EB4F)) &* m
        h ^= h >> 32
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return h
    }
}

/// stat(2), as the manifest needs it.
struct FileStat: Equatable {
    var size: Int
    var mtime: Int64
    var inode: UInt64

    init(size: Int, mtime: Int64, inode: UInt64) {
        self.size = size
        self.mtime = mtime
        self.inode = inode
    }

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        size = Int(info.st_size)
        mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        inode = UInt64(info.st_ino)
    }

    /// stat(2) of `relative` inside the open folder `folder` (a shorter path walk than from `/`).
    init?(in folder: Int32, _ relative: String) {
        var info = stat()
        guard fstatat(folder, relative, &info, 0) == 0 else { return nil }
        size = Int(info.st_size)
        mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        inode = UInt64(info.st_ino)
    }

    /// The inode of a folder, which names its tree in the cache.
    static func inode(of path: String) -> UInt64? { FileStat(path: path)?.inode }
}
