import Foundation
import Testing
@testable import PapersiteCore

@Suite struct SearchIndexTests {
    /// Decodes `[delta, weight, delta, weight, ...]` into id → weight.
    func postings(_ list: [Int]) -> [Int: Int] {
        var result: [Int: Int] = [:], id = 0
        for k in stride(from: 0, to: list.count, by: 2) { id += list[k]; result[id] = list[k + 1] }
        return result
    }

    /// The JSON a search file hands to the page: `papersiteSearchData("docs/0", <JSON>);`.
    func json(_ site: TestSite, _ path: String) throws -> Any {
        let text = try site.read(path)
        let name = String(path.dropFirst("search/".count).dropLast(".js".count))
        let prefix = "papersiteSearchData(\"\(name)\", ", suffix = ");\n"
        #expect(text.hasPrefix(prefix) && text.hasSuffix(suffix), "\(path) is a call with its name")
        return try JSONSerialization.jsonObject(with: Data(text.dropFirst(prefix.count).dropLast(suffix.count).utf8))
    }

    @Test func wordsAreFoldedAsTheBrowserFoldsThem() {
        #expect(SearchText.words("Éléphant TRANSFORMERS, the ViT-2 a 3D") == ["elephant", "transformers", "vit", "3d"])
        #expect(SearchText.words("Schrödinger’s cat — naïve Bayes") == ["schrodinger", "cat", "naive", "bayes"])
        #expect(SearchText.words("Ångström 東京 x") == ["angstrom", "東京"])
        #expect(SearchText.fileName("ab") == "ab" && SearchText.fileName("東京") == "_6771_4eac")
    }

    @Test func theBuildWritesShardsWeightedByField() throws {
        let site = try TestSite([
            "content/papers/a.md": paperFile("title: Diffusion models for proteins\ndate: 2024-01-03\nauthors: [Ada Lovelace]\ntags: [Biology]",
                                             body: "We design proteins.\n"),
            "content/papers/b.md": paperFile("title: Graph networks\ndate: 2024-01-02\nauthors: [Alan Turing]",
                                             body: "A diffusion process on graphs, diffusion again.\n"),
            "content/papers/c.md": paperFile("title: Old paper\ndate: 2019-05-01\nauthors: [Grace Hopper]\ntags: [Biology]",
                                             body: "Nothing to see.\n"),
        ])
        defer { site.remove() }
        try site.build()
        let manifest = try #require(try json(site, "search/index.js") as? [String: Any])
        #expect(manifest["count"] as? Int == 3)
        #expect((manifest["shards"] as? [String])?.contains("di") == true)
        #expect(manifest["years"] as? [Int] == [2024, 2019])
        let di = try #require(try json(site, "search/terms/di.js") as? [String: [Int]])
        // Ids count from the oldest: c is 0, b is 1, a is 2. A title word weighs 8; the abstract 1 a time.
        #expect(postings(try #require(di["diffusion"])) == [1: 2, 2: 8])
        let lo = try #require(try json(site, "search/terms/lo.js") as? [String: [Int]])
        #expect(postings(try #require(lo["lovelace"])) == [2: 6])
        // Id lists as differences: [0, 2] for c and a, [1, 2] for b and a.
        #expect(try site.read("search/tags/biology.js") == "papersiteSearchData(\"tags/biology\", [0,2]);\n")
        #expect(try site.read("search/years/2024.js") == "papersiteSearchData(\"years/2024\", [1,1]);\n")
        let docs = try #require(try json(site, "search/docs/0.js") as? [[Any]])
        #expect(docs.count == 3)
        #expect(docs[1][0] as? String == "Graph networks")
        #expect(docs[1][1] as? String == "../papers/graph-networks/")
        #expect(docs[1][2] as? String == "Alan Turing")
        // The search page and the box on every other page.
        let page = try site.read("search/index.html")
        #expect(page.contains("<input type=\"search\" id=\"search-input\""))
        #expect(page.contains("id=\"search-results\""))
        #expect(!page.contains("site-search-input"))
        #expect(try site.read("index.html").contains("<form class=\"site-search\" role=\"search\" action=\"./search/\">"))
        #expect(try site.read("js/search.js").contains("search-results"))

        // A paper added as the newest takes the next id: the others keep theirs.
        let biology = try site.read("search/tags/biology.js"), olderDocs = try site.read("search/docs/0.js")
        try site.write("content/papers/d.md", paperFile("title: Diffusion for graphs\ndate: 2024-02-01\nauthors: [Alan Turing]", body: "More diffusion.\n"))
        try site.build()
        #expect(postings(try #require(try json(site, "search/terms/di.js") as? [String: [Int]])["diffusion"] ?? []) == [1: 2, 2: 8, 3: 9])
        #expect(try site.read("search/tags/biology.js") == biology)
        #expect(try site.read("search/docs/0.js") != olderDocs && (json(site, "search/docs/0.js") as? [[Any]])?.count == 4)
        try expectSameAsCleanBuild(site, "adding the newest paper")

        try site.write("content/site.yml", "search: false\n")
        try site.build()
        #expect(!site.exists("search/index.html") && !site.exists("search/index.js"))
        #expect(!(try site.read("index.html")).contains("site-search"))
    }

    /// A crowded two-letter prefix is split by the third letter, and a
    /// crowded three-letter one by the fourth; a word as long as a split
    /// prefix has a shard of its own.
    @Test func largeShardsAreSplit() {
        let index = SearchIndex(titles: ["Diffusion dialogue diagram 3d", "Digits 3d dia"], authors: [[], []], tags: [[], []],
                                abstracts: ["", ""], splitAbove: 1, parallelism: .serial)
        let keys = index.shards.map(\.key)
        #expect(keys == ["3d", "dia", "diag", "dial", "dif", "dig"])
        #expect(index.splitPrefixes == ["3d", "di", "dia"])
        #expect(index.shards[0].terms.map(\.term) == ["3d"])
        #expect(index.shards[0].terms[0].postings.map(\.doc) == [0, 1])
        #expect(index.shards[1].terms.map(\.term) == ["dia"])
        #expect(SearchIndex.prefixes(of: "diagram", split: Set(index.splitPrefixes)) == ["di", "dia", "diag"])
        #expect(SearchIndex.prefixes(of: "dia", split: Set(index.splitPrefixes)) == ["di", "dia"])
        // No key is longer than `longestKey`, however crowded.
        let crowded = SearchIndex(titles: ["Abcdefghijkl abcdefghijkm"], authors: [[]], tags: [[]], abstracts: [""],
                                  splitAbove: 1, parallelism: .serial)
        #expect(crowded.shards.map(\.key) == ["abcdefgh"])
    }

    /// Edits applied to the shards they touch give the index made afresh
    /// from the new terms, splits included, also where they take a prefix
    /// across the splitting threshold either way (its terms are filed
    /// again); only the shards the edits touch are read.
    @Test func editsGiveTheIndexMadeAfresh() {
        let before: [[SearchIndex.Term]] = [[("diagram", 8), ("dial", 1), ("graph", 8)], [("diagonal", 8), ("digit", 3)], [("dialect", 4), ("graph", 1)]]
        func made(_ terms: [[SearchIndex.Term]]) -> SearchIndex {
            SearchIndex(count: terms.count, splitAbove: 2, parallelism: .serial) { terms[$0] }
        }
        func same(_ a: SearchIndex, _ b: SearchIndex) -> Bool {
            a.splitPrefixes == b.splitPrefixes && a.prefixCounts == b.prefixCounts && a.shards.count == b.shards.count
                && zip(a.shards, b.shards).allSatisfy { x, y in
                    x.key == y.key && x.terms.map(\.term) == y.terms.map(\.term)
                        && zip(x.terms, y.terms).allSatisfy { $0.postings.map(\.doc) == $1.postings.map(\.doc) && $0.postings.map(\.weight) == $1.postings.map(\.weight) }
                }
        }
        var index = made(before)
        #expect(index.splitPrefixes == ["di", "dia"])
        var loaded: [String] = []
        func load(_ shard: SearchIndex.Shard) -> SearchIndex.Shard? { loaded.append(shard.key); return shard }
        // A word under a split three-letter prefix changes weight; one goes, one comes.
        var after = before
        after[1] = [("diagonal", 3), ("digits", 8)]
        let accepted = index.update([(doc: 1, old: before[1], new: after[1])], parallelism: .allCores, load: load)
        #expect(accepted && same(index, made(after)))
        // "dia" emptied below the threshold: its shards become one.
        var fewer = after
        fewer[0] = [("graph", 8)]
        fewer[2] = [("graph", 1)]
        let merged = index.update([(doc: 0, old: after[0], new: fewer[0]), (doc: 2, old: after[2], new: fewer[2])], parallelism: .allCores, load: load)
        #expect(merged && same(index, made(fewer)))
        #expect(!index.splitPrefixes.contains("dia"))
        // "gr" taken across it, with the shards in the cache only: split
        // letter by letter down to the word "graph" (which has three
        // papers), and only the shard of "gr" read.
        var more = fewer
        more[1] = [("diagonal", 3), ("digits", 8), ("graph", 2), ("grain", 4)]
        let full = Dictionary(uniqueKeysWithValues: index.shards.map { ($0.key, $0) })
        for i in index.shards.indices { index.shards[i].terms = []; index.shards[i].loaded = false }
        loaded = []
        let splitAgain = index.update([(doc: 1, old: fewer[1], new: more[1])], parallelism: .allCores, load: { load(full[$0.key]!) })
        #expect(splitAgain && loaded == ["gr"])
        index.shards = index.shards.map { $0.loaded ? $0 : full[$0.key]! }
        #expect(same(index, made(more)))
        #expect(index.splitPrefixes == ["gr", "gra", "grap", "graph"])
    }
}
