import Foundation
import Testing
@testable import PapersiteCore

/// Incremental builds on the example site (real abstracts, so that related
/// papers and the search index have something to work with): after each
/// edit the output must be byte-identical to a clean build, and a small
/// edit must re-render only a small part of the site.
@Suite struct IncrementalBuildTests {
    func exampleSite() throws -> TestSite {
        let site = try TestSite([:])
        for folder in ["content"] {
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(folder), to: site.root.appendingPathComponent(folder))
        }
        return site
    }

    /// A small edit after a full build moves the files it changed into the
    /// live tree, each a new file exchanged with its old version, which
    /// the incoming pool keeps (no tree is made for a few files); a larger
    /// change makes the new tree from the old one with hard links, not
    /// copies, and swaps it in; a later rebuild writes a new file where
    /// one changes, never through a link into the live tree.
    @Test func aSmallEditUpdatesTheLiveTreeAndALargeOneSwapsALinkedTree() throws {
        let site = try exampleSite()
        defer { site.remove() }
        func inode(_ path: String) -> UInt64? { FileStat(path: site.output.appendingPathComponent(path).path)?.inode }
        let spare = OutputWriter(output: site.output, siteRoot: site.root).spareTree
        let full = try site.build()
        let untouched = "about/index.html", paper = "papers/depthcrafter-generating-consistent-long-depth-sequences-for-open-world-videos/index.html"
        let (aboutBefore, paperBefore) = (inode(untouched), inode(paper))
        try site.edit("content/papers/hf-daily-2025-03-14.txt") { $0.replacingOccurrences(of: "DepthCrafter, an innovative", with: "DepthCrafter, a fresh") }
        let edited = try site.build()
        #expect(edited.written > 0 && edited.written < full.files / 10)
        #expect(inode(untouched) == aboutBefore && inode(paper) != paperBefore && paperBefore != nil)
        // The old version is kept in the incoming pool, to be written over
        // by a later change; no folder was made for the new one.
        let incoming = OutputWriter(output: site.output, siteRoot: site.root).incomingFolder
        let pooled = try FileManager.default.contentsOfDirectory(atPath: incoming.path).map { FileStat(path: incoming.appendingPathComponent($0).path)?.inode }
        #expect(pooled.count == edited.written && pooled.contains(paperBefore), "the old version is in the pool")
        #expect(!FileManager.default.fileExists(atPath: spare.appendingPathComponent((paper as NSString).deletingLastPathComponent).path))
        #expect(!FileManager.default.fileExists(atPath: spare.appendingPathComponent(untouched).path), "no tree made for \(edited.written) files")
        try expectSameAsCleanBuild(site, "an edit written into the live tree")
        // A new title moves the paper's page: the old folder goes from the live tree.
        try site.edit("content/papers/hf-daily-2025-03-14.txt") { $0.replacingOccurrences(of: "DepthCrafter: Generating", with: "DepthSmith: Generating") }
        let moved = try site.build()
        #expect(moved.removed > 0 && moved.written < full.files / 10, "\(moved.written) written")
        #expect(!site.exists(paper) && !site.exists((paper as NSString).deletingLastPathComponent))
        #expect(!FileManager.default.fileExists(atPath: spare.appendingPathComponent(untouched).path))
        try expectSameAsCleanBuild(site, "a page moved in the live tree")

        // Every page changes: a new tree, swapped in; the old one is the spare.
        let before = try site.read(untouched)
        try site.edit("content/site.yml") { $0.replacingOccurrences(of: "title:", with: "title: The") }
        try site.build()
        #expect(try String(contentsOf: spare.appendingPathComponent(untouched), encoding: .utf8) == before)
        try expectSameAsCleanBuild(site, "a change swapped in")
        // The next small edit is moved into the live tree too (the spare,
        // a whole change behind, would need every page brought up to date);
        // what is left of the spare stays, and the next large change builds on it.
        let paperNow = inode(paper.replacingOccurrences(of: "depthcrafter", with: "depthsmith")), aboutNow = inode(untouched)
        try site.edit("content/papers/hf-daily-2025-03-14.txt") { $0.replacingOccurrences(of: "DepthCrafter, a fresh", with: "DepthCrafter, an innovative") }
        #expect(try site.build().written < full.files / 10)
        #expect(aboutNow != nil && inode(untouched) == aboutNow)
        #expect(paperNow != nil && inode(paper.replacingOccurrences(of: "depthcrafter", with: "depthsmith")) != paperNow)
        #expect(FileManager.default.fileExists(atPath: spare.path))
        try expectSameAsCleanBuild(site, "an edit after a swap")
        try site.edit("content/site.yml") { $0.replacingOccurrences(of: "title: The", with: "title:") }
        try site.build()
        try expectSameAsCleanBuild(site, "a large change on what is left of the spare")
    }

    /// An edit undone: every file it changes back is written over one of
    /// the old versions the edit's rebuild left in the incoming pool, and
    /// exchanged into place, so no file is made anew. (Which old file a
    /// page takes depends on the order the threads put them in: a file
    /// of as many blocks. So the set of files, folders included, is
    /// compared, not one inode.)
    @Test func anEditUndoneWritesOverTheOldVersionsAndMakesNoFile() throws {
        let site = try exampleSite()
        defer { site.remove() }
        let page = "papers/depthcrafter-generating-consistent-long-depth-sequences-for-open-world-videos/index.html"
        let records = "content/papers/hf-daily-2025-03-14.txt"
        let incoming = OutputWriter(output: site.output, siteRoot: site.root).incomingFolder
        func inodes() -> Set<UInt64> {
            var found = Set<UInt64>()
            for root in [site.output, incoming] {
                for file in FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? [] {
                    if let info = FileStat(path: root.appendingPathComponent(file).path) { found.insert(info.inode) }
                }
            }
            return found
        }
        try site.build()
        let text = try site.read(page)
        try site.edit(records) { $0.replacingOccurrences(of: "DepthCrafter, an innovative", with: "DepthCrafter, a fresh") }
        try site.build()
        let afterEdit = inodes()
        #expect(try site.read(page) != text)
        try site.edit(records) { $0.replacingOccurrences(of: "DepthCrafter, a fresh", with: "DepthCrafter, an innovative") }
        try site.build()
        #expect(try site.read(page) == text, "the first version is back")
        #expect(inodes().subtracting(afterEdit).isEmpty, "each file written over an old version, none made")
        try site.edit(records) { $0.replacingOccurrences(of: "DepthCrafter, an innovative", with: "DepthCrafter, a third") }
        try site.build()
        #expect(try site.read(page).contains("DepthCrafter, a third"))
        try expectSameAsCleanBuild(site, "an edit undone, and another")
    }

    /// A paper's feed entry is made once and kept for the other feeds it
    /// is in, except where the theme's entry shows something of the feed
    /// around it: then each feed makes its own, in every build.
    @Test func aFeedEntryThatShowsItsFeedIsMadeForEachFeed() throws {
        let site = try exampleSite()
        defer { site.remove() }
        try site.edit("Themes/default/templates/atom.mustache") { $0.replacingOccurrences(of: "<published>", with: "<source>{{self_url}}</source>\n<published>") }
        func expectEachEntryNamesItsFeed() throws {
            let feeds = (FileManager.default.enumerator(atPath: site.output.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix("atom.xml") }
            #expect(feeds.count > 2)
            var entries = 0
            for feed in feeds {
                let text = try site.read(feed)
                let own = text.components(separatedBy: "rel=\"self\" type=\"application/atom+xml\" href=\"")[1].components(separatedBy: "\"")[0]
                let sources = text.components(separatedBy: "<source>").dropFirst().map { $0.components(separatedBy: "</source>")[0] }
                entries += sources.count
                #expect(!sources.isEmpty && sources.allSatisfy { $0 == own }, "\(feed)")
            }
            #expect(entries > feeds.count)
        }
        try site.build()
        try expectEachEntryNamesItsFeed()
        try site.edit("content/papers/hf-daily-2025-03-14.txt") { $0.replacingOccurrences(of: "DepthCrafter, an innovative", with: "DepthCrafter, a fresh") }
        try site.build()
        try expectEachEntryNamesItsFeed()
        try expectSameAsCleanBuild(site, "feed entries that show their feed")
    }

    /// On a small site an edit changes a large share of the files: the new
    /// tree is made from the old one with hard links, not copies; a later
    /// rebuild writes a new file where one changes, never through a link
    /// into the live tree.
    @Test func rebuildsLinkUnchangedFilesAndNeverWriteThroughALink() throws {
        let site = try TestSite(fixture: "basic-site")
        defer { site.remove() }
        func fileInfo(_ path: String) -> (inode: UInt64, links: Int)? {
            var info = Glibc.stat()
            guard lstat(path, &info) == 0 else { return nil }
            return (UInt64(info.st_ino), Int(info.st_nlink))
        }
        let spare = OutputWriter(output: site.output, siteRoot: site.root).spareTree
        let paper = "content/papers/attention.md"
        try site.build()
        try site.edit(paper) { $0.replacingOccurrences(of: "complex recurrent", with: "simple recurrent") }
        try site.build()
        let about = try #require(fileInfo(site.output.appendingPathComponent("about/index.html").path))
        #expect(about.links == 2 && fileInfo(spare.appendingPathComponent("about/index.html").path)?.inode == about.inode,
                "an unchanged file is linked from the last tree")
        // The site's title changes every page, each linked from the last tree but the paper's.
        let before = try site.read("about/index.html")
        try site.edit("content/site.yml") { $0.replacingOccurrences(of: "title: Group Papers", with: "title: Group Papers Weekly") }
        try site.build()
        #expect(try String(contentsOf: spare.appendingPathComponent("about/index.html"), encoding: .utf8) == before,
                "the last tree's page is as it was: the new one was written as a new file")
        #expect(try site.read("about/index.html").contains("Group Papers Weekly"))
        try expectSameAsCleanBuild(site, "rebuilding through linked trees")
    }

    @Test func editsRenderLittleAndGiveTheCleanBuild() throws {
        let site = try exampleSite()
        defer { site.remove() }
        let listing = "content/papers/hf-daily-2025-03-14.txt"
        let full = try site.build()
        #expect(full.rendered > full.files / 2)
        try expectSameAsCleanBuild(site, "the first build")

        // Nothing changed: nothing rendered but the copied files, nothing written.
        var summary = try site.build()
        #expect(summary.written == 0)
        #expect(summary.rendered < full.files / 20, "\(summary.rendered) of \(full.files) rendered")

        // A word of one abstract: its page, the lists and feeds it is on, a search shard or two.
        try site.edit(listing) { $0.replacingOccurrences(of: "We propose focal modulation networks", with: "We propose focal modulation nets") }
        summary = try site.build()
        #expect(summary.written > 0)
        #expect(summary.rendered < full.files / 4, "\(summary.rendered) of \(full.files) rendered")
        try expectSameAsCleanBuild(site, "changing an abstract")

        // A title: the paper's card changes on every page that shows it, related papers included.
        try site.edit(listing) { $0.replacingOccurrences(of: "DepthCrafter", with: "DepthSmith") }
        try site.build()
        try expectSameAsCleanBuild(site, "changing a title")

        // The card partial only: every list page, no paper page without related papers.
        try site.edit("Themes/default/templates/partials/card.mustache") { $0.replacingOccurrences(of: "<article>", with: "<article class=\"paper\">") }
        summary = try site.build()
        #expect(summary.written > 0)
        try expectSameAsCleanBuild(site, "changing the card template")

        // The paper template: paper pages only.
        try site.edit("Themes/default/templates/paper.mustache") { $0.replacingOccurrences(of: "Related papers", with: "Papers like this one") }
        summary = try site.build()
        #expect(try site.read("papers/depthsmith-generating-consistent-long-depth-sequences-for-open-world-videos/index.html").contains("Papers like this one")
                || summary.written >= 97)
        try expectSameAsCleanBuild(site, "changing the paper template")

        // A setting that every page shows.
        try site.edit("content/site.yml") { $0.replacingOccurrences(of: "title:", with: "title: New") }
        try site.build()
        try expectSameAsCleanBuild(site, "changing the title setting")

        // A new paper, in a file of its own, then gone again.
        try site.write("content/papers/extra.md", paperFile("title: Focal Modulation for Depth Estimation\nauthors: [Ada Lovelace]\ndate: 2025-03-14\ntags: [Vision]",
                                                           body: "We study focal modulation networks for video depth estimation with diffusion.\n"))
        try site.build()
        try expectSameAsCleanBuild(site, "adding a paper")
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("content/papers/extra.md"))
        try site.build()
        try expectSameAsCleanBuild(site, "removing it")

        // A damaged cache is not trusted: the build is still right.
        let folder = site.root.appendingPathComponent(".papersite-cache")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".store") {
            let url = folder.appendingPathComponent(name)
            var bytes = [UInt8](try Data(contentsOf: url))
            for k in stride(from: 100, to: bytes.count, by: 997) { bytes[k] ^= 0x5A }
            try Data(bytes).write(to: url)
        }
        try site.edit(listing) { $0.replacingOccurrences(of: "We propose focal modulation nets", with: "We propose focal modulation networks") }
        try site.build()
        try expectSameAsCleanBuild(site, "damaging the cache")

        // So are damaged manifests of the output trees: files are written again where needed.
        let trees = folder.appendingPathComponent("trees")
        for name in try FileManager.default.contentsOfDirectory(atPath: trees.path) where name.hasSuffix(".manifest") {
            let url = trees.appendingPathComponent(name)
            var bytes = [UInt8](try Data(contentsOf: url))
            bytes[bytes.count / 2] ^= 0x5A
            try Data(bytes).write(to: url)
        }
        try site.edit(listing) { $0.replacingOccurrences(of: "DepthSmith", with: "DepthCrafter") }
        try site.build()
        try expectSameAsCleanBuild(site, "damaging the manifests")

        // New authors get pages; an author written another way ("Last, First") is the same author.
        let extra = "content/papers/extra2.md"
        try site.write(extra, paperFile("title: Depth from Focal Stacks\nauthors: [Grace Hopper, \"Lovelace, Ada\"]\ndate: 2025-03-13",
                                        body: "We estimate depth from focal stacks.\n"))
        try site.build()
        try expectSameAsCleanBuild(site, "adding authors")
        #expect(site.exists("authors/grace-hopper/index.html") && site.exists("authors/ada-lovelace/index.html"))
        try site.edit(extra) { $0.replacingOccurrences(of: "Grace Hopper", with: "\"Hopper, Grace\"") }
        try site.build()
        try expectSameAsCleanBuild(site, "writing an author another way")
        #expect(site.exists("authors/grace-hopper/index.html") && !site.exists("authors/hopper/index.html"))
        try FileManager.default.removeItem(at: site.root.appendingPathComponent(extra))
        try site.build()
        try expectSameAsCleanBuild(site, "removing them")

        // --clean renders everything.
        summary = try site.build(clean: true)
        #expect(summary.rendered == full.rendered && summary.written == 0)
    }

    /// A site built into two folders (the public one and a staging copy):
    /// each keeps what it needs to rebuild incrementally when the other is
    /// built, a new folder is built from the values the others made, and
    /// what the cache keeps for a folder that was deleted goes.
    @Test func twoOutputFoldersEachRebuildIncrementally() throws {
        let site = try exampleSite()
        defer { site.remove() }
        let staging = site.root.appendingPathComponent("staging")
        let full = try site.build()
        try site.build(output: staging)
        try site.edit("content/papers/hf-daily-2025-03-14.txt") { $0.replacingOccurrences(of: "DepthCrafter", with: "DepthSmith") }
        let edited = try site.build()
        #expect(edited.rendered < full.files / 4, "\(edited.rendered) of \(full.files) rendered")

        // The staging folder is one edit behind: it renders what the edit changed, no more.
        let behind = try site.build(output: staging)
        #expect(behind.rendered == edited.rendered && behind.written == edited.written, "\(behind.rendered) of \(full.files) rendered")
        #expect(try tree(staging) == tree(site.output))
        // And the public folder, built last before that, has nothing to do.
        let again = try site.build()
        #expect(again.written == 0 && again.rendered < full.files / 20, "\(again.rendered) of \(full.files) rendered")
        try expectSameAsCleanBuild(site, "building another folder in between")

        // A third folder, new: everything is written, but what was made
        // from the records (Markdown, cards, related papers, search) is
        // the cache's already, shared by every output.
        let cache = site.root.appendingPathComponent(".papersite-cache")
        let store = cache.appendingPathComponent("values.store")
        let before = try FileManager.default.attributesOfItem(atPath: store.path)[.size] as! Int
        let preview = try site.build(output: site.root.appendingPathComponent("preview"))
        #expect(preview.written == full.written)
        let after = try FileManager.default.attributesOfItem(atPath: store.path)[.size] as! Int
        #expect(after - before < before / 5, "the cache grew from \(before) to \(after) bytes for a new output folder")
        #expect(try tree(site.root.appendingPathComponent("preview")) == tree(site.output))

        func kept(_ prefix: String) throws -> [String] {
            try (FileManager.default.contentsOfDirectory(atPath: cache.path) + FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("trees").path))
                .filter { $0.hasPrefix(prefix) }
        }
        // Each output's record (and, where its inputs were stamped, what its last build made: `LastBuild`).
        func outputs() throws -> Set<Substring> { Set(try kept("output-").map { $0.split(separator: ".")[0] }) }
        #expect(try !kept("staging.").isEmpty && outputs().count == 3)
        #expect(try kept("staging.").contains("staging.incoming"), "the pool of its small change")
        try FileManager.default.removeItem(at: staging)
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("preview"))
        try site.edit("content/papers/hf-daily-2025-03-14.txt") { $0.replacingOccurrences(of: "DepthSmith", with: "DepthCrafter") }
        try site.build()
        let left = try kept("staging.") + kept("preview.")
        #expect(left.isEmpty, "the cache keeps \(left) for deleted outputs")
        let records = try kept("output-")
        #expect(try outputs().count == 1, "the cache keeps the records of deleted outputs: \(records)")
        try expectSameAsCleanBuild(site, "deleting the other folders")
    }

    /// What a build did not show stays in the cache for the next one: a
    /// build that shows the newest papers' cards (the front page, the
    /// author's) after a build that showed one old paper's notes stores no
    /// more than it does after a build that showed those cards. Without
    /// that, it made their cards, Markdown and feed entries again (at
    /// 100,000 papers, tens of thousands for a day of papers added).
    @Test func valuesABuildDidNotShowAreKeptForTheNext() throws {
        var files = ["content/site.yml": "title: T\nbase_url: https://example.org/\nfeed:\n  content: summary\n"]
        for k in 0..<40 {
            let body = (0..<12).map { "Sentence \($0) of the abstract of paper number \(k), which says something." }.joined(separator: " ")
            files["content/papers/p\(k).md"] = paperFile("title: Paper \(k)\nauthors: [Ada Lovelace]\ndate: 2020-01-\(10 + k % 20)\ntags: [x]", body: body + "\n")
        }
        files["content/papers/alone.md"] = paperFile("title: Alone\nauthors: [Someone Else]\ndate: 1990-05-05\ntags: [y]",
                                                     body: "An abstract.\n\n## Notes\n\nShown on its page only.\n")
        let site = try TestSite(files)
        defer { site.remove() }
        let store = site.root.appendingPathComponent(".papersite-cache/values.store")
        func stored() throws -> Int { try FileManager.default.attributesOfItem(atPath: store.path)[.size] as! Int }
        func growth(editing path: String, _ old: String, _ new: String) throws -> Int {
            try site.edit(path) { $0.replacingOccurrences(of: old, with: new) }
            let before = try stored()
            try site.build()
            return try stored() - before
        }
        try site.build()
        _ = try growth(editing: "content/papers/alone.md", "its page only", "its own page only")
        let afterFew = try growth(editing: "content/papers/p19.md", "title: Paper 19", "title: Paper AA")
        let afterAll = try growth(editing: "content/papers/p19.md", "title: Paper AA", "title: Paper BB")
        #expect(afterFew <= afterAll + 2048, "stored \(afterFew) bytes after a build that showed few cards, \(afterAll) after one that showed all")
        try expectSameAsCleanBuild(site, "the edits")
    }
}
