import ArgumentParser
import Foundation
import PapersiteCore

@main
struct Papersite: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "papersite",
        abstract: "A static site generator for collections of research papers.",
        version: PapersiteVersion.current,
        subcommands: [Build.self]
    )
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the site into the output folder.",
        discussion: """
            Reads content/site.yml, the records in content/papers/ and the pages in \
            content/pages/, renders them with the theme in Themes/<theme>/, and replaces \
            the output folder only when the whole build succeeded.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The site folder (holding content/ and Themes/).", valueName: "dir"))
    var site: String = "."

    @Option(name: .long, help: ArgumentHelp("Where to write the site. Default: public/ in the site folder.", valueName: "dir"))
    var output: String?

    @Option(name: .customLong("base-url"), help: ArgumentHelp("Override base_url from site.yml.", valueName: "url"))
    var baseURL: String?

    @Flag(name: .long, help: "Include papers and pages marked 'draft: true'.")
    var drafts = false

    @Option(name: .long, help: ArgumentHelp("Threads to use (default: one per core). The output is the same for any number.", valueName: "n"))
    var jobs: Int?

    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        let siteRoot = URL(fileURLWithPath: site, isDirectory: true, relativeTo: cwd).standardizedFileURL
        let outputURL = output.map { URL(fileURLWithPath: $0, isDirectory: true, relativeTo: cwd) }
            ?? siteRoot.appendingPathComponent("public", isDirectory: true)
        let start = DispatchTime.now()
        var options = BuildOptions(siteRoot: siteRoot, output: outputURL.standardizedFileURL, baseURL: baseURL, includeDrafts: drafts)
        if let jobs {
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
            options.parallelism = Parallelism(threads: jobs)
        }
        if let katex = ProcessInfo.processInfo.environment["PAPERSITE_KATEX_DIR"] {
            options.katexDirectory = URL(fileURLWithPath: katex, isDirectory: true)
        }
        let builder = SiteBuilder(options: options)
        do {
            let summary = try builder.build()
            for warning in summary.warnings { Terminal.printError(warning.description) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            print("Built \(summary.papers) paper\(summary.papers == 1 ? "" : "s"), \(summary.tags) tag\(summary.tags == 1 ? "" : "s"), \(summary.pages) page\(summary.pages == 1 ? "" : "s") in \(String(format: "%.1f", seconds)) s")
        } catch {
            for diagnostic in error.diagnostics { Terminal.printError(diagnostic.description) }
            let count = error.errors.count
            Terminal.printError("papersite: build failed with \(count) error\(count == 1 ? "" : "s"); the output folder was not changed")
            throw ExitCode.failure
        }
    }
}

enum Terminal {
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
