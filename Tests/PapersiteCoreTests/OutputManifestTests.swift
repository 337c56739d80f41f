import Foundation
import Testing
@testable import PapersiteCore

/// The output trees' manifests: written whole, then with each build's few
/// changes appended; any damage makes the manifest unusable, never wrong.
@Suite struct OutputManifestTests {
    func entry(_ path: String, _ hash: UInt64) -> OutputManifest.Entry {
        OutputManifest.Entry(hash: hash, size: 10, mtime: 1_700_000_000, inode: hash)
    }

    @Test func changesAreAppendedAndReadBack() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("1.manifest")

        var manifest = OutputManifest()
        for k in 0..<1000 { manifest["papers/p\(k)/index.html"] = entry("papers/p\(k)/index.html", UInt64(k)) }
        try manifest.save(to: file)
        let wholeSize = try Data(contentsOf: file).count

        // A build that changes two files and removes one: a small segment is appended.
        var next = try #require(OutputManifest.load(from: file))
        #expect(next.count == 1000)
        next["papers/p1/index.html"] = entry("papers/p1/index.html", 5000)
        next["papers/new/index.html"] = entry("papers/new/index.html", 5001)
        next["papers/p2/index.html"] = nil
        next["papers/p2/index.html"] = nil          // removed twice, counted once
        next["papers/gone/index.html"] = nil        // never there
        #expect(next.count == 1000 && next.entries.count(where: { _ in true }) == 1000)
        try next.save(to: file)
        let appendedSize = try Data(contentsOf: file).count
        #expect(appendedSize > wholeSize && appendedSize < wholeSize + 300)

        let read = try #require(OutputManifest.load(from: file))
        #expect(read.count == 1000)
        #expect(read["papers/p1/index.html"]?.hash == 5000)
        #expect(read["papers/new/index.html"]?.hash == 5001)
        #expect(read["papers/p2/index.html"] == nil)
        #expect(read["papers/p3/index.html"]?.hash == 3)

        // Saved to another tree's file: written whole.
        let other = folder.appendingPathComponent("2.manifest")
        try read.save(to: other)
        #expect(OutputManifest.load(from: other)?.count == 1000)

        // A cut-off append (a build killed while writing) makes the manifest unusable.
        let bytes = try Data(contentsOf: file)
        try bytes.prefix(appendedSize - 5).write(to: file)
        #expect(OutputManifest.load(from: file) == nil)
    }

    /// A large site's manifest (here 3 MB) is written a block at a time
    /// and reads back whole; a byte changed in a later block is found.
    @Test func aManifestOfManyBlocksIsReadBack() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("1.manifest")
        var manifest = OutputManifest()
        for k in 0..<40_000 { manifest["papers/a-paper-with-a-title-\(k)/index.html"] = entry("papers/a-paper-with-a-title-\(k)/index.html", UInt64(k)) }
        // The paths given (1.7 MB, kept in blocks of a megabyte) come back whole.
        let paths = Set((0..<40_000).map { "papers/a-paper-with-a-title-\($0)/index.html" })
        #expect(Set(manifest.entries.map { manifest.path(of: $0.entry) }) == paths)
        try manifest.save(to: file)
        let bytes = try Data(contentsOf: file)
        #expect(bytes.count > 2 * ByteBlocks.size)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["1.manifest"])
        let read = try #require(OutputManifest.load(from: file))
        #expect(read.count == 40_000)
        #expect(read["papers/a-paper-with-a-title-39999/index.html"]?.hash == 39_999)
        #expect(Set(read.entries.map { read.path(of: $0.entry) }) == paths)
        var damaged = bytes
        damaged[damaged.count - 100] ^= 1
        try damaged.write(to: file)
        #expect(OutputManifest.load(from: file) == nil)
    }
}

/// A file written in pieces (the site's BibTeX, which grows with the site)
/// lands byte for byte, and a later build with the same bytes leaves it
/// alone, while a change of one byte in its second megabyte writes it again.
@Suite struct StreamedFileTests {
    /// 2.5 MiB in pieces of 1 to 9,999 bytes, so that pieces straddle blocks.
    static func produce(changing offset: Int? = nil) -> ProducedBytes {
        return { emit in
            var made = 0, size = 1
            while made < 5 << 19 {
                size = (size * 7919 + 13) % 9999 + 1
                var piece = (0..<min(size, (5 << 19) - made)).map { UInt8(truncatingIfNeeded: (made + $0) &* 31 >> 3) }
                if let offset, (made..<made + piece.count).contains(offset) { piece[offset - made] &+= 1 }
                piece.withUnsafeBytes(emit)
                made += piece.count
            }
        }
    }

    static func whole(_ produce: ProducedBytes) -> [UInt8] {
        var bytes: [UInt8] = []
        produce { bytes.append(contentsOf: $0) }
        return bytes
    }

    @Test func writtenInPiecesAndKeptWhenUnchanged() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("streamed-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = OutputWriter(output: folder.appendingPathComponent("public"), siteRoot: folder.appendingPathComponent("site"))
        func build(_ produce: ProducedBytes) throws -> WriteSummary {
            let session = try writer.begin()
            try session.put("papers.bib", producedBy: produce)
            try session.put("index.html", "home\n")
            return try session.finish(planned: ["papers.bib", "index.html"].map(OutputManifest.key))
        }
        let file = writer.output.appendingPathComponent("papers.bib")

        #expect(try build(Self.produce()).written == 2)
        #expect(try [UInt8](Data(contentsOf: file)) == Self.whole(Self.produce()))
        let unchanged = try build(Self.produce())
        #expect(unchanged.written == 0 && unchanged.unchanged == 2)

        let changed = try build(Self.produce(changing: 1_500_000))
        #expect(changed.written == 1)
        let bytes = try [UInt8](Data(contentsOf: file))
        #expect(bytes == Self.whole(Self.produce(changing: 1_500_000)))
        #expect(bytes != Self.whole(Self.produce()))
    }

    /// The incoming pool's files, the old versions a small change left
    /// there, are written over by the next small change: in place where
    /// nothing else links to them, as a new file where something does
    /// (never through the link).
    @Test func thePoolsFilesAreWrittenOverNeverThroughALink() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pool-reuse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = OutputWriter(output: folder.appendingPathComponent("public"), siteRoot: folder.appendingPathComponent("site"))
        let files = (0..<20).map { "papers/p\($0)/index.html" }
        func change(_ changed: [String], to text: String) throws {
            let session = try writer.begin()
            session.expectChanges(atMost: changed.count)
            for file in changed { try session.put(file, text + file) }
            let rest = files.filter { !changed.contains($0) }
            let kept = rest.map { session.keep($0, key: OutputManifest.key($0)) }
            #expect(kept.allSatisfy { $0.kept })
            session.countKept(rest.count, inStaging: 0, notStaged: zip(rest, kept).compactMap { $1.notStaged ? OutputManifest.key($0) : nil })
            #expect(try session.finish(planned: files.map(OutputManifest.key)).written == changed.count)
        }
        let first = try writer.begin()
        for file in files { try first.put(file, "first \(file)") }
        _ = try first.finish(planned: files.map(OutputManifest.key))
        try change(Array(files.prefix(2)), to: "second ")
        // The pool holds the two old versions, under names 0 and 1; one of them gets a second name.
        let pool = writer.incomingFolder.path
        let (zero, one) = (pool + "/0", pool + "/1")
        let outside = folder.appendingPathComponent("linked").path
        #expect(link(one, outside) == 0)
        let (zeroBefore, outsideBefore) = (FileStat(path: zero)?.inode, try String(contentsOfFile: outside, encoding: .utf8))
        try change(Array(files.suffix(2)), to: "third ")
        // Name 0 was written over and moved into the live tree; name 1 was made anew, the linked file untouched.
        let live = files.suffix(2).map { FileStat(path: writer.output.appendingPathComponent($0).path)?.inode }
        #expect(zeroBefore != nil && live.contains(zeroBefore))
        #expect(try String(contentsOfFile: outside, encoding: .utf8) == outsideBefore)
        #expect(!live.contains(FileStat(path: outside)?.inode))
        for file in files {
            let expected = file == files[0] || file == files[1] ? "second " + file : files.suffix(2).contains(file) ? "third " + file : "first \(file)"
            #expect(try String(contentsOf: writer.output.appendingPathComponent(file), encoding: .utf8) == expected)
        }
    }

    /// A file of a small change takes a pool file of as many blocks, or else
    /// the largest of fewer (which it grows), or else a new name: never one
    /// it would cut shorter by a block, as freeing blocks makes the writer
    /// wait for the disk where ext4 discards them. Past as many files as
    /// it may keep, the pool's largest are removed.
    @Test func aPoolFileIsTakenByItsSizeInBlocks() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pool-sizes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = OutputWriter(output: folder.appendingPathComponent("public"), siteRoot: folder.appendingPathComponent("site"))
        let pool = writer.incomingFolder.path
        try FileManager.default.createDirectory(atPath: pool, withIntermediateDirectories: true)
        var info = stat()
        #expect(stat(pool, &info) == 0)
        let block = Int(info.st_blksize)
        // Names 0 to 4 of 1, 4, 2, 2 and 9 blocks.
        for (name, size) in [100, 3 * block + 10, 2 * block, block + 1, 8 * block + 1].enumerated() {
            #expect(FileManager.default.createFile(atPath: pool + "/\(name)", contents: Data(count: size)))
        }
        let incoming = try #require(IncomingPool(of: writer, keepingAtMost: 4))
        let taken = [4 * block, 4 * block, 50, 50, 3 * block, 20 * block].map { incoming.reserve(size: $0) }
        #expect(taken.map(\.name) == [1, 2, 0, 5, 3, 6])
        #expect(taken.map(\.held) == [true, true, true, false, true, false])
        // Name 4, the largest of five where four are kept, is removed (on a thread of its own).
        let deadline = Date().addingTimeInterval(10)
        while FileManager.default.fileExists(atPath: pool + "/4") && Date() < deadline { usleep(10_000) }
        #expect(!FileManager.default.fileExists(atPath: pool + "/4"))
    }

    /// A small change whose file cannot be put in place (here a file
    /// stands where its folder would be) fails, and the live tree's
    /// manifest, saved while the files were moved, is removed: the next
    /// build trusts none of the tree's files and makes the whole output.
    @Test func aSmallChangeThatCannotBePutInPlaceLeavesNoManifestToTrust() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unplaced-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = OutputWriter(output: folder.appendingPathComponent("public"), siteRoot: folder.appendingPathComponent("site"))
        let files = (0..<20).map { "papers/p\($0)/index.html" }
        let first = try writer.begin()
        for file in files { try first.put(file, "first \(file)") }
        let tree = try #require(try first.finish(planned: files.map(OutputManifest.key)).tree)
        #expect(FileManager.default.fileExists(atPath: writer.manifestFile(forTree: tree).path))
        let blocker = writer.output.appendingPathComponent("papers/new")
        #expect(FileManager.default.createFile(atPath: blocker.path, contents: Data("in the way".utf8)))

        let small = try writer.begin()
        small.expectChanges(atMost: 2)
        try small.put(files[0], "second")
        try small.put("papers/new/index.html", "new")
        let rest = Array(files.dropFirst())
        let kept = rest.map { small.keep($0, key: OutputManifest.key($0)) }
        small.countKept(rest.count, inStaging: 0, notStaged: zip(rest, kept).compactMap { $1.notStaged ? OutputManifest.key($0) : nil })
        var committed: UInt64? = nil
        #expect(throws: BuildFailure.self) {
            try small.finish(planned: (files + ["papers/new/index.html"]).map(OutputManifest.key)) { committed = $0 }
        }
        #expect(committed == tree, "the cache's record was written beside the moves")
        #expect(!FileManager.default.fileExists(atPath: writer.manifestFile(forTree: tree).path))

        try FileManager.default.removeItem(at: blocker)
        let again = try writer.begin()
        #expect(!files.contains { again.keep($0, key: OutputManifest.key($0)).kept }, "nothing is trusted")
        for file in files { try again.put(file, file == files[0] ? "second" : "first \(file)") }
        try again.put("papers/new/index.html", "new")
        _ = try again.finish(planned: (files + ["papers/new/index.html"]).map(OutputManifest.key))
        for file in files + ["papers/new/index.html"] {
            let expected = file == files[0] ? "second" : file.hasSuffix("new/index.html") ? "new" : "first \(file)"
            #expect(try String(contentsOf: writer.output.appendingPathComponent(file), encoding: .utf8) == expected)
        }
    }

    /// A change expected to be small is written into the incoming pool;
    /// when it turns out large (here, files no longer made), its files are
    /// moved into the tree that is swapped in, and the output is exactly
    /// what the build made.
    @Test func aChangeExpectedSmallThatIsLargeIsSwappedInWhole() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pooled-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = OutputWriter(output: folder.appendingPathComponent("public"), siteRoot: folder.appendingPathComponent("site"))
        let files = (0..<20).map { "papers/p\($0)/index.html" }
        let first = try writer.begin()
        for file in files { try first.put(file, "first \(file)\n") }
        #expect(try first.finish(planned: files.map(OutputManifest.key)).written == 20)

        // One file of twenty changed: moved into the live tree from the pool.
        let small = try writer.begin()
        small.expectChanges(atMost: 1)
        try small.put(files[0], "second\n")
        let keptSmall = files.dropFirst().map { small.keep($0, key: OutputManifest.key($0)) }
        #expect(keptSmall.allSatisfy { $0.kept })
        small.countKept(19, inStaging: 0, notStaged: zip(files.dropFirst(), keptSmall).compactMap { $1.notStaged ? OutputManifest.key($0) : nil })
        let updated = try small.finish(planned: files.map(OutputManifest.key))
        #expect(updated.written == 1 && updated.removed == 0)
        #expect(try String(contentsOf: writer.output.appendingPathComponent(files[0]), encoding: .utf8) == "second\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: writer.incomingFolder.path).count == 1, "the old version, kept")

        // One file changed and the rest no longer made: too large a change for file by file.
        let large = try writer.begin()
        large.expectChanges(atMost: 1)
        try large.put(files[1], "third\n")
        let swapped = try large.finish(planned: [OutputManifest.key(files[1])])
        #expect(swapped.written == 1 && swapped.removed == 19)
        let left = (FileManager.default.enumerator(atPath: writer.output.path)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".html") }
        #expect(left == [files[1]])
        #expect(try String(contentsOf: writer.output.appendingPathComponent(files[1]), encoding: .utf8) == "third\n")

        // All twenty made again, then half of them changed and half kept: swapped in whole, the kept
        // half taken from the live tree (the spare tree, the one before, has none of them).
        let again = try writer.begin()
        for file in files { try again.put(file, "again \(file)\n") }
        _ = try again.finish(planned: files.map(OutputManifest.key))
        let mixed = try writer.begin()
        mixed.expectChanges(atMost: 10)
        for file in files.prefix(10) { try mixed.put(file, "changed \(file)\n") }
        let keptMixed = files.dropFirst(10).map { mixed.keep($0, key: OutputManifest.key($0)) }
        #expect(keptMixed.allSatisfy { $0.kept && $0.notStaged })
        mixed.countKept(10, inStaging: keptMixed.filter { $0.inStaging }.count, notStaged: files.dropFirst(10).map(OutputManifest.key))
        #expect(try mixed.finish(planned: files.map(OutputManifest.key)).written == 10)
        for (k, file) in files.enumerated() {
            #expect(try String(contentsOf: writer.output.appendingPathComponent(file), encoding: .utf8) == (k < 10 ? "changed" : "again") + " \(file)\n")
        }
    }

    @Test func blockHashOfOneBlockIsTheWholeHash() {
        let small = Array("a small file".utf8)
        let blocks = ContentHash.of(producedBy: { emit in small.withUnsafeBytes(emit) })
        #expect(blocks.hash == small.withUnsafeBytes(ContentHash.of))
        #expect(blocks.count == small.count)
    }
}
