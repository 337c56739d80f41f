import Foundation

/// The records of source files as an earlier build read them, wrapped
/// around the reading: a file whose size, times and inode are unchanged is
/// not read again. The reader never sees the cache.
struct StoredRecordFiles: Sendable {
    typealias Records = (papers: [Paper], diagnostics: [Diagnostic])
    let cache: CacheStore

    /// The records of `file` (`name` in the open `folder`), from the cache,
    /// or by `read` and then stored. `day`: for a file whose records depend
    /// on the day of the build too (a listing's dates without a year).
    func records(of file: String, folder: Int32, name: String, day: Int?, read: () -> Records) -> Records {
        let key = Fingerprint.of { f in
            f.add("source"); f.add(file)
            if let day { f.add(day) }
        }
        var info = stat()
        guard fstatat(folder, name, &info, 0) == 0 else { return read() }
        // What identifies this version of the file: size, times (to the nanosecond) and inode.
        let stamp = [UInt64(info.st_size), UInt64(bitPattern: Int64(info.st_mtim.tv_sec)), UInt64(info.st_mtim.tv_nsec),
                     UInt64(bitPattern: Int64(info.st_ctim.tv_sec)), UInt64(info.st_ctim.tv_nsec), UInt64(info.st_ino)]
        if let cached = cache.get(key, { r -> Records? in
            for value in stamp where r.fixed() != value { return nil }
            return RecordCodec.decode(&r)
        }) {
            return cached
        }
        let result = read()
        // A file changed in the last two seconds could change again within
        // the file system's clock tick and keep its stamp: it is read again
        // next time rather than trusted (like git's "racily clean" entries).
        let now = Int64(time(nil))
        guard now - Int64(info.st_mtim.tv_sec) > 2, now - Int64(info.st_ctim.tv_sec) > 2 else { return result }
        var hashes: [UInt64] = []
        cache.put(key) { w in
            for value in stamp { w.fixed(value) }
            hashes = RecordCodec.encode(papers: result.papers, diagnostics: result.diagnostics, to: &w)
        }
        // The records know their hashes, made as they were encoded (later
        // stages would otherwise encode each again to hash it).
        var papers = result.papers
        for k in papers.indices where k < hashes.count { papers[k].setRecordHash(hashes[k]) }
        return (papers, result.diagnostics)
    }
}
