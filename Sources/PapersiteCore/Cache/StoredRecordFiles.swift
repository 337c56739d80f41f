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
    /// or by `read` and then stored. `context`: what else the file's
    /// records depend on (a listing's dates without a year: the day of the
    /// build; a BibTeX file: the other BibTeX files' macros).
    /// `read` is given the papers of the file's last version by the hash
    /// of the line each came from, for a format read line by line (a
    /// snapshot), and returns those hashes with the records (else none).
    func records(of file: String, folder: Int32, name: String, context: UInt64?,
                 read: (_ earlier: [UInt64: Paper]) -> (records: Records, lineHashes: [UInt64])) -> Records {
        let key = Fingerprint.of { f in
            f.add("source"); f.add(file)
            if let context { f.add(context) }
        }
        var info = stat()
        guard fstatat(folder, name, &info, 0) == 0 else { return read([:]).records }
        let stamp = Self.stamp(info)
        // The value under `key`: the stamp, the line hashes, and where the
        // records are (see `storeRecords`).
        struct Head { var same: Bool; var lineHashes: [UInt64]; var count: Int; var segments: [UInt64]; var diagnostics: [Diagnostic] }
        let head = cache.get(key) { r -> Head? in
            var same = true
            for value in stamp where r.fixed() != value { same = false }
            let lineHashes = (0..<Int(clamping: min(r.uint(), UInt64(r.buffer.count)))).map { _ in r.fixed() }
            if !same && lineHashes.isEmpty { return nil }
            let count = Int(clamping: r.uint())
            let segments = (0..<Int(clamping: min(r.uint(), UInt64(r.buffer.count)))).map { _ in r.fixed() }
            let problems = Int(clamping: min(r.uint(), UInt64(r.buffer.count)))
            let diagnostics = (0..<problems).map { _ in RecordCodec.readDiagnostic(&r) }
            return Head(same: same, lineHashes: lineHashes, count: count, segments: segments, diagnostics: diagnostics)
        }
        var stored: Records? = nil
        if let head, head.count <= head.segments.count * RecordCodec.segmentSize {
            // The segments decoded on all cores (a snapshot is read alone, so they are free).
            let segments = parallelism.map(head.segments.count) { k in cache.get(head.segments[k], RecordCodec.decodeSegment) }
            if !segments.contains(where: { $0 == nil }) {
                var papers: [Paper] = []
                papers.reserveCapacity(head.count)
                for segment in segments { papers += segment! }
                if papers.count == head.count { stored = (papers, head.diagnostics) }
            }
        }
        if let stored, let head, head.same { return stored }
        var earlier: [UInt64: Paper] = [:]
        if let stored, let head, head.lineHashes.count == stored.papers.count {
            earlier = Dictionary(zip(head.lineHashes, stored.papers), uniquingKeysWith: { first, _ in first })
        }
        var (result, lineHashes) = read(earlier)
        guard !changedRecently(info) else { return result }
        let hashes = storeRecords(result, lineHashes: lineHashes, stamp: stamp, under: key)
        // The records know their hashes, made as they were encoded (later
        // stages would otherwise encode each again to hash it). Moved out of
        // `result`, and set only where not known: a record shared with
        // another list is copied when it is changed.
        var papers = result.papers
        result.papers = []
        for k in papers.indices where k < hashes.count && papers[k].recordHash != hashes[k] { papers[k].setRecordHash(hashes[k]) }
        return (papers, result.diagnostics)
    }

    /// What identifies a version of a file: size, times (to the nanosecond) and inode.
    static func stamp(_ info: stat) -> [UInt64] {
        [UInt64(info.st_size), UInt64(bitPattern: Int64(info.st_mtim.tv_sec)), UInt64(info.st_mtim.tv_nsec),
         UInt64(bitPattern: Int64(info.st_ctim.tv_sec)), UInt64(info.st_ctim.tv_nsec), UInt64(info.st_ino)]
    }

    /// The macros `file` defines (a BibTeX file's `@string`s, which the
    /// site's other BibTeX files are given), from the cache while the file
    /// is unchanged, or by `scan` and then stored: each build needs every
    /// file's macros before it reads any, even where it reads none again.
    func macroDefinitions(of file: String, folder: Int32, name: String,
                          scan: () -> [(name: String, value: String)]) -> [(name: String, value: String)] {
        var info = stat()
        guard fstatat(folder, name, &info, 0) == 0 else { return scan() }
        let stamp = Self.stamp(info)
        let key = Fingerprint.of { f in f.add("macro definitions"); f.add(file) }
        if let kept = cache.get(key, { r -> [(name: String, value: String)]? in
            for value in stamp where r.fixed() != value { return nil }
            let names = r.strings(), values = r.strings()
            return names.count == values.count ? Array(zip(names, values)) : nil
        }) {
            return kept
        }
        let made = scan()
        guard !changedRecently(info) else { return made }
        cache.put(key) { w in
            for value in stamp { w.fixed(value) }
            w.strings(made.map(\.name)); w.strings(made.map(\.value))
        }
        return made
    }

    /// Stores a file's records a segment of `RecordCodec.segmentSize` at a
    /// time, each under a key of its own, as they are encoded, and then
    /// what says where they are under `key`: a snapshot's records encoded
    /// whole were more than a gigabyte at a million papers, held until the
    /// cache had written them. Returns the records' hashes.
    private func storeRecords(_ records: Records, lineHashes: [UInt64], stamp: [UInt64], under key: UInt64) -> [UInt64] {
        var hashes: [UInt64] = []
        hashes.reserveCapacity(records.papers.count)
        var segments: [UInt64] = []
        let byLine = lineHashes.count == records.papers.count
        for start in stride(from: 0, to: records.papers.count, by: RecordCodec.segmentSize) {
            let range = start..<min(records.papers.count, start + RecordCodec.segmentSize)
            let segment = records.papers[range]
            // A file read line by line (a snapshot) keys a segment by its
            // lines and their places: an edit stores again only the segment
            // it falls in, and the others are kept as they are, with their
            // records' hashes (known from when they were read back).
            let segmentKey = Fingerprint.of { f in
                f.add("source records"); f.add(key); f.add(start)
                if byLine {
                    for k in range { f.add(lineHashes[k]); f.add(records.papers[k].source.line) }
                } else {
                    for value in stamp { f.add(value) }
                }
            }
            segments.append(segmentKey)
            if byLine, segment.allSatisfy({ $0.recordHash != nil }), cache.storedHash(segmentKey) != nil {
                hashes += segment.map { $0.recordHash! }
                continue
            }
            let encoded = RecordCodec.encodeSegment(segment, parallelism: parallelism)
            cache.putInBackground(segmentKey, encoded.bytes)
            hashes += encoded.hashes
        }
        var w = ByteWriter()
        for value in stamp { w.fixed(value) }
        w.uint(UInt64(lineHashes.count))
        for hash in lineHashes { w.fixed(hash) }
        w.uint(UInt64(records.papers.count))
        w.uint(UInt64(segments.count))
        for segment in segments { w.fixed(segment) }
        w.uint(UInt64(records.diagnostics.count))
        for d in records.diagnostics { RecordCodec.write(d, to: &w) }
        cache.put(key, w.bytes)
        return hashes
    }
}
