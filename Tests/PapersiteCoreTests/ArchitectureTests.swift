import Foundation
import Testing
@testable import PapersiteCore

/// The folders of `Sources/PapersiteCore` follow the data flow: no folder
/// uses a folder that uses it back, directly or through others, and
/// `Support` (hashing, byte coding, parallel loops, the memory-mapped
/// tables) uses none of the stages. Read from the source text: a folder
/// uses another when it names a type declared at the top level there.
@Suite struct ArchitectureTests {
    static let root = repositoryRoot.appendingPathComponent("Sources/PapersiteCore")

    /// Folder → the folders whose types it names.
    static func folderGraph() throws -> [String: Set<String>] {
        var declaredIn: [String: String] = [:]
        var texts: [(folder: String, text: String)] = []
        let files = ContentLoader.files(under: ".", in: root).filter { $0.hasSuffix(".swift") && !$0.hasSuffix("DefaultTheme.swift") }
        let declaration = /^(?:public |private |fileprivate )?(?:final )?(?:indirect )?(?:struct|enum|class|protocol|typealias) (\w+)/.anchorsMatchLineEndings()
        for file in files {
            let path = file.hasPrefix("./") ? String(file.dropFirst(2)) : file
            let folder = String(path.split(separator: "/")[0])
            let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            for match in text.matches(of: declaration) where declaredIn[String(match.1)] == nil {
                declaredIn[String(match.1)] = folder
            }
            // Comments and string literals name types in prose: leave them out.
            let code = text.replacing(/\/\/[^\n]*/, with: "").replacing(/"[^"\n]*"/, with: "\"\"")
            texts.append((folder, code))
        }
        var graph: [String: Set<String>] = [:]
        for (folder, code) in texts {
            for match in code.matches(of: /\b[A-Z]\w+\b/) {
                if let other = declaredIn[String(match.0)], other != folder { graph[folder, default: []].insert(other) }
            }
        }
        return graph
    }

    @Test func foldersFormNoCycle() throws {
        let graph = try Self.folderGraph()
        #expect(graph.count >= 10, "the scan found the folders")
        // Depth-first search for a path back to where it started.
        func cycle(from start: String) -> [String]? {
            var stack: [(String, [String])] = [(start, [start])]
            var seen: Set<String> = []
            while let (folder, path) = stack.popLast() {
                for next in graph[folder, default: []].sorted() {
                    if next == start { return path + [start] }
                    if seen.insert(next).inserted { stack.append((next, path + [next])) }
                }
            }
            return nil
        }
        for folder in graph.keys.sorted() {
            if let found = cycle(from: folder) { Issue.record("a cycle of folders: \(found.joined(separator: " → "))") }
        }
    }

    @Test func supportUsesNoStage() throws {
        #expect(try Self.folderGraph()["Support", default: []].isEmpty)
    }

    /// The scan sees real uses, so an empty graph cannot pass the tests above.
    @Test func theScanSeesUses() throws {
        let graph = try Self.folderGraph()
        #expect(graph["Build", default: []].contains("Render"))
        #expect(graph["Index", default: []].contains("Support"))
    }
}
