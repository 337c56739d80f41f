import Foundation
import Testing
@testable import PapersiteCore

/// Files other tools exported, larger than a file a person writes may be
/// (16 MB): a lab's whole bibliography, a long arXiv API response. Each is
/// read whole, its records made on all cores and handed on in the file's
/// order, each problem at its own line. The files are real ones (TeX Live's
/// TUGboat bibliography, pandoc's and bibutils' exports of `xampl.bib`, an
/// arXiv API response) repeated: read as one file, the copies give what
/// one copy gives, at each copy's lines.
@Suite struct LargeExportsTests {
    func fixture(_ path: String) throws -> String {
        try String(contentsOf: fixturesRoot.appendingPathComponent(path), encoding: .utf8)
    }

    /// Reads `text` as one file of `format` on `threads` threads.
    func read(_ text: String, as format: RecordFormat, threads: Int = 0) throws -> (papers: [Paper], diagnostics: [Diagnostic]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("large-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("refs.\(format.rawValue)")
        try text.write(to: url, atomically: false, encoding: .utf8)
        return format.read(url, file: "refs.\(format.rawValue)", parallelism: Parallelism(threads: threads))
    }

    /// `copies` copies of a file's records, the records of copy `k` read
    /// `k * lines` lines further on, give the records and problems of one
    /// copy, each at its copy's lines.
    func expectCopies(of one: (papers: [Paper], diagnostics: [Diagnostic]), in all: (papers: [Paper], diagnostics: [Diagnostic]),
                      copies: Int, lines: Int) {
        func shifted(_ location: PapersiteCore.SourceLocation, _ k: Int) -> PapersiteCore.SourceLocation {
            var moved = location
            moved.line += k * lines
            return moved
        }
        var papers: [Paper] = [], diagnostics: [Diagnostic] = []
        for k in 0..<copies {
            for var paper in one.papers {
                paper.source = shifted(paper.source, k)
                papers.append(paper)
            }
            for var diagnostic in one.diagnostics {
                diagnostic.location = diagnostic.location.map { shifted($0, k) }
                switch diagnostic.outcome {
                case .repaired(let record): diagnostic.outcome = .repaired(record: shifted(record, k))
                case .skipped(let record): diagnostic.outcome = .skipped(record: shifted(record, k))
                default: break
                }
                diagnostics.append(diagnostic)
            }
        }
        var log = DiagnosticLog()
        log.append(contentsOf: diagnostics)
        #expect(all.diagnostics.count == log.sorted.count)
        #expect(all.diagnostics.prefix(20).map(\.description) == log.sorted.prefix(20).map(\.description))
        #expect(all.diagnostics == log.sorted)
        #expect(all.papers.count == papers.count)
        // (The first record that differs, not every record's dump.)
        if let k = papers.indices.first(where: { $0 < all.papers.count && all.papers[$0] != papers[$0] }) {
            Issue.record("record \(k) differs: \(all.papers[k].title) at \(all.papers[k].source), not \(papers[k].title) at \(papers[k].source)")
        }
    }

    func newlines(_ text: some StringProtocol) -> Int { text.utf8.count { $0 == 0x0A } }

    /// TUGboat's bibliography five times over, 19 MB: read, not refused,
    /// with its skipped and repaired entries at their lines in each copy.
    @Test func aBibTeXFileOfManyMegabytesIsRead() throws {
        let one = try fixture("real-bibliographies/tugboat.bib")
        let all = String(repeating: one, count: 5)
        #expect(all.utf8.count > SourceText.maximumBytes)
        let single = try read(one, as: .bibtex)
        #expect(single.papers.count == 4_836)
        #expect(single.diagnostics.contains { $0.description.hasPrefix("refs.bib:21140:3: warning: the field 'bibsource' appears again") })
        expectCopies(of: single, in: try read(all, as: .bibtex), copies: 5, lines: newlines(one))
    }

    /// An arXiv API response of more than 16 MB (libxml2, given such a
    /// document whole, failed at its end).
    @Test func anArXivResponseOfManyMegabytesIsRead() throws {
        let one = try fixture("sources/content/papers/arxiv.xml")
        let start = try #require(one.range(of: "  <entry>")), end = try #require(one.range(of: "</feed>"))
        let entries = one[start.lowerBound..<end.lowerBound]
        let copies = SourceText.maximumBytes / entries.utf8.count + 100
        let all = String(one[..<start.lowerBound]) + String(repeating: String(entries), count: copies) + String(one[end.lowerBound...])
        #expect(all.utf8.count > SourceText.maximumBytes)
        let single = try read(one, as: .arxivAPI)
        #expect(single.papers.count == 2)
        expectCopies(of: single, in: try read(all, as: .arxivAPI), copies: copies, lines: newlines(entries))
    }

    /// pandoc's CSL-JSON of `xampl.bib`, its items repeated into one list of 17 MB.
    @Test func aCSLJSONFileOfManyMegabytesIsRead() throws {
        let one = try fixture("real-exports/xampl.json")
        let open = try #require(one.firstIndex(of: "[")), close = try #require(one.lastIndex(of: "]"))
        let items = String(one[one.index(after: open)..<close])
        let copies = 1_100
        let all = String(one[...open]) + Array(repeating: items, count: copies).joined(separator: ",") + String(one[close...])
        #expect(all.utf8.count > SourceText.maximumBytes)
        let single = try read(one, as: .json)
        #expect(single.papers.count > 10)
        expectCopies(of: single, in: try read(all, as: .json), copies: copies, lines: newlines(items))
    }

    /// bibutils' RIS of `xampl.bib`, repeated: each record's problems at its lines.
    @Test func aLargeRISFileIsReadOnAllCores() throws {
        let one = try fixture("real-exports/xampl.ris")
        let copies = 300
        let single = try read(one, as: .ris)
        #expect(single.papers.count > 10)
        #expect(!single.diagnostics.isEmpty)
        expectCopies(of: single, in: try read(String(repeating: one, count: copies), as: .ris), copies: copies, lines: newlines(one))
    }

    /// One thread and several read each format to the same records and problems.
    @Test(arguments: [("real-bibliographies/printing-history.bib", RecordFormat.bibtex), ("real-exports/xampl.ris", .ris),
                      ("real-exports/xampl.json", .json), ("sources/content/papers/arxiv.xml", .arxivAPI)])
    func oneThreadAndSeveralReadTheSame(path: String, format: RecordFormat) throws {
        let text = try fixture(path)
        let serial = try read(text, as: format, threads: 1), parallel = try read(text, as: format, threads: 4)
        #expect(serial.papers.count > 1)
        #expect(serial.papers == parallel.papers)
        #expect(serial.diagnostics == parallel.diagnostics)
    }
}
