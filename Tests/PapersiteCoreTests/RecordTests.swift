import Foundation
import Testing
@testable import PapersiteCore

@Suite struct DayTests {
    @Test func parsesAndRejects() {
        #expect(Day(iso: "2025-03-14") == Day(year: 2025, month: 3, day: 14))
        #expect(Day(iso: "2024-02-29") != nil)
        #expect(Day(iso: "2025-02-29") == nil)
        #expect(Day(iso: "2025-13-01") == nil)
        #expect(Day(iso: "2025-3-14") == nil)
        #expect(Day(iso: "yesterday") == nil)
        #expect(Day(iso: "2025-03-14T10:00:00Z")?.iso == "2025-03-14")
    }

    @Test func formatsForFeeds() {
        let d = Day(year: 2025, month: 3, day: 14)!
        #expect(d.rfc822 == "Fri, 14 Mar 2025 00:00:00 +0000")
        #expect(d.rfc3339 == "2025-03-14T00:00:00Z")
        #expect(d.long == "14 March 2025")
        #expect(Day(year: 2000, month: 1, day: 1)!.rfc822 == "Sat, 01 Jan 2000 00:00:00 +0000")
        #expect(Day(year: 1970, month: 1, day: 1)!.daysSinceEpoch == 0)
    }

    @Test func monthNames() {
        #expect(Day.month(named: "Mar") == 3)
        #expect(Day.month(named: "march") == 3)
        #expect(Day.month(named: "Sept") == 9)
        #expect(Day.month(named: "Ma") == nil)
        #expect(Day.month(named: "Marc") == nil)
    }
}

@Suite struct SlugTests {
    @Test func makesReadableSlugs() {
        #expect(Slug.make("Vision Transformers: A Survey") == "vision-transformers-a-survey")
        #expect(Slug.make("Schrödinger's Cat & Friends") == "schrodingers-cat-friends")
        #expect(Slug.make("DualDiff+: Dual-Branch Diffusion") == "dualdiffplus-dual-branch-diffusion")
        #expect(Slug.make("日本語") == "untitled")
        #expect(Slug.make("../../etc/passwd") == "etc-passwd")
    }

    @Test func tagsInOtherScriptsGetDistinctSlugs() {
        let a = Tag(name: "機械学習").slug, b = Tag(name: "自然言語").slug
        #expect(a.hasPrefix("tag-"))
        #expect(a != b)
        #expect(a == Tag(name: "機械学習").slug)
        #expect(Tag(name: "Vision Transformers").slug == "vision-transformers")
    }

    @Test func cutsLongSlugsAtAWord() {
        let slug = Slug.make(String(repeating: "word ", count: 40))
        #expect(slug.count <= 80)
        #expect(!slug.hasSuffix("-"))
        #expect(slug.hasSuffix("word"))
    }

    @Test func validatesExplicitSlugs() {
        #expect(Slug.isValid("my-paper_2.0"))
        #expect(!Slug.isValid("../x"))
        #expect(!Slug.isValid("a/b"))
        #expect(!Slug.isValid("Upper"))
        #expect(!Slug.isValid(""))
    }

    @Test func collisionsGetDeterministicSuffixes() {
        let day = Day(year: 2025, month: 1, day: 1)!
        let papers = [
            Paper(title: "Same Title", published: day, source: SourceLocation(file: "a.md", line: 1)),
            Paper(title: "Same Title", published: day, source: SourceLocation(file: "b.md", line: 1)),
            Paper(title: "Same Title", published: day, source: SourceLocation(file: "c.md", line: 1)),
        ]
        var log = DiagnosticLog()
        var result = papers
        SlugAssigner.assign(&result, log: &log)
        #expect(result.map(\.slug) == ["same-title", "same-title-2", "same-title-3"])
        // One warning for the slug, at the first paper it had to change.
        #expect(log.items.map(\.description) == ["b.md:1: warning: the slug 'same-title' is already used by the paper at a.md:1; this paper gets 'same-title-2', and the next paper with it 'same-title-3' (set 'slug' to choose)"])
        var two = DiagnosticLog()
        var firstTwo = Array(papers.prefix(2))
        SlugAssigner.assign(&firstTwo, log: &two)
        #expect(two.items.map(\.description) == ["b.md:1: warning: the slug 'same-title' is already used by the paper at a.md:1; this paper gets 'same-title-2' (set 'slug' to choose)"])
    }

    /// Suffixes skip the slugs taken by other papers, titles that end in a
    /// number included, however many papers share a title.
    @Test func manySharedTitlesSkipTakenSuffixes() {
        let day = Day(year: 2025, month: 1, day: 1)!
        var papers = (0..<2_000).map { Paper(title: "Erratum", published: day, source: SourceLocation(file: "a.jsonl", line: $0 + 1)) }
        papers.insert(Paper(title: "Erratum 3", published: day, source: SourceLocation(file: "a.jsonl", line: 5_000)), at: 1)
        papers.insert(Paper(title: "X", published: day, slug: "erratum-5", source: SourceLocation(file: "x.md", line: 1)), at: 0)
        var log = DiagnosticLog()
        SlugAssigner.assign(&papers, log: &log)
        let slugs = papers.map(\.slug)
        #expect(slugs.count == Set(slugs).count, "every slug is used once")
        #expect(Array(slugs.prefix(6)) == ["erratum-5", "erratum", "erratum-3", "erratum-2", "erratum-4", "erratum-6"])
        #expect(slugs.last == "erratum-2002")
        #expect(log.items.map(\.description) == ["a.jsonl:2: warning: the slug 'erratum' is already used by the paper at a.jsonl:1; this paper gets 'erratum-2', and the 1998 more papers with it 'erratum-4' to 'erratum-2002' (set 'slug' to choose)"])
    }

    /// A record renamed for a shared slug keeps a hash when the cache gave
    /// it one (every later stage keys its work by it): the same in every
    /// build, whether the record was parsed or taken from the cache, and
    /// another when its slug changes. Read without a cache, no record is hashed.
    @Test func renamedRecordsKeepAHashOfTheirNewSlug() throws {
        let line = { (k: Int) in
            #"{"id": "2401.0000\#(k)", "title": "Erratum", "authors": "Ada Lovelace", "abstract": "About it.", "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 10:00:00 GMT"}]}"#
        }
        let site = try TestSite(["content/papers/s.jsonl": (0..<3).map(line).joined(separator: "\n") + "\n"])
        defer { site.remove() }
        let store = CacheStore(folder: site.root.appendingPathComponent("test-cache"), output: site.output.path, identity: 1, clean: false)
        let load = { ContentLoader(siteRoot: site.root, includeDrafts: true, parallelism: .allCores, storedFiles: StoredRecordFiles(cache: store)).load().papers }
        let parsed = load()
        #expect(parsed.map(\.slug) == ["erratum", "erratum-2", "erratum-3"])
        #expect(parsed[0].recordHash == encodedRecordHash(parsed[0]))
        #expect(Set(parsed.compactMap(\.recordHash)).count == 3)
        #expect(load().map(\.recordHash) == parsed.map(\.recordHash), "taken from the cache, the same hashes")
        // The first paper titled anew: the second, on the same line, takes
        // the slug "erratum", and has another hash.
        let retitled = [line(0).replacingOccurrences(of: "Erratum", with: "Other")] + (1..<3).map(line)
        try site.write("content/papers/s.jsonl", retitled.joined(separator: "\n") + "\n")
        let moved = load()
        #expect(moved.map(\.slug) == ["other", "erratum", "erratum-2"])
        #expect(moved.compactMap(\.recordHash).count == 3)
        #expect(moved[1].recordHash != parsed[1].recordHash && moved[1].recordHash == encodedRecordHash(moved[1]))
        #expect(moved[2].recordHash != parsed[2].recordHash)
        let uncached = ContentLoader(siteRoot: site.root, includeDrafts: true).load().papers
        #expect(uncached.map(\.slug) == ["other", "erratum", "erratum-2"])
        #expect(uncached.allSatisfy { $0.recordHash == nil })
    }

    /// Papers sharing slugs in turns are numbered in source order, each
    /// slug on its own, with one warning each.
    @Test func sharedSlugsInTurnsAreNumberedInOrder() {
        let day = Day(year: 2025, month: 1, day: 1)!
        let titles = ["Alpha", "Beta", "Alpha", "Gamma", "Beta", "Alpha"]
        var papers = titles.enumerated().map { Paper(title: $1, published: day, source: SourceLocation(file: "a.jsonl", line: $0 + 1)) }
        var log = DiagnosticLog()
        SlugAssigner.assign(&papers, log: &log)
        #expect(papers.map(\.slug) == ["alpha", "beta", "alpha-2", "gamma", "beta-2", "alpha-3"])
        #expect(papers.map(\.key) == papers.map(\.slug))
        #expect(log.items.map(\.description).sorted() == [
            "a.jsonl:3: warning: the slug 'alpha' is already used by the paper at a.jsonl:1; this paper gets 'alpha-2', and the next paper with it 'alpha-3' (set 'slug' to choose)",
            "a.jsonl:5: warning: the slug 'beta' is already used by the paper at a.jsonl:2; this paper gets 'beta-2' (set 'slug' to choose)",
        ])
    }
}

@Suite struct TagMatcherTests {
    let rules = [
        TagRule(tag: "Transformers", phrases: ["transformer*"], source: SourceLocation(file: "s")),
        TagRule(tag: "Fine-Tuning", phrases: ["fine-tuning"], source: SourceLocation(file: "s")),
        TagRule(tag: "RL", phrases: ["RL"], source: SourceLocation(file: "s")),
        TagRule(tag: "Vision-Language", phrases: ["vision-language model"], source: SourceLocation(file: "s")),
    ]

    @Test func matchesWholeWordsCaseInsensitively() {
        let m = TagMatcher(rules: rules)
        #expect(m.tags(for: "Vision TRANSFORMERS at scale") == ["Transformers"])
        #expect(m.tags(for: "We use RL here") == ["RL"])
        #expect(m.tags(for: "CURL and URLs") == [])
        #expect(m.tags(for: "untransformed") == [])
    }

    @Test func hyphensMatchSpaces() {
        let m = TagMatcher(rules: rules)
        #expect(m.tags(for: "fine tuning works") == ["Fine-Tuning"])
        #expect(m.tags(for: "Fine-tuning works") == ["Fine-Tuning"])
        #expect(m.tags(for: "finetuning works") == [])
        #expect(m.tags(for: "a vision language  model") == ["Vision-Language"])
    }

    @Test func markdownEscapesDoNotHidePhrases() {
        let m = TagMatcher(rules: rules)
        #expect(m.tags(for: #"we study fine\-tuning of \*transformers\*"#) == ["Transformers", "Fine-Tuning"])
    }

    @Test func withoutStarTheWordMustEnd() {
        let m = TagMatcher(rules: rules)
        #expect(m.tags(for: "vision-language models") == [])
    }
}

@Suite struct IdentifierTests {
    @Test func arxivIdentifiers() {
        #expect(Identifiers.arxiv("2403.01234")! == ("2403.01234", nil))
        #expect(Identifiers.arxiv("arXiv:2403.01234v2")! == ("2403.01234", 2))
        #expect(Identifiers.arxiv("https://arxiv.org/abs/hep-th/9711200v1")! == ("hep-th/9711200", 1))
        #expect(Identifiers.arxiv("math.GT/0309136")! == ("math.GT/0309136", nil))
        #expect(Identifiers.arxiv("not an id") == nil)
        #expect(Identifiers.arxiv("2403.123") == nil)
    }

    /// An arXiv id named in free text (a note, a journal, a URL), in any case.
    @Test func arxivMentions() {
        func id(_ text: String) -> String? { Identifiers.arxivMention(in: text).map { "\($0.id) \($0.version.map(String.init) ?? "-")" } }
        #expect(id("Preprint, ARXIV:2403.01234v3 [cs.LG]") == "2403.01234 3")
        #expect(id("see https://arxiv.org/pdf/hep-th/9711200") == "hep-th/9711200 -")
        #expect(id("ArXiv 1706.03762, 2017") == "1706.03762 -")
        #expect(id("arXiv") == nil)
        #expect(id("Journal of 2403.01234 Studies") == nil)
        #expect(id("") == nil)
    }

    @Test func dois() {
        #expect(Identifiers.doi("10.1000/xyz123") == "10.1000/xyz123")
        #expect(Identifiers.doi("https://doi.org/10.1145/3442188.3445922") == "10.1145/3442188.3445922")
        #expect(Identifiers.doi("11.1/x") == nil)
        #expect(Identifiers.doi("10.1000/a b") == nil)
    }

    @Test func webURLs() {
        #expect(Identifiers.isWebURL("https://github.com/x/y"))
        #expect(!Identifiers.isWebURL("javascript:alert(1)"))
        #expect(!Identifiers.isWebURL("/relative"))
        #expect(!Identifiers.isWebURL("https://x.org/\"onmouseover=\"a"))
    }
}

@Suite struct SummaryTests {
    @Test func keepsWholeSentences() {
        let text = String(repeating: "This is a sentence of some length. ", count: 20)
        let s = Summary.firstSentences(of: text, maxLength: 100)
        #expect(s == "This is a sentence of some length. This is a sentence of some length.")
    }

    @Test func countsCharactersNotBytes() {
        // Two sentences are 48 characters but 56 bytes: both fit in 50 characters.
        let text = String(repeating: "Équipe élégante à côté. ", count: 10)
        #expect(Summary.firstSentences(of: text, maxLength: 50) == "Équipe élégante à côté. Équipe élégante à côté.")
        #expect(Summary.firstSentences(of: text, maxLength: 47) == "Équipe élégante à côté.")
    }

    @Test func cutsOneLongSentenceAtAWord() {
        let s = Summary.firstSentences(of: String(repeating: "word ", count: 100), maxLength: 50)
        #expect(s.hasSuffix("word…"))
        #expect(s.count <= 51)
    }
}
