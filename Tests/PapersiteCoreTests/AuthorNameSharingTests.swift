import Foundation
import Testing
@testable import PapersiteCore

/// Records that name the same author share one string for the name (a
/// million records name a few hundred thousand people), and stay equal to
/// themselves: the same names, the same hashes.
@Suite struct AuthorNameSharingTests {
    /// Where a string's bytes are (nil for one kept inside the value).
    func storage(_ s: String) -> UnsafeRawPointer? {
        var s = s
        s.makeContiguousUTF8()
        return s.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
    }

    @Test func equalNamesShareOneStringAndRecordsKeepTheirHashes() {
        let long = "Alexandra Konstantinopoulou-Papadimitriou"
        // Each record its own copy of each name, as records read apart have them.
        var papers = (0..<50).map { k in
            Paper(title: "Paper \(k)", authors: [String(decoding: Array(long.utf8), as: UTF8.self), "Short Name",
                                                 "Another Rather Long Author Name \(k % 5)", "Ödön Kővári-Szőllősy \(k % 2)"],
                  published: nil, source: SourceLocation(file: "a.jsonl", line: k + 1))
        }
        let hashes = papers.map { RecordCodec.hash($0) }, names = papers.map(\.authors)
        #expect(Set(papers.map { storage($0.authors[0]) }).count == 50, "apart before")
        Paper.shareAuthorNames(&papers, parallelism: .allCores)
        #expect(papers.map(\.authors) == names)
        #expect(papers.map { RecordCodec.hash($0) } == hashes)
        #expect(Set(papers.map { storage($0.authors[0]) }).count == 1)
        #expect(Set(papers.map { storage($0.authors[2]) }).count == 5)
        #expect(Set(papers.map { storage($0.authors[3]) }).count == 2)
    }
}
