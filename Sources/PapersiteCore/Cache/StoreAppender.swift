import Foundation

/// Appends values to the cache's store file. Small values are gathered in
/// memory and written a block at a time: a full build of 100,000 papers
/// stores about 600,000 of them (Markdown, cards, BibTeX, feed entries),
/// and a `pwrite` each, with both threads taking the file's lock, was 3%
/// of its processor time. A large value, or one whose place in the file is
/// handed out (`direct`: read back by position, see `StoredBytesFile`), is
/// written at once, outside the lock.
///
/// Every byte before `written` is in the file; the block holds the bytes
/// from there to `end`. Reading a value still in the block writes the
/// block first, so that whoever reads the file by position finds what it
/// was told is there.
final class StoreAppender: @unchecked Sendable {
    /// Gathered values are written once they reach this size.
    static let blockSize = 1 << 20
    /// Values at least this large are written on their own, at once.
    static let largeValue = 64 << 10

    private let fd: Int32
    private let lock = NSLock()
    private var block: [UInt8] = []
    private var written: Int
    private var end: Int
    private var failedWrite = false

    /// Appends to the open file `fd` from `end` (its length).
    init(fd: Int32, end: Int) {
        self.fd = fd
        self.end = end
        written = end
        block.reserveCapacity(Self.blockSize)
    }

    /// Where the next value would go: the file's length once the block is written.
    var length: Int { lock.withLock { end } }

    /// Whether a write failed (the values put since may be lost).
    var failed: Bool { lock.withLock { failedWrite } }

    /// Appends `bytes` at the next multiple of 8 (the gap reads as zeros,
    /// so that a value's tables can be read in place: `ByteReader.table`);
    /// returns where they start, or nil after a failed write.
    func append(_ bytes: UnsafeRawBufferPointer, direct: Bool) -> Int? {
        lock.lock()
        guard !failedWrite else { lock.unlock(); return nil }
        let offset = (end + 7) & ~7
        if direct || bytes.count >= Self.largeValue {
            // Its place is taken under the lock and its bytes written outside
            // it, so that a large value (a snapshot's records, a hundred
            // megabytes) does not hold up the other threads' values.
            writeBlock()
            end = offset + bytes.count
            written = end
            lock.unlock()
            let ok = writeFully(fd, bytes, at: offset)
            if !ok { lock.withLock { failedWrite = true } }
            return ok ? offset : nil
        }
        block.append(contentsOf: repeatElement(0, count: offset - end))
        block.append(contentsOf: bytes)
        end = offset + bytes.count
        if block.count >= Self.blockSize { writeBlock() }
        let ok = !failedWrite
        lock.unlock()
        return ok ? offset : nil
    }

    /// The `length` bytes at `offset`, as appended (nil if they could not be written or read).
    func read(offset: Int, length: Int) -> [UInt8]? {
        let ok: Bool = lock.withLock {
            if offset + length > written { writeBlock() }
            return !failedWrite
        }
        guard ok else { return nil }
        let bytes = [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            count = readFully(fd, into: UnsafeMutableRawBufferPointer(buffer), at: offset) == length ? length : 0
        }
        return bytes.count == length ? bytes : nil
    }

    /// Writes what is gathered; whether everything appended is in the file.
    func flush() -> Bool {
        lock.withLock {
            writeBlock()
            return !failedWrite
        }
    }

    /// (Called with the lock held.)
    private func writeBlock() {
        guard !block.isEmpty else { return }
        if !failedWrite {
            failedWrite = !block.withUnsafeBytes { writeFully(fd, $0, at: written) }
        }
        written = end
        block.removeAll(keepingCapacity: true)
    }
}
