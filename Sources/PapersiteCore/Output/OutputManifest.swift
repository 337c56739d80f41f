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
        // Parsed on the bytes: a large site's manifest has a line for each of
        // tens of thousands of files, and it is read on every build.
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> OutputManifest? in
            let bytes = raw.bindMemory(to: UInt8.self)
            let headerBytes = Array(header.utf8) + [0x0A]
            guard bytes.count >= headerBytes.count, bytes.prefix(headerBytes.count).elementsEqual(headerBytes) else { return nil }
            var manifest = OutputManifest()
            manifest.entries.reserveCapacity(bytes.count / 80)
            var i = headerBytes.count
            let n = bytes.count
            func number(radix: UInt64) -> UInt64? {
                var value: UInt64 = 0
                let start = i
                while i < n, bytes[i] != 0x20 {
                    let b = bytes[i]
                    let digit: UInt64
                    switch b {
                    case 0x30...0x39: digit = UInt64(b - 0x30)
                    case 0x61...0x66 where radix == 16: digit = UInt64(b - 0x61 + 10)
                    case 0x2D where radix == 10 && i == start: i += 1; continue
                    default: return nil
                    }
                    value = value &* radix &+ digit
                    i += 1
                }
                guard i < n, i > start else { return nil }
                let negative = bytes[start] == 0x2D
                i += 1                                    // the space
                return negative ? UInt64(bitPattern: -Int64(bitPattern: value)) : value
            }
            while i < n {
                guard let hash = number(radix: 16), let size = number(radix: 10), let mtime = number(radix: 10),
                      let inode = number(radix: 10) else { return nil }
                let start = i
                while i < n, bytes[i] != 0x0A { i += 1 }
                guard i < n else { return nil }
                let path = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                i += 1
                manifest.entries[path] = Entry(hash: hash, size: Int(size), mtime: Int64(bitPattern: mtime), inode: inode)
            }
            return manifest
        }
    }

    func save(to file: URL) throws {
        // In no particular order (the reader does not care), written as bytes:
        // sorting and interpolating tens of thousands of lines was a tenth of a second.
        var bytes: [UInt8] = Array((Self.header + "\n").utf8)
        bytes.reserveCapacity(entries.count * 90)
        func number(_ value: UInt64, radix: UInt64) {
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                         UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var count = 0
            var v = value
            withUnsafeMutableBytes(of: &digits) { buffer in
                repeat {
                    let d = UInt8(v % radix)
                    buffer[count] = d < 10 ? 0x30 + d : 0x61 + d - 10
                    count += 1
                    v /= radix
                } while v > 0
                for k in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[k]) }
            }
            bytes.append(0x20)
        }
        for (path, e) in entries {
            number(e.hash, radix: 16)
            number(UInt64(e.size), radix: 10)
            if e.mtime < 0 { bytes.append(0x2D) }
            number(e.mtime.magnitude, radix: 10)
            number(e.inode, radix: 10)
            bytes.append(contentsOf: path.utf8)
            bytes.append(0x0A)
        }
        try Data(bytes).write(to: file, options: .atomic)
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
