import Foundation
import Testing
@testable import PapersiteCore

@Suite struct ListingReaderTests {
    func read(_ text: String) -> ([Paper], [String]) {
        let (papers, diagnostics) = ListingReader().read(text, file: "content/papers/l.txt")
        return (papers, diagnostics.map(\.description))
    }

    let abstractA = "We study a thing at length. It works well in many settings, and we explain why in detail with experiments."
    let abstractB = "Another abstract that is long enough to count as prose. It has two sentences and ends with a period."

    @Test func readsTheSampleListing() throws {
        let sample = try String(contentsOf: repositoryRoot.appendingPathComponent("content/papers/hf-daily-2025-03-14.txt"), encoding: .utf8)
        let (papers, diagnostics) = read(sample)
        #expect(diagnostics == [])
        #expect(papers.count == 97)
        #expect(papers.first?.title == "Surveying the Effects of Quality, Diversity, and Complexity in Synthetic Data From Large Language Models")
        #expect(papers.last?.title == "TERA: Self-Supervised Learning of Transformer Encoder Representation for Speech")
        #expect(Set(papers.map(\.published?.iso)) == ["2025-03-14"])
        #expect(papers.allSatisfy { !$0.abstract.isEmpty && $0.links.listing == "https://huggingface.co/papers?date=2025-03-14" })
        #expect(papers.first?.source == SourceLocation(file: "content/papers/l.txt", line: 17, column: 1))
    }

    @Test func findsTheDateAfterAnyAmountOfChrome() {
        let text = "---\ndate: 2025-03-14\n---\nnew\n\nSign in\n\nGet papers\n\nSubscribe\n\nToday's picks\n\nMar 13\n\nTitle A\n\n\(abstractA)\n\nTitle B\n\n\(abstractB)\n"
        let (papers, diagnostics) = read(text)
        #expect(diagnostics == [])
        #expect(papers.map(\.title) == ["Title A", "Title B"])
        #expect(papers[0].published?.iso == "2025-03-13")
    }

    @Test func dateLineWithYearNeedsNoFrontMatter() {
        let (papers, diagnostics) = read("Daily papers\n\nMarch 14, 2024\n\nTitle A\n\n\(abstractA)\n")
        #expect(diagnostics == [])
        #expect(papers.first?.published?.iso == "2024-03-14")
    }

    @Test func laterDateLinesStartANewDay() {
        let (papers, _) = read("---\ndate: 2025-03-14\n---\nMar 14\n\nTitle A\n\n\(abstractA)\n\nMar 13\n\nTitle B\n\n\(abstractB)\n")
        #expect(papers.map(\.published?.iso) == ["2025-03-14", "2025-03-13"])
    }

    @Test func withoutADateLineTheChromeIsRecognisedByShape() {
        let (papers, diagnostics) = read("---\ndate: 2025-01-02\n---\nnew\n\nSubscribe\n\nTitle A\n\n\(abstractA)\n")
        #expect(diagnostics == [])
        #expect(papers.map(\.title) == ["Title A"])
    }

    @Test func aDateWithoutAYearIsTheLatestSuchDayNotAfterToday() {
        let today = Day(year: 2026, month: 3, day: 10)!
        let (papers, diagnostics) = ListingReader(today: today).read("Mar 14\n\nTitle A\n\n\(abstractA)\n", file: "content/papers/l.txt")
        #expect(papers.map(\.published?.iso) == ["2025-03-14"])
        #expect(diagnostics.map(\.description) == ["content/papers/l.txt:1:1: warning: the date 'Mar 14' has no year; read as 2025-03-14, the latest such day not after today (2026-03-10). To pin it, add front matter at the top: '---', 'date: 2025-03-14', '---'"])
        // On the day itself, and a leap day.
        #expect(ListingReader(today: Day(year: 2026, month: 3, day: 14)!).read("Mar 14\n\nTitle A\n\n\(abstractA)\n", file: "l.txt").papers.map(\.published?.iso) == ["2026-03-14"])
        #expect(ListingReader(today: today).read("Feb 29\n\nTitle A\n\n\(abstractA)\n", file: "l.txt").papers.map(\.published?.iso) == ["2024-02-29"])
    }

    @Test func todayComesFromSourceDateEpochWhenSet() {
        #expect(Day.today(environment: ["SOURCE_DATE_EPOCH": "1742000000"]).iso == "2025-03-15")
        #expect(Day.today(environment: ["SOURCE_DATE_EPOCH": "0"]).iso == "1970-01-01")
    }

    @Test func readsTheOtherShapeTitleAndAbstractInOneBlock() throws {
        // As the sample, copied the other way: the chrome and the day run together, then one block per paper.
        let sample = try String(contentsOf: repositoryRoot.appendingPathComponent("content/papers/hf-daily-2025-03-14.txt"), encoding: .utf8)
        let body = sample.components(separatedBy: "---\n")[2]
        var blocks = body.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        let day = try #require(blocks.firstIndex(of: "Mar 14"))
        var text = blocks[...day].joined(separator: "\n") + "\n\n"
        blocks = Array(blocks[(day + 1)...])
        for k in stride(from: 0, to: blocks.count - 1, by: 2) { text += blocks[k] + "\n" + blocks[k + 1] + "\n\n" }
        let oneBlock = ListingReader(today: Day(year: 2025, month: 6, day: 1)!).read(text, file: "content/papers/l.txt")
        let (papers, _) = read(sample)
        #expect(oneBlock.papers.count == 97)
        #expect(oneBlock.papers.map(\.title) == papers.map(\.title))
        #expect(oneBlock.papers.map(\.abstract) == papers.map(\.abstract))
        #expect(Set(oneBlock.papers.map(\.published?.iso)) == ["2025-03-14"])
        #expect(oneBlock.diagnostics.map(\.message).allSatisfy { $0.hasPrefix("the date 'Mar 14' has no year") })
    }

    @Test func strayTextIsReportedNotSilentlyDropped() {
        let (papers, diagnostics) = read("---\ndate: 2025-03-14\n---\nMar 14\n\nTitle A\n\n\(abstractA)\n\nLoad more\n")
        #expect(papers.count == 1)
        #expect(diagnostics == ["content/papers/l.txt:10:1: warning: skipped text that is neither a date nor a title followed by an abstract: 'Load more'"])
    }

    @Test func noPapersIsAnError() {
        #expect(read("just\n\nchrome\n").1 == ["content/papers/l.txt:1:1: error: found no papers: a listing needs a title line followed by an abstract paragraph"])
    }

    @Test func frontMatterTagsApplyToAllPapers() {
        let (papers, _) = read("---\ndate: 2025-03-14\ntags: [weekly]\n---\nTitle A\n\n\(abstractA)\n")
        #expect(papers.first?.tags == ["weekly"])
    }

    @Test func unknownFrontMatterKeysAreErrors() {
        #expect(read("---\ndate: 2025-03-14\nsorce: https://x.org\n---\nTitle A\n\n\(abstractA)\n").1 ==
            ["content/papers/l.txt:3:1: error: unknown key 'sorce' in the listing's front matter; did you mean 'source'?"])
    }
}
