import Foundation

/// A file for data a build writes now and reads back later in the same
/// build: made in a folder and removed from it at once, so that it goes
/// away when closed, even if the process dies. Written at its end, read
/// by position from any thread.
final class ScratchFile: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()
    private var end = 0
    private var failed = false

    init?(folder: URL) {
        var template = Array(folder.appendingPathComponent("scratch-XXXXXX").path.utf8CString)
        descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    }

    deinit { close(descriptor) }

    /// Writes `bytes` at the end; returns where they start (nil if they could not be written).
    func append(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let offset: Int? = lock.withLock {
            guard !failed else { return nil }
            defer { end += bytes.count }
            return end
        }
        guard let offset else { return nil }
        guard writeFully(descriptor, bytes, at: offset) else { lock.withLock { failed = true }; return nil }
        return offset
    }

    /// Reads `buffer.count` bytes at `offset`; whether all were read.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Bool {
        readFully(descriptor, into: buffer, at: offset) == buffer.count
    }
}

/// Tables made one after another and needed again later, one at a time:
/// written to a scratch file where there is one (so that a large site's
/// tables are not all in memory while they wait), else kept in memory.
/// Each is read back once.
final class SpilledTables<Element: BitwiseCopyable>: @unchecked Sendable {
    private let file: ScratchFile?
    private var places: [(offset: Int, count: Int)] = []
    private var kept: [[Element]] = []

    init(file: ScratchFile?) { self.file = file }

    func append(_ table: [Element]) {
        if let file, kept.isEmpty, let offset = table.withUnsafeBytes({ file.append($0) }) {
            places.append((offset, table.count))
        } else {
            // (In memory from the first table the file could not take on.)
            kept.append(table)
        }
    }

    /// Table `k` (nil if it could not be read back); a table kept in memory is given up.
    func take(_ k: Int) -> [Element]? {
        if k >= places.count {
            let table = kept[k - places.count]
            kept[k - places.count] = []
            return table
        }
        let (offset, count) = places[k]
        var table = [Element](unsafeUninitializedCapacity: count) { _, made in made = count }
        let read = table.withUnsafeMutableBytes { file?.read(into: $0, at: offset) ?? false }
        return read ? table : nil
    }
}
