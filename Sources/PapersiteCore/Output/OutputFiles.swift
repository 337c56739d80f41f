import Foundation

/// How the output's files are made: links, new files, and files of the
/// staging tree written over; never a write through a link.
extension OutputSession {
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

    /// A typed error out of a closure that `withUnsafeBytes` rethrows untyped.
    static func unwrap<T>(_ result: Result<T, BuildFailure>) throws(BuildFailure) -> T {
        try result.get()
    }

    /// Puts the staging tree in the output's place (atomically where the
    /// kernel can); the old output becomes the spare if its manifest is
    /// known, and is removed otherwise.
    func swapIn() throws(BuildFailure) {
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

    /// Removes `files` (paths under `root`), then the folders they leave empty.
    static func remove(_ files: [String], under root: String) {
        var folders = Set<String>()
        for file in files {
            unlink(root + "/" + file)
            var dir = (file as NSString).deletingLastPathComponent
            while !dir.isEmpty && folders.insert(dir).inserted { dir = (dir as NSString).deletingLastPathComponent }
        }
        for dir in folders.sorted(by: { $0.count > $1.count }) { rmdir(root + "/" + dir) }    // fails, as it should, if not empty
    }

    /// Makes the folder `path` and any missing parents. One mkdir(2) where
    /// the parent exists, as it does for all but the first file of a list
    /// or paper folder: `FileManager` looks at each path component first.
    static func makeFolder(_ path: String) {
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A hard link at `path` to the file at `source` (replacing what was
    /// there), and its stat; nil where the file system refuses links.
    static func link(_ source: String, to path: String) -> FileStat? {
        unlink(path)
        var made = Glibc.link(source, path)
        if made != 0 && errno == ENOENT {
            makeFolder((path as NSString).deletingLastPathComponent)
            made = Glibc.link(source, path)
        }
        var info = stat()
        guard made == 0, stat(path, &info) == 0 else { return nil }
        return FileStat(size: Int(info.st_size), mtime: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec), inode: UInt64(info.st_ino))
    }

    /// A file at `path`, open for writing at its start. It is made with
    /// `O_EXCL`, and what was there looked at only when that finds
    /// something: most files of a build are new, and a failed unlink before
    /// each cost 2% of a full build's processor time at 100,000 papers (a
    /// lookup in a folder as large as `papers/`). Where a file is
    /// `likelyThere` (an incoming pool's name it held already), it is
    /// opened first as it is: `O_CREAT` takes the folder's lock even when
    /// the file exists, and the pool is one folder that every worker writes
    /// in (a day of 1,000 papers at 100,000 spent 0.4 s of processor time
    /// in those opens, a third of it waiting for the lock).
    /// A file found there that no other path links to (an earlier build's,
    /// in the spare tree or the pool) is written over (`reusedSize`: its
    /// size, for the caller to cut it to what it wrote);
    /// unlinked, its blocks were freed and discarded and a new inode made,
    /// which cost more than writing the page. A file that is linked from
    /// elsewhere (the live tree) is unlinked, never written through.
    private static func create(_ path: String, name: String, likelyThere: Bool) throws(BuildFailure) -> (fd: Int32, reusedSize: Int?) {
        /// The file at `path` as it is, if it can be written over.
        func reusable() -> (fd: Int32, reusedSize: Int?)? {
            let existing = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
            guard existing >= 0 else {
                if errno != ENOENT { unlink(path) }     // a link, or not a file
                return nil
            }
            var info = stat()
            if fstat(existing, &info) == 0, info.st_nlink == 1, info.st_mode & S_IFMT == S_IFREG { return (existing, Int(info.st_size)) }
            close(existing)
            unlink(path)
            return nil
        }
        if likelyThere, let reused = reusable() { return reused }
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
        var fd = open(path, flags, 0o644)
        if fd < 0 && errno == EEXIST {
            if let reused = reusable() { return reused }
            fd = open(path, flags, 0o644)
        }
        if fd < 0 && errno == ENOENT {
            makeFolder((path as NSString).deletingLastPathComponent)
            fd = open(path, flags, 0o644)
        }
        guard fd >= 0 else {
            throw BuildFailure([.error("cannot write \(name): \(String(cString: strerror(errno)))", at: nil)])
        }
        return (fd, nil)
    }

    /// Cuts a file written over (`create`'s `reusedSize`) to the `size`
    /// written, if it was longer: a file that grew or kept its size needs
    /// no ftruncate, which on this machine's ext4 cost about 5 us to the
    /// size a file has (55 us where it shrinks it), for each of the 15,000
    /// files a day of 1,000 papers added at 100,000 writes over.
    private static func cut(_ fd: Int32, from oldSize: Int?, to size: Int, name: String) throws(BuildFailure) {
        guard let oldSize, oldSize > size else { return }
        guard ftruncate(fd, off_t(size)) == 0 else {
            throw BuildFailure([.error("cannot write \(name): \(String(cString: strerror(errno)))", at: nil)])
        }
    }

    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32, name: String) throws(BuildFailure) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw BuildFailure([.error("cannot write \(name): \(String(cString: strerror(errno)))", at: nil)])
            }
            offset += n
        }
    }

    /// `write` for produced bytes (see `put(_:producedBy:)`), a block at a time.
    static func write(producedBy produce: ProducedBytes, to path: String, name: String, likelyThere: Bool) throws(BuildFailure) -> FileStat {
        let (fd, reusedSize) = try create(path, name: name, likelyThere: likelyThere)
        defer { close(fd) }
        var failure: BuildFailure? = nil, size = 0
        ByteBlocks.forEach(of: produce) { block in
            guard failure == nil else { return }
            do throws(BuildFailure) { try writeAll(block, to: fd, name: name); size += block.count } catch { failure = error }
        }
        if let failure { throw failure }
        try cut(fd, from: reusedSize, to: size, name: name)
        return try fileStat(of: fd, name: name)
    }

    private static func fileStat(of fd: Int32, name: String) throws(BuildFailure) -> FileStat {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw BuildFailure([.error("cannot write \(name): \(String(cString: strerror(errno)))", at: nil)])
        }
        return FileStat(size: Int(info.st_size), mtime: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec), inode: UInt64(info.st_ino))
    }

    /// Writes `bytes` as a new file at `path` (creating its folders when
    /// needed), with the given modification time (nanoseconds) or now, and
    /// returns its stat. What was there is written over, or unlinked first
    /// where it is a hard link to the live tree's file (see `create`, and
    /// for `likelyThere`).
    static func write(_ bytes: UnsafeRawBufferPointer, to path: String, name: String, mtime: Int64?, likelyThere: Bool) throws(BuildFailure) -> FileStat {
        let (fd, reusedSize) = try create(path, name: name, likelyThere: likelyThere)
        defer { close(fd) }
        try writeAll(bytes, to: fd, name: name)
        try cut(fd, from: reusedSize, to: bytes.count, name: name)
        if let mtime {
            var times = [timespec(tv_sec: 0, tv_nsec: (1 << 30) - 2 /* UTIME_OMIT */),
                         timespec(tv_sec: Int(mtime / 1_000_000_000), tv_nsec: Int(mtime % 1_000_000_000))]
            futimens(fd, &times)
        }
        return try fileStat(of: fd, name: name)
    }
}
