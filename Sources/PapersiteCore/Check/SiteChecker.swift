import Foundation

/// What `papersite check` found.
public struct CheckReport: Sendable {
    public var diagnostics: [Diagnostic]
    /// HTML pages rendered and scanned.
    public var pages: Int
    /// Internal links followed.
    public var links: Int
    /// Papers the site has.
    public var papers: Int = 0

    public var errors: Int { diagnostics.filter { $0.severity == .error }.count }
    public var warnings: Int { diagnostics.filter { $0.severity == .warning }.count }

    /// `{"diagnostics": [...], "errors": n, "links": n, "pages": n, "warnings": n}`, for tools.
    public var json: String {
        struct Item: Encodable {
            var severity: String, file: String?, line: Int?, column: Int?, message: String
        }
        struct Body: Encodable {
            var diagnostics: [Item], errors: Int, warnings: Int, pages: Int, links: Int
        }
        let items = diagnostics.map { d in
            Item(severity: d.severity.rawValue, file: d.location?.file,
                 line: (d.location?.line ?? 0) > 0 ? d.location?.line : nil,
                 column: (d.location?.column ?? 0) > 0 ? d.location?.column : nil, message: d.message)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Body(diagnostics: items, errors: errors, warnings: warnings, pages: pages, links: links))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension SiteBuilder {
    /// Everything `build` validates, without writing anything, and then the
    /// site as rendered: every internal link and anchor must resolve; records
    /// that feeds or citation metadata cannot describe well, and tags only one
    /// paper uses, are warnings. A stage that fails gives its errors as the report.
    public func check() -> CheckReport {
        var boundary = StageBoundary(report: options.stageTimer)
        let site: BuildStages.PreparedSite
        do throws(BuildFailure) {
            site = try BuildStages(options: options, cache: nil, incremental: false).prepare(try loadSettings(), boundary: &boundary, keepGoing: true)
        } catch {
            return CheckReport(diagnostics: error.diagnostics, pages: 0, links: 0)
        }
        var log = DiagnosticLog()
        log.append(contentsOf: site.warnings)
        checkRecords(site, log: &log)
        let (pages, links) = checkLinks(site, log: &log)
        boundary.ended("check links")
        let diagnostics = options.strict ? log.sorted.strict() : log.sorted
        return CheckReport(diagnostics: diagnostics, pages: pages, links: links, papers: site.index.papers.count)
    }

    private func checkRecords(_ site: BuildStages.PreparedSite, log: inout DiagnosticLog) {
        let index = site.index
        // One warning per paper, or one per file when a file has many (a listing, say).
        func report(_ missing: [Paper], _ what: String, _ consequence: String) {
            for (file, papers) in Dictionary(grouping: missing, by: \.source.file) {
                if papers.count > 3 {
                    let first = papers.min { $0.source < $1.source }!.source
                    log.warning("\(papers.count) papers in this file have no \(what) (the first at line \(first.line)): \(consequence)", at: SourceLocation(file: file))
                } else {
                    for paper in papers { log.warning("the paper '\(paper.title)' has no \(what): \(consequence)", at: paper.source) }
                }
            }
        }
        report(index.papers.filter { $0.authors.isEmpty }, "authors", "feed entries and citation metadata name no author")
        report(index.papers.filter { $0.abstractText.isEmpty }, "abstract", "feeds and lists show the title alone")
        for tag in index.tags {
            let members = index.papers(tagged: tag.slug)
            if members.count == 1 {
                log.warning("the tag '\(tag.name)' is used by this paper only", at: index.papers[members[0]].source)
            }
        }
    }

    /// Renders every HTML page (in parallel, keeping only its links and ids)
    /// and resolves each internal link against the files the build would write.
    /// Renders every page and follows its internal links. Pages are
    /// rendered and scanned a chunk at a time and their links followed
    /// then; what stays for the whole site is each page's anchors (a link's
    /// fragment may name a page not scanned yet, and is checked at the end),
    /// kept once per distinct set (a kind of page has the same ones). With
    /// every page's links kept, a 100,000-paper site's check took 1.4 GB.
    private func checkLinks(_ site: BuildStages.PreparedSite, log: inout DiagnosticLog) -> (pages: Int, links: Int) {
        let renderer = site.renderer
        let plan = site.plan
        let base = site.config.baseURL
        let planned = plan.map { renderer.file(of: $0) }
        var files = Set(planned)
        for asset in site.assets { files.insert(asset.file) }
        let fileIndex = Dictionary(planned.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })

        var anchorSets: [Set<String>] = [], anchorSetNumber: [Set<String>: Int32] = [:]
        var anchorsOf = [Int32](repeating: -1, count: plan.count)
        /// A link to an anchor on a page, checked once every page is scanned.
        struct AnchorLink { var page: Int; var place: Int; var link: String; var file: String; var fragment: String }
        var anchorLinks: [AnchorLink] = []
        /// A problem where it was found (page, then link), to report them in the order of the pages.
        struct Found { var page: Int; var place: Int; var link: String; var message: String }
        var found: [Found] = []
        var pages = 0, followed = 0
        let chunk = 4096
        for start in stride(from: 0, to: plan.count, by: chunk) {
            let end = min(plan.count, start + chunk)
            let scans: [HTMLScan?] = options.parallelism.map(end - start) { k in
                plan[start + k].job.isHTML ? HTMLScan(renderer.render(plan[start + k].job)) : nil
            }
            for (k, scan) in scans.enumerated() {
                guard let scan else { continue }
                let i = start + k
                pages += 1
                if let number = anchorSetNumber[scan.ids] {
                    anchorsOf[i] = number
                } else {
                    anchorsOf[i] = Int32(anchorSets.count)
                    anchorSetNumber[scan.ids] = Int32(anchorSets.count)
                    anchorSets.append(scan.ids)
                }
                let pageURL = URL(string: base + renderer.location(of: plan[i].job))
                for (place, link) in scan.links.enumerated() {
                    guard let target = Self.internalTarget(link, from: pageURL, base: base) else { continue }
                    followed += 1
                    guard let path = target.path else {
                        found.append(Found(page: i, place: place, link: link, message: "the link '\(link)' points outside the site (\(base))"))
                        continue
                    }
                    let file = SiteURLs.file(for: path)
                    guard let resolved = files.contains(file) ? file : (files.contains(path + "/index.html") ? path + "/index.html" : nil) else {
                        found.append(Found(page: i, place: place, link: link, message: "the link '\(link)' leads to no page of the site (no \(file))"))
                        continue
                    }
                    if let fragment = target.fragment, !fragment.isEmpty {
                        anchorLinks.append(AnchorLink(page: i, place: place, link: link, file: resolved, fragment: fragment))
                    }
                }
            }
        }
        for a in anchorLinks {
            guard let target = fileIndex[a.file], anchorsOf[target] >= 0, !anchorSets[Int(anchorsOf[target])].contains(a.fragment) else { continue }
            found.append(Found(page: a.page, place: a.place, link: a.link,
                               message: "the link '\(a.link)' points to '#\(a.fragment)', which is not an anchor on \(a.file)"))
        }
        found.sort { ($0.page, $0.place) < ($1.page, $1.place) }

        struct Problem: Hashable { var source: SourceLocation; var message: String }
        var texts: [String: [Substring]] = [:]
        var firstPage: [Problem: String] = [:]
        var pageCount: [Problem: Int] = [:]
        var order: [Problem] = []
        for f in found {
            let problem = Problem(source: source(of: plan[f.page].job, link: f.link, in: site, texts: &texts), message: f.message)
            if firstPage[problem] == nil { firstPage[problem] = planned[f.page]; order.append(problem) }
            pageCount[problem, default: 0] += 1
        }
        for problem in order {
            let count = pageCount[problem] ?? 1
            let on = count == 1 ? "on \(firstPage[problem]!)" : "on \(firstPage[problem]!) and \(count - 1) other page\(count == 2 ? "" : "s")"
            log.error("\(problem.message), \(on)", at: problem.source)
        }
        return (pages, followed)
    }

    /// The line and column where a record's text has the link, so the
    /// message points at it; nil when the text does not have it as written.
    private func locate(_ link: String, near start: SourceLocation, texts: inout [String: [Substring]]) -> SourceLocation? {
        if texts[start.file] == nil {
            let text = (try? String(contentsOf: options.siteRoot.appendingPathComponent(start.file), encoding: .utf8)) ?? ""
            texts[start.file] = text.split(separator: "\n", omittingEmptySubsequences: false)
        }
        let lines = texts[start.file]!
        for n in max(0, start.line - 1)..<lines.count {
            if let range = lines[n].range(of: link) {
                let column = lines[n].utf8.distance(from: lines[n].startIndex, to: range.lowerBound) + 1
                return SourceLocation(file: start.file, line: n + 1, column: column)
            }
        }
        return nil
    }

    /// Where a link comes from: the place in the record that has it (papers
    /// and pages), else the theme's template for the page.
    private func source(of job: OutputJob, link: String, in site: BuildStages.PreparedSite, texts: inout [String: [Substring]]) -> SourceLocation {
        let template: String
        switch job {
        case .paper(let i):
            if let place = locate(link, near: site.index.papers[i].source, texts: &texts) { return place }
            template = "paper"
        case .standalone(let i):
            if let place = locate(link, near: site.index.pages[i].source, texts: &texts) { return place }
            template = "page"
        case .list(let collection, _): template = collection.template
        case .tagIndex: template = "tags"
        case .authorIndex: template = "authors"
        case .yearIndex: template = "years"
        case .notFound: template = "404"
        default: template = "base"
        }
        return SourceLocation(file: "\(site.theme.folder)/templates/\(template).mustache")
    }

    /// A link that stays on the site's host, as a path under the base path
    /// (nil path: on the host but outside the site) and a fragment; nil for
    /// other hosts and for schemes such as `mailto:`.
    static func internalTarget(_ link: String, from page: URL?, base: String) -> (path: String?, fragment: String?)? {
        let trimmed = link.trimmingCharacters(in: .whitespaces)
        guard let page, let url = URL(string: trimmed, relativeTo: page)?.absoluteURL,
              let parts = URLComponents(url: url, resolvingAgainstBaseURL: false),
              let baseParts = URLComponents(string: base) else { return nil }
        guard parts.scheme?.lowercased() == "http" || parts.scheme?.lowercased() == "https",
              parts.host?.lowercased() == baseParts.host?.lowercased(), parts.port == baseParts.port else { return nil }
        let basePath = baseParts.path.hasSuffix("/") ? baseParts.path : baseParts.path + "/"
        let path = parts.path.isEmpty ? "/" : parts.path
        let fragment = parts.fragment
        if path + "/" == basePath { return ("", fragment) }
        guard path.hasPrefix(basePath) else { return (nil, fragment) }
        return (String(path.dropFirst(basePath.count)), fragment)
    }
}
