import Foundation
import Testing
@testable import PapersiteCore

/// An edit to a large snapshot parses only the lines it changed: the
/// cache keeps each paper by the hash of its line, and a line it knows is
/// taken from there, at its new place in the file.
@Suite struct SnapshotEditTests {
    func line(_ id: String, _ title: String, day: Int = 2) -> String {
        #"{"id": "\#(id)", "title": "\#(title)", "authors": "Ada Lovelace, Alan Turing", "abstract": "  About \#(title).\n", "#
            + #""categories": "cs.LG", "versions": [{"version": "v1", "created": "Mon, \#(day) Jan 2024 10:00:00 GMT"}]}"#
    }

    /// The file is read a megabyte at a time: lines across the blocks'
    /// edges, a line longer than a block, blank lines, Windows line ends
    /// and a last line with no newline are each read once, numbered as an
    /// editor numbers them.
    @Test func linesAcrossBlocksAreReadWhole() throws {
        var lines = (1...3_000).map { line(String(format: "2401.%05d", $0), "Paper \($0) " + String(repeating: "x", count: 900)) }
        // A line longer than a block (its comment is).
        lines[1_499] = line("2401.01500", "Long").replacingOccurrences(of: #""cs.LG", "#,
                                                                      with: #""cs.LG", "comments": "\#(String(repeating: "y", count: LineReader.blockSize + 1_000))", "#)
        lines[9] += "\r"
        lines.insert("   ", at: 20)
        lines.insert("", at: 2_500)
        lines.insert("{not json", at: 2_800)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("papersite-lines-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        let read = ArXivSnapshotReader().read(url, file: "s.jsonl")
        let ids = read.papers.compactMap(\.arxiv), expected = (1...3_000).map { String(format: "2401.%05d", $0) }
        #expect(ids.count == expected.count && ids == expected, "\(ids.count) papers; missing: \(Set(expected).subtracting(ids).sorted().prefix(5))")
        #expect((read.papers.first { $0.arxiv == "2401.01500" }?.comment?.count ?? 0) > LineReader.blockSize)
        #expect(read.papers.last?.source.line == 3_003 && read.papers[20].source.line == 22)
        #expect(read.diagnostics.map { $0.location?.line } == [2_801])
    }

    /// The reader hands lines on in place, in batches of at most the
    /// limit: each line once, numbered in order, the last one without
    /// its newline.
    @Test func linesComeInBatchesOfAtMostTheLimit() throws {
        let expected = (1...5_000).map { "line \($0)" }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("papersite-batches-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: url) }
        try expected.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        let reader = try #require(LineReader(url: url))
        var seen: [String] = [], numbers: [Int] = [], largest = 0
        while reader.nextLines(limit: 64, { bytes, lines in
            largest = max(largest, lines.count)
            for line in lines {
                numbers.append(line.number)
                seen.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[line.range]), as: UTF8.self))
            }
        }) {}
        #expect(seen == expected && numbers == Array(1...5_000) && largest == 64)
    }

    @Test func anEditedSnapshotReusesItsUnchangedLines() throws {
        let lines = (1...4).map { line("2401.0000\($0)", "Paper \($0)", day: $0) }
        let site = try TestSite(["content/site.yml": "title: Mirror\nbase_url: https://example.org/\n",
                                 "content/papers/s.jsonl": lines.joined(separator: "\n") + "\n"])
        defer { site.remove() }
        let file = "content/papers/s.jsonl", url = site.root.appendingPathComponent(file)
        // A file changed within the last two seconds is not trusted to the cache.
        Thread.sleep(forTimeInterval: 3)
        try site.build()

        // One line edited, one added above the others: every line moves.
        let edited = [line("2401.00009", "A New Paper", day: 5), lines[0], line("2401.00002", "Paper 2, retitled", day: 2), lines[2], lines[3]]
        try site.write(file, edited.joined(separator: "\n") + "\n")
        try site.build()
        try expectSameAsCleanBuild(site, "editing and adding lines of a snapshot")

        // What the cache offers the reader: the last version's papers by
        // line; reused, they are the papers a fresh read gives.
        let store = CacheStore(folder: site.root.appendingPathComponent("test-cache"), output: site.output.path, identity: 1, clean: false)
        let folder = open(site.root.appendingPathComponent("content/papers").path, O_RDONLY | O_DIRECTORY)
        defer { close(folder) }
        func readFile(_ earlier: [UInt64: Paper], _ emit: StoredRecordFiles.Emit) -> [Diagnostic] {
            ArXivSnapshotReader().forEach(url, file: file, reuse: { earlier[$0] }) { emit($0, $1) }
        }
        Thread.sleep(forTimeInterval: 3)
        var offered: [UInt64: Paper] = [:]
        _ = StoredRecordFiles(cache: store).records(of: file, folder: folder, name: "s.jsonl", context: nil) { earlier, emit in offered = earlier; return readFile(earlier, emit) }
        let changed = [line("2401.00009", "A New Paper", day: 5), lines[0], line("2401.00002", "Paper 2, retitled", day: 2), lines[3],
                       line("2401.00010", "Another Paper", day: 6)]
        try site.write(file, changed.joined(separator: "\n") + "\n")
        let reread = StoredRecordFiles(cache: store).records(of: file, folder: folder, name: "s.jsonl", context: nil) { earlier, emit in offered = earlier; return readFile(earlier, emit) }
        #expect(offered.count == 5)
        let fresh = ArXivSnapshotReader().read(url, file: file)
        #expect(reread.papers == fresh.papers)
        #expect(reread.papers.map(\.source.line) == [1, 2, 3, 4, 5])
        #expect(reread.papers.map(\.title) == ["A New Paper", "Paper 1", "Paper 2, retitled", "Paper 4", "Another Paper"])
        #expect(reread.papers.map { RecordCodec.hash($0) } == fresh.papers.map { RecordCodec.hash($0) })
        // A known line is taken as the cache has it, not parsed; a new one is parsed.
        var titles: [String] = []
        _ = ArXivSnapshotReader().forEach(url, file: file, reuse: { offered[$0].map { var p = $0; p.title = "(kept)"; return p } }) { paper, _ in
            titles.append(paper.title)
        }
        #expect(titles == ["(kept)", "(kept)", "(kept)", "(kept)", "Another Paper"])
    }

    /// A snapshot saved and built at once (as `serve` builds): the file
    /// is read again at the next build, as its time may not have moved,
    /// but its unchanged lines are still taken from the cache.
    @Test func aSnapshotBuiltAsSoonAsSavedKeepsItsLinesForTheNextEdit() throws {
        let lines = (1...4).map { line("2401.0000\($0)", "Paper \($0)", day: $0) }
        let site = try TestSite(["content/papers/s.jsonl": lines.joined(separator: "\n") + "\n"])
        defer { site.remove() }
        let file = "content/papers/s.jsonl", url = site.root.appendingPathComponent(file)
        let store = CacheStore(folder: site.root.appendingPathComponent("test-cache"), output: site.output.path, identity: 1, clean: false)
        let folder = open(site.root.appendingPathComponent("content/papers").path, O_RDONLY | O_DIRECTORY)
        defer { close(folder) }
        var offered: [UInt64: Paper] = [:], reads = 0
        func records() -> [Paper] {
            StoredRecordFiles(cache: store).records(of: file, folder: folder, name: "s.jsonl", context: nil) { earlier, emit in
                offered = earlier; reads += 1
                return ArXivSnapshotReader().forEach(url, file: file, reuse: { earlier[$0] }) { emit($0, $1) }
            }.papers
        }
        #expect(records().count == 4 && reads == 1 && offered.isEmpty)
        // Saved again at once, one line changed: the other three are offered.
        try site.write(file, ([lines[0], line("2401.00002", "Paper 2, retitled", day: 2)] + lines[2...]).joined(separator: "\n") + "\n")
        #expect(records().map(\.title) == ["Paper 1", "Paper 2, retitled", "Paper 3", "Paper 4"])
        #expect(reads == 2 && offered.count == 4)
        // Unchanged but recent: read again (its stamp is not trusted), every line offered.
        _ = records()
        #expect(reads == 3 && offered.count == 4)
    }

    /// An edit whose last version's records cannot be read back (a damaged
    /// cache): no line is taken from there, every line is parsed, and the
    /// records are the ones a fresh read gives.
    @Test func anEditOverADamagedCacheParsesEveryLine() throws {
        let lines = (1...4).map { line("2401.0000\($0)", "Paper \($0)", day: $0) }
        let site = try TestSite(["content/papers/s.jsonl": lines.joined(separator: "\n") + "\n"])
        defer { site.remove() }
        let file = "content/papers/s.jsonl", url = site.root.appendingPathComponent(file)
        let folder = open(site.root.appendingPathComponent("content/papers").path, O_RDONLY | O_DIRECTORY)
        defer { close(folder) }
        func store() -> CacheStore {
            CacheStore(folder: site.root.appendingPathComponent("test-cache"), output: site.output.path, identity: 1, clean: false)
        }
        var offers: [Int] = []
        func records(_ store: CacheStore) -> [Paper] {
            StoredRecordFiles(cache: store).records(of: file, folder: folder, name: "s.jsonl", context: nil) { earlier, emit in
                offers.append(earlier.count)
                return ArXivSnapshotReader().forEach(url, file: file, reuse: { earlier[$0] }) { emit($0, $1) }
            }.papers
        }
        let first = store()
        #expect(records(first).count == 4)
        first.commit(outputs: [], tree: 0, last: nil)
        // The records' segment, the first value stored, damaged; the file's head intact.
        var bytes = [UInt8](try Data(contentsOf: first.storeFile))
        bytes[10] ^= 0xFF
        try Data(bytes).write(to: first.storeFile)
        try site.write(file, ([lines[0], line("2401.00002", "Paper 2, retitled", day: 2)] + lines[2...]).joined(separator: "\n") + "\n")
        let reread = records(store())
        #expect(offers == [0, 0])
        #expect(reread == ArXivSnapshotReader().read(url, file: file).papers)
        #expect(reread.map(\.title) == ["Paper 1", "Paper 2, retitled", "Paper 3", "Paper 4"])
    }

    /// A file of more records than one segment is stored a segment at a
    /// time and read back whole, in order, without being read again.
    @Test func recordsOfManySegmentsComeBackWhole() throws {
        let count = RecordCodec.segmentSize * 2 + 5
        let lines = (0..<count).map { line(String(format: "2401.%05d", $0), "Paper \($0)", day: 1 + $0 % 28) }
        let site = try TestSite(["content/papers/s.jsonl": lines.joined(separator: "\n") + "\n"])
        defer { site.remove() }
        let file = "content/papers/s.jsonl", url = site.root.appendingPathComponent(file)
        Thread.sleep(forTimeInterval: 3)
        let store = CacheStore(folder: site.root.appendingPathComponent("test-cache"), output: site.output.path, identity: 1, clean: false)
        let folder = open(site.root.appendingPathComponent("content/papers").path, O_RDONLY | O_DIRECTORY)
        defer { close(folder) }
        var reads = 0
        func readFile(_ earlier: [UInt64: Paper], _ emit: StoredRecordFiles.Emit) -> [Diagnostic] {
            reads += 1
            return ArXivSnapshotReader().forEach(url, file: file, reuse: { earlier[$0] }) { emit($0, $1) }
        }
        let first = StoredRecordFiles(cache: store).records(of: file, folder: folder, name: "s.jsonl", context: nil, read: readFile)
        store.commit(outputs: [], tree: 0, last: nil)
        let reopened = CacheStore(folder: site.root.appendingPathComponent("test-cache"), output: site.output.path, identity: 1, clean: false)
        let again = StoredRecordFiles(cache: reopened).records(of: file, folder: folder, name: "s.jsonl", context: nil, read: readFile)
        #expect(reads == 1)
        #expect(first.papers.count == count)
        #expect(again.papers == first.papers)
        #expect(again.papers.map(\.title) == (0..<count).map { "Paper \($0)" })
        #expect(again.papers.map(\.recordHash) == first.papers.map { RecordCodec.hash($0) })

        // An edit of the last line stores its segment again, not the others.
        func storeSize(_ cache: CacheStore) throws -> Int {
            try FileManager.default.attributesOfItem(atPath: cache.storeFile.path)[.size] as! Int
        }
        let full = try storeSize(reopened)
        reopened.commit(outputs: [], tree: 0, last: nil)
        var edited = lines
        edited[count - 1] = line(String(format: "2401.%05d", count - 1), "Paper \(count - 1), revised")
        try site.write(file, edited.joined(separator: "\n") + "\n")
        Thread.sleep(forTimeInterval: 3)
        let third = CacheStore(folder: site.root.appendingPathComponent("test-cache"), output: site.output.path, identity: 1, clean: false)
        let before = try storeSize(third)
        let revised = StoredRecordFiles(cache: third).records(of: file, folder: folder, name: "s.jsonl", context: nil, read: readFile)
        #expect(reads == 2)
        #expect(revised.papers.map(\.title) == (0..<count).map { $0 == count - 1 ? "Paper \($0), revised" : "Paper \($0)" })
        #expect(revised.papers.map(\.recordHash) == revised.papers.map(encodedRecordHash))
        #expect(try storeSize(third) - before < full / 4, "only the edited segment is stored again")
        third.commit(outputs: [], tree: 0, last: nil)
        let fourth = CacheStore(folder: site.root.appendingPathComponent("test-cache"), output: site.output.path, identity: 1, clean: false)
        #expect(StoredRecordFiles(cache: fourth).records(of: file, folder: folder, name: "s.jsonl", context: nil, read: readFile).papers == revised.papers)
        #expect(reads == 2)
    }

    /// A record's abstract is left where the cache stored it, and read
    /// from there when a stage needs it: as the snapshot is read, and when
    /// a later build takes the records from the cache. A clean build makes
    /// a new store rather than cutting the old one short, so records an
    /// earlier build read (as `serve` keeps them) still read theirs.
    @Test func abstractsStayInTheStoreUntilRead() throws {
        let abstract = { (k: Int) in "Über die Konvergenz \(k): a study of ∑ and ∫ over manifolds, with bounds that hold for every k ≥ \(k)." }
        let lines = (0..<3).map { k in
            #"{"id": "2401.0000\#(k)", "title": "Paper \#(k)", "authors": "Ada Lovelace", "abstract": "\#(abstract(k))", "#
                + #""categories": "cs.LG", "versions": [{"version": "v1", "created": "Mon, 2 Jan 2024 10:00:00 GMT"}]}"#
        }
        let site = try TestSite(["content/papers/s.jsonl": lines.joined(separator: "\n") + "\n"])
        defer { site.remove() }
        let file = "content/papers/s.jsonl", url = site.root.appendingPathComponent(file)
        let cacheFolder = site.root.appendingPathComponent("test-cache")
        let folder = open(site.root.appendingPathComponent("content/papers").path, O_RDONLY | O_DIRECTORY)
        defer { close(folder) }
        Thread.sleep(forTimeInterval: 3)
        let read = { (earlier: [UInt64: Paper], emit: StoredRecordFiles.Emit) in
            ArXivSnapshotReader().forEach(url, file: file, reuse: { earlier[$0] }) { emit($0, $1) }
        }
        let fresh = ArXivSnapshotReader().read(url, file: file).papers
        #expect(fresh.map(\.abstract) == (0..<3).map(abstract))
        #expect(!fresh.contains { $0.abstractText.isStored }, "a reader's records hold their text")

        let store = CacheStore(folder: cacheFolder, output: site.output.path, identity: 1, clean: false)
        let first = StoredRecordFiles(cache: store).records(of: file, folder: folder, name: "s.jsonl", context: nil, read: read).papers
        #expect(first.allSatisfy { $0.abstractText.isStored }, "stored as they were read")
        #expect(first == fresh && first.map(\.abstract) == (0..<3).map(abstract))
        store.commit(outputs: [], tree: 0, last: nil)

        let reopened = CacheStore(folder: cacheFolder, output: site.output.path, identity: 1, clean: false)
        let again = StoredRecordFiles(cache: reopened).records(of: file, folder: folder, name: "s.jsonl", context: nil, read: read).papers
        #expect(again.allSatisfy { $0.abstractText.isStored }, "taken from the cache, where they stay")
        #expect(again == fresh && again.map(\.abstract) == (0..<3).map(abstract))
        reopened.commit(outputs: [], tree: 0, last: nil)

        // A clean build's store, filled with other values.
        let clean = CacheStore(folder: cacheFolder, output: site.output.path, identity: 1, clean: true)
        for k in 0..<50 { clean.put(UInt64(k + 1), [UInt8](repeating: UInt8(k), count: 4096)) }
        clean.commit(outputs: [], tree: 0, last: nil)
        #expect(again.map(\.abstract) == (0..<3).map(abstract), "the earlier records read their abstracts still")
        #expect(first.map(\.abstract) == (0..<3).map(abstract))
    }
}
