import Foundation

/// The build cache's byte format: unsigned LEB128 integers and
/// length-prefixed UTF-8 strings. Written by hand: Codable through
/// JSONEncoder or PropertyListEncoder took longer to decode a 10,000-paper
/// cache than parsing the records again, and this format is private to the
/// cache (a version change simply drops it).
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func int(_ value: Int) { uint(UInt64(bitPattern: Int64(value))) }

    mutating func uint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func fixed(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }
    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            uint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func optional(_ value: String?) {
        if let value { bool(true); string(value) } else { bool(false) }
    }

    mutating func optional(_ value: Int?) {
        if let value { bool(true); int(value) } else { bool(false) }
    }

    mutating func strings(_ values: [String]) {
        uint(UInt64(values.count))
        for value in values { string(value) }
    }

    mutating func raw(_ other: [UInt8]) { bytes.append(contentsOf: other) }

    /// An array of plain values, as its count and its bytes in memory
    /// order (little-endian on the machines Swift runs here; the cache is
    /// never moved between machines).
    mutating func array<T: BitwiseCopyable>(_ values: [T]) {
        uint(UInt64(values.count))
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }
}

/// Reads what `ByteWriter` wrote. Any malformed input (a truncated or
/// foreign file) makes `failed` true and every later read return a default,
/// so callers check once at the end and drop the entry.
struct ByteReader {
    let buffer: UnsafeRawBufferPointer
    var offset = 0
    private(set) var failed = false
    /// The file these bytes were read from and where in it they start,
    /// when they can be read there again (a stored value: see `CacheStore`).
    var origin: (file: StoredBytesFile, offset: Int)? = nil

    init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    var atEnd: Bool { offset >= buffer.count }

    mutating func uint() -> UInt64 {
        // Most values are below 128: one byte.
        if offset < buffer.count, buffer[offset] < 0x80 {
            offset += 1
            return UInt64(buffer[offset - 1])
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < buffer.count, shift < 64 {
            let b = buffer[offset]
            offset += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
        failed = true
        return 0
    }

    mutating func int() -> Int { Int(Int64(bitPattern: uint())) }

    mutating func fixed() -> UInt64 {
        guard offset + 8 <= buffer.count else { failed = true; return 0 }
        defer { offset += 8 }
        return UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    mutating func bool() -> Bool { byte() != 0 }

    mutating func byte() -> UInt8 {
        guard offset < buffer.count else { failed = true; return 0 }
        defer { offset += 1 }
        return buffer[offset]
    }

    /// `count` bytes as they are (nil past the end).
    mutating func bytes(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, offset + count <= buffer.count else { failed = true; return nil }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
    }

    /// An array written by `ByteWriter.array` (empty, with `failed`, when cut short).
    mutating func array<T: BitwiseCopyable>(of type: T.Type) -> [T] {
        let count = Int(clamping: uint())
        guard count <= (buffer.count - offset) / max(1, MemoryLayout<T>.stride), let raw = bytes(count * MemoryLayout<T>.stride) else { failed = true; return [] }
        return [T](unsafeUninitializedCapacity: count) { out, initialized in
            if count > 0 { UnsafeMutableRawBufferPointer(out).copyMemory(from: raw) }
            initialized = count
        }
    }

    mutating func string() -> String { string(sameAs: nil) }

    /// A string, as `known` when it has the same bytes (the string itself,
    /// not a copy: where many values repeat one string, such as the file
    /// each record of a segment came from).
    mutating func string(sameAs known: String?) -> String {
        let count = Int(clamping: uint())
        guard let slice = bytes(count) else { return "" }
        if var known, known.utf8.count == count,
           known.withUTF8({ count == 0 || memcmp($0.baseAddress!, slice.baseAddress!, count) == 0 }) {
            return known
        }
        return String(decoding: slice, as: UTF8.self)
    }

    mutating func optionalString() -> String? { bool() ? string() : nil }
    mutating func optionalInt() -> Int? { bool() ? int() : nil }

    mutating func strings() -> [String] {
        let count = Int(clamping: uint())
        guard count <= buffer.count - offset else { failed = true; return [] }
        var result: [String] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(string()) }
        return result
    }
}

/// A streaming 64-bit hash for fingerprints: what an output file or a
/// cached value was made from, folded into one number. Strings are hashed
/// with `ContentHash` over their bytes and mixed in with their length, so
/// that `("ab", "c")` and `("a", "bc")` differ.
struct Fingerprint: Hashable, Sendable {
    private(set) var value: UInt64

    init(_ seed: UInt64 = 0x243F_6A88_85A3_08D3) { value = seed }

    mutating func add(_ x: UInt64) {
        var h = (value ^ x) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 31
        h = h &* 0xBF58_476D_1CE4_E5B9
        value = h ^ (h >> 29)
    }

    mutating func add(_ x: Int) { add(UInt64(bitPattern: Int64(x))) }
    mutating func add(_ x: Bool) { add(x ? 1 as UInt64 : 2) }

    mutating func add(_ s: String) {
        // (In place where the bytes are contiguous, as a native string's
        // are: `withUTF8` needs a mutable copy, a retain and a release for
        // each of the millions of strings an incremental build hashes.)
        let h = s.utf8.withContiguousStorageIfAvailable { ContentHash.of(UnsafeRawBufferPointer($0)) }
            ?? { var copy = s; return copy.withUTF8 { ContentHash.of(UnsafeRawBufferPointer($0)) } }()
        add(h)
        add(UInt64(s.utf8.count))
    }

    mutating func add(_ s: String?) {
        if let s { add(true); add(s) } else { add(false) }
    }

    mutating func add(_ strings: [String]) {
        add(strings.count)
        for s in strings { add(s) }
    }

    static func of(_ build: (inout Fingerprint) -> Void) -> UInt64 {
        var f = Fingerprint()
        build(&f)
        return f.value
    }
}

extension Array where Element == UInt8 {
    /// Replaces `url` with these bytes, atomically (a new file renamed over
    /// it), written from where they are: a `Data` made of them first was a
    /// copy of a large site's output manifest, tens of megabytes at the
    /// build's end.
    func writeAtomically(to url: URL) throws {
        try withUnsafeBytes { raw in
            let data = raw.baseAddress.map { Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: $0), count: raw.count, deallocator: .none) } ?? Data()
            try data.write(to: url, options: .atomic)
        }
    }
}
