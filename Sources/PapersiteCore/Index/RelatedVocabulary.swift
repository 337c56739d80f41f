import Foundation

extension RelatedPapers {
    /// Term hashes → dense ids and document frequencies (among all
    /// papers, and among the first `epoch`), split into shards that
    /// parallel workers fill independently.
    struct Vocabulary {
        static let shards = 16
        struct Shard {
            var ids = HashTable()
            var frequencies: [Int32] = []
            var prefixFrequencies: [Int32] = []
        }
        private var parts = [Shard](repeating: Shard(), count: shards)
        private var bases = [Int32](repeating: 0, count: shards)
        private(set) var total = 0

        /// A paper's terms grouped by shard (in hash order within each),
        /// with where each shard's group starts.
        struct Grouped {
            var hashes: [UInt64] = []
            var counts: [Float] = []
            var starts: [Int32] = []
        }

        static func byShard(_ terms: PackedTerms) -> Grouped {
            var hashes = [UInt64](repeating: 0, count: terms.count)
            var counts = [Float](repeating: 0, count: terms.count)
            let starts = forEachByShard(terms) { k, slot in
                hashes[slot] = terms.hash(k)
                counts[slot] = terms.count(k)
            }
            return Grouped(hashes: hashes, counts: counts, starts: starts)
        }

        /// The counts of `byShard(terms)`, in its order, into `counts`.
        static func countsByShard(_ terms: PackedTerms, into counts: inout [Float]) {
            counts.removeAll(keepingCapacity: true)
            counts.append(contentsOf: repeatElement(0, count: terms.count))
            _ = forEachByShard(terms) { k, slot in counts[slot] = terms.count(k) }
        }

        /// Calls `body` with each term's index and its slot in shard order
        /// (by shard, then as the terms come); returns where each shard starts.
        private static func forEachByShard(_ terms: PackedTerms, _ body: (_ k: Int, _ slot: Int) -> Void) -> [Int32] {
            var starts = [Int32](repeating: 0, count: shards + 1)
            for k in 0..<terms.count { starts[Int(terms.hash(k) % UInt64(shards)) + 1] += 1 }
            for s in 0..<shards { starts[s + 1] += starts[s] }
            var fill = starts
            for k in 0..<terms.count {
                let s = Int(terms.hash(k) % UInt64(shards))
                body(k, Int(fill[s]))
                fill[s] += 1
            }
            return starts
        }

        /// Counts these papers' terms, each shard on its own worker, and
        /// writes each term's id within its shard to `ids` (paper p's
        /// terms from `offsets[p]`). The first `inPrefix` of them are among
        /// the first `epoch` papers.
        mutating func count(_ papers: [Grouped], inPrefix: Int, offsets: ArraySlice<Int>, into ids: UnsafeSendableBuffer<Int32>, parallelism: Parallelism) {
            parts.withUnsafeMutableBufferPointer { buffer in
                let slots = UnsafeSendableBuffer(buffer)
                parallelism.forEach(Self.shards) { s in
                    var part = slots[s]
                    slots[s] = Shard()                       // keep `part` uniquely referenced
                    for (p, paper) in papers.enumerated() {
                        let offset = offsets[offsets.startIndex + p]
                        let counted: Int32 = p < inPrefix ? 1 : 0
                        for k in Int(paper.starts[s])..<Int(paper.starts[s + 1]) {
                            let id = part.ids.insert(paper.hashes[k], value: Int32(part.frequencies.count))
                            if Int(id) == part.frequencies.count {
                                part.frequencies.append(1)
                                part.prefixFrequencies.append(counted)
                            } else {
                                part.frequencies[Int(id)] += 1
                                part.prefixFrequencies[Int(id)] += counted
                            }
                            ids[offset + k] = id
                        }
                    }
                    slots[s] = part
                }
            }
        }

        var shardBases: [Int32] { bases }

        /// Each term's hash, by id, once counting is over: each shard's
        /// table is given back as it is read, so that the tables (the
        /// largest part of the vocabulary) and the list are never whole
        /// together.
        mutating func takeHashesByID(parallelism: Parallelism) -> [UInt64] {
            // Not zeroed first: its pages are touched only as they are written.
            [UInt64](unsafeUninitializedCapacity: total) { buffer, made in
                let slots = UnsafeSendableBuffer(buffer)
                let bases = bases
                parts.withUnsafeMutableBufferPointer { shards in
                    let tables = UnsafeSendableBuffer(shards)
                    parallelism.forEach(Self.shards) { s in
                        tables.buffer[s].ids.forEach { hash, local in slots[Int(bases[s] + local)] = hash }
                        tables.buffer[s].ids = HashTable()
                    }
                }
                made = total
            }
        }

        /// Every term's hash and document frequencies, in the shards of
        /// `RelatedState.dfShard(of:)` (sixteen per vocabulary shard), each
        /// sorted by hash and encoded, handed to `body` one by one.
        /// `hashes`: `takeHashesByID`'s.
        func forEachDFShard(hashes: [UInt64], parallelism: Parallelism, _ body: (Int, [UInt8]) -> Void) {
            parallelism.forEach(Self.shards) { s in
                var split = [[(hash: UInt64, df: RelatedState.Frequencies)]](repeating: [], count: 16)
                let part = parts[s]
                for local in part.frequencies.indices {
                    let hash = hashes[Int(bases[s]) + local]
                    split[Int(hash >> 60)].append((hash, .init(all: part.frequencies[local], prefix: part.prefixFrequencies[local])))
                }
                for (g, var entries) in split.enumerated() {
                    entries.sort { $0.hash < $1.hash }
                    body(s * 16 + g, RelatedState.encodeShard(entries.map(\.hash), entries.map(\.df)))
                }
            }
        }

        mutating func assignIDs() {
            var base: Int32 = 0
            for s in 0..<Self.shards { bases[s] = base; base += Int32(parts[s].frequencies.count) }
            total = Int(base)
        }

        /// `transform` of each term's document frequencies, by id.
        func frequencies(parallelism: Parallelism, _ transform: (RelatedState.Frequencies) -> Float) -> [Float] {
            var result = [Float](repeating: 0, count: total)
            result.withUnsafeMutableBufferPointer { buffer in
                let slots = UnsafeSendableBuffer(buffer)
                parallelism.forEach(Self.shards) { s in
                    let part = parts[s]
                    for local in part.frequencies.indices {
                        slots[Int(bases[s]) + local] = transform(.init(all: part.frequencies[local], prefix: part.prefixFrequencies[local]))
                    }
                }
            }
            return result
        }
    }
}
