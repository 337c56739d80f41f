import Foundation

// Each record's identity: a slug of its own, and one record per paper
// however many sources list it.

/// Gives each paper a unique slug. Explicit slugs must be unique; derived
/// slugs that collide get `-2`, `-3`, ... in source order, with a warning.
enum SlugAssigner {
    /// The papers that get a suffix: each with its new slug, and each
    /// shared slug with the paper that kept it and those renamed from it,
    /// in order (for the warnings).
    private struct Renames {
        var slugs: [(paper: Int, slug: String)] = []
        var shared: [(base: String, owner: Int, renamed: [Int])] = []
    }

    /// (In place: a record renamed in a copy of the list would be copied
    /// whole, and a feed that repeats a title repeats it thousands of times.)
    static func assign(_ papers: inout [Paper], log: inout DiagnosticLog, parallelism: Parallelism = .allCores) {
        // Most sites' slugs are all different, and then nothing changes.
        let hashes = parallelism.map(papers.count) { i in Fingerprint.of { $0.add(papers[i].slug) } }
        if HashedKeyTable.allDistinct(hashes, count: hashes.count) { return }
        let renames = numberedInTurn(papers, hashes: hashes, parallelism: parallelism) ?? oneByOne(papers, log: &log)
        let slugs = renames.slugs
        papers.withUnsafeMutableBufferPointer { buffer in
            let records = UnsafeSendableBuffer(buffer)
            parallelism.forEach(slugs.count) { k in records.buffer[slugs[k].paper].rename(slug: slugs[k].slug) }
        }
        // One warning per slug, however many papers share it (a feed that
        // repeats "Erratum" a thousand times gets one, not a thousand).
        for (base, owner, renamedPapers) in renames.shared {
            let second = renamedPapers[0]
            let more = switch renamedPapers.count {
            case 1: ""
            case 2: ", and the next paper with it '\(papers[renamedPapers[1]].slug)'"
            default: ", and the \(renamedPapers.count - 1) more papers with it '\(papers[renamedPapers[1]].slug)' to '\(papers[renamedPapers.last!].slug)'"
            }
            log.warning("the slug '\(base)' is already used by the paper at \(papers[owner].source); this paper gets '\(papers[second].slug)'\(more) (set 'slug' to choose)",
                        at: papers[second].source)
        }
    }

    /// The rule: explicit slugs must be unique; a derived slug already
    /// taken, by a paper before it in source order or an explicit one,
    /// gets the first free suffix from `-2` on.
    private static func oneByOne(_ papers: [Paper], log: inout DiagnosticLog) -> Renames {
        // Each slug with the paper that has it (its index: its place is looked up only for a message).
        var taken: [String: Int] = [:]
        taken.reserveCapacity(papers.count)
        for i in papers.indices where papers[i].slugIsExplicit {
            if let first = taken[papers[i].slug] {
                log.error("the slug '\(papers[i].slug)' is already used by the paper at \(papers[first].source)", at: papers[i].source)
            } else {
                taken[papers[i].slug] = i
            }
        }
        // The next suffix to try for each slug: the ones below it are taken
        // (and stay taken), so a title shared by thousands of papers costs
        // one lookup each, not one per paper before it.
        var nextSuffix: [String: Int] = [:]
        var renamed: [String: [Int]] = [:]
        var renames = Renames()
        for i in papers.indices where !papers[i].slugIsExplicit {
            let base = papers[i].slug
            guard taken[base] != nil else {
                taken[base] = i
                continue
            }
            var n = nextSuffix[base] ?? 2
            while taken["\(base)-\(n)"] != nil { n += 1 }
            nextSuffix[base] = n + 1
            let slug = "\(base)-\(n)"
            renamed[base, default: []].append(i)
            renames.slugs.append((i, slug))
            taken[slug] = i
        }
        renames.shared = renamed.map { (base: $0.key, owner: taken[$0.key]!, renamed: $0.value) }
        return renames
    }

    /// What `oneByOne` gives when no suffixed slug meets a slug already
    /// there, as in a feed that repeats titles: each shared slug's papers
    /// numbered `-2`, `-3`, ... in order. Found by sorting the papers by
    /// their slugs' hashes, on all cores where it can be: one by one, the
    /// string lookups of a hundred thousand renamed papers took a sixth of
    /// a second on one core. nil when some new slug is not unique (or two
    /// slugs share a hash), for `oneByOne`, which finds the next free one.
    private static func numberedInTurn(_ papers: [Paper], hashes: [UInt64], parallelism: Parallelism) -> Renames? {
        var keyed: [(hash: UInt64, paper: Int)] = []
        keyed.reserveCapacity(papers.count)
        for i in papers.indices where !papers[i].slugIsExplicit { keyed.append((hashes[i], i)) }
        keyed.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.paper < $1.paper }
        // Each run of one hash: its first paper keeps the slug.
        var runs: [Range<Int>] = []
        var start = 0
        while start < keyed.count {
            var end = start + 1
            while end < keyed.count && keyed[end].hash == keyed[start].hash { end += 1 }
            if end - start > 1 { runs.append(start..<end) }
            start = end
        }
        let sameSlugs = parallelism.map(runs.count) { r in
            let base = papers[keyed[runs[r].lowerBound].paper].slug
            return keyed[runs[r]].allSatisfy { papers[$0.paper].slug == base }
        }
        guard !sameSlugs.contains(false) else { return nil }
        var renames = Renames()
        var renamed: [(paper: Int, suffix: Int)] = []
        for run in runs {
            let owner = keyed[run.lowerBound].paper, others = keyed[(run.lowerBound + 1)..<run.upperBound].map(\.paper)
            renames.shared.append((papers[owner].slug, owner, others))
            for (k, i) in others.enumerated() { renamed.append((i, k + 2)) }
        }
        let slugs = parallelism.map(renamed.count) { k in "\(papers[renamed[k].paper].slug)-\(renamed[k].suffix)" }
        let slugHashes = parallelism.map(renamed.count) { k in Fingerprint.of { $0.add(slugs[k]) } }
        var final = hashes
        for (k, r) in renamed.enumerated() { final[r.paper] = slugHashes[k] }
        guard HashedKeyTable.allDistinct(final, count: final.count) else { return nil }
        renames.slugs = zip(renamed, slugs).map { ($0.paper, $1) }
        return renames
    }
}

/// One paper from several sources (the same arXiv id or DOI in a BibTeX
/// file and an arXiv response, say) becomes one record. Markdown records
/// come first, then the others in path order; the first record's fields
/// win, and the later ones fill what it lacks (tags are joined). Each
/// merge is reported with both places.
enum DuplicateMerger {
    static func merge(_ papers: [Paper], log: inout DiagnosticLog, parallelism: Parallelism = .allCores) -> [Paper] {
        // Most sites list each paper once: checked first on the hashes of
        // the identities, without moving records.
        let hashes = parallelism.map(papers.count) { i -> [UInt64] in
            // The same names as `identities`, each once per paper; an arXiv
            // id and the rest (DOIs, listed titles) apart.
            let paper = papers[i]
            var arxiv = paper.arxiv.map { Substring($0) }
            var doi = paper.doi.map { $0.lowercased() }
            var found: [UInt64] = []
            func add(_ id: some StringProtocol, arXiv: Bool) { found.append(Fingerprint.of { $0.add(arXiv); $0.add(String(id)) }) }
            if paper.key.hasPrefix("arXiv:") {
                let id = paper.key.dropFirst(6)
                if arxiv != id { add(id, arXiv: true) }
            } else if paper.key.hasPrefix("doi:") {
                let id = String(paper.key.dropFirst(4))
                if doi != id { add(id, arXiv: false) }
            }
            if let id = arxiv.take() { add(id, arXiv: true) }
            if let id = doi.take() { add(id, arXiv: false) }
            if let listed = listedIdentity(paper) { add(listed, arXiv: false) }
            return found
        }
        let distinct = HashedKeyTable.allDistinct(hashes.joined(), count: papers.count)
        return distinct ? papers : mergeDuplicates(papers, log: &log)
    }

    /// A paper of a pasted listing has no identifier: it is known by its
    /// title and day, and so is a paper of the same site's JSON (or of a
    /// CSL-JSON file), so that the two make one record.
    private static func listedIdentity(_ paper: Paper) -> String? {
        let file = paper.source.file
        guard file.hasSuffix(".txt") || file.hasSuffix(".json"), let day = paper.published else { return nil }
        let words = paper.title.lowercased().split { !$0.isLetter && !$0.isNumber }
        return "listed:" + words.joined(separator: " ") + "|" + day.iso
    }

    /// The names a record goes by: its key if that is an arXiv id or DOI, its arXiv id, its DOI,
    /// and for listed papers their title and day.
    private static func identities(_ paper: Paper) -> [String] {
        var ids: [String] = []
        if paper.key.hasPrefix("arXiv:") || paper.key.hasPrefix("doi:") { ids.append(paper.key) }
        if let arxiv = paper.arxiv {
            let id = "arXiv:" + arxiv
            if !ids.contains(id) { ids.append(id) }
        }
        if let doi = paper.doi {
            let id = "doi:" + doi.lowercased()
            if !ids.contains(id) { ids.append(id) }
        }
        if let listed = listedIdentity(paper) { ids.append(listed) }
        return ids
    }

    private static func mergeDuplicates(_ papers: [Paper], log: inout DiagnosticLog) -> [Paper] {
        // DOIs and arXiv ids name the same paper: link records that share either.
        var groups: [String: Int] = [:]      // identity → index of the kept record in `result`
        var result: [Paper] = []
        var resultPosition: [Int] = []       // each kept record's first position in `papers`
        // Markdown records first, then by place: sorted as indices (records are large values).
        let isMarkdown = papers.map { $0.source.file.hasSuffix(".md") }
        func before(_ a: Int, _ b: Int) -> Bool {
            if isMarkdown[a] != isMarkdown[b] { return isMarkdown[a] }
            if papers[a].source != papers[b].source { return papers[a].source < papers[b].source }
            return a < b
        }
        // Records come in path order, so usually this order already holds.
        let inOrder = papers.indices.dropFirst().allSatisfy { before($0 - 1, $0) }
        let ordered = inOrder ? Array(papers.indices) : papers.indices.sorted(by: before)
        for i in ordered {
            let paper = papers[i]
            let ids = identities(paper)
            // Title and day alone name one paper only between a pasted listing
            // and another source (two "Errata" of one issue are two papers).
            // (A listing that lists a title twice keeps both.)
            let fromListing = paper.source.file.hasSuffix(".txt")
            let matches = ids.lazy.compactMap { id in groups[id].map { (id, $0) } }.filter { id, target in
                !id.hasPrefix("listed:") || fromListing != result[target].source.file.hasSuffix(".txt")
            }
            if let (_, target) = matches.first {
                let kept = result[target]
                if let listed = listedIdentity(paper), groups[listed] == target, !identities(kept).contains(where: { !$0.hasPrefix("listed:") && ids.contains($0) }) {
                    // A pasted listing and its site's JSON: one paper, as expected.
                    log.note("the paper '\(kept.title)' of \(kept.published?.iso ?? "no date") is also at \(kept.source); the records are merged (fields from \(kept.source.file) come first)", at: paper.source)
                } else {
                    log.warning("the paper \(kept.key) also comes from \(kept.source); the records are merged (fields from \(kept.source.file) come first)", at: paper.source)
                }
                result[target] = fill(kept, from: paper)
                for id in ids { groups[id] = target }
            } else {
                result.append(paper)
                resultPosition.append(firstPosition(of: paper.source, in: papers, at: i))
                for id in ids where groups[id] == nil || !id.hasPrefix("listed:") { groups[id] = result.count - 1 }
            }
        }
        // Keep the original (path) order for everything else.
        if resultPosition.indices.dropFirst().allSatisfy({ resultPosition[$0 - 1] < resultPosition[$0] }) { return result }
        return result.indices.sorted { resultPosition[$0] < resultPosition[$1] }.map { result[$0] }
    }

    /// The first index in `papers` whose record starts at `source` (the one at `i`, unless two records share a place).
    private static func firstPosition(of source: SourceLocation, in papers: [Paper], at i: Int) -> Int {
        var k = i
        while k > 0, papers[k - 1].source == source { k -= 1 }
        return k
    }

    static func fill(_ base: Paper, from other: Paper) -> Paper {
        var p = base
        if p.authors.isEmpty { p.authors = other.authors; p.affiliations = other.affiliations }
        if p.affiliations.isEmpty && p.authors == other.authors { p.affiliations = other.affiliations }
        // A date, or a more precise one of the same year.
        if let day = other.published, p.published == nil || (p.datePrecision.rawValue > other.datePrecision.rawValue && p.published?.year == day.year) {
            p.published = day
            p.datePrecision = other.datePrecision
        }
        if p.updated == nil { p.updated = other.updated }
        if p.arxiv == nil { p.arxiv = other.arxiv }
        if p.arxivVersion == nil || (other.arxiv == p.arxiv && (other.arxivVersion ?? 0) > (p.arxivVersion ?? 0)) { p.arxivVersion = other.arxivVersion ?? p.arxivVersion }
        if p.doi == nil { p.doi = other.doi }
        if p.venue == nil { p.venue = other.venue }
        if p.comment == nil { p.comment = other.comment }
        if p.links.url == nil { p.links.url = other.links.url }
        if p.links.pdf == nil { p.links.pdf = other.links.pdf }
        if p.links.code == nil { p.links.code = other.links.code }
        if p.links.listing == nil { p.links.listing = other.links.listing }
        if p.abstractText.isEmpty { p.abstract = other.abstract }
        if p.notes.isEmpty { p.notes = other.notes }
        for tag in other.tags where !p.tags.contains(where: { Tag(name: $0).slug == Tag(name: tag).slug }) { p.tags.append(tag) }
        if !p.key.hasPrefix("arXiv:"), let arxiv = p.arxiv { p.key = "arXiv:\(arxiv)" }
        return p
    }
}
