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

    /// Where `read` hands each record as it is read, with the hash of its
    /// line for a format read line by line (a snapshot), else nil.
    typealias Emit = (_ paper: Paper, _ lineHash: UInt64?) -> Void

    /// The records of `file` (`name` in the open `folder`), from the cache,
    /// or by `read` and then stored. `context`: what else the file's
    /// records depend on (a listing's dates without a year: the day of the
    /// build; a BibTeX file: the other BibTeX files' macros).
    /// `read` is given the papers of the file's last version by the hash
    /// of the line each came from, for a format read line by line (a
    /// snapshot); it hands on each record with `emit`, in order, and
    /// returns the problems found. The records are stored as they come
    /// (see `SegmentWriter`).
    func records(of file: String, folder: Int32, name: String, context: UInt64?,
                 read: (_ earlier: [UInt64: Paper], _ emit: Emit) -> [Diagnostic]) -> Records {
        let key = Fingerprint.of { f in
            f.add("source"); f.add(file)
            if let context { f.add(context) }
        }
        var info = stat()
        guard fstatat(folder, name, &info, 0) == 0 else { return Self.collect(read) }
        let stamp = Self.stamp(info)
        // The value under `key`: the stamp, the line hashes, and where the
        // records are (see `SegmentWriter.storeHead`).
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
        var segments = SegmentWriter(cache: cache, fileKey: key, stamp: stamp, parallelism: parallelism)
        let diagnostics = read(earlier) { paper, lineHash in segments.add(paper, lineHash: lineHash) }
        let papers = segments.finish()
        // A file changed in the last two seconds may change again within
        // the file system's clock tick, keeping its stamp: its head is
        // stored without the stamp, so that the next build reads the file
        // again, but still finds its lines' records (`serve` builds as soon
        // as a file is saved: each edit to a snapshot parsed all of it).
        segments.storeHead(under: key, count: papers.count, diagnostics: diagnostics, stamped: !changedRecently(info))
        return (papers, diagnostics)
    }

    /// The records `read` hands on, in order, with its problems (with no
    /// earlier version to reuse).
    static func collect(_ read: (_ earlier: [UInt64: Paper], _ emit: Emit) -> [Diagnostic]) -> Records {
        var papers: [Paper] = []
        let diagnostics = read([:]) { paper, _ in papers.append(paper) }
        return (papers, diagnostics)
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

}

/// A file's records as they are read, stored a segment of
/// `RecordCodec.segmentSize` at a time, each under a key of its own, as
/// soon as the segment is full; then what says where they are, under the
/// file's key. A stored record knows its hash (made as it was encoded:
/// later stages would otherwise encode each again to hash it), and leaves
/// its abstract where it was stored: a snapshot's abstracts are never all
/// in memory, nor are its encoded records (more than a gigabyte at a
/// million papers), and the memory of one segment's is used again for
/// the next.
private struct SegmentWriter {
    let cache: CacheStore
    let fileKey: UInt64
    let stamp: [UInt64]
    let parallelism: Parallelism
    private var papers: [Paper] = []
    private var lineHashes: [UInt64] = []
    private var segments: [UInt64] = []
    /// The papers before this one are in stored segments.
    private var stored = 0

    init(cache: CacheStore, fileKey: UInt64, stamp: [UInt64], parallelism: Parallelism) {
        (self.cache, self.fileKey, self.stamp, self.parallelism) = (cache, fileKey, stamp, parallelism)
    }

    mutating func add(_ paper: Paper, lineHash: UInt64?) {
        papers.append(paper)
        if let lineHash { lineHashes.append(lineHash) }
        if papers.count - stored == RecordCodec.segmentSize { storeSegment() }
    }

    /// Every record, the last segment stored.
    mutating func finish() -> [Paper] {
        storeSegment()
        return papers
    }

    private mutating func storeSegment() {
        let range = stored..<papers.count
        stored = papers.count
        guard !range.isEmpty else { return }
        // A file read line by line (a snapshot) keys a segment by its
        // lines and their places: an edit stores again only the segment
        // it falls in, and the others are kept as they are, with their
        // records' hashes (known from when they were read back).
        let byLine = lineHashes.count == papers.count
        let segmentKey = Fingerprint.of { f in
            f.add("source records"); f.add(fileKey); f.add(range.lowerBound)
            if byLine {
                for k in range { f.add(lineHashes[k]); f.add(papers[k].source.line) }
            } else {
                for value in stamp { f.add(value) }
            }
        }
        segments.append(segmentKey)
        if byLine, papers[range].allSatisfy({ $0.recordHash != nil }), cache.storedHash(segmentKey) != nil { return }
        let encoded = RecordCodec.encodeSegment(papers[range], parallelism: parallelism)
        let place = cache.putPlaced(segmentKey, encoded.bytes)
        for (k, i) in range.enumerated() {
            let abstract = encoded.abstracts[k]
            if let place, let file = cache.storedBytes, abstract.count >= PaperText.storedFrom, !papers[i].abstractText.isStored {
                papers[i].keepAbstract(PaperText(in: file, offset: place + abstract.lowerBound, length: abstract.count))
            }
            // (Set only where not known: a record shared with the last
            // version's table is copied when it is changed.)
            if papers[i].recordHash != encoded.hashes[k] { papers[i].setRecordHash(encoded.hashes[k]) }
        }
    }

    /// What says where the `count` records are, and the problems found.
    /// Not `stamped`: with a stamp no file has (inode 0), so that the file is read again.
    func storeHead(under key: UInt64, count: Int, diagnostics: [Diagnostic], stamped: Bool) {
        var w = ByteWriter()
        for value in stamp { w.fixed(stamped ? value : 0) }
        let byLine = lineHashes.count == count
        w.uint(UInt64(byLine ? lineHashes.count : 0))
        for hash in lineHashes where byLine { w.fixed(hash) }
        w.uint(UInt64(count))
        w.uint(UInt64(segments.count))
        for segment in segments { w.fixed(segment) }
        w.uint(UInt64(diagnostics.count))
        for d in diagnostics { RecordCodec.write(d, to: &w) }
        cache.put(key, w.bytes)
    }
}
