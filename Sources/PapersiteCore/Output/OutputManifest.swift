import Foundation

/// What one output tree holds: for each file, the hash and size of its
/// bytes and the file's own modification time and inode, so that the next
/// build can tell without reading it whether a file already has the bytes
/// it is about to write. A file whose size, time or inode differ from the
/// entry (edited by hand, say) is simply written again.
struct OutputManifest: Sendable {
    struct Entry: Sendable, Hashable {
        var hash: UInt64
        var size: Int
        var mtime: Int64
        var inode: UInt64
    }

    var entries: [String: Entry] = [:]

    static let header = "papersite-output-manifest 1"

    /// The manifest of the tree whose root folder is `root`, or nil (no
    /// manifest, or one for another tree).
    static func load(from file: URL) -> OutputManifest? {
        guard let data = try? Data(contentsOf: file) else { return nil }
        var manifest = OutputManifest()
        var first = true
        var ok = true
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var lineStart = 0
            let bytes = raw.bindMemory(to: UInt8.self)
            for i in 0..<bytes.count where bytes[i] == 0x0A {
                let line = String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<i]), as: UTF8.self)
                lineStart = i + 1
                if first {
                    ok = line == header
                    first = false
                    if !ok { return }
                    continue
                }
                let parts = line.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: false)
                guard parts.count == 5, let hash = UInt64(parts[0], radix: 16), let size = Int(parts[1]),
                      let mtime = Int64(parts[2]), let inode = UInt64(parts[3]) else { ok = false; return }
                manifest.entries[String(parts[4])] = Entry(hash: hash, size: size, mtime: mtime, inode: inode)
            }
        }
        return ok && !first ? manifest : nil
    }

    func save(to file: URL) throws {
        var text = Self.header + "\n"
        text.reserveCapacity(entries.count * 80)
        for path in entries.keys.sorted() {
            let e = entries[path]!
            text += "\(String(e.hash, radix: 16)) \(e.size) \(e.mtime) \(e.inode) \(path)\n"
        }
        try Data(text.utf8).write(to: file, options: .atomic)
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

    /// The inode of a folder, which names its tree in the cache.
    static func inode(of path: String) -> UInt64? { FileStat(path: path)?.inode }
}
