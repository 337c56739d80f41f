extension CacheStore {
    /// Where a value is. (The slot and generation are kept in 32 bits: a
    /// large site's tables of these are the cache's largest, about 5
    /// million of them at a million papers, and 32 bytes each rather than
    /// 40 saves about 0.1 GB.)
    struct Location: Sendable {
        var offset: Int
        var length: Int
        var hash: UInt64
        private var slot32: Int32
        private var generation32: UInt32

        init(offset: Int, length: Int, hash: UInt64, slot: Int = -1, generation: UInt64 = 0) {
            self.offset = offset
            self.length = length
            self.hash = hash
            slot32 = Int32(slot)
            generation32 = UInt32(truncatingIfNeeded: generation)
        }

        /// Its place among the last build's values (for `used`), or -1 for a value of this build.
        var slot: Int { Int(slot32) }
        /// The last build that used it.
        var generation: UInt64 {
            get { UInt64(generation32) }
            set { generation32 = UInt32(truncatingIfNeeded: newValue) }
        }
    }
}
