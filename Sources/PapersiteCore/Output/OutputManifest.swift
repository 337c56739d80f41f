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
/// rest of reading the manifest); for entries set by this build, as where
/// it is in the manifest's own list of the paths it was given (a string
/// for each of a large site's millions of files was 0.4 GB at a million
/// papers). A lookup checks a stored path by its
/// length, not byte by byte (reaching each path's bytes in a large
/// manifest cost a cache miss per file): a different path of the same
/// length would also need the same 64-bit hash.
struct OutputManifest: Sendable {
    struct Entry: Sendable {
        /// Where the path is: in the manifest's bytes, or (a negative
        /// length) in its list of the paths it was given (see `path(of:)`);
        /// set by `subscript`'s setter.
        fileprivate var stored: (offset: Int32, length: Int32) = (0, 0)
        var hash: UInt64
        var size: Int
        var mtime: Int64
        var inode: UInt64

        init(hash: UInt64, size: Int, mtime: Int64, inode: UInt64) {
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

    /// Each file's entry by its key; nil for a file removed since the
    /// manifest was read (`removed` of them).
    private var table = HashedKeyTable<Entry?>()
    private var removed = 0

    /// Every file's entry, with its key.
    var entries: some Sequence<(key: UInt64, entry: Entry)> {
        table.entries.lazy.compactMap { key, entry in entry.map { (key, $0) } }
    }

    private func entry(forKey key: UInt64) -> Entry? { table[key] ?? nil }

    /// The path of the file whose key is `key`, if the manifest lists it.
    func path(forKey key: UInt64) -> String? { entry(forKey: key).map(path(of:)) }

    private mutating func set(_ key: UInt64, _ entry: Entry?) {
        guard let i = table.index(of: key) else {
            if entry != nil { table.put(key, entry) }
            return
        }
        if table.entries[i].value != nil && entry == nil { removed += 1 }
        if table.entries[i].value == nil && entry != nil { removed -= 1 }
        table.put(key, entry)
    }
    /// The bytes of the file the manifest was read from (where stored paths are).
    private var bytes = Data()
    /// The paths of the entries set since, one after another, in blocks of
    /// `givenBlock` bytes that a path never spans: one array, doubled as
    /// it grew, copied a million-paper site's quarter gigabyte of paths
    /// at its last step, the top of the build's memory.
    private var given: [[UInt8]] = []
    private static let givenBlock = 1 << 20

    /// The path of an entry of this manifest.
    func path(of entry: Entry) -> String {
        let offset = Int(entry.stored.offset), length = Int(entry.stored.length)
        if length == 0 { return "" }
        if length < 0 {
            let block = given[offset / Self.givenBlock], start = offset % Self.givenBlock
            return String(decoding: block[start..<start - length], as: UTF8.self)
        }
        return bytes.withUnsafeBytes { raw in
            String(decoding: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + length]), as: UTF8.self)
        }
    }

    private func entry(_ entry: Entry, isAt path: String) -> Bool {
        path.utf8.count == abs(Int(entry.stored.length))
    }
    /// The file this manifest was read from, how many segments it had, and
    /// the entries set or removed since: `save` appends just those to that
    /// file when it saves to it again (see `save`).
    private var source: URL? = nil
    private var segments = 0
    private var changed = Set<UInt64>()

    static let header = "papersite-output-manifest 5"
    static let deltaHeader = "papersite-output-manifest changes"

    static func key(_ path: String) -> UInt64 { Fingerprint.of { $0.add(path) } }

    subscript(path: String, key: UInt64) -> Entry? {
        get {
            guard let entry = entry(forKey: key), self.entry(entry, isAt: path) else { return nil }
            return entry
        }
        set {
            let length = path.utf8.count
            if newValue != nil, length <= Self.givenBlock,
               given.isEmpty || given[given.count - 1].count + length > Self.givenBlock {
                given.append([])
                given[given.count - 1].reserveCapacity(Self.givenBlock)
            }
            let offset = given.isEmpty ? 0 : (given.count - 1) * Self.givenBlock + given[given.count - 1].count
            if var entry = newValue, length <= Self.givenBlock, offset + length <= Int(Int32.max) {
                entry.stored = (Int32(offset), -Int32(length))
                given[given.count - 1] += path.utf8
                set(key, entry)
            } else {
                // (Or past 2 GB of paths, some 25 million files: the file
                // is then not listed, and the next build writes it again.)
                set(key, nil)
            }
            changed.insert(key)
        }
    }

    subscript(path: String) -> Entry? {
        get { self[path, Self.key(path)] }
        set { self[path, Self.key(path)] = newValue }
    }

    var count: Int { table.count - removed }

    /// Makes room for `count` entries at once (a table that doubled as it
    /// grew held its old copy beside the new: at a million papers, 0.1 GB).
    mutating func reserveCapacity(_ count: Int) {
        table.reserveCapacity(count)
        changed.reserveCapacity(count)
    }

    /// The manifest of the tree whose root folder is `root`, or nil (no
    /// manifest, one for another tree, or a damaged one).
    ///
    /// In the cache's byte format: a large site's manifest has an entry for
    /// each of tens of thousands of files and is read on every build (as
    /// text, formatting and parsing the numbers took longer than the rest).
    /// A file is one or more segments, each its length, its bytes and their
    /// hash (`ContentHash.of(producedBy:)`, by blocks, so that a segment is
    /// hashed as it is written): all the entries, then the entries changed
    /// by later builds (a removed file has size -1). Any damaged segment
    /// makes the whole manifest unusable: the build then writes files
    /// rather than trust it.
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
                guard ContentHash.of(producedBy: { $0(body) }).hash == raw.loadUnaligned(fromByteOffset: offset + 8 + length, as: UInt64.self).littleEndian else { return nil }
                var r = ByteReader(body)
                guard r.string() == (manifest.segments == 0 ? header : deltaHeader) else { return nil }
                let count = Int(clamping: r.uint())
                guard count <= body.count / 12 else { return nil }
                if manifest.segments == 0 { manifest.table.reserveCapacity(count) }
                for _ in 0..<count {
                    let key = r.fixed(), hash = r.fixed(), size = r.int(), mtime = Int64(r.int()), inode = r.uint()
                    let length = Int(clamping: r.uint()), start = offset + 8 + r.offset
                    guard r.bytes(length) != nil, start + length <= Int(Int32.max) else { return nil }
                    let entry = size < 0 ? nil : Entry(stored: (Int32(start), Int32(length)), hash: hash, size: size, mtime: mtime, inode: inode)
                    // The first segment has each file once; later ones change entries.
                    if manifest.segments == 0, entry != nil { manifest.table.append(new: key, entry) } else { manifest.set(key, entry) }
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
    /// of entries); otherwise the file is replaced whole, atomically,
    /// written a block at a time (at a million papers the manifest is
    /// 0.4 GB, and it was made whole in memory at the build's end).
    func save(to file: URL) throws {
        if source == file, segments > 0, segments < 16, changed.count <= max(64, count / 8) {
            if changed.isEmpty { return }
            var bytes: [UInt8] = []
            let (hash, length) = ContentHash.of(producedBy: segment(Self.deltaHeader, Array(changed))) { bytes += $0 }
            let fd = open(file.path, O_WRONLY | O_APPEND | O_CLOEXEC)
            if fd >= 0 {
                defer { close(fd) }
                let whole = Self.framed(length: length, hash: hash, bytes)
                let written = whole.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if written == whole.count { return }
            }
            // Could not append: the file is written whole below.
        }
        // In no particular order: the reader does not care.
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(getpid()).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path]) }
        var ok = true, end = 0
        func put(_ bytes: UnsafeRawBufferPointer) {
            ok = ok && writeFully(fd, bytes, at: end)
            end += bytes.count
        }
        withUnsafeBytes(of: UInt64(0)) { put($0) }                 // the length, set below
        let (hash, length) = ContentHash.of(producedBy: segment(Self.header, entries.map(\.key)), passingBlocksTo: put)
        withUnsafeBytes(of: hash.littleEndian) { put($0) }
        ok = ok && withUnsafeBytes(of: UInt64(length).littleEndian) { writeFully(fd, $0, at: 0) }
        close(fd)
        guard ok, rename(temporary.path, file.path) == 0 else {
            unlink(temporary.path)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
        }
    }

    /// A segment's bytes (without its length and hash), made a block at a time.
    private func segment(_ header: String, _ keys: [UInt64]) -> ProducedBytes {
        { emit in
            var w = ByteWriter(capacity: ByteBlocks.size + 4096)
            w.string(header)
            w.uint(UInt64(keys.count))
            for key in keys {
                if let e = entry(forKey: key) {
                    w.fixed(key); w.fixed(e.hash); w.int(e.size); w.int(Int(e.mtime)); w.uint(e.inode); w.string(path(of: e))
                } else {
                    w.fixed(key); w.fixed(0); w.int(-1); w.int(0); w.uint(0); w.string("")
                }
                if w.bytes.count >= ByteBlocks.size {
                    w.bytes.withUnsafeBytes(emit)
                    w.bytes.removeAll(keepingCapacity: true)
                }
            }
            w.bytes.withUnsafeBytes(emit)
        }
    }

    /// A segment as the file has it: its length, its bytes, their hash.
    private static func framed(length: Int, hash: UInt64, _ bytes: [UInt8]) -> [UInt8] {
        var w = ByteWriter(capacity: bytes.count + 16)
        w.fixed(UInt64(length)); w.bytes += bytes; w.fixed(hash)
        return w.bytes
    }
}
