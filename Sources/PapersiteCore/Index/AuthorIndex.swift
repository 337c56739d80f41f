import Foundation

/// The site's authors: one per normalised name, shown as first spelled,
/// with a unique slug; each author's papers and each paper's authors.
struct AuthorIndex {
    var authors: [SiteIndex.Author]
    var names: [String: String]
    var byAuthor: [String: [Int]]
    var paperSlugs: [[String]]
    /// Each author's papers, in the order of `authors`.
    var papers: [[Int]]

    /// The author index of `papers` (in the site's order). With a cache,
    /// the last build's table (`AuthorTable`) is taken up where it
    /// stopped when its papers are the first of these as numbered: papers
    /// added, the newest, only extend it (remaking it for a day of 1,000
    /// papers added at 100,000 took a third of a second).
    static func make(_ papers: [Paper], memo: NameMemo, parallelism: Parallelism, cache: CacheStore?) -> AuthorIndex {
        let place = RelatedPapers.Numbering(papers).place
        let stored = cache?.get(AuthorTable.cacheKey, AuthorTable.decode)
        // Each author list in number order, hashed on all cores, but where
        // the stored table numbered the same record at the same place: its
        // list is the one hashed then (hashing every list was the longest
        // part of an edit's index stage, on one core while the rest waited).
        let lists = parallelism.map(place.count) { k -> UInt64 in
            let paper = papers[place[k]]
            if let stored, k < stored.recordHashes.count, let hash = paper.recordHash, stored.recordHashes[k] == hash {
                return stored.listHashes[k]
            }
            return Fingerprint.of { $0.add(paper.authors) }
        }
        // The lists hashed together, up to the stored table's end and to the last paper.
        var f = Fingerprint(), prefix: UInt64?
        for (k, list) in lists.enumerated() {
            if k == stored?.count { prefix = f.value }
            f.add(list)
        }
        if stored?.count == place.count { prefix = f.value }
        var table = stored.flatMap { prefix == $0.listsHash ? $0 : nil } ?? AuthorTable()
        if table.count < place.count {
            let new = Array(place[table.count...])
            let spellings = parallelism.map(new.count) { k in papers[new[k]].authors.map(memo.author) }
            table.extend(with: spellings)
            table.listsHash = f.value
            table.recordHashes = place.map { papers[$0].recordHash ?? 0 }
            table.listHashes = lists
            if let cache { cache.put(AuthorTable.cacheKey) { table.encode(to: &$0) } }
        }
        return table.index(place: place, parallelism: parallelism)
    }
}

/// The author index as papers are numbered (`RelatedPapers.Numbering`,
/// the oldest first): each author has an id from their first paper on,
/// and a slug made unique in that order, so that a paper added, the
/// newest, never takes the slug or the spelling of an author the site
/// already has (their page stays where it was). Papers added extend it;
/// the cache keeps it for that.
struct AuthorTable {
    struct Author {
        var display: String
        /// What makes two spellings one author (`NameMemo.AuthorForms.key`).
        var key: String
        var slugBase: String
        var slug: String
    }

    static let cacheKey = Fingerprint.of { $0.add("author table, by number") }

    var authors: [Author] = []
    /// Each numbered paper's authors, as ids.
    var paperAuthors: [[Int32]] = []
    /// The ids sorted by key, then slug: the order of the authors' index.
    var order: [Int32] = []
    /// A hash of the numbered papers' author lists, in order, as spelled.
    var listsHash: UInt64 = 0
    /// Each numbered paper's record hash (0 if it had none) and the hash of
    /// its author list, as the table was stored: a record that is the same
    /// at the same number has the same list. (An edit that leaves the
    /// lists as they were does not store the table again: the edited
    /// papers' lists are hashed anew until a paper is added.)
    var recordHashes: [UInt64] = []
    var listHashes: [UInt64] = []

    /// How many papers are numbered.
    var count: Int { paperAuthors.count }

    /// Numbers the next papers, given their authors' forms as spelled.
    mutating func extend(with spellings: [[NameMemo.AuthorForms]]) {
        var idByKey: [String: Int32] = [:]
        idByKey.reserveCapacity(authors.count + spellings.count)
        for (id, author) in authors.enumerated() { idByKey[author.key] = Int32(id) }
        var taken = Set(authors.map(\.slug))
        // Each base's next number to try (trying -2, -3, ... from the start
        // for each author was quadratic in the authors sharing a base; all
        // the numbers below it are taken, so the slugs are the same).
        var nextNumber: [String: Int] = [:]
        let firstNew = authors.count
        for names in spellings {
            var ids: [Int32] = []
            ids.reserveCapacity(names.count)
            for name in names {
                if let known = idByKey[name.key] { ids.append(known); continue }
                let id = Int32(authors.count)
                idByKey[name.key] = id
                // Unique in order of first appearance.
                var slug = name.slugBase
                if taken.contains(slug) {
                    var n = nextNumber[name.slugBase, default: 2]
                    repeat { slug = "\(name.slugBase)-\(n)"; n += 1 } while taken.contains(slug)
                    nextNumber[name.slugBase] = n
                }
                taken.insert(slug)
                authors.append(Author(display: name.display, key: name.key, slugBase: name.slugBase, slug: slug))
                ids.append(id)
            }
            paperAuthors.append(ids)
        }
        // The new authors sorted, merged into the order.
        let all = authors
        func precedes(_ a: Int32, _ b: Int32) -> Bool {
            (all[Int(a)].key, all[Int(a)].slug) < (all[Int(b)].key, all[Int(b)].slug)
        }
        let added = (firstNew..<authors.count).map { Int32($0) }.sorted(by: precedes)
        var merged: [Int32] = []
        merged.reserveCapacity(order.count + added.count)
        var a = 0, b = 0
        while a < order.count || b < added.count {
            if b == added.count || (a < order.count && precedes(order[a], added[b])) { merged.append(order[a]); a += 1 } else { merged.append(added[b]); b += 1 }
        }
        order = merged
    }

    /// The index in the site's order; `place`: each number's place in it.
    /// Each paper's author slugs are made on all cores: they are a third
    /// of an edit's index stage at 100,000 papers.
    func index(place: [Int], parallelism: Parallelism) -> AuthorIndex {
        let slugs = authors.map(\.slug)
        var papersOf = [[Int]](repeating: [], count: authors.count)
        // The newest first, as the site orders them: each author's list
        // comes out (nearly) sorted.
        for k in paperAuthors.indices.reversed() {
            let i = place[k]
            for id in paperAuthors[k] where papersOf[Int(id)].last != i { papersOf[Int(id)].append(i) }
        }
        for id in papersOf.indices where papersOf[id].count > 1 { papersOf[id].sort() }
        var number = [Int](repeating: 0, count: place.count)
        for (k, i) in place.enumerated() { number[i] = k }
        let paperSlugs = parallelism.map(number.count) { i in paperAuthors[number[i]].map { slugs[Int($0)] } }
        var names: [String: String] = [:], byAuthor: [String: [Int]] = [:]
        names.reserveCapacity(authors.count)
        byAuthor.reserveCapacity(authors.count)
        for id in authors.indices {
            names[slugs[id]] = authors[id].display
            byAuthor[slugs[id]] = papersOf[id]
        }
        return AuthorIndex(authors: order.map { SiteIndex.Author(name: authors[Int($0)].display, slug: slugs[Int($0)]) },
                           names: names, byAuthor: byAuthor, paperSlugs: paperSlugs, papers: order.map { papersOf[Int($0)] })
    }

    func encode(to w: inout ByteWriter) {
        w.fixed(listsHash)
        w.uint(UInt64(authors.count))
        for author in authors {
            w.string(author.display); w.string(author.key); w.string(author.slugBase)
            // Most slugs are their base.
            w.bool(author.slug == author.slugBase)
            if author.slug != author.slugBase { w.string(author.slug) }
        }
        w.array(paperAuthors.map { UInt32($0.count) })
        w.array(paperAuthors.flatMap { $0 })
        w.array(order)
        w.array(recordHashes)
        w.array(listHashes)
    }

    static func decode(_ r: inout ByteReader) -> AuthorTable? {
        var table = AuthorTable()
        table.listsHash = r.fixed()
        let count = Int(clamping: r.uint())
        guard count <= r.buffer.count else { return nil }
        table.authors.reserveCapacity(count)
        for _ in 0..<count {
            let display = r.string(), key = r.string(), base = r.string()
            table.authors.append(Author(display: display, key: key, slugBase: base, slug: r.bool() ? base : r.string()))
        }
        let counts = r.array(of: UInt32.self), ids = r.array(of: Int32.self)
        table.order = r.array(of: Int32.self)
        table.recordHashes = r.array(of: UInt64.self)
        table.listHashes = r.array(of: UInt64.self)
        guard !r.failed, counts.reduce(0, { $0 + Int($1) }) == ids.count, ids.allSatisfy({ $0 >= 0 && Int($0) < count }),
              table.order.count == count, table.order.allSatisfy({ $0 >= 0 && Int($0) < count }),
              table.recordHashes.count == counts.count, table.listHashes.count == counts.count else { return nil }
        table.paperAuthors.reserveCapacity(counts.count)
        var at = 0
        for n in counts {
            table.paperAuthors.append(Array(ids[at..<at + Int(n)]))
            at += Int(n)
        }
        return table
    }
}
