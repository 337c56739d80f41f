import Foundation

/// A file that is only ever appended to, open for reading back any part
/// of it by position, from any thread (`pread`), for as long as anything
/// refers to it: the build cache's store. A record's abstract is read
/// from there when a stage needs it rather than kept in memory (see
/// `PaperText`): at a million papers the abstracts were 0.8 GB of the
/// records' 2 GB.
///
/// Read with `pread`, not through a memory map: a stage reads every
/// abstract once, and mapped pages would count in the build's memory
/// until the stage ended. The file is never cut short under a reader (a
/// clean build makes a new one, and compacting renames a new one into
/// place), and this descriptor keeps the version it opened.
final class StoredBytesFile: @unchecked Sendable {
    private let descriptor: Int32

    init?(path: String) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 { return nil }
    }

    deinit { close(descriptor) }

    /// The `length` bytes at `offset`, as UTF-8 (as much as could be read:
    /// the bytes were written by this program before it referred to them,
    /// so only a failing disk leaves them short).
    func string(offset: Int, length: Int) -> String {
        String(unsafeUninitializedCapacity: length) { buffer in read(into: UnsafeMutableRawBufferPointer(buffer), at: offset) }
    }

    /// Reads the bytes at `offset` into `buffer`; returns how many were read.
    @discardableResult
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        readFully(descriptor, into: buffer, at: offset)
    }
}

/// `pwrite` until all of `bytes` is written at `offset`; whether it was.
func writeFully(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
    var done = 0
    while done < bytes.count {
        let n = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return false }
        done += n
    }
    return true
}

/// `pread` until `buffer` is full, the file ends or reading fails; returns how many bytes were read.
func readFully(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
    var done = 0
    while done < buffer.count {
        let n = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        done += n
    }
    return done
}
