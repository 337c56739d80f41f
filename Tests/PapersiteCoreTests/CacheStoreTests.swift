import Foundation
import Testing
@testable import PapersiteCore

/// The build cache's store: values survive a reopen, only a committed
/// index counts, damaged values are not found, and compaction keeps exactly
/// the values the last build used.
@Suite struct CacheStoreTests {
    func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("papersite-cache-test-\(UUID().uuidString)")
    }

    func value(_ k: Int, size: Int = 100_000) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ k &* 7) }
    }

    func read(_ store: CacheStore, _ key: UInt64) -> [UInt8]? {
        store.get(key) { r -> [UInt8]? in r.bytes(r.buffer.count).map { Array($0) } }
    }

    @Test func valuesSurviveAReopenAndCompactionKeepsWhatWasUsed() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        for k in 0..<200 { store.put(UInt64(k + 1), value(k)) }
        #expect(read(store, 5) == value(4), "a value put in this build reads back")
        store.commit(outputs: [(9, 99)], tree: 42)

        // Another build uses ten of them: the rest is garbage, and the store shrinks.
        store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        #expect(store.outputs.entries.map(\.key) == [9] && store.outputs[9] == 99 && store.outputTree == 42)
        for k in 0..<10 { #expect(read(store, UInt64(k + 1)) == value(k)) }
        let before = try FileManager.default.attributesOfItem(atPath: store.storeFile.path)[.size] as! Int
        store.commit(outputs: [], tree: 43)
        let after = try FileManager.default.attributesOfItem(atPath: store.storeFile.path)[.size] as! Int
        #expect(before >= 200 * 100_000 && after == 10 * 100_000, "compacted from \(before) to \(after) bytes")

        store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        for k in 0..<10 { #expect(read(store, UInt64(k + 1)) == value(k), "value \(k) after compaction") }
        #expect(read(store, 50) == nil, "a value the last build did not use is gone")
    }

    /// Keys whose first slot is the table's last run on into its first
    /// slots; in slot order they come after every other key, not before.
    @Test func keysThatWrapAroundTheTableComeLastInSlotOrder() {
        // The key with a given `order` (the multiplier's inverse, by Newton's method).
        var inverse: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<6 { inverse = inverse &* (2 &- 0x9E37_79B9_7F4A_7C15 &* inverse) }
        func key(order: UInt64) -> UInt64 { order &* inverse }
        var table = HashedKeyTable<Int>(capacity: 8)       // 16 slots
        let last = [key(order: UInt64.max), key(order: UInt64.max - 1), key(order: UInt64.max - 2)]
        let first = key(order: 1 << 56), middle = key(order: 1 << 63)
        for (k, key) in (last + [first, middle]).enumerated() { table.put(key, k) }
        #expect(last.allSatisfy { HashedKeyTable<Int>.order($0) >> 60 == 15 })
        #expect(table.slotOrder.map { table.entries[Int($0)].key } == [first, middle] + last)
    }

    /// The index lists the values in the order of their keys' slots in the
    /// table the next build reads it into (so that the table fills from its
    /// first slot to its last), a build's new values merged among the
    /// last build's.
    @Test func theIndexIsWrittenInTheOrderOfTheTablesSlots() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var generator = SystemRandomNumberGenerator()
        let first = (0..<5000).map { _ in UInt64.random(in: 1...UInt64.max, using: &generator) }
        var store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        for key in first { store.put(key, [UInt8(truncatingIfNeeded: key)]) }
        store.commit(outputs: [], tree: 1)
        store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        let added = (0..<300).map { _ in UInt64.random(in: 1...UInt64.max, using: &generator) }
        for key in first { #expect(read(store, key) == [UInt8(truncatingIfNeeded: key)]) }
        for key in added { store.put(key, [UInt8(truncatingIfNeeded: key)]) }
        store.commit(outputs: [], tree: 1)
        let listed = try #require(SealedFile.read(store.indexFile) { r -> [UInt64]? in
            _ = r.string(); _ = r.fixed(); _ = r.fixed()
            let count = Int(r.uint())
            return (0..<count).map { _ in
                let key = r.fixed(); _ = r.uint(); _ = r.uint(); _ = r.fixed(); _ = r.uint()
                return key
            }
        })
        #expect(Set(listed) == Set(first + added))
        // A key listed far from its place in the keys sorted by order is out
        // of place. A few are: moved on from a full slot at the table's end,
        // they wrapped around to its first slots (and were listed first,
        // which made a test of each key against the highest before it fail
        // now and then).
        let sorted = listed.sorted { HashedKeyTable<Int>.order($0) < HashedKeyTable<Int>.order($1) }
        let place = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, $0) })
        let outOfPlace = listed.indices.filter { abs(place[listed[$0]]! - $0) > listed.count / 100 }.count
        #expect(outOfPlace < listed.count / 100, "\(outOfPlace) of \(listed.count) out of place")
    }

    /// Small values are gathered and written a block at a time; large ones
    /// and placed ones at once. Each reads back at once (by key, and a
    /// placed one by its position in the file), after the build, and in
    /// the next build, whatever was gathered around it.
    @Test func gatheredValuesReadBackAtOnceAndAfterAReopen() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        let sizes = [1, 13, 800, 5_000, StoreAppender.largeValue + 3, 7, 40_000, 2, StoreAppender.blockSize, 300]
        var placed: [(offset: Int, bytes: [UInt8])] = []
        for k in 0..<300 {
            let bytes = value(k, size: sizes[k % sizes.count])
            if k % 25 == 0 {
                let offset = try #require(store.putPlaced(UInt64(k + 1), bytes))
                #expect(offset % 8 == 0)
                placed.append((offset, bytes))
            } else {
                store.put(UInt64(k + 1), bytes)
            }
            #expect(read(store, UInt64(k + 1)) == bytes, "value \(k) read back as soon as it was put")
            if k % 3 == 0 { store.put(UInt64(1_000 + k), value(k + 1, size: 24)) }   // gathered after it, not read
        }
        for (offset, bytes) in placed {
            var got = [UInt8](repeating: 0, count: bytes.count)
            let count = got.withUnsafeMutableBytes { store.storedBytes?.read(into: $0, at: offset) ?? 0 }
            #expect(count == bytes.count && got == bytes, "a placed value read by its position")
        }
        for k in 0..<300 { #expect(read(store, UInt64(k + 1)) == value(k, size: sizes[k % sizes.count])) }
        store.commit(outputs: [], tree: 1)

        store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        for k in 0..<300 { #expect(read(store, UInt64(k + 1)) == value(k, size: sizes[k % sizes.count]), "value \(k) in the next build") }
        for k in stride(from: 0, to: 300, by: 3) { #expect(read(store, UInt64(1_000 + k)) == value(k + 1, size: 24)) }
    }

    /// Values put on three threads at once are read back, by every thread,
    /// as they were put: those still gathered, those in a block being
    /// written, and those written long before.
    @Test func valuesPutOnManyThreadsReadBackOnAll() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        let sizes = [24, 900, 7_000, 70_000, 3]
        let size = { (k: Int) in sizes[k % sizes.count] }
        let count = 3_000, wrong = AtomicCounter()
        Parallelism(threads: 3).forEach(count) { k in
            store.put(UInt64(k + 1), value(k, size: size(k)))
            // This value, there at once; and one put a while ago, on any thread (perhaps not yet).
            if read(store, UInt64(k + 1)) != value(k, size: size(k)) { _ = wrong.increment() }
            if let got = read(store, UInt64(k / 2 + 1)), got != value(k / 2, size: size(k / 2)) { _ = wrong.increment() }
        }
        #expect(wrong.add(0) == 0)
        for k in 0..<count { #expect(read(store, UInt64(k + 1)) == value(k, size: size(k))) }
    }

    /// A small build leaves moderate garbage for a larger build to compact
    /// (a one-paper edit must not copy a large site's cache), but never
    /// lets it grow past three times what is kept.
    @Test func compactionWaitsForALargeBuildButStaysBounded() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let size = { (try? FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("values.store").path)[.size] as? Int) ?? 0 }
        let big = 400_000
        var store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        for k in 0..<200 { store.put(UInt64(k + 1), value(k, size: big)) }
        store.commit(outputs: [], tree: 1)
        // 60 values are used, and one small value is new: garbage over twice what is kept, but a small build.
        store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        store.retain((1...60).map { UInt64($0) })
        store.put(1000, value(1000, size: 100))
        store.commit(outputs: [], tree: 1)
        #expect(size() >= 200 * big, "a small build does not compact (\(size()) bytes)")
        // A build that writes a quarter of what it keeps compacts.
        store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        store.retain((1...60).map { UInt64($0) })
        for k in 0..<25 { store.put(UInt64(2000 + k), value(2000 + k, size: big)) }
        store.commit(outputs: [], tree: 1)
        #expect(size() < 90 * big, "a larger build compacts (\(size()) bytes)")
        // A small build whose garbage is over three times what it keeps compacts too.
        store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        store.retain((1...10).map { UInt64($0) })
        store.put(3000, value(3000, size: 100))
        store.commit(outputs: [], tree: 1)
        #expect(size() < 11 * big, "the garbage stays bounded (\(size()) bytes)")
        store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        for k in 0..<10 { #expect(read(store, UInt64(k + 1)) == value(k, size: big)) }
        #expect(read(store, 3000) == value(3000, size: 100))
    }

    @Test func uncommittedBuildsAnotherProgramAndDamageAreNotTrusted() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        store.put(1, value(1, size: 1000))
        store.commit(outputs: [], tree: 1)
        // A build that fails puts values but never commits: they are not found.
        store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        store.put(2, value(2, size: 1000))
        store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        #expect(read(store, 1) == value(1, size: 1000))
        #expect(read(store, 2) == nil)
        // Another papersite's cache is ignored.
        #expect(read(CacheStore(folder: dir, output: "public", identity: 2, clean: false), 1) == nil)
        // A damaged value is not found.
        let url = store.storeFile
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes[10] ^= 0xFF
        try Data(bytes).write(to: url)
        #expect(read(CacheStore(folder: dir, output: "public", identity: 1, clean: false), 1) == nil)
        // A clean build ignores the cache, and starts it afresh.
        store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        store.put(3, value(3, size: 1000))
        store.commit(outputs: [], tree: 1)
        #expect(read(CacheStore(folder: dir, output: "public", identity: 1, clean: true), 3) == nil)
        #expect(read(CacheStore(folder: dir, output: "public", identity: 1, clean: false), 3) == nil)
    }

    /// An earlier build's value is checked against its hash once a build
    /// (a card is read for every list that shows it): read again it is the
    /// same, and a damaged one stays unfound however often it is asked for.
    @Test func aValueReadAgainIsTheSameAndADamagedOneStaysUnfound() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        store.put(1, value(1, size: 1000))
        store.put(2, value(2, size: 1000))
        store.commit(outputs: [], tree: 1)
        // The last value's bytes (at the end of the store) damaged.
        let url = store.storeFile
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes[bytes.count - 10] ^= 0xFF
        try Data(bytes).write(to: url)
        store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        for _ in 0..<3 {
            #expect(read(store, 1) == value(1, size: 1000))
            #expect(read(store, 2) == nil)
        }
        // Value 1 was used, so the next build finds it.
        store.commit(outputs: [], tree: 1)
        #expect(read(CacheStore(folder: dir, output: "public", identity: 1, clean: false), 1) == value(1, size: 1000))
    }
}

/// Records read back from the cache are the records the readers made.
@Suite struct RecordCodecTests {
    @Test func everyFormatsRecordsRoundTrip() throws {
        var papers: [Paper] = []
        for root in [repositoryRoot, fixturesRoot.appendingPathComponent("basic-site"), fixturesRoot.appendingPathComponent("sources")] {
            let content = ContentLoader(siteRoot: root, includeDrafts: true).load()
            papers += content.papers
        }
        let formats = Set(papers.map { ($0.source.file as NSString).pathExtension })
        #expect(formats.isSuperset(of: ["md", "txt", "bib", "xml", "jsonl"]), "\(formats)")
        var diagnostics = [Diagnostic.warning("a warning", at: SourceLocation(file: "content/papers/x.md", line: 4, column: 7)),
                           Diagnostic.error("an error without a place", at: nil)]
        diagnostics.append(.error("ünïcode ✓", at: SourceLocation(file: "content/papers/y.bib")))
        var w = ByteWriter()
        RecordCodec.encode(papers: papers, diagnostics: diagnostics, to: &w)
        let decoded = w.bytes.withUnsafeBytes { raw -> (papers: [Paper], diagnostics: [Diagnostic])? in
            var r = ByteReader(raw)
            return RecordCodec.decode(&r)
        }
        let result = try #require(decoded)
        #expect(result.papers.count == papers.count)
        for (a, b) in zip(result.papers, papers) where a != b { Issue.record("\(b.source): \(a) != \(b)") }
        #expect(result.diagnostics == diagnostics)
        // A decoded record knows its hash, the one made from its fields; a change forgets it.
        for (a, b) in zip(result.papers, papers) {
            #expect(a.recordHash != nil && b.recordHash == nil)
            #expect(RecordCodec.hash(a) == RecordCodec.hash(b), "\(b.source)")
            var changed = a
            changed.slug += "-2"
            #expect(changed.recordHash == nil && a.recordHash != nil)
            #expect(RecordCodec.hash(changed) != RecordCodec.hash(a))
            changed.tags.append("x")
            #expect(changed.recordHash == nil)
        }
        // Records read from their files and stored in the cache know their hash, the one made from their fields.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("papersite-cache-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        let loaded = ContentLoader(siteRoot: repositoryRoot, includeDrafts: true, parallelism: .allCores, storedFiles: StoredRecordFiles(cache: store)).load().papers
        #expect(loaded.filter { $0.recordHash != nil }.count > loaded.count / 2)
        for paper in loaded {
            guard let known = paper.recordHash else { continue }
            var w = ByteWriter()
            RecordCodec.write(paper, to: &w)
            #expect(known == w.bytes.withUnsafeBytes { ContentHash.of($0) }, "\(paper.source)")
        }
        // A truncated value is refused, not misread.
        let truncated = Array(w.bytes.prefix(w.bytes.count / 2))
        let partial = truncated.withUnsafeBytes { raw -> (papers: [Paper], diagnostics: [Diagnostic])? in
            var r = ByteReader(raw)
            return RecordCodec.decode(&r)
        }
        #expect(partial == nil)
    }
}

/// Tables read in place from the cache's memory map.
@Suite struct CacheTableTests {
    @Test func hashedKeyTableHoldsExactlyItsKeys() {
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 7, 1000, 20_000] {
            // Random keys, with 0 among them, put one by one (the table grows) and then once more.
            let keys = (0..<count).map { _ in UInt64.random(in: 0...UInt64.max, using: &generator) } + (count > 0 ? [0] : [])
            var table = HashedKeyTable<Int>(), reference: [UInt64: Int] = [:]
            for (i, key) in keys.enumerated() { table.put(key, i); reference[key] = i }
            for (i, key) in keys.enumerated() where i % 3 == 0 { table.put(key, -i); reference[key] = -i }
            #expect(table.count == reference.count, "\(count) keys")
            #expect(reference.allSatisfy { table[$0.key] == $0.value }, "\(count) keys")
            #expect(table.entries.prefix(3).map(\.key) == Array(keys.prefix(3)), "in the order first put")
            let others = (0..<5000).map { _ in UInt64.random(in: 1...UInt64.max, using: &generator) }.filter { reference[$0] == nil }
            #expect(!others.contains(where: table.contains), "\(count) keys")
        }
        #expect(HashedKeyTable.allDistinct([3, 0, 9, 1 << 63], count: 4))
        #expect(!HashedKeyTable.allDistinct([3, 0, 9, 0], count: 4) && !HashedKeyTable.allDistinct((0..<5000).map { UInt64($0 % 4999) }, count: 5000))
        let set = HashedKeyTable<Void>([5, 0, 5])
        #expect(set.count == 2 && set.contains(0) && set.contains(5) && !set.contains(6))
        #expect(!HashedKeyTable<Void>([]).contains(0) && !HashedKeyTable<Void>([5]).contains(0))
    }

    @Test func tablesAreReadInPlaceFromAlignedValues() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("papersite-cache-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let numbers: [UInt64] = (0..<1000).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        func tableValue(_ k: Int) -> [UInt8] {
            var w = ByteWriter()
            w.uint(UInt64(k)); w.string(String(repeating: "x", count: k))     // an odd length before the table
            w.table(numbers)
            w.bool(true)                // and after it: the value's length is odd
            return w.bytes
        }
        var store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
        for k in 1...20 {
            store.put(UInt64(100 + k), [UInt8](repeating: UInt8(k), count: 500_001 + k * 2))     // values of odd lengths between
            store.put(UInt64(k), tableValue(k))
        }
        store.commit(outputs: [], tree: 1)
        let size = { (try? FileManager.default.attributesOfItem(atPath: store.storeFile.path)[.size] as? Int) ?? 0 }
        #expect(size() > 10_000_000)
        for round in 0..<2 {
            // The second time, after a compaction (only the tables were used).
            store = CacheStore(folder: dir, output: "public", identity: 1, clean: false)
            for k in 1...20 {
                let read = store.get(UInt64(k)) { r -> PlainTable<UInt64>? in
                    _ = r.uint(); _ = r.string()
                    return r.table(of: UInt64.self)
                }
                let table = try #require(read)
                #expect(table.isInPlace, "round \(round), value \(k)")
                #expect(Array(table.elements) == numbers)
            }
            store.commit(outputs: [], tree: 1)
            #expect(size() < 1_000_000, "compacted")
        }
        // Bytes that are not aligned are copied, with the same values.
        let bytes = tableValue(3)
        let shifted = [0] + bytes
        let copied = shifted.withUnsafeBytes { raw -> PlainTable<UInt64> in
            var r = ByteReader(UnsafeRawBufferPointer(rebasing: raw[1...]))
            _ = r.uint(); _ = r.string()
            return r.table(of: UInt64.self)
        }
        #expect(!copied.isInPlace && Array(copied.elements) == numbers)
    }
}
