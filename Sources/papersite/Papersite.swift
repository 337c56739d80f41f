import ArgumentParser
import Foundation
import PapersiteCore
import PapersiteServe

@main
struct Papersite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "papersite",
        abstract: "A static site generator for collections of research papers.",
        version: PapersiteVersion.current,
        subcommands: [New.self, Build.self, Serve.self, Check.self, Import.self, Tags.self]
    )
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
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

    @Flag(name: .long, help: "Print how long each stage of the build took (wall and processor time).")
    var timings = false

    @Flag(name: .long, help: "Ignore what the last build left in .papersite-cache/: read and render everything.")
    var clean = false

    @Flag(name: .long, help: "Print every warning (by default the first \(Terminal.warningLimit)).")
    var verbose = false

    @Flag(name: .long, help: "Treat warnings as errors: a record that would be repaired or skipped fails the build (for CI).")
    var strict = false

    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        let siteRoot = Terminal.folder(site)
        let outputURL = output.map { URL(fileURLWithPath: $0, isDirectory: true, relativeTo: cwd) }
            ?? siteRoot.appendingPathComponent("public", isDirectory: true)
        let start = DispatchTime.now()
        var options = BuildOptions(siteRoot: siteRoot, output: outputURL.standardizedFileURL, baseURL: baseURL, includeDrafts: drafts)
        options.clean = clean
        options.strict = strict
        options.keepMemoryUntilExit = true
        if let jobs {
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
            options.parallelism = Parallelism(threads: jobs)
        }
        if timings {
            options.stageTimer = { stage, seconds, cpu in
                Terminal.printError(String(format: "%8.3f s  %@  (processor %.3f s", seconds, stage, cpu)
                                    + (Terminal.peakMemory.map { "; peak memory so far \($0) MiB)" } ?? ")"))
            }
        }
        if let katex = Terminal.katexDirectory { options.katexDirectory = katex }
        let progress = Terminal.Progress()
        if Terminal.isInteractive && !timings { options.progress = progress.update }
        let builder = SiteBuilder(options: options)
        defer { progress.finish() }
        do {
            let summary = try builder.build()
            progress.finish()
            Terminal.printWarnings(summary.warnings, all: verbose)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            var changes = "\(summary.written) written, \(summary.unchanged) unchanged"
            if summary.removed > 0 { changes += ", \(summary.removed) removed" }
            if summary.rendered < summary.files { changes += "; \(summary.rendered) rendered" }
            print("Built \(Terminal.plural(summary.papers, "paper"))\(Terminal.tally(summary.warnings)), \(Terminal.plural(summary.tags, "tag")), \(Terminal.plural(summary.pages, "page")) (files: \(changes)) in \(String(format: "%.1f", seconds)) s")
        } catch {
            progress.finish()
            Terminal.printProblems(error.diagnostics, all: verbose)
            let count = error.errors.count
            Terminal.printError("papersite: build failed with \(count) error\(count == 1 ? "" : "s"); the output folder was not changed")
            throw ExitCode.failure
        }
    }
}

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Start a new site that builds at once.",
        discussion: """
            Writes content/site.yml with every setting shown, an example paper, an \
            about page and a copy of the default theme in Themes/default. The folder \
            must not exist or be empty.
            """
    )

    @Argument(help: ArgumentHelp("The new site's folder.", valueName: "dir"))
    var folder: String

    func run() throws {
        let url = Terminal.folder(folder)
        do {
            let files = try NewSite.create(at: url)
            print("Created a new site in \(folder) (\(files.count) files). Next:")
            print("  cd \(folder)")
            print("  papersite serve      # preview at http://127.0.0.1:1313/, reloading as you edit")
            print("  papersite build      # write the site to public/, then open public/index.html in a browser,")
            print("                       # or serve it: python3 -m http.server --directory public")
            print("  (set base_url in content/site.yml to the site's real address before publishing)")
        } catch {
            Terminal.printError("papersite: \(error)")
            throw ExitCode.failure
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Build the site, serve it, and rebuild and reload as you edit.",
        discussion: """
            Builds into a private folder (public/ is not touched) with the base URL \
            moved to this server, serves it under its base path, watches content/ \
            and Themes/, rebuilds when they change and reloads open pages. A failed \
            build shows its errors in the page and here, and the last good site \
            stays served. Ctrl-C stops.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The site folder (holding content/ and Themes/).", valueName: "dir"))
    var site: String = "."

    @Option(name: .long, help: ArgumentHelp("The port (0: any free port).", valueName: "port"))
    var port: UInt16 = 1313

    @Option(name: .long, help: ArgumentHelp("The address to listen on (loopback by default).", valueName: "address"))
    var host: String = "127.0.0.1"

    @Flag(name: .long, help: "Include papers and pages marked 'draft: true'.")
    var drafts = false

    func run() async throws {
        let siteRoot = Terminal.folder(site)
        var options = ServeOptions(siteRoot: siteRoot, host: host, port: port, includeDrafts: drafts,
                                   log: { Terminal.printError($0) })
        if let katex = Terminal.katexDirectory { options.katexDirectory = katex }
        let server = try DevServer(options: options)
        // Ctrl-C (or a TERM) stops the server cleanly: streams closed, private output removed.
        let signals = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler { Task { await server.stop() } }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        do {
            try await server.run { url in
                FileHandle.standardOutput.write(Data("Serving at \(url) (Ctrl-C to stop)\n".utf8))
            }
        } catch {
            await server.stop()
            Terminal.printError("papersite: cannot serve on \(host):\(port): \(error)")
            throw ExitCode.failure
        }
        Terminal.printError("Stopped")
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the site without writing it.",
        discussion: """
            Runs everything build validates, then renders the pages in memory and \
            follows every internal link and anchor. Also warns about papers without \
            authors or abstract and tags that only one paper uses. Exits with 1 \
            when there is an error, 0 otherwise.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The site folder (holding content/ and Themes/).", valueName: "dir"))
    var site: String = "."

    @Option(name: .customLong("base-url"), help: ArgumentHelp("Override base_url from site.yml.", valueName: "url"))
    var baseURL: String?

    @Flag(name: .long, help: "Include papers and pages marked 'draft: true'.")
    var drafts = false

    @Option(name: .long, help: ArgumentHelp("text, or json for tools.", valueName: "format"))
    var format: String = "text"

    @Flag(name: .long, help: "Print every warning (by default the first \(Terminal.warningLimit)).")
    var verbose = false

    @Flag(name: .long, help: "Treat warnings as errors (exit 1 if there is any).")
    var strict = false

    func validate() throws {
        guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json") }
    }

    func run() throws {
        let siteRoot = Terminal.folder(site)
        var options = BuildOptions(siteRoot: siteRoot, output: siteRoot.appendingPathComponent("public", isDirectory: true), baseURL: baseURL, includeDrafts: drafts)
        if let katex = Terminal.katexDirectory { options.katexDirectory = katex }
        options.strict = strict
        let report = SiteBuilder(options: options).check()
        if format == "json" {
            print(report.json)
        } else {
            Terminal.printProblems(report.diagnostics, all: verbose)
            let records = RecordTally(report.diagnostics)
            print("Checked \(Terminal.plural(report.papers, "paper")) (\(records.skipped) skipped, \(records.repaired) repaired), \(Terminal.plural(report.pages, "page")) and \(Terminal.plural(report.links, "internal link")): \(Terminal.plural(report.errors, "error")), \(Terminal.plural(report.warnings, "warning"))")
        }
        if report.errors > 0 { throw ExitCode.failure }
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn records from any source into Markdown files, one per paper.",
        discussion: """
            Reads BibTeX (.bib), CSL-JSON (.json), RIS (.ris), arXiv API responses (.xml), \
            arXiv metadata snapshots (.jsonl), listings (.txt) or Markdown records, and writes one Markdown file \
            per paper, named by its arXiv id, else its DOI, else its slug. Importing \
            again updates the files it wrote; a file edited by hand is left alone \
            unless --force is given.
            """
    )

    @Argument(help: ArgumentHelp("The files to import.", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("Where to write the records.", valueName: "dir"))
    var into: String = "content/papers"

    @Option(name: .long, help: ArgumentHelp("auto (from each file's extension), md, txt, bib, xml, jsonl, json or ris.", valueName: "format"))
    var format: String = "auto"

    @Flag(name: .long, help: "Overwrite records that were edited by hand.")
    var force = false

    @Flag(name: .long, help: "Treat warnings about the sources as errors, and write nothing.")
    var strict = false

    func validate() throws {
        if format != "auto" && RecordFormat(rawValue: format) == nil {
            throw ValidationError("--format must be auto, md, txt, bib, xml, jsonl, json or ris")
        }
    }

    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        var options = Importer.Options(
            sources: files.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL },
            folder: URL(fileURLWithPath: into, isDirectory: true, relativeTo: cwd).standardizedFileURL,
            format: format == "auto" ? nil : RecordFormat(rawValue: format), force: force, displayRoot: cwd)
        options.strict = strict
        let progress = Terminal.Progress()
        do {
            let summary = try Importer(options: options).run { progress.update("Writing records", $0, $1) }
            progress.finish()
            Terminal.printWarnings(summary.warnings, all: false)
            print(summary.line)
        } catch {
            progress.finish()
            Terminal.printProblems(error.diagnostics, all: false)
            Terminal.printError("papersite: import failed with \(error.errors.count) error\(error.errors.count == 1 ? "" : "s"); no file was written")
            throw ExitCode.failure
        }
    }
}

struct Tags: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tags",
        abstract: "Help with tags.",
        subcommands: [Suggest.self]
    )

    struct Suggest: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "suggest",
            abstract: "Print candidate tag rules from the papers' titles and abstracts.",
            discussion: """
                Finds phrases and acronyms that several papers use and that no tag or \
                tag rule covers yet, and prints them, most distinctive first, as YAML \
                to paste under tag_rules: in content/site.yml. Nothing is written.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The site folder (holding content/).", valueName: "dir"))
        var site: String = "."

        @Option(name: .customLong("min-papers"), help: ArgumentHelp("Papers a phrase must be in (default: 3, or 1 in 200 papers on large sites).", valueName: "n"))
        var minPapers: Int?

        @Option(name: .long, help: ArgumentHelp("At most this many suggestions.", valueName: "n"))
        var limit: Int = 25

        @Flag(name: .long, help: "Include papers marked 'draft: true'.")
        var drafts = false

        func validate() throws {
            if let minPapers, minPapers < 2 { throw ValidationError("--min-papers must be 2 or more") }
            if limit < 1 { throw ValidationError("--limit must be 1 or more") }
        }

        func run() throws {
            let siteRoot = Terminal.folder(site)
            do throws(BuildFailure) {
                let config = try ConfigLoader(siteRoot: siteRoot).load()
                let content = ContentLoader(siteRoot: siteRoot, includeDrafts: drafts).load()
                let errors = content.diagnostics.filter { $0.severity == .error }
                guard errors.isEmpty else { throw BuildFailure(errors) }
                let minimum = minPapers ?? max(3, content.papers.count / 200)
                let suggestions = TagSuggestions(minimumPapers: minimum, limit: limit)
                    .suggest(papers: content.papers, rules: config.tagRules, tags: content.papers.flatMap(\.tags))
                print(TagSuggestions.yaml(suggestions, papers: content.papers.count, minimumPapers: minimum), terminator: "")
            } catch {
                for diagnostic in error.diagnostics { Terminal.printError(diagnostic.description) }
                throw ExitCode.failure
            }
        }
    }
}
