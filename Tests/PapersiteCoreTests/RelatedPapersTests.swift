import Foundation
import Testing
@testable import PapersiteCore

@Suite struct RelatedPapersTests {
    func exampleIndex(parallelism: Parallelism = .allCores) throws -> SiteIndex {
        let config = try ConfigLoader(siteRoot: repositoryRoot).load()
        let content = ContentLoader(siteRoot: repositoryRoot, includeDrafts: false).load()
        return SiteIndexer(config: config, parallelism: parallelism).index(content)
    }

    func tagged(_ index: SiteIndex, _ i: Int, _ tag: String) -> Bool {
        index.paperTags[i].contains { $0.name == tag }
    }

    func paper(_ index: SiteIndex, titled prefix: String) throws -> Int {
        try #require(index.papers.firstIndex { $0.title.hasPrefix(prefix) }, "no paper titled \(prefix)…")
    }

    /// On the example site, papers on a topic point to papers on the same
    /// topic (pairs a reader would make, checked by hand).
    @Test(arguments: [
        ("Focal Modulation Networks", "Global Context Vision Transformers"),
        ("DepthCrafter", "Metric3D"),
        ("GottBERT", "L3Cube-MahaSBERT"),
        ("Scaling Laws for Downstream Task Performance", "Language models scale reliably"),
        ("Downstream-agnostic Adversarial Examples", "Downstream Transfer Attack"),
        ("Aligning Text-to-Image Diffusion Models", "DualDiff+"),
    ])
    func relatedPapersAreOnTheTopic(paper: String, expected: String) throws {
        let index = try exampleIndex()
        let i = try self.paper(index, titled: paper), j = try self.paper(index, titled: expected)
        #expect(index.related[i].prefix(3).contains(j), "\(index.related[i].map { index.papers[$0].title })")
    }

    /// Most papers get related papers, nearly all of them share a topic
    /// (a tag) with the paper, and a paper with nothing like it gets none.
    /// Papers are numbered from the oldest day, and within a day in the
    /// site's order, so that a paper added at the end of the newest day's
    /// file comes after the others (and the related-papers state follows it).
    @Test func papersAreNumberedFromTheOldestDayAndInSourceOrderWithinADay() {
        // Days in the site's order: newest first, undated last.
        let numbering = RelatedPapers.Numbering(days: [9, 9, 7, 7, 7, 4, Int.min])
        #expect(numbering.place == [6, 5, 2, 3, 4, 0, 1])
        // A paper added at the end of the newest day's file comes last:
        // the others keep their numbers.
        let added = RelatedPapers.Numbering(days: [9, 9, 9, 7, 7, 7, 4, Int.min])
        #expect(added.place == [7, 6, 3, 4, 5, 0, 1, 2])
        // Lists by number come back as lists by place.
        #expect(numbering.siteOrder([[1], [], [], [], [], [6, 0], []]) == [[1, 6], [], [], [], [], [], [5]])
    }

    @Test func relatedPapersShareTopicsAndAreNotFiller() throws {
        let index = try exampleIndex()
        var shown = 0, sharing = 0
        for (i, list) in index.related.enumerated() {
            let tags = Set(index.paperTags[i].map(\.slug))
            for r in list {
                shown += 1
                if !tags.isDisjoint(with: index.paperTags[r].map(\.slug)) { sharing += 1 }
            }
        }
        let withRelated = index.related.filter { !$0.isEmpty }.count
        #expect(withRelated * 10 >= index.papers.count * 7, "\(withRelated) of \(index.papers.count) papers have related papers")
        #expect(sharing * 10 >= shown * 9, "\(sharing) of \(shown) related papers share a tag")
        let loner = try paper(index, titled: "Enhancing Visual Place Recognition")
        #expect(index.related[loner].isEmpty)
    }

    @Test func listsAreShortDistinctAndTheSameOnAnyThreads() throws {
        let index = try exampleIndex()
        for (i, list) in index.related.enumerated() {
            #expect(list.count <= 5)
            #expect(!list.contains(i))
            #expect(Set(list).count == list.count)
        }
        #expect(try exampleIndex(parallelism: .serial).related == index.related)
    }

    /// Unrelated texts are not paired just to fill the list.
    @Test func unrelatedPapersAreNotShown() {
        let related = RelatedPapers(count: 5).compute(
            titles: ["Protein folding with graph networks", "Graph networks for protein structure", "A survey of medieval poetry", "Sonnets and ballads in medieval poetry"],
            texts: ["We predict protein folding with graph networks over residues.", "Graph networks predict protein structure from residues.",
                    "We survey medieval poetry from ballads to sonnets.", "Medieval poetry: sonnets, ballads and their meters."],
            parallelism: .serial)
        #expect(related == [[1], [0], [3], [2]])
    }

    @Test func pagePagesShowThem() throws {
        let site = try TestSite([
            "content/papers/a.md": paperFile("title: Diffusion models for protein design\ndate: 2024-01-01", body: "Denoising diffusion models generate protein backbones.\n"),
            "content/papers/b.md": paperFile("title: Protein backbones from denoising diffusion\ndate: 2024-01-02", body: "We generate protein backbones with diffusion models.\n"),
            "content/papers/c.md": paperFile("title: Medieval poetry\ndate: 2024-01-03", body: "Ballads and sonnets.\n"),
        ])
        defer { site.remove() }
        try site.build()
        let page = try site.read("papers/diffusion-models-for-protein-design/index.html")
        #expect(page.contains("Related papers"))
        #expect(page.contains("href=\"../../papers/protein-backbones-from-denoising-diffusion/\""))
        #expect(!page.contains("medieval-poetry/\""))
        #expect(!(try site.read("papers/medieval-poetry/index.html")).contains("Related papers"))
        try site.write("content/site.yml", "related_papers: 0\n")
        try site.build()
        #expect(!(try site.read("papers/diffusion-models-for-protein-design/index.html")).contains("Related papers"))
    }
}
