/// Edits to papers applied to the last build's search index, giving the
/// index a build from scratch would make (the same shards, splits and
/// counts), with only the shards the edits touch read and made again.
extension SearchIndex {
    typealias Change = (doc: Int32, term: String, weight: UInt8?)

    /// Applies edits to papers (same ids, new terms), loading the shards
    /// they touch with `load`. Where the edits take a prefix across the
    /// splitting threshold (a day of papers added to a large site often
    /// does), the terms under it are filed again, and the rest of the index
    /// stays. Returns false, changing nothing, when a shard cannot be
    /// loaded (then the whole index is made again).
    mutating func update(_ edits: [(doc: Int32, old: [Term], new: [Term])], parallelism: Parallelism, load: (Shard) -> Shard?) -> Bool {
        var counts = prefixCounts
        let split = Set(splitPrefixes)
        var touched: [String: [Change]] = [:]   // shard key → removals (nil) and additions
        for edit in edits {
            // Only the terms whose weight changed (or that came or went):
            // a shard is read and written again whole for any change in it.
            let before = Dictionary(edit.old.map { ($0.term, $0.weight) }, uniquingKeysWith: { a, _ in a })
            let after = Dictionary(edit.new.map { ($0.term, $0.weight) }, uniquingKeysWith: { a, _ in a })
            let distinct = before.count == edit.old.count && after.count == edit.new.count
            for term in edit.old where !distinct || after[term.term] != term.weight {
                let path = Self.prefixes(of: term.term, split: split)
                for prefix in path { counts[prefix, default: 0] -= 1 }
                touched[path[path.count - 1], default: []].append((edit.doc, term.term, nil))
            }
            for term in edit.new where !distinct || before[term.term] != term.weight {
                let path = Self.prefixes(of: term.term, split: split)
                for prefix in path { counts[prefix, default: 0] += 1 }
                touched[path[path.count - 1], default: []].append((edit.doc, term.term, term.weight))
            }
        }
        var updated = shards, newSplit = splitPrefixes
        // The prefixes whose split the edits change, the outermost only:
        // everything under each is gathered, changed and filed again.
        let flipped = counts.keys.filter { Self.splits($0, postings: counts[$0]!, splitAbove: splitAbove) != split.contains($0) }
        let regions = flipped.filter { p in !flipped.contains { $0 != p && Self.isUnder(p, $0) } }.sorted()
        for region in regions {
            var terms: [String: Postings] = [:]
            for shard in updated where Self.isUnder(shard.key, region) {
                guard let full = shard.loaded ? shard : load(shard) else { return false }
                for entry in full.terms { terms[entry.term] = entry.postings }
            }
            for key in touched.keys where Self.isUnder(key, region) {
                Self.apply(touched.removeValue(forKey: key)!, to: &terms)
            }
            updated.removeAll { Self.isUnder($0.key, region) }
            newSplit.removeAll { Self.isUnder($0, region) }
            for key in counts.keys where Self.isUnder(key, region) { counts[key] = nil }
            let entries = terms.map { (term: $0.key, postings: $0.value) }
            if !entries.isEmpty {
                Self.file(entries, under: region, splitAbove: splitAbove, shards: &updated, split: &newSplit, counts: &counts)
            }
        }
        var byKey = Dictionary(updated.enumerated().map { ($0.element.key, $0.offset) }, uniquingKeysWith: { a, _ in a })
        // Each touched shard read and changed on all cores (a day of papers
        // touches thousands), then put in its place.
        let pending = touched.sorted(by: { $0.key < $1.key }), current = updated, places = byKey
        let remade = parallelism.map(pending.count) { k -> Shard? in
            let (key, changes) = pending[k]
            var shard: Shard
            if let at = places[key] {
                guard let full = current[at].loaded ? current[at] : load(current[at]) else { return nil }
                shard = full
            } else {
                shard = Shard(key: key, terms: [])
            }
            var terms = Dictionary(shard.terms.map { ($0.term, $0.postings) }, uniquingKeysWith: { a, _ in a })
            Self.apply(changes, to: &terms)
            shard.terms = terms.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            shard.loaded = true
            shard.hash = 0
            return shard
        }
        for (k, (key, _)) in pending.enumerated() {
            guard let shard = remade[k] else { return false }
            if let at = byKey[key] {
                updated[at] = shard
            } else {
                updated.append(shard)
                byKey[key] = updated.count - 1
            }
        }
        shards = updated.filter { !$0.loaded || !$0.terms.isEmpty }.sorted { $0.key < $1.key }
        splitPrefixes = newSplit.sorted()
        prefixCounts = counts.filter { $0.value > 0 }
        return true
    }

    /// Removals (weight nil), then additions; a term left with no paper
    /// goes, and each term's papers stay in id order.
    private static func apply(_ changes: [Change], to terms: inout [String: Postings]) {
        for change in changes where change.weight == nil {
            terms[change.term]?.removeAll { $0.doc == change.doc }
        }
        var added = Set<String>()
        for change in changes {
            guard let weight = change.weight else { continue }
            terms[change.term, default: []].append((change.doc, weight))
            added.insert(change.term)
        }
        for term in added { terms[term]?.sort { $0.doc < $1.doc } }
        terms = terms.filter { !$0.value.isEmpty }
    }

    /// Whether the shard key or prefix `key` starts with `prefix`, by
    /// characters as the keys count them (Unicode scalars).
    private static func isUnder(_ key: String, _ prefix: String) -> Bool {
        key.unicodeScalars.starts(with: prefix.unicodeScalars)
    }
}
