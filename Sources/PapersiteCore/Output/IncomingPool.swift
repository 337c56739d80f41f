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
/// (a new file costs more than writing over an old one). The folder keeps
/// at most as many files as the largest small change made.
final class IncomingPool: @unchecked Sendable {
    let folder: String
    private let lock = NSLock()
    private var next = 0
    /// The names of the files the folder held when the build began (by
    /// name: the files that were moved into the live tree left gaps).
    private let held: Set<Int>
    /// The files written here, by their path in the site: their name here and what was written.
    private(set) var written: [String: (name: Int, entry: OutputManifest.Entry)] = [:]

    /// The pool of `writer`'s output, its folder made if need be; nil if it cannot be.
    init?(of writer: OutputWriter) {
        folder = writer.incomingFolder.path
        guard mkdir(folder, 0o755) == 0 || errno == EEXIST else { return nil }
        held = Set(((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).compactMap { Int($0) })
    }

    /// A name for the next file, its path, and whether the folder held a
    /// file of that name when the build began (to be written over).
    func reserve() -> (name: Int, path: String, held: Bool) {
        let name = lock.withLock { defer { next += 1 }; return next }
        return (name, path(of: name), held.contains(name))
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
