import Foundation

/// The search index in the build cache: each paper's terms (by what they
/// are made from), each shard (by the hash of its bytes), and the state of
/// the last build's index (which terms each paper had, the shards, the
/// split prefixes), from which a rebuild after a few edits updates only the
/// shards those papers' old and new terms fall in.
extension SearchIndex {
    static func encode(_ terms: [Term]) -> [UInt8] {
        var w = ByteWriter(capacity: terms.count * 12)
        w.uint(UInt64(terms.count))
        for term in terms { w.string(term.term); w.uint(UInt64(term.weight)) }
        return w.bytes
    }

    static func decodeTerms(_ r: inout ByteReader) -> [Term]? {
        let count = Int(clamping: r.uint())
        guard count <= r.buffer.count else { return nil }
        return (0..<count).map { _ in (r.string(), UInt8(truncatingIfNeeded: r.uint())) }
    }

    static func encode(_ shard: Shard) -> [UInt8] {
        var w = ByteWriter(capacity: 1024)
        w.string(shard.key)
        w.uint(UInt64(shard.terms.count))
        for entry in shard.terms {
            w.string(entry.term)
            // In bulk (a shard is read and written whole when one of its
            // terms changes), as two arrays: a tuple's padding bytes would
            // make equal shards differ.
            w.array(entry.postings.map(\.doc)); w.array(entry.postings.map(\.weight))
        }
        return w.bytes
    }

    static func decodeShard(_ r: inout ByteReader) -> Shard? {
        let key = r.string()
        let count = Int(clamping: r.uint())
        guard count <= r.buffer.count else { return nil }
        var terms: [(term: String, postings: [(doc: Int32, weight: UInt8)])] = []
        terms.reserveCapacity(count)
        for _ in 0..<count {
            let term = r.string()
            let docs = r.array(of: Int32.self), weights = r.array(of: UInt8.self)
            guard docs.count == weights.count else { return nil }
            terms.append((term, (0..<docs.count).map { (docs[$0], weights[$0]) }))
        }
        return Shard(key: key, terms: terms)
    }

    static func shardCacheKey(_ hash: UInt64) -> UInt64 { Fingerprint.of { $0.add("search shard"); $0.add(hash) } }

    /// What the next build starts from.
    struct State {
        var docKeys: [UInt64]
        var index: SearchIndex

        func encode() -> [UInt8] {
            var w = ByteWriter(capacity: docKeys.count * 8 + index.shards.count * 16 + 1024)
            w.uint(UInt64(docKeys.count))
            for key in docKeys { w.fixed(key) }
            w.strings(index.splitPrefixes)
            w.uint(UInt64(index.prefixCounts.count))
            for (prefix, count) in index.prefixCounts.sorted(by: { $0.key < $1.key }) { w.string(prefix); w.uint(UInt64(count)) }
            w.uint(UInt64(index.shards.count))
            for shard in index.shards { w.string(shard.key); w.fixed(shard.hash) }
            return w.bytes
        }

        static func decode(_ r: inout ByteReader) -> State? {
            let n = Int(clamping: r.uint())
            guard n <= r.buffer.count / 8 else { return nil }
            let docKeys = (0..<n).map { _ in r.fixed() }
            let split = r.strings()
            let prefixes = Int(clamping: r.uint())
            guard prefixes <= r.buffer.count else { return nil }
            var counts: [String: Int] = [:]
            for _ in 0..<prefixes { let prefix = r.string(); counts[prefix] = Int(clamping: r.uint()) }
            let shardCount = Int(clamping: r.uint())
            guard shardCount <= r.buffer.count else { return nil }
            let shards = (0..<shardCount).map { _ in Shard(key: r.string(), terms: [], hash: r.fixed(), loaded: false) }
            return State(docKeys: docKeys, index: SearchIndex(shards: shards, splitPrefixes: split, prefixCounts: counts))
        }
    }

    /// Stores each shard that has no hash yet, and gives it one.
    mutating func storeShards(in cache: CacheStore, parallelism: Parallelism) {
        let pending = shards.indices.filter { shards[$0].loaded && shards[$0].hash == 0 }
        let hashes = parallelism.map(pending.count) { k -> UInt64 in
            let bytes = Self.encode(shards[pending[k]])
            let hash = bytes.withUnsafeBytes { ContentHash.of($0) }
            cache.put(Self.shardCacheKey(hash), bytes)
            return hash
        }
        for (k, i) in pending.enumerated() { shards[i].hash = hashes[k] }
    }

    /// Drops the terms of the shards stored in `cache` (they are read
    /// back one at a time when their files are written).
    mutating func unloadStored(in cache: CacheStore) {
        store = cache
        for i in shards.indices where shards[i].hash != 0 {
            shards[i].terms = []
            shards[i].loaded = false
        }
    }

    /// Whether the terms of these shards are in memory or can be read back.
    func canLoad(_ which: [Int]) -> Bool {
        which.allSatisfy { i in shards[i].loaded || store?.storedHash(Self.shardCacheKey(shards[i].hash)) != nil }
    }

    /// Shard `i` with its terms: as it is, or read back from the cache (nil
    /// if it is not there). The index itself is not changed: each shard's
    /// file is written from one read, and a copy of the index changed for
    /// each (thousands of shards at a large site) copied the whole table.
    func loaded(_ i: Int) -> Shard? {
        if shards[i].loaded { return shards[i] }
        guard let shard = store?.get(Self.shardCacheKey(shards[i].hash), Self.decodeShard), shard.key == shards[i].key else { return nil }
        return shard
    }
}
