import Foundation

/// Compacting the build cache's store (`CacheStore.commit` decides when):
/// the values kept are copied into a new file, the garbage left behind.
enum StoreCompaction {
    /// Copies `entries`' values from the store open as `fd` into a new
    /// store file and puts it in place of `storeFile`, in runs of adjacent
    /// values (a value at a time was a system call each); returns where
    /// they are now. A reader with the old file open keeps its version.
    static func compact(_ entries: [(key: UInt64, value: CacheStore.Location)], from fd: Int32, into storeFile: URL)
        -> [(key: UInt64, value: CacheStore.Location)]? {
        let temporary = storeFile.appendingPathExtension("new")
        let out = Glibc.open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard out >= 0 else { return nil }
        defer { close(out) }
        let ordered = entries.sorted { $0.value.offset < $1.value.offset }
        var moved: [(key: UInt64, value: CacheStore.Location)] = []
        moved.reserveCapacity(ordered.count)
        var written = 0
        var k = 0
        var buffer = [UInt8]()
        while k < ordered.count {
            // A run: values that follow each other in the old file (but for
            // the gaps that align them), up to 8 MB. A run starts at a
            // multiple of 8, so its values keep their alignment.
            let start = ordered[k].value.offset
            var end = start + ordered[k].value.length
            var last = k
            written = (written + 7) & ~7
            while last + 1 < ordered.count, ordered[last + 1].value.offset >= end, ordered[last + 1].value.offset - end < 8, end - start < (8 << 20) {
                last += 1
                end = ordered[last].value.offset + ordered[last].value.length
            }
            let length = end - start
            if buffer.count < length { buffer = [UInt8](repeating: 0, count: length) }
            let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(start)) }
            guard got == length else { return nil }
            let put = buffer.withUnsafeBytes { pwrite(out, $0.baseAddress, length, off_t(written)) }
            guard put == length else { return nil }
            for j in k...last {
                let location = ordered[j].value
                moved.append((ordered[j].key, CacheStore.Location(offset: written + location.offset - start, length: location.length,
                                                       hash: location.hash, generation: location.generation)))
            }
            written += length
            k = last + 1
        }
        guard rename(temporary.path, storeFile.path) == 0 else { return nil }
        return moved
    }
}
