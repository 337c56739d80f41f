import Foundation

/// The records of source files as an earlier build read them, wrapped
/// around the reading: a file whose size, times and inode are unchanged is
/// not read again, and a changed snapshot is parsed only where its lines
/// changed (the reader is handed the last version's papers by line). The
/// reader never sees the cache.
struct StoredRecordFiles: Sendable {
    typealias Records = (papers: [Paper], diagnostics: [Diagnostic])
    let cache: CacheStore
    /// The threads records are encoded on (the build's `--jobs`).
    var parallelism = Parallelism.allCores

    /// The records of `file` (`name` in the open `folder`), from the cache,
    /// or by `read` and then stored. `day`: for a file whose records depend
    /// on the day of the build too (a listing's dates without a year).
    /// `read` is given the papers of the file's last version by the hash
    /// of the line each came from, for a format read line by line (a
    /// snapshot), and returns those hashes with the records (else none).
    func records(of file: String, folder: Int32, name: String, day: Int?,
                 read: (_ earlier: [UInt64: Paper]) -> (records: Records, lineHashes: [UInt64])) -> Records {
        let key = Fingerprint.of { f in
            f.add("source"); f.add(file)
            if let day { f.add(day) }
        }
        var info = stat()
        guard fstatat(folder, name, &info, 0) == 0 else { return read([:]).records }
        // What identifies this version of the file: size, times (to the nanosecond) and inode.
        let stamp = [UInt64(info.st_size), UInt64(bitPattern: Int64(info.st_mtim.tv_sec)), UInt64(info.st_mtim.tv_nsec),
                     UInt64(bitPattern: Int64(info.st_ctim.tv_sec)), UInt64(info.st_ctim.tv_nsec), UInt64(info.st_ino)]
        enum Stored { case current(Records), earlier([UInt64: Paper]) }
        let stored = cache.get(key) { r -> Stored? in
            var same = true
            for value in stamp where r.fixed() != value { same = false }
            let lineHashes = (0..<Int(clamping: min(r.uint(), UInt64(r.buffer.count)))).map { _ in r.fixed() }
            if !same && lineHashes.isEmpty { return nil }
            guard let records = RecordCodec.decode(&r) else { return nil }
            if same { return .current(records) }
            guard lineHashes.count == records.papers.count else { return nil }
            return .earlier(Dictionary(zip(lineHashes, records.papers), uniquingKeysWith: { first, _ in first }))
        }
        if case .current(let records) = stored { return records }
        let earlier: [UInt64: Paper]
        if case .earlier(let papers) = stored { earlier = papers } else { earlier = [:] }
        var (result, lineHashes) = read(earlier)
        guard !changedRecently(info) else { return result }
        var w = ByteWriter()
        for value in stamp { w.fixed(value) }
        w.uint(UInt64(lineHashes.count))
        for hash in lineHashes { w.fixed(hash) }
        let hashes = RecordCodec.encode(papers: result.papers, diagnostics: result.diagnostics, to: &w, parallelism: parallelism)
        cache.putInBackground(key, w.bytes)
        // The records know their hashes, made as they were encoded (later
        // stages would otherwise encode each again to hash it). Moved out of
        // `result`, and set only where not known: a record shared with
        // another list is copied when it is changed.
        var papers = result.papers
        result.papers = []
        for k in papers.indices where k < hashes.count && papers[k].recordHash != hashes[k] { papers[k].setRecordHash(hashes[k]) }
        return (papers, result.diagnostics)
    }
}
