import Foundation
import Testing
@testable import PapersiteCore

@Suite struct TagSuggestionsTests {
    func site() throws -> TestSite {
        var files: [String: String] = [
            "content/site.yml": "tag_rules:\n  - tag: Diffusion\n    match: [diffusion model*]\n",
        ]
        let nerf = ["Neural radiance fields (NeRF) for cities", "Faster NeRFs", "Relighting a neural radiance field",
                    "Editing NeRF scenes"]
        for (i, title) in nerf.enumerated() {
            files["content/papers/nerf\(i).md"] = paperFile("title: \(title)\ndate: 2024-01-0\(i + 1)",
                body: "We fit a neural radiance field to photos. Extensive experiments show it works.\n")
        }
        for i in 0..<4 {
            files["content/papers/diff\(i).md"] = paperFile("title: Diffusion models, part \(i)\ndate: 2023-01-0\(i + 1)",
                body: "Denoising diffusion models sample images. Extensive experiments show it works.\n")
        }
        return try TestSite(files)
    }

    /// The uncovered topic is suggested with its acronym; the topic a rule
    /// covers and the phrase every paper uses are not.
    @Test func suggestsUncoveredTopicsOnly() throws {
        let site = try site()
        defer { site.remove() }
        let config = try ConfigLoader(siteRoot: site.root).load()
        let content = ContentLoader(siteRoot: site.root, includeDrafts: false).load()
        let suggestions = TagSuggestions(minimumPapers: 3).suggest(papers: content.papers, rules: config.tagRules, tags: [])
        let nerf = try #require(suggestions.first)
        #expect(nerf.tag == "Neural Radiance Field (NeRF)")
        #expect(nerf.match == ["neural radiance field*", "NeRF", "NeRFs"])
        #expect(nerf.papers == 4)
        #expect(!suggestions.contains { $0.tag.lowercased().contains("diffusion") })
        #expect(!suggestions.contains { $0.tag.lowercased().contains("experiment") })
    }

    /// The printed YAML is valid settings: pasted under tag_rules, it tags the papers.
    @Test func printedRulesWorkWhenPasted() throws {
        let site = try site()
        defer { site.remove() }
        let config = try ConfigLoader(siteRoot: site.root).load()
        let content = ContentLoader(siteRoot: site.root, includeDrafts: false).load()
        let suggestions = TagSuggestions(minimumPapers: 3, limit: 1).suggest(papers: content.papers, rules: config.tagRules, tags: [])
        let yaml = TagSuggestions.yaml(suggestions, papers: content.papers.count, minimumPapers: 3)
        #expect(yaml.hasPrefix("# 1 suggested tag rule for 8 papers"))
        let rules = yaml.components(separatedBy: "tag_rules:\n")[1]
        try site.write("content/site.yml", "tag_rules:\n  - tag: Diffusion\n    match: [diffusion model*]\n" + rules)
        try site.build()
        let page = try site.read("tags/neural-radiance-field-nerf/index.html")
        #expect(page.components(separatedBy: "class=\"card\"").count - 1 == 4)
    }

    @Test func wordsAndAcronyms() {
        #expect(TagSuggestions.segments("Self-supervised ViTs, at scale.") == [["Self-supervised", "ViTs"], ["at", "scale"]])
        #expect(["ViT", "NeRF", "LLMs", "GPT-4", "BERT", "AI"].allSatisfy(TagSuggestions.isAcronym))
        #expect(!["The", "Transformers", "ABSTRACTION", "x"].contains(where: TagSuggestions.isAcronym))
        #expect(TagSuggestions.singular("models") == "model" && TagSuggestions.singular("analysis") == "analysis")
    }
}
