import Foundation

/// A file of the cache whose last 8 bytes are the hash of the rest, written
/// atomically: one that is damaged, or was left half written, is not read.
enum SealedFile {
    /// Appends the hash of what `w` holds and replaces `url` with it.
    static func write(_ w: inout ByteWriter, to url: URL) {
        w.fixed(w.bytes.withUnsafeBytes { ContentHash.of($0) })
        try? w.bytes.writeAtomically(to: url)
    }

    /// `body` over the file's bytes before the hash; nil if the file is
    /// missing or its hash does not match.
    static func read<T>(_ url: URL, _ body: (inout ByteReader) -> T?) -> T? {
        guard let data = try? Data(contentsOf: url), data.count > 8 else { return nil }
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> T? in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<raw.count - 8])
            guard ContentHash.of(bytes) == raw.loadUnaligned(fromByteOffset: raw.count - 8, as: UInt64.self).littleEndian else { return nil }
            var r = ByteReader(bytes)
            return body(&r)
        }
    }
}
