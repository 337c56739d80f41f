import Foundation
import Testing
@testable import PapersiteCore

/// The output trees' manifests: written whole, then with each build's few
/// changes appended; any damage makes the manifest unusable, never wrong.
@Suite struct OutputManifestTests {
    func entry(_ path: String, _ hash: UInt64) -> OutputManifest.Entry {
        OutputManifest.Entry(path: path, hash: hash, size: 10, mtime: 1_700_000_000, inode: hash)
    }

    @Test func changesAreAppendedAndReadBack() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("1.manifest")

        var manifest = OutputManifest()
        for k in 0..<1000 { manifest["papers/p\(k)/index.html"] = entry("papers/p\(k)/index.html", UInt64(k)) }
        try manifest.save(to: file)
        let wholeSize = try Data(contentsOf: file).count

        // A build that changes two files and removes one: a small segment is appended.
        var next = try #require(OutputManifest.load(from: file))
        #expect(next.count == 1000)
        next["papers/p1/index.html"] = entry("papers/p1/index.html", 5000)
        next["papers/new/index.html"] = entry("papers/new/index.html", 5001)
        next["papers/p2/index.html"] = nil
        try next.save(to: file)
        let appendedSize = try Data(contentsOf: file).count
        #expect(appendedSize > wholeSize && appendedSize < wholeSize + 300)

        let read = try #require(OutputManifest.load(from: file))
        #expect(read.count == 1000)
        #expect(read["papers/p1/index.html"]?.hash == 5000)
        #expect(read["papers/new/index.html"]?.hash == 5001)
        #expect(read["papers/p2/index.html"] == nil)
        #expect(read["papers/p3/index.html"]?.hash == 3)

        // Saved to another tree's file: written whole.
        let other = folder.appendingPathComponent("2.manifest")
        try read.save(to: other)
        #expect(OutputManifest.load(from: other)?.count == 1000)

        // A cut-off append (a build killed while writing) makes the manifest unusable.
        let bytes = try Data(contentsOf: file)
        try bytes.prefix(appendedSize - 5).write(to: file)
        #expect(OutputManifest.load(from: file) == nil)
    }
}
