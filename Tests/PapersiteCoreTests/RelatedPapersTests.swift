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

    /// On the example site, papers on a topic point to papers on the same
    /// topic: most of the related papers of a diffusion paper are diffusion
    /// papers, and so on for the other large topics.
    @Test(arguments: ["Diffusion Models", "Vision Transformers", "Large Language Models"])
    func relatedPapersShareTheTopic(topic: String) throws {
        let index = try exampleIndex()
        let members = index.papers.indices.filter { tagged(index, $0, topic) }
        #expect(members.count >= 5)
        var shown = 0, onTopic = 0
        for i in members {
            for r in index.related[i] {
                shown += 1
                if tagged(index, r, topic) { onTopic += 1 }
            }
        }
        #expect(shown >= members.count, "most \(topic) papers have related papers")
        #expect(Double(onTopic) >= 0.6 * Double(shown), "\(onTopic) of \(shown) related papers of \(topic) papers are on \(topic)")
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
        #expect(page.contains("href=\"/papers/protein-backbones-from-denoising-diffusion/\""))
        #expect(!page.contains("medieval-poetry/\""))
        #expect(!(try site.read("papers/medieval-poetry/index.html")).contains("Related papers"))
        try site.write("content/site.yml", "related_papers: 0\n")
        try site.build()
        #expect(!(try site.read("papers/diffusion-models-for-protein-design/index.html")).contains("Related papers"))
    }
}
