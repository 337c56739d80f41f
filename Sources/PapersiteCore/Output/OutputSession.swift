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
/// bytes copied), or where links are refused a copy with the live file's
/// modification time, so a file's time changes only with its bytes.
/// Anything else is written now, always as a new file (`write`), so that a
/// file the two trees share is never changed in place. A small change is
/// moved into the live tree instead (`updateLiveTree`).
public final class OutputSession: @unchecked Sendable {
    let writer: OutputWriter
    let staging: URL
    private let claimed: OutputManifest
    private let live: OutputManifest
    let liveKnown: Bool
    private let lock = NSLock()
    private var result = OutputManifest()
    private var fromLive: [String] = []
    /// The keys of files kept that the staging tree lacks (`countKept`).
    private var keptNotStaged: [UInt64] = []
    /// The files whose bytes differ from the live tree's, which the staging
    /// tree has as this build makes them: kept only while they are few
    /// enough for `updateLiveTree` (a full build of a large site would keep
    /// millions of paths, all of them in the manifest already).
    private var differing: [String] = []
    private var changed = 0
    private var same = 0
    /// How many of the files this build makes the live and staging trees'
    /// manifests list: when every listed file is one of them, `finish` need
    /// not look for files to remove (a set lookup per file of a large site).
    private var inLive = 0
    private var inStaging = 0
    /// Where this build's files are written when the change is expected
    /// to be small (`expectChanges`); nil: in the staging tree.
    private var pool: IncomingPool? = nil

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
        try put(file, hash: ContentHash.of(bytes), size: bytes.count) { path, there throws(BuildFailure) in
            try Self.write(bytes, to: path, name: file, mtime: nil, likelyThere: there)
        }
    }

    /// Writes a file made in pieces by `produce`, which hands them in order
    /// to the function it is given, and is called once to hash the file and
    /// once more to write it if its bytes changed: the file is never whole
    /// in memory.
    func put(_ file: String, producedBy produce: ProducedBytes) throws(BuildFailure) {
        let (hash, size) = ContentHash.of(producedBy: produce)
        try put(file, hash: hash, size: size) { path, there throws(BuildFailure) in
            try Self.write(producedBy: produce, to: path, name: file, likelyThere: there)
        }
    }

    /// `put`'s decision: nothing to do, a copy of the live file for `finish`,
    /// or `write(path, likelyThere)` now (`likelyThere`: whether a file is
    /// probably there already, to be written over).
    private func put(_ file: String, hash: UInt64, size: Int,
                     write: (_ path: String, _ likelyThere: Bool) throws(BuildFailure) -> FileStat) throws(BuildFailure) {
        let key = OutputManifest.key(file)
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
                if sameAsLive { same += 1 } else { changed += 1; noteDiffering(file) }
                inLive += listed.live; inStaging += listed.staging
            }
            return
        }
        if sameAsLive {
            lock.withLock { fromLive.append(file); same += 1; inLive += listed.live; inStaging += listed.staging }
            return
        }
        if let pool {
            let (name, path, held) = pool.reserve(size: size)
            let info = try write(path, held)
            lock.withLock {
                pool.record(file, name: name, entry: OutputManifest.Entry(hash: hash, size: size, mtime: info.mtime, inode: info.inode))
                changed += 1
                noteDiffering(file)
                inLive += listed.live; inStaging += listed.staging
            }
            return
        }
        let info = try write(stagingPath, false)
        lock.withLock {
            result[file, key] = OutputManifest.Entry(hash: hash, size: size, mtime: info.mtime, inode: info.inode)
            changed += 1
            noteDiffering(file)
            inLive += listed.live; inStaging += listed.staging
        }
    }

    /// Makes room for the entries of the `count` files the build makes.
    func expect(files count: Int) {
        lock.withLock { result.reserveCapacity(count) }
    }

    /// Tells the session that at most `count` files will be put (the rest
    /// kept): when that is a small change, to be moved into the live tree
    /// file by file, the files are written into the incoming pool rather
    /// than the staging tree (see `IncomingPool`). Before any `put`.
    func expectChanges(atMost count: Int) {
        if liveKnown && count <= live.count / 10 { pool = IncomingPool(of: writer, keepingAtMost: live.count / 10) }
    }

    /// Reads, on a thread of its own, the live tree's folders whose files a
    /// small change is to replace (`updateLiveTree`), while they are made:
    /// the rename that puts each file in place looks for its name in its
    /// folder, and where the kernel no longer had the folder's blocks, a
    /// day of 1,000 papers at 100,000 waited for the disk in its renames,
    /// one at a time. (A folder of the site's top level, as `papers/`, is
    /// large, and its blocks are read only where a rename needs them.)
    func readAhead(_ files: @autoclosure () -> [String]) {
        guard pool != nil, liveFolder >= 0 else { return }
        var seen = Set<Substring>()
        let folders = files().compactMap { file -> String? in
            guard let slash = file.lastIndex(of: "/"), file[..<slash].contains("/"), seen.insert(file[..<slash]).inserted else { return nil }
            return String(file[..<slash])
        }
        let root = dup(liveFolder)
        guard root >= 0 else { return }
        DispatchQueue.global(qos: .utility).async {
            for folder in folders {
                let fd = openat(root, folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                guard fd >= 0, let dir = fdopendir(fd) else { if fd >= 0 { close(fd) }; continue }
                while readdir(dir) != nil {}
                closedir(dir)
            }
            close(root)
        }
    }

    /// (Under the lock.) Past a tenth of the live tree the change is swapped in whole: see `finish`.
    private func noteDiffering(_ file: String) {
        if differing.count <= live.count / 10 { differing.append(file) }
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
    /// tree's manifest lists it, and whether the staging tree lacks it as
    /// it is (for `countKept`).
    /// `key`: `OutputManifest.key(file)`.
    func keep(_ file: String, key: UInt64) -> (kept: Bool, inStaging: Bool, notStaged: Bool) {
        guard liveKnown, let entry = live[file, key] else { return (false, false, false) }
        guard let staged = claimed[file, key] else { return (true, false, true) }
        // Where the staging tree has it as it is, its entry stands.
        return (true, true, staged.hash != entry.hash || staged.size != entry.size)
    }

    /// Counts `n` files kept with `keep` as unchanged, `inStaging` of them
    /// listed by the staging tree's manifest. `notStaged`: the keys of
    /// those the staging tree lacks as they are, for a swap of the whole
    /// tree to take from the live one (named only then: after a full
    /// build there is no spare tree, and every file kept was named, under
    /// a lock, one by one).
    public func countKept(_ n: Int, inStaging listed: Int, notStaged: [UInt64]) {
        lock.withLock { same += n; inLive += n; inStaging += listed; keptNotStaged = notStaged }
    }

    /// Completes the staging tree and swaps it in, unless the live output
    /// already is exactly what this build makes: then nothing is touched.
    /// `planned`: the `OutputManifest.key` of every file put or kept (each
    /// once); needed only when the trees hold files this build did not make.
    /// `whenInPlace`: called with the inode of the tree that is now the
    /// output, once it is in place (the build's cache then records what
    /// its files were made from); for a small change, while its files are
    /// moved into the live tree (see `updateLiveTree`).
    public func finish(planned plannedKeys: @autoclosure () -> [UInt64],
                       whenInPlace: @escaping (_ tree: UInt64) -> Void = { _ in }) throws(BuildFailure) -> WriteSummary {
        var known: HashedKeyTable<Void>? = nil
        func isPlanned(_ key: UInt64) -> Bool {
            if known == nil { known = HashedKeyTable(plannedKeys()) }
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
            if let tree { whenInPlace(tree) }
            if rename(staging.path, writer.spareTree.path) == 0 {
                return WriteSummary(written: 0, unchanged: same, removed: 0, tree: tree)
            }
            try? fm.removeItem(at: staging)
            return WriteSummary(written: 0, unchanged: same, removed: 0, tree: tree)
        }
        if liveKnown && changed + stale.count <= live.count / 10 {
            return try updateLiveTree(removing: stale, whenInPlace: whenInPlace)
        }
        // The change was larger than expected: its files go into the tree to swap in.
        if let pool {
            for (file, entry) in try pool.moveAll(under: staging.path) { result[file] = entry }
        }
        // Files the live output already has: linked, or copied with their time.
        for file in (fromLive + keptNotStaged.compactMap { live.path(forKey: $0) }).sorted() {
            let source = writer.output.path + "/" + file
            if let entry = live[file], let linked = Self.link(source, to: staging.path + "/" + file) {
                result[file] = OutputManifest.Entry(hash: entry.hash, size: entry.size, mtime: linked.mtime, inode: linked.inode)
                continue
            }
            guard let data = fm.contents(atPath: source), let entry = live[file] else {
                throw BuildFailure([.error("cannot read \(source)", at: nil)])
            }
            let info = try Self.unwrap(data.withUnsafeBytes { raw in
                Result { () throws(BuildFailure) in try Self.write(raw, to: staging.path + "/" + file, name: file, mtime: entry.mtime, likelyThere: false) }
            })
            result[file] = OutputManifest.Entry(hash: entry.hash, size: entry.size, mtime: info.mtime, inode: info.inode)
        }
        // Files of the staging tree that this build does not make.
        var unmade: [String] = []
        for (key, entry) in claimed.entries where inStaging != claimed.count && !isPlanned(key) {
            let file = claimed.path(of: entry)
            result[file, key] = nil
            unmade.append(file)
        }
        Self.remove(unmade, under: staging.path)

        guard let stagingInode = FileStat.inode(of: staging.path) else {
            throw BuildFailure([.error("the staging folder \(staging.path) went away", at: nil)])
        }
        do {
            try result.save(to: writer.manifestFile(forTree: stagingInode))
        } catch {
            throw BuildFailure([.error("cannot write in \(writer.treesFolder.path): \(error.localizedDescription)", at: nil)])
        }
        try swapIn()
        whenInPlace(stagingInode)
        return WriteSummary(written: changed, unchanged: same, removed: stale.count, tree: stagingInode)
    }

    /// A change to a few files: they are moved from the staging tree into
    /// the live tree, each taking its old version's place at once (an
    /// exchange, or a rename where it is new: a reader never sees a file
    /// half written or missing, and a file the live tree shares with
    /// another is never written through), and the files no
    /// longer made are removed. Making the whole tree for a swap would cost
    /// a link for each of the site's files (the first rebuild after a full
    /// build, with no spare tree), or bring the spare tree up to date with
    /// every change since it was live (after a large change): seconds for
    /// a large site, to change a few files. The old versions exchanged out
    /// stay in the incoming pool (or in the staging tree, for the files it
    /// had as they are now), and the staging tree stays the spare. A larger
    /// change is swapped in whole.
    private func updateLiveTree(removing stale: [String], whenInPlace: @escaping (UInt64) -> Void) throws(BuildFailure) -> WriteSummary {
        let root = writer.output.path
        let pooled = pool?.written ?? [:]
        // Each file from the pool, or from the staging tree where it had the bytes already.
        let files = differing.sorted().filter { pooled[$0] != nil || result[$0] != nil }
        guard let tree = FileStat.inode(of: root) else {
            throw BuildFailure([.error("the output folder \(root) went away", at: nil)])
        }
        // The live tree's manifest as it is once every file is in place.
        var updated = live
        for file in files {
            let key = OutputManifest.key(file)
            if let made = pooled[file] { updated[file, key] = made.entry } else if let entry = result[file, key] { updated[file, key] = entry }
        }
        for file in stale { updated[file, OutputManifest.key(file)] = nil }
        // A file the live tree has (as its manifest says) is exchanged with
        // the new one, and its old version stays in the pool or the spare tree.
        // Replaced by a rename, it was freed there and then (its blocks
        // discarded), and ext4 first wrote the new file to disk: most of a
        // small rebuild's time on a disk mounted with `discard`. One at a
        // time: the kernel renames from one folder to another under one
        // lock, which a second thread only waited for (a day of 1,000
        // papers added changes thousands of files). Meanwhile the live
        // tree's manifest is saved, and what `whenInPlace` writes; if a
        // file cannot be put in place, that manifest is removed (so the
        // next build trusts none of the tree's files).
        enum Placed { case exchanged, moved, failed(Int32) }
        var placed: [Placed] = [], spare: UInt64? = nil
        let failures = FailureBox(), folder = writer.treesFolder.path
        func saving(_ manifest: OutputManifest, _ tree: UInt64) {
            do { try manifest.save(to: writer.manifestFile(forTree: tree)) } catch {
                failures.add(BuildFailure([.error("cannot write in \(folder): \(error.localizedDescription)", at: nil)]))
            }
        }
        writer.parallelism.concurrently({ [self] in
            placed = files.map { file -> Placed in
                let target = root + "/" + file
                let source = pooled[file].map { pool!.path(of: $0.name) } ?? staging.path + "/" + file
                if live[file] != nil, AtomicSwap.exchange(source, target) { return .exchanged }
                if rename(source, target) == 0 { return .moved }
                guard errno == ENOENT else { return .failed(errno) }
                Self.makeFolder((target as NSString).deletingLastPathComponent)
                return rename(source, target) == 0 ? .moved : .failed(errno)
            }
            Self.remove(stale, under: root)
            // The staging tree's manifest: a file it gave the live tree is
            // gone from it, or there as the old version exchanged out. (A
            // file from the pool left its old version there; the staging
            // tree is as it was.)
            for (file, outcome) in zip(files, placed) where pooled[file] == nil {
                let key = OutputManifest.key(file)
                guard result[file, key] != nil else { continue }
                switch outcome {
                case .exchanged:
                    let old = live[file, key]!
                    result[file, key] = OutputManifest.Entry(hash: old.hash, size: old.size, mtime: old.mtime, inode: old.inode)
                case .moved: result[file, key] = nil
                case .failed: return
                }
            }
            spare = result.count > 0 ? FileStat.inode(of: staging.path) : nil
            if let spare { saving(result, spare) }
        }, {
            saving(updated, tree)
            whenInPlace(tree)
        })
        for (file, outcome) in zip(files, placed) {
            if case .failed(let code) = outcome {
                try? FileManager.default.removeItem(at: writer.manifestFile(forTree: tree))
                throw BuildFailure([.error("cannot update \(root + "/" + file): \(String(cString: strerror(code))); build again with --clean", at: nil)])
            }
        }
        if let failure = failures.sorted.first { throw failure }
        // The staging tree stays the spare (what is left of the last one,
        // and the old versions exchanged out of the live tree), its
        // manifest (by the folder's inode) saved first.
        if spare != nil {
            if rename(staging.path, writer.spareTree.path) != 0 { try? FileManager.default.removeItem(at: staging) }
        } else {
            try? FileManager.default.removeItem(at: staging)
        }
        writer.dropStaleState()
        return WriteSummary(written: changed, unchanged: same, removed: stale.count, tree: tree)
    }

    /// After a failed build: the staging tree is removed (its manifest no longer holds).
    public func abandon() {
        try? FileManager.default.removeItem(at: staging)
    }
}
