import Foundation
import Testing
@testable import PapersiteCore

/// BibTeX as real bibliographies write it: each quirk below comes from the
/// files of Debian's texlive-bibtex-extra, and BibTeX or biber accepts it.
@Suite struct TolerantBibTeXTests {
    func read(_ text: String) -> (papers: [Paper], messages: [String], diagnostics: [Diagnostic]) {
        let (papers, diagnostics) = BibTeXReader().read(text, file: "r.bib")
        return (papers, diagnostics.map(\.description), diagnostics)
    }

    /// Names split at `and` in any case, outside braces, with newlines and
    /// tabs as spaces; "Last, First" and "Last, Jr, First" turned round.
    @Test(arguments: [
        ("Knuth, Donald E. and Lamport, Leslie", ["Donald E. Knuth", "Leslie Lamport"]),
        ("A. One AND B. Two\tand\nC. Three", ["A. One", "B. Two", "C. Three"]),
        ("{Barnes and Noble} and Anderson, Band", ["Barnes and Noble", "Band Anderson"]),
        ("Smith, Jr., John and others", ["John Smith, Jr."]),
        ("  Alpha  and  Beta andGamma ", ["Alpha", "Beta andGamma"]),
        ("Doe,\nJane", ["Jane Doe"]),
        ("Jos{\\'e} Garc{\\'\\i}a and {\\O}ystein Ore", ["José García", "Øystein Ore"]),
    ])
    func authorsAsBibliographiesListThem(field: String, names: [String]) {
        #expect(BibTeXReader.authors(field) == names)
    }

    @Test func anEntryCommentedOutLineByLineIsNotRead() {
        let r = read("% @article{old, title={Old}, year=1999}\n  %@misc{also, title={Also}}\n@misc{a, title={A}, year=2020}\n")
        #expect(r.papers.map(\.title) == ["A"])
        #expect(r.messages == [])
    }

    @Test(arguments: [
        ("month = \"Winter\"", "2001-01-01", "r.bib:1:1: warning: 'month' in 'k' is Winter: read as January"),
        ("month = \"summer\"", "2001-06-01", "r.bib:1:1: warning: 'month' in 'k' is summer: read as June"),
        ("month = \"Fall\"", "2001-09-01", "r.bib:1:1: warning: 'month' in 'k' is Fall: read as September"),
        ("month = {18--24 Jul}", "2001-07-01", "r.bib:1:1: warning: 'month' in 'k' is 18--24 Jul: read as July"),
        ("month = \"6\\slash 9\"", "2001-06-01", "r.bib:1:1: warning: 'month' in 'k' is 6\\slash 9: read as June"),
        ("month = jan # \"--\" # feb", "2001-01-01", "r.bib:1:1: warning: 'month' in 'k' is 1--2: read as January"),
        ("month = \"????\"", "2001-01-01", "r.bib:1:1: warning: 'month' in 'k' is not a month: ????; the year alone is used"),
    ])
    func monthsAsBibliographiesWriteThem(field: String, date: String, warning: String) {
        let r = read("@article{k, title={T}, year=2001, \(field)}")
        #expect(r.papers.map(\.published?.iso) == [date])
        #expect(r.messages == [warning])
        #expect(RecordTally(r.diagnostics) == RecordTally(skipped: 0, repaired: 1))
    }

    @Test(arguments: [
        ("year = \"1991--1992\"", "1991-01-01", ["r.bib:1:1: warning: 'year' in 'k' is 1991--1992: read as 1991"]),
        ("year = \"20xx\"", "2000-01-01", ["r.bib:1:1: warning: 'year' in 'k' is 20xx: read as 2000"]),
        ("year = \"{\\noopsort{1992a}}1992\"", "1992-01-01", []),
        ("date = {1984/1986}", "1984-01-01", ["r.bib:1:1: warning: 'date' in 'k' is 1984/1986: a range: its start is used, 1984-01-01"]),
        ("date = {1988-11-03}", "1988-11-03", []),
        ("date = {2004-04-05T14:34:00}", "2004-04-05", []),
    ])
    func yearsAndDates(field: String, date: String, warnings: [String]) {
        let r = read("@article{k, title={T}, \(field)}")
        #expect(r.papers.map(\.published?.iso) == [date])
        #expect(r.messages == warnings)
    }

    @Test func sortingHintsLeaveNoTextInTitles() {
        #expect(read("@book{k, title={{\\noopsort{b}}Beta}, year=2000}").papers.map(\.title) == ["Beta"])
    }

    @Test func crossrefPassesTheVolumeOnAsBiberDoes() {
        let r = read("""
            @inproceedings{paper, title={A Paper}, author={Ann Author}, crossref={procs}, pages={1--10}}
            @proceedings{procs, title={Proceedings of Things}, editor={Ed Itor}, year=1999, month=may, publisher={P}}
            """)
        #expect(r.messages == [])
        let paper = r.papers[0]
        #expect(paper.title == "A Paper")
        #expect(paper.venue == "Proceedings of Things")
        #expect(paper.published?.iso == "1999-05-01")
        #expect(paper.authors == ["Ann Author"])
        #expect(r.papers[1].title == "Proceedings of Things")
    }

    @Test func xdataFieldsAreSharedAndXdataEntriesAreNoPapers() {
        let r = read("""
            @xdata{venue, journaltitle={Journal of Examples}, year=2010}
            @article{a, title={A}, xdata={venue}}
            @article{b, title={B}, xdata={venue}, year=2011}
            """)
        #expect(r.papers.map(\.title) == ["A", "B"])
        #expect(r.papers.map(\.published?.year) == [2010, 2011])
        #expect(r.papers.map(\.venue) == ["Journal of Examples", "Journal of Examples"])
    }

    @Test func aMissingOrCircularCrossrefIsNamed() {
        let r = read("@misc{a, title={A}, year=2000, crossref={nowhere}}\n@misc{b, title={B}, year=2000, crossref={c}}\n@misc{c, title={C}, year=2000, crossref={b}}\n")
        #expect(r.papers.count == 3)
        #expect(r.messages.contains("r.bib:1:1: warning: the crossref 'nowhere' of 'a' is not in this file; nothing is inherited from it"))
        #expect(r.messages.contains { $0.contains("leads back to it") })
    }

    @Test func eprintWithEprinttypeIsTheArXivID() {
        let r = read("@online{k, title={T}, date={2023-05}, eprint={2305.01234v2}, eprinttype={arxiv}}")
        #expect(r.papers.first?.arxiv == "2305.01234")
        #expect(r.papers.first?.arxivVersion == 2)
    }

    @Test func setEntriesGetANoteNotAPage() {
        let r = read("@set{both, entryset={a,b}}\n@misc{a, title={A}, year=2000}\n@misc{b, title={B}, year=2000}\n")
        #expect(r.papers.map(\.title) == ["A", "B"])
        #expect(r.messages == ["r.bib:1:1: note: the @set 'both' groups entries that have pages of their own; it gets none"])
        #expect(r.diagnostics.allSatisfy { $0.severity == .note })
    }

    @Test func severalAddressesInOneURLFieldGiveTheFirst() {
        let r = read("@misc{k, title={T}, year=2000, URL={https://a.example/x https://b.example/y}}")
        #expect(r.papers.first?.links.url == "https://a.example/x")
        #expect(r.messages == [])
    }

    @Test func theTallyCountsRecordsNotMessages() {
        // Two repairs to one entry count once; a skipped entry counts as skipped.
        let r = read("@misc{a, title={A}, title={Again}, year={1990--1991}}\n@misc{b, year=2000}\n@misc{c, title={C}, year=2000}\n")
        #expect(r.papers.map(\.title) == ["A", "C"])
        #expect(RecordTally(r.diagnostics) == RecordTally(skipped: 1, repaired: 1))
    }

    @Test func aLatin1FileIsReadWithAWarning() throws {
        let bytes: [UInt8] = Array("@misc{k, title={Caf".utf8) + [0xE9] + Array(" and Na".utf8) + [0xEF, 0x76, 0x65] + Array("}, year=2000}\n".utf8)
        let (text, warning) = try SourceText.decodeExported(Data(bytes), as: "l.bib")
        #expect(BibTeXReader().read(text, file: "l.bib").papers.map(\.title) == ["Café and Naïve"])
        #expect(warning?.description == "l.bib: warning: the file is not UTF-8 (first at line 1); it is read as Latin-1 (Windows-1252): save it as UTF-8 to be sure")
        // Hand-written files stay strict.
        #expect(throws: Diagnostic.self) { try SourceText.decode(Data(bytes), as: "x.md") }
    }

    /// BibTeX and biber keep one table of macros for a document's files:
    /// journal names kept in a file of `@string`s serve every other file.
    @Test func aFileOfStringsServesTheSitesOtherBibTeXFiles() throws {
        let site = try TestSite([
            "content/site.yml": "title: T\nbase_url: https://example.org/\n",
            "content/papers/abbrev.bib": "@string{jacm = \"Journal of the ACM\"}\n@string{ttl = {A Paper on Macros}}\n",
            "content/papers/refs.bib": "@article{k, title = ttl, journal = jacm, year = 2001}\n@article{l, title = {Local}, journal = jacm # { (local)}, year = 2002}\n",
        ])
        defer { site.remove() }
        Thread.sleep(forTimeInterval: 2.1)      // files this recent are not kept in the cache
        let summary = try site.build()
        #expect(summary.papers == 2)
        #expect(summary.warnings.filter { $0.severity != .note }.map(\.description) == [])
        #expect(try site.read("papers/a-paper-on-macros/index.html").contains("Journal of the ACM"))
        // A changed string is seen by the file that uses it, which itself
        // is unchanged (and kept in the cache), and the rebuild is the
        // clean build's.
        try site.edit("content/papers/abbrev.bib") { $0.replacingOccurrences(of: "Journal of the ACM", with: "J. ACM") }
        try site.build()
        #expect(try site.read("papers/a-paper-on-macros/index.html").contains("J. ACM"))
        try expectSameAsCleanBuild(site, "editing the strings file")
        // Without the strings file the macros are undefined again: empty, with a warning each.
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("content/papers/abbrev.bib"))
        let alone = try site.build()
        #expect(alone.papers == 1)
        #expect(alone.warnings.map(\.description).contains("content/papers/refs.bib:1:1: warning: the entry 'k' has no title; it is skipped"))
    }
}
