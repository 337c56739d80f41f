import Foundation

/// What an output folder's last build was made from and what it made: the
/// stamp of every input (`inputs`), the tree it left as the output, and the
/// counts and warnings its summary gave. A build whose inputs have the same
/// stamp, into the same tree, would make the same bytes: it reports this
/// summary again and touches nothing (as make and ninja do nothing when no
/// input is newer), without reading a record. Kept in the site's cache
/// folder beside the output's `OutputRecord`, and written under the cache's
/// lock by `CacheStore.commit`.
struct LastBuild: Equatable {
    static let format = "papersite-last-build 1"
    var inputs: UInt64
    var tree: UInt64
    var papers: Int
    var tags: Int
    var pages: Int
    var files: Int
    var warnings: [Diagnostic]

    /// The file for the output at `path`: beside its `OutputRecord`.
    static func file(for path: String, in folder: URL) -> URL {
        file(besideRecord: OutputRecord.file(for: path, in: folder))
    }

    /// The record's name with another suffix (dropped with the record).
    static func file(besideRecord record: URL) -> URL {
        record.deletingPathExtension().appendingPathExtension("last")
    }

    static func read(_ url: URL, identity: UInt64) -> LastBuild? {
        SealedFile.read(url) { r -> LastBuild? in
            guard r.string() == format, r.fixed() == identity else { return nil }
            let inputs = r.fixed(), tree = r.fixed()
            let papers = r.int(), tags = r.int(), pages = r.int(), files = r.int()
            let count = Int(clamping: r.uint())
            guard count <= r.buffer.count else { return nil }
            let warnings = (0..<count).map { _ in RecordCodec.readDiagnostic(&r) }
            guard !r.failed, r.atEnd else { return nil }
            return LastBuild(inputs: inputs, tree: tree, papers: papers, tags: tags, pages: pages, files: files, warnings: warnings)
        }
    }

    func write(identity: UInt64, to url: URL) {
        var w = ByteWriter()
        w.string(Self.format); w.fixed(identity)
        w.fixed(inputs); w.fixed(tree)
        w.int(papers); w.int(tags); w.int(pages); w.int(files)
        w.uint(UInt64(warnings.count))
        for warning in warnings { RecordCodec.write(warning, to: &w) }
        SealedFile.write(&w, to: url)
    }
}
