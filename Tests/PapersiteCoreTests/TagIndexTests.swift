import Foundation
import Testing
@testable import PapersiteCore

/// Each paper's tags: its own, and those the site's rules add from its
/// text, one per slug, named as the site first spells each. Papers with
/// the same tags share one list, so these check that papers with the
/// same tags of their own but different rule tags keep theirs apart.
@Suite struct TagIndexTests {
    @Test func papersWithTheSameTagsDifferByTheirRuleTags() {
        var config = SiteConfig()
        config.tagRules = [TagRule(tag: "Diffusion", phrases: ["diffusion"], source: SourceLocation(file: "content/site.yml"))]
        let papers = [
            ("A plain paper", ["Vision"]),
            ("A diffusion paper", ["Vision"]),
            ("Another plain paper", ["VISION", "vision"]),
            ("More diffusion", ["Vision", "Diffusion"]),
        ].enumerated().map { k, paper in
            Paper(title: paper.0, published: Day(daysSinceEpoch: 19_000 - k), tags: paper.1, source: SourceLocation(file: "a.md", line: k + 1))
        }
        let index = SiteIndexer(config: config, parallelism: .serial)
            .index(LoadedContent(papers: papers, pages: [], diagnostics: []), relatedPapers: false)
        let tags = Dictionary(uniqueKeysWithValues: zip(index.papers.map(\.title), index.paperTags.map { tags in tags.map { $0.name } }))
        #expect(tags["A plain paper"] == ["Vision"])
        #expect(tags["A diffusion paper"] == ["Vision", "Diffusion"])
        #expect(tags["Another plain paper"] == ["Vision"])
        #expect(tags["More diffusion"] == ["Vision", "Diffusion"])
        #expect(index.papers(tagged: "diffusion").map { index.papers[$0].title } == ["A diffusion paper", "More diffusion"])
        #expect(index.papers(tagged: "vision").count == 4)
    }
}
