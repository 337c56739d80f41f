import Foundation
import Testing
@testable import PapersiteCore

/// Records that name the same author share one string for the name (a
/// million records name a few hundred thousand people), and stay equal to
/// themselves: the same names, the same hashes. Records decoded from one
/// cache segment share the string of their file's name.
@Suite struct AuthorNameSharingTests {
    /// Where a string's bytes are (nil for one kept inside the value).
    func storage(_ s: String) -> UnsafeRawPointer? {
        var s = s
        s.makeContiguousUTF8()
        return s.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
    }

    @Test(arguments: [Parallelism.allCores, .serial, Parallelism(threads: 3)])
    func equalNamesShareOneStringAndRecordsKeepTheirHashes(parallelism: Parallelism) {
        let long = "Alexandra Konstantinopoulou-Papadimitriou"
        // Each record its own copy of each name, as records read apart have them.
        var papers = (0..<50).map { k in
            Paper(title: "Paper \(k)", authors: [String(decoding: Array(long.utf8), as: UTF8.self), "Short Name",
                                                 "Another Rather Long Author Name \(k % 5)", "Ödön Kővári-Szőllősy \(k % 2)"],
                  published: nil, source: SourceLocation(file: "a.jsonl", line: k + 1))
        }
        let hashes = papers.map { RecordCodec.hash($0) }, names = papers.map(\.authors)
        #expect(Set(papers.map { storage($0.authors[0]) }).count == 50, "apart before")
        Paper.shareAuthorNames(&papers, parallelism: parallelism)
        #expect(papers.map(\.authors) == names)
        #expect(papers.map { RecordCodec.hash($0) } == hashes)
        #expect(Set(papers.map { storage($0.authors[0]) }).count == 1)
        #expect(Set(papers.map { storage($0.authors[2]) }).count == 5)
        #expect(Set(papers.map { storage($0.authors[3]) }).count == 2)
    }

    /// Records decoded from one segment of the cache share the string of
    /// the file they came from; a record of another file has its own.
    @Test func recordsOfASegmentShareTheirFileName() throws {
        let files = ["content/papers/arxiv-snapshot.jsonl", "content/papers/arxiv-snapshot.jsonl", "content/papers/other-file.bib",
                     "content/papers/arxiv-snapshot.jsonl"]
        let papers = files.enumerated().map { k, file in
            Paper(title: "Paper \(k)", authors: ["Ada"], published: nil, source: SourceLocation(file: String(decoding: Array(file.utf8), as: UTF8.self), line: k + 1))
        }
        let encoded = RecordCodec.encodeSegment(papers[...], parallelism: .serial)
        let decoded = try #require(encoded.bytes.withUnsafeBytes { raw -> [Paper]? in
            var r = ByteReader(raw)
            return RecordCodec.decodeSegment(&r)
        })
        #expect(decoded == papers)
        #expect(decoded.map(\.recordHash) == encoded.hashes.map { Optional($0) })
        let places = decoded.map { storage($0.source.file) }
        #expect(places[0] == places[1] && places[0] != places[2] && places[2] != places[3] && places[3] != nil)
    }
}
