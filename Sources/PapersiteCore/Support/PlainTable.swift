/// A read-only table of plain values: either its own memory, or bytes of
/// the cache's memory map used in place (`ByteReader.table`). A large
/// cached value (related papers' 25 MB of vectors and posting lists for
/// 10,000 papers) then costs nothing to read until a part of it is used:
/// copying it into arrays was most of an edit's related-papers stage.
///
/// In place, the table borrows the map: it must not outlive the
/// `CacheStore` it was read from (tables live within one build's stage).
struct PlainTable<Element: BitwiseCopyable>: @unchecked Sendable {
    /// Memory this table allocated (nil: borrowed, or empty).
    private final class Owned {
        let buffer: UnsafeMutableBufferPointer<Element>
        init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
        deinit { buffer.deallocate() }
    }
    private let owner: Owned?
    let elements: UnsafeBufferPointer<Element>

    private init(owner: Owned?, elements: UnsafeBufferPointer<Element>) {
        self.owner = owner
        self.elements = elements
    }

    init() { self.init(owner: nil, elements: UnsafeBufferPointer(start: nil, count: 0)) }

    /// A copy of `values`.
    init(_ values: some Collection<Element>) {
        self.init(count: values.count) { out in _ = out.initialize(from: values) }
    }

    /// `count` values written by `fill` (which must set every one).
    init(count: Int, fill: (UnsafeMutableBufferPointer<Element>) -> Void) {
        guard count > 0 else { self.init(); return }
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: count)
        fill(buffer)
        self.init(owner: Owned(buffer), elements: UnsafeBufferPointer(buffer))
    }

    /// Borrows `bytes` (aligned for `Element`), which outlive the table.
    init(borrowing bytes: UnsafeRawBufferPointer) {
        self.init(owner: nil, elements: bytes.count == 0 ? UnsafeBufferPointer(start: nil, count: 0) : bytes.assumingMemoryBound(to: Element.self))
    }

    /// Whether the values are read in place (not copied).
    var isInPlace: Bool { owner == nil && !elements.isEmpty }
    var count: Int { elements.count }
    var isEmpty: Bool { elements.isEmpty }
    subscript(i: Int) -> Element { elements[i] }
    /// The values in `range`, in place.
    subscript(range: Range<Int>) -> UnsafeBufferPointer<Element> { UnsafeBufferPointer(rebasing: elements[range]) }
}

extension ByteWriter {
    /// Zero bytes up to the next multiple of 8 (from the value's start).
    mutating func align() {
        while bytes.count % 8 != 0 { bytes.append(0) }
    }

    /// A table as `ByteReader.table` reads it: its count, then its values
    /// from a multiple of 8 bytes (so that a value stored 8-aligned is read
    /// in place).
    mutating func table<T: BitwiseCopyable>(_ values: UnsafeBufferPointer<T>) {
        uint(UInt64(values.count))
        align()
        if let base = values.baseAddress { bytes.append(contentsOf: UnsafeRawBufferPointer(start: base, count: values.count * MemoryLayout<T>.stride)) }
    }

    mutating func table<T: BitwiseCopyable>(_ values: PlainTable<T>) { table(values.elements) }
    mutating func table<T: BitwiseCopyable>(_ values: [T]) { values.withUnsafeBufferPointer { table($0) } }
}

extension ByteReader {
    /// A table written by `ByteWriter.table`: in place where the bytes are
    /// aligned for `T`, else copied (empty, with `failed`, when cut short).
    mutating func table<T: BitwiseCopyable>(of type: T.Type) -> PlainTable<T> {
        let count = Int(clamping: uint())
        while offset % 8 != 0 && offset < buffer.count { _ = bool() }
        guard !failed, count <= (buffer.count - offset) / max(1, MemoryLayout<T>.stride),
              let raw = bytes(count * MemoryLayout<T>.stride) else { return PlainTable() }
        if let base = raw.baseAddress, Int(bitPattern: base) % MemoryLayout<T>.alignment == 0 { return PlainTable(borrowing: raw) }
        return PlainTable(count: count) { out in UnsafeMutableRawBufferPointer(out).copyMemory(from: raw) }
    }
}
