import Foundation
import CSystemShims

/// The build cache on disk, in `.papersite-cache/` in the site's folder:
/// what the last builds read and made, so that the next one redoes only
/// what changed. One cache per site, shared by every output folder and by
/// `serve`.
///
/// `values.store` holds values (a source file's records, a paper's
/// rendered Markdown, a card) and only grows during a build: new values are
/// appended as they are made (small ones a block at a time: `StoreAppender`),
/// and a build reads the old ones through a read-only memory map without
/// decoding the rest. `values.index` says
/// where each value is, by a 64-bit key that names what the value was made
/// from, with the hash of its bytes and the generation of the last build
/// that used it. Each output folder has an `OutputRecord`: the fingerprint
/// of each of its files, and its last build's generation. The index and
/// the record are replaced (atomically) only when a build succeeded, so a
/// failed build leaves the cache as it was, and values it appended are
/// garbage that a later build compacts away. A value whose bytes do not
/// match their hash (a damaged file) is simply not found.
///
/// Written by hand rather than with a database: the access pattern is a
/// bulk read of a few keys per paper and an append, and SQLite is not among
/// this project's dependencies.
final class CacheStore: @unchecked Sendable {
    static let format = "papersite-cache 6"

    let folder: URL
    let storeFile: URL
    let indexFile: URL
    /// The output folder this build writes (its absolute path) and the file of its `OutputRecord`.
    let output: String
    let recordFile: URL
    private let cacheLock: CacheLock
    /// The generation of the last build (of any output) that committed.
    private var lastGeneration: UInt64 = 0
    /// The program and format this cache was made by; any other is ignored.
    let identity: UInt64
    private var map: UnsafeRawBufferPointer? = nil
    private var mappedLength = 0
    /// The last build's values, by key: read once, when the cache is
    /// opened, and only looked up after (from every thread).
    private let old: HashedKeyTable<Location>
    /// The fingerprint of each output file of the last build (by the hash of its path).
    private(set) var outputs = HashedKeyTable<UInt64>()
    /// `digest(outputs)`, made as they are read.
    private var outputsDigest: UInt64 = 0
    /// The inode of the output tree `outputs` describes.
    private(set) var outputTree: UInt64 = 0

    /// For each of the last build's values (by `slot`): whether this build
    /// used it (`usedOnly`), or read it and found its bytes intact. Set
    /// from many threads without a lock (one byte each, stored atomically):
    /// a lock and a table insert per value read cost more than reading most.
    private let used: UnsafeMutablePointer<UInt8>
    private static let usedOnly: UInt8 = 1, usedAndIntact: UInt8 = 2

    private let lock = NSLock()
    /// The values this build stored.
    private var live = HashedKeyTable<Location>()
    private var fd: Int32 = -1
    /// The store, open for reading values back where they are (records'
    /// abstracts are left there: see `PaperText`).
    private(set) var storedBytes: StoredBytesFile?
    /// Appends this build's values to the store (nil: it could not be opened or read).
    private var appender: StoreAppender?
    private var puts = 0
    /// The bytes this build appended.
    private var putBytes = 0

    /// Opens the cache in `folder` for a build into the output folder at
    /// the absolute path `output`, waiting while another build has it open;
    /// `clean` ignores what it holds (it is replaced when the build succeeds).
    init(folder: URL, output: String, identity: UInt64, clean: Bool) {
        self.folder = folder
        storeFile = folder.appendingPathComponent("values.store")
        indexFile = folder.appendingPathComponent("values.index")
        self.output = output
        recordFile = OutputRecord.file(for: output, in: folder)
        self.identity = identity
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        cacheLock = CacheLock(folder: folder)
        var index = HashedKeyTable<Location>()
        if clean {
            // A clean build starts the store afresh: nothing in the old one
            // would be used. A new file, not the old one cut short: records of
            // an earlier build (in `serve`) may still read their abstracts there.
            try? FileManager.default.removeItem(at: indexFile)
            try? FileManager.default.removeItem(at: storeFile)
        } else {
            if let record = OutputRecord.read(recordFile, identity: identity) {
                (outputs, outputsDigest, outputTree) = (record.fingerprints, record.digest, record.tree)
            }
            if let (entries, generation) = Self.readIndex(indexFile, identity: identity) {
                (index, lastGeneration) = (entries, generation)
            }
        }
        fd = Glibc.open(storeFile.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd >= 0 {
            storedBytes = StoredBytesFile(path: storeFile.path)
            var info = stat()
            if !index.isEmpty, fstat(fd, &info) == 0, info.st_size > 0 {
                let length = Int(info.st_size)
                if let base = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), base != MAP_FAILED {
                    map = UnsafeRawBufferPointer(start: base, count: length)
                    mappedLength = length
                }
            }
        }
        if map == nil { index = HashedKeyTable(); outputs = HashedKeyTable() }
        old = index
        used = .allocate(capacity: max(1, index.count))
        used.initialize(repeating: 0, count: max(1, index.count))
        guard fd >= 0 else { return }
        let end = Int(lseek(fd, 0, SEEK_END))
        if end >= 0 { appender = StoreAppender(fd: fd, end: end) }
    }

    /// Gives back the pages of the last build's values that were read in
    /// place: they stay in the system's file cache, and the values where
    /// they are (a later read faults them in again). Without this, every
    /// value a stage read (a large site's related-papers tables, its
    /// records) would count in the build's memory until it ends.
    func releaseReadPages() {
        guard let map, let base = map.baseAddress else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base), mappedLength, MADV_DONTNEED)
    }

    deinit {
        cacheLock.release()
        used.deallocate()
        if let map { munmap(UnsafeMutableRawPointer(mutating: map.baseAddress), mappedLength) }
        if fd >= 0 { close(fd) }
    }

    /// The value stored under `key` by an earlier build, if its bytes are
    /// intact (it stays in the cache), read in place from the memory map,
    /// with where it is in the store file.
    private func mapped(_ key: UInt64) -> (bytes: UnsafeRawBufferPointer, offset: Int)? {
        guard let map, let location = old[key], location.offset >= 0, location.length >= 0,
              location.offset + location.length <= map.count else { return nil }
        let bytes = UnsafeRawBufferPointer(rebasing: map[location.offset..<location.offset + location.length])
        // Checked once a build: a card is read for every list that shows it,
        // a BibTeX entry for its page and twice for the site's file (hashed,
        // then written), and the map does not change under the cache's lock.
        if papersite_marked(used, location.slot) != Self.usedAndIntact {
            guard ContentHash.of(bytes) == location.hash else { return nil }
            papersite_mark(used, location.slot, Self.usedAndIntact)
        }
        return (bytes, location.offset)
    }

    /// Decodes the value under `key` with `decode` (nil when absent or
    /// undecodable): a value of an earlier build, or one this build stored.
    /// The reader knows where its bytes are in the store (`ByteReader.origin`).
    func get<T>(_ key: UInt64, _ decode: (inout ByteReader) -> T?) -> T? {
        withBytesAndPlace(key) { bytes, place -> T? in
            var reader = ByteReader(bytes)
            reader.origin = storedBytes.map { ($0, place) }
            guard let value = decode(&reader), !reader.failed else { return nil }
            return value
        } ?? nil
    }

    /// Calls `body` with the bytes stored under `key` (nil when absent or
    /// damaged), in place where an earlier build stored them.
    func withBytes<T>(_ key: UInt64, _ body: (UnsafeRawBufferPointer) -> T) -> T? {
        withBytesAndPlace(key) { bytes, _ in body(bytes) }
    }

    /// The same, with where the bytes start in the store file.
    private func withBytesAndPlace<T>(_ key: UInt64, _ body: (UnsafeRawBufferPointer, Int) -> T) -> T? {
        if let (bytes, offset) = mapped(key) { return body(bytes, offset) }
        guard let location = lock.withLock({ live[key] }),
              // A value of this build (cards, read again for every list): not
              // hashed again, as only earlier builds' values can be left short;
              // not read through a map, whose pages would count in the memory.
              let buffer = appender?.read(offset: location.offset, length: location.length) else { return nil }
        return buffer.withUnsafeBytes { body($0, location.offset) }
    }

    /// Whether values put now can be read back (the store file is open and writes succeed).
    var isWriting: Bool { appender.map { !$0.failed } ?? false }

    /// Marks a value used, leaving one already found intact as it is.
    private func markUsed(_ slot: Int) {
        if papersite_marked(used, slot) == 0 { papersite_mark(used, slot, Self.usedOnly) }
    }

    /// Keeps the values under `keys` for the next build without reading them.
    func retain(_ keys: [UInt64]) {
        for key in keys { if let location = old[key] { markUsed(location.slot) } }
    }

    /// The hash of the bytes stored under `key`, without reading them
    /// (a cheap stand-in for the value in other fingerprints).
    func storedHash(_ key: UInt64) -> UInt64? {
        if let location = old[key] {
            markUsed(location.slot)
            return location.hash
        }
        return lock.withLock { live[key]?.hash }
    }

    /// Stores `bytes` under `key` for the next build (appended now);
    /// returns the hash of the bytes.
    @discardableResult
    func put(_ key: UInt64, _ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { put(key, $0) }
    }

    /// The same, from bytes in place (a large table, written without a copy).
    @discardableResult
    func put(_ key: UInt64, _ bytes: UnsafeRawBufferPointer) -> UInt64 {
        append(key, bytes).hash
    }

    /// Stores `bytes` under `key` as `put` does; returns where they are in
    /// the store file (nil if they could not be written).
    func putPlaced(_ key: UInt64, _ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBytes { append(key, $0, direct: true).offset }
    }

    /// The same, from bytes in place (read back through `storedBytes`).
    func putPlaced(_ key: UInt64, _ bytes: UnsafeRawBufferPointer) -> Int? {
        append(key, bytes, direct: true).offset
    }

    private func append(_ key: UInt64, _ bytes: UnsafeRawBufferPointer, direct: Bool = false) -> (hash: UInt64, offset: Int?) {
        let hash = ContentHash.of(bytes)
        guard let offset = appender?.append(bytes, direct: direct) else { return (hash, nil) }
        lock.withLock {
            puts += 1
            putBytes += bytes.count
            live.put(key, Location(offset: offset, length: bytes.count, hash: hash))
        }
        return (hash, offset)
    }

    @discardableResult
    func put(_ key: UInt64, _ write: (inout ByteWriter) -> Void) -> UInt64 {
        var writer = ByteWriter()
        write(&writer)
        return put(key, writer.bytes)
    }

    /// Saves the index of the values this build used or made, and the
    /// output's record, after a successful build; then lets other builds
    /// open the cache. A value stays while the last build of some existing
    /// output folder used it; the rest is garbage, compacted away as below.
    /// `outputs`: each output file's key with its fingerprint (each file
    /// once); `last`: what the build was made from and made, for the next
    /// build to find nothing to do (nil when its inputs had no stamp).
    func commit(outputs: [(key: UInt64, fingerprint: UInt64)], tree: UInt64, last: LastBuild? = nil) {
        lock.lock()
        defer { lock.unlock(); cacheLock.release() }
        // The tree is in place: what it was made from is known whatever
        // becomes of the values.
        let lastFile = LastBuild.file(for: output, in: folder)
        if let last { last.write(identity: identity, to: lastFile) } else { try? FileManager.default.removeItem(at: lastFile) }
        guard let appender, appender.flush() else { try? FileManager.default.removeItem(at: indexFile); return }
        // The generation another existing output folder was last built at:
        // what that build used is kept. Records of folders that are gone go.
        var others: [UInt64] = []
        for (file, record) in OutputRecord.all(in: folder, identity: identity) where file != recordFile {
            guard let record, FileManager.default.fileExists(atPath: record.path) else {
                try? FileManager.default.removeItem(at: file)
                try? FileManager.default.removeItem(at: LastBuild.file(besideRecord: file))
                continue
            }
            others.append(record.generation)
        }
        let generation = max(lastGeneration, others.max() ?? 0) + 1
        let oldestKept = others.min() ?? generation
        // This build's values in the order of their slots (see below).
        let liveEntries = live.entries, liveInOrder = live.slotOrder
        // What this build stored, and what it used of the earlier builds'
        // (unless stored again), or another output's last build used, each
        // at the generation it is kept for: gone over in turn (at a million
        // papers a list of five million values took a quarter of a
        // gigabyte; it is made only to compact). In the order of the keys'
        // slots (`HashedKeyTable.order`), this build's merged into the last
        // index's: the next build fills its table from the first slot to the
        // last (at random, 70 ms of the 0.12 s of reading 600,000 values).
        func forEachKept(whenUsed: () -> Void = {}, _ body: (UInt64, Location) -> Void) {
            var next = 0
            /// This build's next value, if any and if its `order` is at most `order`.
            func emitLive(upTo order: UInt64 = .max) -> Bool {
                guard next < liveInOrder.count else { return false }
                var (key, location) = liveEntries[Int(liveInOrder[next])]
                guard HashedKeyTable<Location>.order(key) <= order else { return false }
                location.generation = generation
                body(key, location)
                next += 1
                return true
            }
            for (key, var location) in old.entries {
                let wasUsed = papersite_marked(used, location.slot) != 0
                if wasUsed { whenUsed() }
                guard !live.contains(key), wasUsed || location.generation >= oldestKept else { continue }
                while emitLive(upTo: HashedKeyTable<Location>.order(key)) {}
                if wasUsed { location.generation = generation }
                body(key, location)
            }
            while emitLive() {}
        }
        var kept = 0, usedCount = 0, liveBytes = 0
        forEachKept(whenUsed: { usedCount += 1 }) { _, location in kept += 1; liveBytes += location.length }
        // A build that used exactly what the last one left, into the same
        // tree, needs no new index. (The outputs compared by a digest: a
        // table of each would cost a lookup per file.)
        if puts == 0 && usedCount == old.count && kept == old.count && tree == outputTree
            && outputs.count == self.outputs.count && Self.digest(outputs) == outputsDigest { return }
        // Compacting copies every value kept: a build does it when the
        // garbage outweighs them and the build itself wrote a quarter as
        // much (so that a small edit never pays for a large site's copy),
        // or, whatever the build, when the garbage is three times the values
        // kept (so that the store stays bounded).
        let garbage = appender.length - liveBytes
        var compacted: [(key: UInt64, value: Location)]? = nil
        if garbage > liveBytes + (8 << 20) && (4 * putBytes >= liveBytes || garbage > 3 * liveBytes) {
            var entries: [(key: UInt64, value: Location)] = []
            entries.reserveCapacity(kept)
            forEachKept { entries.append(($0, $1)) }
            // (Made in the order of the store, put back in the index's.)
            compacted = StoreCompaction.compact(entries, from: fd, into: storeFile)?
                .sorted { HashedKeyTable<Location>.order($0.key) < HashedKeyTable<Location>.order($1.key) }
        }
        var w = ByteWriter(capacity: 64 + kept * 32)
        w.string(Self.format)
        w.fixed(identity)
        w.fixed(generation)
        w.uint(UInt64(compacted?.count ?? kept))
        func write(_ key: UInt64, _ location: Location) {
            w.fixed(key); w.uint(UInt64(location.offset)); w.uint(UInt64(location.length)); w.fixed(location.hash)
            w.uint(location.generation)
        }
        if let compacted {
            for (key, location) in compacted { write(key, location) }
        } else {
            forEachKept(write)
        }
        SealedFile.write(&w, to: indexFile)
        OutputRecord.write(path: output, tree: tree, generation: generation, pairs: outputs, identity: identity, to: recordFile)
    }

    /// The values of the last build, by key, and its generation.
    private static func readIndex(_ indexFile: URL, identity: UInt64) -> (HashedKeyTable<Location>, UInt64)? {
        SealedFile.read(indexFile) { r -> (HashedKeyTable<Location>, UInt64)? in
            guard r.string() == Self.format, r.fixed() == identity else { return nil }
            let generation = r.fixed()
            let count = Int(clamping: r.uint())
            guard count <= r.buffer.count / 4 else { return nil }
            var entries = HashedKeyTable<Location>(capacity: count)
            for slot in 0..<count {
                let key = r.fixed(), offset = Int(clamping: r.uint()), length = Int(clamping: r.uint()), hash = r.fixed()
                // (Written from a table: each key once.)
                entries.append(new: key, Location(offset: offset, length: length, hash: hash, slot: slot, generation: r.uint()))
            }
            guard !r.failed, r.atEnd else { return nil }
            return (entries, generation)
        }
    }

    /// One number for a set of (file, fingerprint) pairs, whatever their order.
    static func digest(_ pairs: [(key: UInt64, fingerprint: UInt64)]) -> UInt64 {
        pairs.reduce(0) { sum, pair in sum &+ Fingerprint.of { f in f.add(pair.key); f.add(pair.fingerprint) } }
    }

    /// What makes caches comparable: the format, papersite's version and the
    /// program file itself (a rebuilt papersite may render differently).
    static func programIdentity() -> UInt64 {
        Fingerprint.of { f in
            f.add(format)
            f.add(PapersiteVersion.current)
            if let info = FileStat(path: "/proc/self/exe") {
                f.add(info.size); f.add(Int(info.mtime)); f.add(info.inode)
            }
        }
    }
}
