/// A table from 64-bit keys that are hashes already (the cache's keys,
/// the hashes of output files' paths) to values, kept in the order they
/// were first put. Open addressing, with the slot found by one
/// multiplication: Swift's `Dictionary` hashes each key again (SipHash),
/// and an incremental build of 100,000 papers loads tables of 400,000 and
/// 300,000 such keys and looks up about a million, which took a tenth of
/// its processor time in `Dictionary`.
struct HashedKeyTable<Value> {
    /// Each key with its value, side by side: a lookup that finds its key
    /// finds the value in the same cache line.
    private(set) var entries: [(key: UInt64, value: Value)] = []
    /// For each slot, the index of its entry plus one; 0 marks an empty slot.
    private var slots: [Int32]
    private var shift: UInt64

    init(capacity: Int = 0) {
        var bits: UInt64 = 4
        while (1 << bits) < 2 * capacity { bits += 1 }
        shift = 64 - bits
        slots = [Int32](repeating: 0, count: 1 << bits)
        entries.reserveCapacity(capacity)
    }

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }

    /// Where `key`'s entry is in `entries`, if it is in the table.
    func index(of key: UInt64) -> Int? {
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: Self.order(key) >> shift)
        while true {
            let entry = Int(slots[s])
            if entry == 0 { return nil }
            if entries[entry - 1].key == key { return entry - 1 }
            s = (s + 1) & mask
        }
    }

    subscript(key: UInt64) -> Value? {
        index(of: key).map { entries[$0].value }
    }

    func contains(_ key: UInt64) -> Bool { index(of: key) != nil }

    /// Sets `key`'s value: in its place if the key is there, else at the end.
    mutating func put(_ key: UInt64, _ value: Value) {
        if let i = index(of: key) {
            entries[i].value = value
            return
        }
        append(new: key, value)
    }

    /// Makes room for `count` entries in all (a table grown by doubling
    /// holds its old copy beside the new while it grows).
    mutating func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(count)
        guard 2 * count > slots.count else { return }
        while (1 << (64 - shift)) < 2 * count { shift -= 1 }
        slots = [Int32](repeating: 0, count: 1 << (64 - shift))
        for i in entries.indices { place(i) }
    }

    /// Adds `key`, which the caller knows is not in the table: a table
    /// read back from a file written from one (the cache's index, a
    /// manifest), without looking each key up first.
    mutating func append(new key: UInt64, _ value: Value) {
        entries.append((key, value))
        if 2 * entries.count > slots.count {
            grow()
        } else {
            place(entries.count - 1)
        }
    }

    /// The number whose top bits are a key's first slot in any table.
    static func order(_ key: UInt64) -> UInt64 { key &* 0x9E37_79B9_7F4A_7C15 }

    /// Where each entry is in `entries`, in the order of their slots: about
    /// the order of their keys' `order`. A table filled in that order fills
    /// its slots from the first to the last, one cache line after another,
    /// where entries in any other order each land in a slot at random.
    /// (Numbers, not the entries: at a million papers a copy of the
    /// cache's five million would take 0.2 GB at the end of a build.)
    /// The run of full slots at the table's start may hold entries that
    /// ran on from full slots at its end (their first slot is after the
    /// one they are in): those come last. (Listed first, they came before
    /// every key of the cache's next build, whose values it merges in by
    /// `order`: those were all written ahead of the last build's, in one
    /// build in four.)
    var slotOrder: [Int32] {
        let empty = slots.firstIndex(of: 0) ?? slots.count
        var order: [Int32] = [], wrapped: [Int32] = []
        order.reserveCapacity(entries.count)
        for s in 0..<empty {
            let i = slots[s] - 1
            if Int(truncatingIfNeeded: Self.order(entries[Int(i)].key) >> shift) > s { wrapped.append(i) } else { order.append(i) }
        }
        for s in slots[empty...] where s != 0 { order.append(s - 1) }
        return order + wrapped
    }

    private mutating func place(_ i: Int) {
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: Self.order(entries[i].key) >> shift)
        while slots[s] != 0 { s = (s + 1) & mask }
        slots[s] = Int32(i + 1)
    }

    private mutating func grow() {
        shift -= 1
        slots = [Int32](repeating: 0, count: slots.count * 2)
        for i in entries.indices { place(i) }
    }
}

extension HashedKeyTable: Sendable where Value: Sendable {}

extension HashedKeyTable where Value == Void {
    /// A set of the keys.
    init(_ keys: [UInt64]) {
        self.init(capacity: keys.count)
        for key in keys { put(key, ()) }
    }

    /// Whether `hashes` are all different: strings checked by their hashes
    /// (made on all cores), each looked up once rather than hashed again
    /// and compared with another string as a `Set` of them does. A false
    /// answer may come from two strings of one hash, so the caller then
    /// checks the strings themselves.
    static func allDistinct(_ hashes: some Sequence<UInt64>, count: Int) -> Bool {
        var seen = HashedKeyTable(capacity: count)
        for hash in hashes {
            if seen.contains(hash) { return false }
            seen.append(new: hash, ())
        }
        return true
    }
}
