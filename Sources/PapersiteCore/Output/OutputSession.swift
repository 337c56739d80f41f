import Foundation

/// What writing a build did.
public struct WriteSummary: Sendable {
    /// Files whose bytes differ from the previous output (new ones included).
    public var written: Int
    /// Files that were already as the build makes them.
    public var unchanged: Int
    /// Files of the previous output that the build no longer makes.
    public var removed: Int
    /// The inode of the tree that is now the output (as this build left it).
    public var tree: UInt64? = nil
}

/// One build's writing into the staging tree. `put` may be called from
/// many threads; `finish` swaps the tree in.
///
/// For each file: if the staging tree already has these bytes (by its
/// manifest, checked against the file's size, time and inode), nothing is
/// written. If the live output has them but the staging tree does not, the
/// copy is left for `finish`, which makes it only when something else
/// changed: then the staging tree gets a hard link to the live file (no
/// bytes copied: the first rebuild after a full build links the whole tree
/// rather than copying it), or where links are refused a copy with the
/// live file's modification time, so a file's time changes only with its
/// bytes. Anything else is written now, always as a new file (`write`), so
/// that a file the two trees share is never changed in place.
public final class OutputSession: @unchecked Sendable {
    let writer: OutputWriter
    let staging: URL
    private let claimed: OutputManifest
    private let live: OutputManifest
    private let liveKnown: Bool
    private let lock = NSLock()
    private var result = OutputManifest()
    private var fromLive: [String] = []
    private var changed = 0
    private var same = 0
    /// How many of the files this build makes the live and staging trees'
    /// manifests list: when every listed file is one of them, `finish` need
    /// not look for files to remove (a set lookup per file of a large site).
    private var inLive = 0
    private var inStaging = 0

    /// The live output and the staging tree, open, for stat(2) relative to them.
    private let liveFolder: Int32
    private let stagingFolder: Int32

    init(writer: OutputWriter, staging: URL, claimed: OutputManifest, live: OutputManifest, liveKnown: Bool) {
        self.writer = writer
        self.staging = staging
        self.claimed = claimed
        self.live = live
        self.liveKnown = liveKnown
        // The staging tree's manifest as it stands; files made, copied or
        // removed by this build change their entries.
        result = claimed
        liveFolder = open(writer.output.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        stagingFolder = open(staging.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    }

    deinit {
        if liveFolder >= 0 { close(liveFolder) }
        if stagingFolder >= 0 { close(stagingFolder) }
    }

    private func liveStat(_ file: String) -> FileStat? {
        liveFolder >= 0 ? FileStat(in: liveFolder, file) : FileStat(path: writer.output.path + "/" + file)
    }

    private func stagingStat(_ file: String) -> FileStat? {
        stagingFolder >= 0 ? FileStat(in: stagingFolder, file) : FileStat(path: staging.path + "/" + file)
    }

    public func put(_ file: String, _ bytes: UnsafeRawBufferPointer) throws(BuildFailure) {
        let key = OutputManifest.key(file)
        let hash = ContentHash.of(bytes)
        let size = bytes.count
        let stagingPath = staging.path + "/" + file
        var sameAsLive = false
        let liveEntry = live[file, key], stagedEntry = claimed[file, key]
        if let entry = liveEntry, entry.hash == hash, entry.size == size,
           let info = liveStat(file),
           info.size == entry.size, info.mtime == entry.mtime, info.inode == entry.inode {
            sameAsLive = true
        }
        let listed = (live: liveEntry == nil ? 0 : 1, staging: stagedEntry == nil ? 0 : 1)
        if let entry = stagedEntry, entry.hash == hash, entry.size == size,
           let info = stagingStat(file), info.size == entry.size, info.mtime == entry.mtime, info.inode == entry.inode {
            lock.withLock {
                if sameAsLive { same += 1 } else { changed += 1 }
                inLive += listed.live; inStaging += listed.staging
            }
            return
        }
        if sameAsLive {
            lock.withLock { fromLive.append(file); same += 1; inLive += listed.live; inStaging += listed.staging }
            return
        }
        let info = try Self.write(bytes, to: stagingPath, name: file, mtime: nil)
        lock.withLock {
            result[file, key] = OutputManifest.Entry(path: file, hash: hash, size: size, mtime: info.mtime, inode: info.inode)
            changed += 1
            inLive += listed.live; inStaging += listed.staging
        }
    }

    /// Keeps `file` as the live output has it, without its bytes: for a file
    /// the build knows to be unchanged since the last build wrote it. False
    /// (and nothing done) when the live output's manifest does not list it:
    /// then the file must be made and `put`. The file itself is not looked
    /// at (a stat per file cost more than the rest of a no-change build of
    /// a large site): a file changed by hand in the output folder is put
    /// right by a build with `--clean`, or when its page changes.
    /// (Kept files are counted with `countKept`, once, by the caller.)
    /// Returns whether the file was kept and, if so, whether the staging
    /// tree's manifest lists it (for `countKept`).
    /// `key`: `OutputManifest.key(file)`.
    func keep(_ file: String, key: UInt64) -> (kept: Bool, inStaging: Bool) {
        guard liveKnown, let entry = live[file, key] else { return (false, false) }
        guard let staged = claimed[file, key] else {
            lock.withLock { fromLive.append(file) }
            return (true, false)
        }
        if staged.hash == entry.hash, staged.size == entry.size {
            return (true, true)                           // the staging tree has it: its entry stands
        }
        lock.withLock { fromLive.append(file) }
        return (true, true)
    }

    /// Counts `n` files kept with `keep` as unchanged, `inStaging` of them
    /// listed by the staging tree's manifest.
    public func countKept(_ n: Int, inStaging listed: Int) {
        lock.withLock { same += n; inLive += n; inStaging += listed }
    }

    /// Completes the staging tree and swaps it in, unless the live output
    /// already is exactly what this build makes: then nothing is touched.
    /// `planned`: the `OutputManifest.key` of every file put or kept (each
    /// once); needed only when the trees hold files this build did not make.
    public func finish(planned plannedKeys: @autoclosure () -> [UInt64]) throws(BuildFailure) -> WriteSummary {
        var known: KeySet? = nil
        func isPlanned(_ key: UInt64) -> Bool {
            if known == nil { known = KeySet(plannedKeys()) }
            return known!.contains(key)
        }
        var stale: [String] = []
        if inLive != live.count {
            for (key, entry) in live.entries where !isPlanned(key) { stale.append(live.path(of: entry)) }
        }
        let fm = FileManager.default
        if liveKnown && changed == 0 && stale.isEmpty {
            // Nothing to do. The staging tree goes back as the spare, untouched, its manifest still true.
            defer { writer.dropStaleState() }
            let tree = FileStat.inode(of: writer.output.path)
            if rename(staging.path, writer.spareTree.path) == 0 {
                return WriteSummary(written: 0, unchanged: same, removed: 0, tree: tree)
            }
            try? fm.removeItem(at: staging)
            return WriteSummary(written: 0, unchanged: same, removed: 0, tree: tree)
        }
        // Files the live output already has: linked, or copied with their time.
        for file in fromLive.sorted() {
            let source = writer.output.path + "/" + file
            if let entry = live[file], let linked = Self.link(source, to: staging.path + "/" + file) {
                result[file] = OutputManifest.Entry(path: file, hash: entry.hash, size: entry.size, mtime: linked.mtime, inode: linked.inode)
                continue
            }
            guard let data = fm.contents(atPath: source), let entry = live[file] else {
                throw BuildFailure([.error("cannot read \(source)", at: nil)])
            }
            let info = try Self.unwrap(data.withUnsafeBytes { raw in
                Result { () throws(BuildFailure) in try Self.write(raw, to: staging.path + "/" + file, name: file, mtime: entry.mtime) }
            })
            result[file] = OutputManifest.Entry(path: file, hash: entry.hash, size: entry.size, mtime: info.mtime, inode: info.inode)
        }
        // Files of the staging tree that this build does not make.
        var folders = Set<String>()
        for (key, entry) in claimed.entries where inStaging != claimed.count && !isPlanned(key) {
            let file = claimed.path(of: entry)
            result[file, key] = nil
            unlink(staging.path + "/" + file)
            var dir = (file as NSString).deletingLastPathComponent
            while !dir.isEmpty && folders.insert(dir).inserted { dir = (dir as NSString).deletingLastPathComponent }
        }
        for dir in folders.sorted(by: { $0.count > $1.count }) { rmdir(staging.path + "/" + dir) }

        guard let stagingInode = FileStat.inode(of: staging.path) else {
            throw BuildFailure([.error("the staging folder \(staging.path) went away", at: nil)])
        }
        do {
            try result.save(to: writer.manifestFile(forTree: stagingInode))
        } catch {
            throw BuildFailure([.error("cannot write in \(writer.treesFolder.path): \(error.localizedDescription)", at: nil)])
        }
        try swapIn()
        return WriteSummary(written: changed, unchanged: same, removed: stale.count, tree: stagingInode)
    }

    /// Puts the staging tree in the output's place (atomically where the
    /// kernel can); the old output becomes the spare if its manifest is
    /// known, and is removed otherwise.
    private func swapIn() throws(BuildFailure) {
        let fm = FileManager.default
        let output = writer.output
        guard fm.fileExists(atPath: output.path) else {
            do {
                try fm.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
                try fm.moveItem(at: staging, to: output)
            } catch {
                throw BuildFailure([.error("cannot move the new site into \(output.path): \(error.localizedDescription)", at: nil)])
            }
            return
        }
        if !AtomicSwap.exchange(staging.path, output.path) {
            // No renameat2 here: two renames, with the old tree put back on failure.
            let old = staging.appendingPathExtension("old")
            do {
                try fm.moveItem(at: output, to: old)
                try fm.moveItem(at: staging, to: output)
                try fm.moveItem(at: old, to: staging)
            } catch {
                if !fm.fileExists(atPath: output.path) { try? fm.moveItem(at: old, to: output) }
                throw BuildFailure([.error("cannot replace \(output.path): \(error.localizedDescription)", at: nil)])
            }
        }
        // `staging` now holds the previous output.
        if liveKnown {
            try? fm.removeItem(at: writer.spareTree)
            if rename(staging.path, writer.spareTree.path) != 0 { try? fm.removeItem(at: staging) }
        } else {
            try? fm.removeItem(at: staging)
        }
        writer.dropStaleState()
    }

    /// Writes a rendered page.
    public func put(_ file: String, _ text: String) throws(BuildFailure) {
        var text = text
        try Self.unwrap(text.withUTF8 { bytes in
            Result { () throws(BuildFailure) in try put(file, UnsafeRawBufferPointer(bytes)) }
        })
    }

    /// Writes a file made as bytes.
    public func put(_ file: String, _ bytes: [UInt8]) throws(BuildFailure) {
        try Self.unwrap(bytes.withUnsafeBytes { raw in
            Result { () throws(BuildFailure) in try put(file, raw) }
        })
    }

    /// Writes a copied file.
    public func put(_ file: String, _ data: Data) throws(BuildFailure) {
        try Self.unwrap(data.withUnsafeBytes { raw in
            Result { () throws(BuildFailure) in try put(file, raw) }
        })
    }

    private static func unwrap<T>(_ result: Result<T, BuildFailure>) throws(BuildFailure) -> T {
        try result.get()
    }

    /// After a failed build: the staging tree is removed (its manifest no longer holds).
    public func abandon() {
        try? FileManager.default.removeItem(at: staging)
    }

    /// Writes `bytes` to `path` (creating its folders when needed), with the
    /// given modification time (nanoseconds) or now; returns the file's stat.
    /// A hard link at `path` to the file at `source` (replacing what was
    /// there), and its stat; nil where the file system refuses links.
    static func link(_ source: String, to path: String) -> FileStat? {
        unlink(path)
        var made = Glibc.link(source, path)
        if made != 0 && errno == ENOENT {
            try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            made = Glibc.link(source, path)
        }
        var info = stat()
        guard made == 0, stat(path, &info) == 0 else { return nil }
        return FileStat(size: Int(info.st_size), mtime: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec), inode: UInt64(info.st_ino))
    }

    /// Writes `bytes` as a new file at `path`: what was there is unlinked
    /// first, as it may be a hard link to the live tree's file.
    static func write(_ bytes: UnsafeRawBufferPointer, to path: String, name: String, mtime: Int64?) throws(BuildFailure) -> FileStat {
        unlink(path)
        var fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 && errno == ENOENT {
            try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else {
            throw BuildFailure([.error("cannot write \(name): \(String(cString: strerror(errno)))", at: nil)])
        }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw BuildFailure([.error("cannot write \(name): \(String(cString: strerror(errno)))", at: nil)])
            }
            offset += n
        }
        if let mtime {
            var times = [timespec(tv_sec: 0, tv_nsec: (1 << 30) - 2 /* UTIME_OMIT */),
                         timespec(tv_sec: Int(mtime / 1_000_000_000), tv_nsec: Int(mtime % 1_000_000_000))]
            futimens(fd, &times)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw BuildFailure([.error("cannot write \(name): \(String(cString: strerror(errno)))", at: nil)])
        }
        return FileStat(size: Int(info.st_size), mtime: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec), inode: UInt64(info.st_ino))
    }
}

/// A set of 64-bit keys that are hashes already (output files' path
/// hashes), for a build's serial end: open addressing, the slot found by
/// one multiplication. `Set<UInt64>` hashes each key again (SipHash), and
/// making and searching one of 62,000 files' keys took tens of
/// milliseconds on one core while the other waited.
struct KeySet {
    private var slots: [UInt64]
    private let shift: UInt64
    private var hasZero = false

    init(_ keys: [UInt64]) {
        var bits: UInt64 = 4
        while (1 << bits) < 2 * keys.count { bits += 1 }
        shift = 64 - bits
        slots = [UInt64](repeating: 0, count: 1 << bits)
        let mask = slots.count - 1
        for key in keys {
            if key == 0 { hasZero = true; continue }       // (0 marks an empty slot)
            var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while slots[i] != 0 && slots[i] != key { i = (i + 1) & mask }
            slots[i] = key
        }
    }

    func contains(_ key: UInt64) -> Bool {
        if key == 0 { return hasZero }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while slots[i] != 0 {
            if slots[i] == key { return true }
            i = (i + 1) & mask
        }
        return false
    }
}
