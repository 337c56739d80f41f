extension Paper {
    /// Makes equal author names one string, shared by every record that
    /// names the author: the same value, so each record's hash stands.
    /// Authors recur (a million arXiv records name a few hundred thousand
    /// people), and each record read had its own copy of every name: at a
    /// million papers, 0.2 GB of the records' 1.2 GB, kept for the whole
    /// build. A name of up to 15 bytes is kept inside the string value, with
    /// nothing to share.
    ///
    /// Each name's string is the one its first record (in order) has. The
    /// names are hashed, and looked up by those hashes: a `Set` of the names
    /// (SipHash, then comparing each name with one somewhere else in
    /// memory) took 0.18 s on one core of an edit at 100,000 papers. The
    /// first records are found a share of the hashes at a time, each share
    /// on its own thread with a table of its own, and then the records are
    /// changed on all cores, each by one thread: in one loop on one core,
    /// this was 13 ms of an edit's 170 at 10,000 papers.
    static func shareAuthorNames(_ papers: inout [Paper], parallelism: Parallelism) {
        // (Through the array's buffer, which stays the records' only copy:
        // a second would make each record's box shared, and copied when changed.)
        papers.withUnsafeMutableBufferPointer { buffer in
            let records = UnsafeSendableBuffer(buffer)
            // Each record's names, hashed, one after another (0: a short name).
            let counts = parallelism.map(buffer.count) { i in records[i].authors.count }
            var starts = [Int](repeating: 0, count: buffer.count + 1)
            for i in counts.indices { starts[i + 1] = starts[i] + counts[i] }
            let names = starts[buffer.count]
            let hashes = Array<UInt64>(unsafeUninitializedCapacity: names) { hashBuffer, initialized in
                let slots = UnsafeSendableBuffer(hashBuffer)
                parallelism.forEach(records.buffer.count) { i in
                    for (k, name) in records[i].authors.enumerated() {
                        slots[starts[i] + k] = name.utf8.count > 15 ? Fingerprint.of { $0.add(name) } : 0
                    }
                }
                initialized = names
            }
            // For each name, its first record's string: the entry in the
            // table of its share of the hashes (-1: none to share).
            let shares = max(1, parallelism.effectiveThreads * 2)
            func share(_ hash: UInt64) -> Int { Int(hash % UInt64(shares)) }
            var firstEntry = [Int32](repeating: -1, count: names)
            let tables = firstEntry.withUnsafeMutableBufferPointer { entryBuffer in
                let entries = UnsafeSendableBuffer(entryBuffer)
                return parallelism.map(shares) { part -> HashedKeyTable<String> in
                    var table = HashedKeyTable<String>(capacity: names / shares / 4)
                    for i in 0..<records.buffer.count where starts[i + 1] > starts[i] {
                        for n in starts[i]..<starts[i + 1] where hashes[n] != 0 && share(hashes[n]) == part {
                            if let known = table.index(of: hashes[n]) {
                                entries[n] = Int32(known)
                            } else {
                                table.append(new: hashes[n], records[i].authors[n - starts[i]])
                            }
                        }
                    }
                    return table
                }
            }
            // Each record changed by one thread.
            parallelism.forEach(records.buffer.count) { i in
                for n in starts[i]..<starts[i + 1] where firstEntry[n] >= 0 {
                    let known = tables[share(hashes[n])].entries[Int(firstEntry[n])].value
                    // (A different name of the same 64-bit hash keeps its own string.)
                    guard known == records[i].authors[n - starts[i]] else { continue }
                    (records.buffer.baseAddress! + i).pointee.shareAuthorName(n - starts[i], with: known)
                }
            }
        }
    }
}
