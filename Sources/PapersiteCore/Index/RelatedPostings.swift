import Foundation

/// Steps 4 and 5 of `RelatedPapers.compute`: the inverted index and the
/// scores, made so that the whole tables are never all in memory together.
///
/// A state (`RelatedState`) keeps every paper's whole vector and every
/// term's whole posting list, but the scores read only a vector's first
/// `queryTerms` entries and a list's first `postingsPerTerm`. So, where a
/// state is kept, the vectors go to the cache as soon as they are made and
/// leave memory; the lists are filled from them as stored, read back a
/// piece at a time, and go to the cache once sorted, with only their heads
/// kept; and the scores read the vectors back a piece at a time. At a
/// million papers the vectors and the lists were 0.8 GB each, held at once
/// on top of the records and the index: the build's peak.
extension RelatedPapers {
    /// Each paper's terms (numbered as `compute`'s step 3 numbers them) and
    /// weights, heaviest first: paper i's from `start[i]`.
    struct Vectors {
        var start: [UInt32] = [0]
        var termIDs: [UInt32] = []
        var weights: [Float] = []

        var count: Int { start.count - 1 }
    }

    /// Posting lists, term by term (term t's from `start[t]`), in memory
    /// from `malloc`, so that cutting every list to its head gives the rest
    /// back (`realloc`): an array keeps its capacity.
    final class PostingLists: @unchecked Sendable {
        private(set) var start: [UInt32]
        private(set) var entries: UnsafeMutableBufferPointer<Posting>

        /// Room for `start.last` postings, to be filled by the caller.
        init(start: [UInt32]) {
            self.start = start
            let count = Int(start.last ?? 0)
            let memory = malloc(max(1, count) * MemoryLayout<Posting>.stride)!
            entries = UnsafeMutableBufferPointer(start: memory.bindMemory(to: Posting.self, capacity: count), count: count)
        }

        deinit { free(entries.baseAddress) }

        var terms: Int { start.count - 1 }

        func list(_ t: Int) -> UnsafeBufferPointer<Posting> {
            UnsafeBufferPointer(rebasing: entries[Int(start[t])..<Int(start[t + 1])])
        }

        /// Cuts each list to its first `length` postings.
        func cut(to length: Int) {
            var to = 0
            for t in 0..<terms {
                let from = Int(start[t]), kept = min(length, Int(start[t + 1]) - from)
                for k in 0..<kept { entries[to + k] = entries[from + k] }
                start[t] = UInt32(to)
                to += kept
            }
            start[terms] = UInt32(to)
            let memory = realloc(entries.baseAddress, max(1, to) * MemoryLayout<Posting>.stride)!
            entries = UnsafeMutableBufferPointer(start: memory.bindMemory(to: Posting.self, capacity: to), count: to)
        }
    }

    /// Where a state's body goes as `compute` makes it (`RelatedState`'s
    /// body tables, under `key`), and how its tables are read back.
    struct BodyWriter {
        let cache: CacheStore
        let key: UInt64

        /// Stores body table `k`; returns where it is in the store file (nil if not written).
        func put<T: BitwiseCopyable>(_ table: [T], _ k: Int) -> Int? {
            table.withUnsafeBytes { cache.putPlaced(RelatedState.bodyTableKey(key, k), $0) }
        }

        /// Stores the whole lists as body tables 4 and 5; whether both were written.
        func put(_ lists: PostingLists) -> Bool {
            put(lists.start, 4) != nil && cache.putPlaced(RelatedState.bodyTableKey(key, 5), UnsafeRawBufferPointer(lists.entries)) != nil
        }

        /// Reads `buffer.count` elements of the table stored at `table`, from element `index` on.
        func read<T>(_ buffer: UnsafeMutableBufferPointer<T>, table: Int, from index: Int) -> Bool {
            let bytes = UnsafeMutableRawBufferPointer(buffer)
            return cache.storedBytes?.read(into: bytes, at: table + index * MemoryLayout<T>.stride) == bytes.count
        }
    }

    /// The vectors where they are: in memory, or stored as a body's
    /// tables 1 and 2 (paper i's entries from `start[i]` in both).
    struct VectorSource {
        let start: [UInt32]
        let inMemory: Vectors?
        let stored: (body: BodyWriter, termIDs: Int, weights: Int)?
        /// Papers read back at a time from the store.
        let piece: Int

        /// Calls `body` with the entries of `papers`: entry v at `v - first`
        /// in both tables. False if they could not be read back.
        func withEntries(of papers: Range<Int>,
                         _ body: (_ termIDs: UnsafeBufferPointer<UInt32>, _ weights: UnsafeBufferPointer<Float>, _ first: Int) -> Void) -> Bool {
            if let inMemory {
                inMemory.termIDs.withUnsafeBufferPointer { ids in inMemory.weights.withUnsafeBufferPointer { body(ids, $0, 0) } }
                return true
            }
            guard let stored else { return false }
            let first = Int(start[papers.lowerBound]), count = Int(start[papers.upperBound]) - first
            var ids = [UInt32](repeating: 0, count: count), weights = [Float](repeating: 0, count: count)
            guard ids.withUnsafeMutableBufferPointer({ stored.body.read($0, table: stored.termIDs, from: first) }),
                  weights.withUnsafeMutableBufferPointer({ stored.body.read($0, table: stored.weights, from: first) }) else { return false }
            ids.withUnsafeBufferPointer { ids in weights.withUnsafeBufferPointer { body(ids, $0, first) } }
            return true
        }

        /// The papers in pieces of `piece` (one piece when in memory), in order or from the last.
        func pieces(reversed: Bool = false) -> [Range<Int>] {
            let n = start.count - 1, size = inMemory == nil ? piece : max(1, n)
            let all = stride(from: 0, to: n, by: size).map { $0..<min(n, $0 + size) }
            return reversed ? all.reversed() : all
        }
    }

    /// Step 4: each term's list of the papers filed under it (a paper
    /// under its first `indexedTerms` terms), papers in order, then sorted
    /// in `listOrder` where the scores or a state need it. With `body`, the
    /// vectors, `termHashes` and the whole lists are stored as a state's
    /// body (`stored`: whether they all were), and the vectors leave
    /// memory. Returns the lists cut to `postingsPerTerm` (all the scores
    /// read) and where the vectors are; nil if the stored vectors could not
    /// be read back.
    func invertedIndex(_ vectors: consuming Vectors, termHashes: [UInt64], body: BodyWriter?,
                       parallelism: Parallelism) -> (lists: PostingLists, vectors: VectorSource, stored: Bool)? {
        let n = vectors.count, terms = termHashes.count, indexed = indexedTerms
        let whole = vectors.start
        func indexedRange(_ i: Int) -> Range<Int> { Int(whole[i])..<min(Int(whole[i + 1]), Int(whole[i]) + indexed) }
        // Where each list begins (and, one along, ends).
        var start = [UInt32](repeating: 0, count: terms + 1)
        for i in 0..<n { for v in indexedRange(i) { start[Int(vectors.termIDs[v]) + 1] += 1 } }
        for t in 0..<terms { start[t + 1] += start[t] }

        var source = VectorSource(start: whole, inMemory: vectors, stored: nil, piece: piece)
        if let body, body.put(vectors.start, 0) != nil, let termIDs = body.put(vectors.termIDs, 1),
           let weights = body.put(vectors.weights, 2), body.put(termHashes, 3) != nil {
            source = VectorSource(start: whole, inMemory: nil, stored: (body, termIDs, weights), piece: piece)
        }
        vectors = Vectors()

        // Each list filled from its end, papers from the last.
        let lists = PostingLists(start: start)
        var places = start
        for papers in source.pieces(reversed: true) {
            let read = source.withEntries(of: papers) { ids, weights, first in
                for i in papers.reversed() {
                    for v in indexedRange(i).reversed() {
                        let t = Int(ids[v - first]) + 1
                        places[t] -= 1
                        lists.entries[Int(places[t])] = Posting(paper: Int32(i), weight: weights[v - first])
                    }
                }
            }
            guard read else { return nil }
        }
        places = []

        // A term's list as scores read it: its heaviest `postingsPerTerm`
        // papers (a state keeps every list in that order).
        let limit = postingsPerTerm, sortsAll = source.stored != nil
        let flat = UnsafeSendableBuffer(lists.entries)
        parallelism.forEach(terms) { t in
            let range = Int(lists.start[t])..<Int(lists.start[t + 1])
            if range.count > limit || (sortsAll && range.count > 1) {
                var slice = UnsafeMutableBufferPointer(rebasing: flat.buffer[range])
                slice.sort(by: Self.listOrder)
            }
        }
        let stored = source.stored != nil && body?.put(lists) == true
        lists.cut(to: limit)
        return (lists, source, stored)
    }
}
