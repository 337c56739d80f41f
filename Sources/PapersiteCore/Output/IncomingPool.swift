import Foundation

/// Where a small change's files are written before they are moved into the
/// live tree: one flat folder beside the spare tree
/// (`.papersite-cache/<output>.incoming/`), the files named 0, 1, 2, …
/// in the order they are made.
///
/// Written at their paths in the staging tree, they needed that tree's
/// folders, and the spare tree of a first rebuild after a full build has
/// almost none: a day of 1,000 papers added to 100,000 made 7,946
/// folders for 14,804 files (by strace), and on this machine's ext4
/// 8,000 folders took from 0.5 to 2 s to make (in one run 2.0 s, where
/// writing 16,000 files of 20 KB into them took 4.3 s). Each file is
/// then exchanged with the live tree's version (`updateLiveTree`),
/// which takes its name here: the next small change writes over it in
/// place where nothing else links to it, as the staging tree's files are
/// (a new file costs more than writing over an old one).
final class IncomingPool: @unchecked Sendable {
    let folder: String
    private let lock = NSLock()
    /// The files the folder held when the build began and no file of this
    /// build has taken yet, by their size in blocks, and the sizes there are.
    private var held: [Int: [Int]] = [:]
    private var heldSizes: [Int] = []
    /// The next name no file of the folder has.
    private var fresh: Int
    private let blockSize: Int
    /// Where the held files given up are removed, one after another.
    private let removals = DispatchQueue(label: "papersite.incoming-pool.removals")
    /// The files written here, by their path in the site: their name here and what was written.
    private(set) var written: [String: (name: Int, entry: OutputManifest.Entry)] = [:]

    /// The pool of `writer`'s output, its folder made if need be; nil if it
    /// cannot be. Past `limit` files (as many as a small change can make),
    /// the largest are removed.
    init?(of writer: OutputWriter, keepingAtMost limit: Int) {
        folder = writer.incomingFolder.path
        guard mkdir(folder, 0o755) == 0 || errno == EEXIST else { return nil }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).compactMap { Int($0) }
        let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if dir >= 0 { close(dir) } }
        var info = stat()
        blockSize = dir >= 0 && fstat(dir, &info) == 0 && info.st_blksize > 0 ? Int(info.st_blksize) : 4096
        let sizes: [Int?] = writer.parallelism.map(names.count) { k -> Int? in
            guard dir >= 0 else { return nil }
            var file = stat()
            return fstatat(dir, "\(names[k])", &file, AT_SYMLINK_NOFOLLOW) == 0 ? Int(file.st_size) : nil
        }
        fresh = (names.max() ?? -1) + 1
        var found = zip(names, sizes).compactMap { name, size in size.map { (name: name, size: $0) } }
        if found.count > limit {
            found.sort { ($0.size, $0.name) < ($1.size, $1.name) }
            let surplus = found[limit...].map { folder + "/\($0.name)" }
            found.removeLast(found.count - limit)
            // (Freeing blocks waits for the disk: see `reserve`.)
            removals.async { for path in surplus { unlink(path) } }
        }
        // (Each size's files taken from the lowest name up.)
        for file in found.sorted(by: { $0.name > $1.name }) { held[blocks(file.size), default: []].append(file.name) }
        heldSizes = held.keys.sorted()
    }

    private func blocks(_ size: Int) -> Int { (size + blockSize - 1) / blockSize }

    /// A name for a file of `size` bytes, its path, and whether the folder
    /// holds a file of that name (to be written over). A file written over
    /// is cut to its new size, and where that frees blocks, ext4 on a disk
    /// mounted with `discard` and without a journal discards them there and
    /// then and waits for the disk: a day of 1,000 papers at 100,000 spent
    /// 1.1 s of its threads' time in 11,000 such cuts (by strace), where
    /// the build took 4 s. So the file taken is one of as many blocks, or
    /// else the largest of fewer (it grows: blocks are only added), or else
    /// a new one.
    func reserve(size: Int) -> (name: Int, path: String, held: Bool) {
        let need = blocks(size)
        let (name, held) = lock.withLock { () -> (Int, Bool) in
            if let name = take(need) { return (name, true) }
            if let fewer = heldSizes.last(where: { $0 < need }), let name = take(fewer) { return (name, true) }
            defer { fresh += 1 }
            return (fresh, false)
        }
        return (name, path(of: name), held)
    }

    /// (Under the lock.) A held file of `blocks` blocks, no longer held.
    private func take(_ blocks: Int) -> Int? {
        guard let name = held[blocks]?.popLast() else { return nil }
        if held[blocks]!.isEmpty {
            held[blocks] = nil
            heldSizes.removeAll { $0 == blocks }
        }
        return name
    }

    func path(of name: Int) -> String { folder + "/\(name)" }

    /// Notes that `file` of the site was written as `name` (under the session's lock).
    func record(_ file: String, name: Int, entry: OutputManifest.Entry) {
        written[file] = (name, entry)
    }

    /// Moves every file written here to its path under `root` (the staging
    /// tree, when the change turned out too large to move into the live
    /// tree file by file), returning what each is.
    func moveAll(under root: String) throws(BuildFailure) -> [(file: String, entry: OutputManifest.Entry)] {
        var moved: [(file: String, entry: OutputManifest.Entry)] = []
        for (file, made) in written.sorted(by: { $0.key < $1.key }) {
            let target = root + "/" + file
            if rename(path(of: made.name), target) != 0 {
                OutputSession.makeFolder((target as NSString).deletingLastPathComponent)
                guard rename(path(of: made.name), target) == 0 else {
                    throw BuildFailure([.error("cannot move a new file into \(target): \(String(cString: strerror(errno)))", at: nil)])
                }
            }
            moved.append((file, made.entry))
        }
        written = [:]
        return moved
    }
}
