import Foundation

/// A fast 64-bit hash of file contents (8 bytes a step, multiply-xor
/// mixing, the length folded in). Not cryptographic: it only has to tell
/// a file's new bytes from its old ones, together with the size.
enum ContentHash {
    /// A 64-bit hash of the bytes: four independent lanes of 8 bytes each
    /// per round (so the multiplications overlap), folded together with the
    /// tail and the length. Not cryptographic: it tells changed files and
    /// damaged cache values from intact ones.
    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let m: UInt64 = 0xFF51_AFD7_ED55_8CCD, k: UInt64 = 0xC2B2_AE3D_27D4_EB4F
        let n = bytes.count
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n), b: UInt64 = 0x243F_6A88_85A3_08D3
        var c: UInt64 = 0x1319_8A2E_0370_7344, d: UInt64 = 0xA409_3822_299F_31D0
        var i = 0
        @inline(__always) func round(_ h: inout UInt64, _ w: UInt64) {
            h = (h ^ (w &* k)) &* m
            h ^= h >> 29
        }
        while i + 32 <= n {
            round(&a, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            round(&b, bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
            round(&c, bytes.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self))
            round(&d, bytes.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self))
            i += 32
        }
        var h = a
        round(&h, b); round(&h, c); round(&h, d)
        while i + 8 <= n {
            round(&h, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ (tail &* k)) &* m
        h ^= h >> 32
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return h
    }
}

/// Bytes made in pieces by a function that hands them, in order, to the
/// function it is given: a file too large to hold whole (the site's BibTeX).
typealias ProducedBytes = (_ emit: (UnsafeRawBufferPointer) -> Void) -> Void

/// Produced bytes gathered into blocks of `size` (the last one shorter,
/// none for no bytes): such a file is hashed and written a block at a time.
enum ByteBlocks {
    static let size = 1 << 20

    static func forEach(of produce: ProducedBytes, _ body: (UnsafeRawBufferPointer) -> Void) {
        // (`body` is called from `produce`'s function only while this runs.)
        withoutActuallyEscaping(body) { body in gather(produce, body) }
    }

    private static func gather(_ produce: ProducedBytes, _ body: @escaping (UnsafeRawBufferPointer) -> Void) {
        var block: [UInt8] = []
        block.reserveCapacity(size)
        produce { piece in
            var rest = piece
            while !rest.isEmpty {
                let n = min(rest.count, size - block.count)
                block.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[..<n]))
                rest = UnsafeRawBufferPointer(rebasing: rest[n...])
                if block.count == size {
                    block.withUnsafeBytes(body)
                    block.removeAll(keepingCapacity: true)
                }
            }
        }
        if !block.isEmpty { block.withUnsafeBytes(body) }
    }
}

extension ContentHash {
    /// The hash of produced bytes, with no more than a block of them in
    /// memory: each block is hashed with `of`, and the blocks' hashes and
    /// the length together. Bytes that fit in one block get `of` of them,
    /// as if they had come whole. Returns the number of bytes too.
    static func of(producedBy produce: ProducedBytes) -> (hash: UInt64, count: Int) {
        of(producedBy: produce, passingBlocksTo: { _ in })
    }

    /// The same, handing each block to `body` once it is hashed (to write
    /// it, say: the bytes are made once).
    static func of(producedBy produce: ProducedBytes, passingBlocksTo body: (UnsafeRawBufferPointer) -> Void) -> (hash: UInt64, count: Int) {
        var hashes: [UInt64] = [], count = 0
        ByteBlocks.forEach(of: produce) { block in
            hashes.append(of(block))
            count += block.count
            body(block)
        }
        if hashes.isEmpty { return (of(UnsafeRawBufferPointer(start: nil, count: 0)), 0) }
        if hashes.count == 1 { return (hashes[0], count) }
        hashes.append(UInt64(count))
        return (hashes.withUnsafeBytes(of), count)
    }
}

/// Whether a file's stat(2) is too recent to stand for its contents: a
/// file changed in the last two seconds could change again within the file
/// system's clock tick (two seconds on FAT) and keep its size and times.
/// Such a file is read again next time rather than trusted (like git's
/// "racily clean" entries).
func changedRecently(_ info: stat) -> Bool {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    func nanoseconds(_ t: timespec) -> Int64 { Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec) }
    let latest = max(nanoseconds(info.st_mtim), nanoseconds(info.st_ctim))
    return nanoseconds(now) - latest < 2_000_000_000
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
