/// A record's abstract: a string, or its place in the build cache's store
/// when the record was stored there (a large site's abstracts stay on disk
/// until a stage reads them: see `StoredBytesFile`). Equal by content.
struct PaperText: Sendable, Hashable {
    private enum Kept: Sendable {
        case string(String)
        case stored(StoredBytesFile, offset: Int, length: Int)
    }
    private var kept: Kept

    /// Texts shorter than this stay strings: their place would cost about as much.
    static let storedFrom = 64

    init(_ string: String) { kept = .string(string) }

    init(in file: StoredBytesFile, offset: Int, length: Int) {
        kept = .stored(file, offset: offset, length: length)
    }

    var string: String {
        switch kept {
        case .string(let string): string
        case .stored(let file, let offset, let length): file.string(offset: offset, length: length)
        }
    }

    /// Its length in UTF-8 bytes.
    var utf8Count: Int {
        switch kept {
        case .string(let string): string.utf8.count
        case .stored(_, _, let length): length
        }
    }

    var isEmpty: Bool {
        switch kept {
        case .string(let string): string.isEmpty
        case .stored(_, _, let length): length == 0
        }
    }

    /// Whether the text is read from the store rather than kept.
    var isStored: Bool {
        if case .stored = kept { return true }
        return false
    }

    static func == (a: PaperText, b: PaperText) -> Bool {
        if case .stored(let f, let o, let l) = a.kept, case .stored(let g, let p, let m) = b.kept, f === g, o == p, l == m { return true }
        return a.string == b.string
    }

    func hash(into hasher: inout Hasher) { hasher.combine(string) }
}
