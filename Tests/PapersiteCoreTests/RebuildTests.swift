import Foundation
import Testing
@testable import PapersiteCore

/// Rebuilds reuse the spare output tree and write only the files whose
/// bytes change; the result must always be byte-identical to a clean build.
@Suite struct RebuildTests {
    struct FileState: Equatable {
        var mtime: Int64
        var inode: UInt64
    }

    /// Modification time and inode of every file of the output.
    func states(_ folder: URL) throws -> [String: FileState] {
        var result: [String: FileState] = [:]
        for path in try tree(folder).keys {
            let info = try #require(FileStat(path: folder.appendingPathComponent(path).path))
            result[path] = FileState(mtime: info.mtime, inode: info.inode)
        }
        return result
    }

    func paper(_ title: String, tags: [String], date: String = "2024-05-01", body: String = "An abstract.\n") -> String {
        paperFile("title: \(title)\nauthors: [Ada Lovelace]\ndate: \(date)\ntags: [\(tags.joined(separator: ", "))]", body: body)
    }

    @Test func aSeriesOfEditsGivesTheCleanBuildAndTouchesOnlyWhatChanged() throws {
        var files: [String: String] = ["content/site.yml": "title: Rebuilds\nbase_url: https://example.org/r/\n"]
        for i in 0..<30 { files["content/papers/p\(i).md"] = paper("Paper \(i)", tags: ["T\(i % 3)"], date: "2024-05-\(10 + i % 18)") }
        let site = try TestSite(files)
        defer { site.remove() }

        var summary = try site.build()
        #expect(summary.unchanged == 0 && summary.written == summary.files)
        let first = try states(site.output)

        // No change: no file written, so every file keeps its time and inode.
        summary = try site.build()
        #expect(summary.written == 0 && summary.unchanged == summary.files)
        #expect(try states(site.output) == first)
        summary = try site.build()
        #expect(summary.written == 0)
        #expect(try states(site.output) == first)

        // Change one abstract: its page and the lists and feeds it is on change, nothing else.
        try site.write("content/papers/p7.md", paper("Paper 7", tags: ["T1"], date: "2024-05-17", body: "A new abstract.\n"))
        summary = try site.build()
        #expect(summary.written > 0 && summary.written < summary.files / 2)
        let afterEdit = try states(site.output)
        let unchangedFiles = first.keys.filter { first[$0]!.mtime == afterEdit[$0]?.mtime }
        #expect(unchangedFiles.count == summary.unchanged, "a file keeps its time exactly when its bytes stay")
        #expect(afterEdit["papers/paper-3/index.html"]?.mtime == first["papers/paper-3/index.html"]?.mtime)
        #expect(afterEdit["papers/paper-7/index.html"]?.mtime != first["papers/paper-7/index.html"]?.mtime)
        try expectSameAsCleanBuild(site, "changing an abstract")

        // The next build swaps the trees again; unchanged files still keep their times.
        summary = try site.build()
        #expect(summary.written == 0)
        #expect(try states(site.output).mapValues(\.mtime) == afterEdit.mapValues(\.mtime))

        // Add, delete, retag.
        try site.write("content/papers/new.md", paper("A New Paper", tags: ["T9"]))
        try site.build()
        try expectSameAsCleanBuild(site, "adding a paper")
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("content/papers/p3.md"))
        summary = try site.build()
        #expect(summary.removed > 0)
        #expect(!site.exists("papers/paper-3/index.html"))
        try expectSameAsCleanBuild(site, "deleting a paper")
        try site.write("content/papers/p4.md", paper("Paper 4", tags: ["T2", "Fresh"]))
        try site.build()
        try expectSameAsCleanBuild(site, "retagging a paper")
        try site.build()
        try expectSameAsCleanBuild(site, "building twice after retagging")

        // A template and a setting.
        try site.edit("Themes/default/templates/base.mustache") { $0.replacingOccurrences(of: "Made with papersite", with: "Made with care") }
        summary = try site.build()
        #expect(summary.written >= summary.pages)
        #expect(try site.read("index.html").contains("Made with care"))
        try expectSameAsCleanBuild(site, "changing a template")
        try site.write("content/site.yml", "title: Rebuilds Renamed\nbase_url: https://example.org/r/\n")
        try site.build()
        try expectSameAsCleanBuild(site, "changing a setting")
        try site.build()
        try expectSameAsCleanBuild(site, "building again")
    }

    /// Lists are cut into pages from the oldest paper, so a paper added as
    /// the newest changes the first page of its lists and no other page.
    @Test func aNewPaperChangesOnlyTheFirstPageOfItsLists() throws {
        var files: [String: String] = ["content/site.yml": "title: Pages\nbase_url: https://example.org/\npapers_per_page: 5\n"]
        for i in 0..<32 { files["content/papers/p\(i).md"] = paper("Paper \(i)", tags: ["All"], date: "2024-03-\(10 + i % 18)") }
        let site = try TestSite(files)
        defer { site.remove() }
        try site.build()
        // 32 papers: 6 pages, the first with the newest 7.
        #expect(site.exists("page/6/index.html") && !site.exists("page/7/index.html"))
        #expect(try site.read("index.html").components(separatedBy: "<li class=\"card\">").count - 1 == 7)
        #expect(try site.read("page/6/index.html").components(separatedBy: "<li class=\"card\">").count - 1 == 5)
        let before = try states(site.output)

        try site.write("content/papers/new.md", paper("The Newest Paper", tags: ["All"], date: "2024-06-01"))
        try site.build()
        try expectSameAsCleanBuild(site, "adding the newest paper")
        let after = try states(site.output)
        #expect(after["index.html"] != before["index.html"] && after["tags/all/index.html"] != before["tags/all/index.html"])
        for n in 2...6 {
            #expect(after["page/\(n)/index.html"] == before["page/\(n)/index.html"], "page \(n)")
            #expect(after["tags/all/page/\(n)/index.html"] == before["tags/all/page/\(n)/index.html"], "tag page \(n)")
        }
        #expect(try site.read("index.html").components(separatedBy: "<li class=\"card\">").count - 1 == 8)

        // Every papers_per_page-th addition adds an archive page, the newest
        // (numbered from the oldest), and changes only the one before it.
        for k in 0..<2 { try site.write("content/papers/newer\(k).md", paper("Newer \(k)", tags: ["All"], date: "2024-06-0\(2 + k)")) }
        try site.build()
        try expectSameAsCleanBuild(site, "adding two more")
        let later = try states(site.output)
        #expect(site.exists("page/7/index.html") && !site.exists("page/8/index.html"))
        for n in 2...5 {
            #expect(later["page/\(n)/index.html"] == after["page/\(n)/index.html"], "page \(n)")
            #expect(later["tags/all/page/\(n)/index.html"] == after["tags/all/page/\(n)/index.html"], "tag page \(n)")
        }
        #expect(later["page/6/index.html"] != after["page/6/index.html"], "its newer neighbour is page 7 now")
        #expect(try site.read("index.html").components(separatedBy: "<li class=\"card\">").count - 1 == 5)
        #expect(try site.read("index.html").contains("page/7/\" rel=\"next\""))
        let oldest = try site.read("page/2/index.html")
        #expect(oldest.contains("3/\" rel=\"prev\"") && !oldest.contains("rel=\"next\"") && oldest.contains("« Newest"), "\(oldest)")
    }

    @Test func pagesCoverTheListOnce() {
        let pagination = Pagination(perPage: 5)
        for count in 0..<40 {
            // The front page, then the archive pages from the newest (numbered from the oldest).
            let total = pagination.pages(count)
            let order = [1] + (total > 1 ? Array((2...total).reversed()) : [])
            let ranges = order.map { pagination.range(page: $0, of: count) }
            #expect(ranges.flatMap { Array($0) } == Array(0..<count), "\(count)")
            #expect(ranges.dropFirst().allSatisfy { $0.count == 5 })
            #expect(count < 5 ? ranges[0].count == count : (5..<10).contains(ranges[0].count))
            // Following "older" from the front page visits every page once.
            var visited: [Int] = [1], page = 1
            while let older = pagination.links(page: page, of: count).older { visited.append(older); page = older }
            #expect(visited == order, "\(count)")
            if total > 1 {
                #expect(pagination.links(page: total, of: count).newer == 1 && pagination.links(page: 2, of: count).older == nil)
            }
        }
    }

    /// A file changed by hand in the output is put right by a build with
    /// `--clean`. (An incremental build trusts the record of what it wrote
    /// and does not look at every file again.)
    @Test func handEditsInTheOutputAreRepairedByACleanBuild() throws {
        let site = try TestSite(["content/papers/a.md": paper("A", tags: ["T"])])
        defer { site.remove() }
        try site.build()
        try site.build()
        let page = site.output.appendingPathComponent("papers/a/index.html")
        let good = try Data(contentsOf: page)
        try Data("defaced".utf8).write(to: page)
        let summary = try site.build(clean: true)
        #expect(summary.written == 1)
        #expect(try Data(contentsOf: page) == good)
        // And the same-size edit that a size check alone would miss.
        var bytes = [UInt8](good)
        bytes[10] = bytes[10] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
        try Data(bytes).write(to: page)
        try site.build(clean: true)
        #expect(try Data(contentsOf: page) == good)
        // A deleted file too.
        try FileManager.default.removeItem(at: page)
        try site.build(clean: true)
        #expect(try Data(contentsOf: page) == good)
    }
}
