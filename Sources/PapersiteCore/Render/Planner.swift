import Foundation

/// One file of the output, as the planner lists it: what it is (`job`,
/// which names the view that renders it). Where it goes is
/// `SiteRenderer.file(of:)`, and what it is made from
/// `SiteRenderer.inputs(of:)`, declared beside the plan.
struct Page: Sendable, Hashable {
    let job: OutputJob
}

/// The planner: the one list of the site's files, which rendering, the
/// sitemap and the incremental build's fingerprints all read. A new kind
/// of page is a new `OutputJob`, planned in `plan`, with its inputs in
/// `inputs(of:)` and its view in `render(_:)`.
extension SiteRenderer {
    /// Every file of the site, in a fixed order. The sitemap lists the
    /// pages of this plan, so its entries (`sitemap`) are made here too.
    mutating func plan(parallelism: Parallelism = .serial) -> [Page] {
        var jobs: [OutputJob] = []
        func listPages(_ collection: PaperCollection, count: Int? = nil) {
            let pages = pagination.pages(count ?? members(collection).count)
            for page in 1...pages { jobs.append(.list(collection, page: page)) }
        }
        func feeds(_ collection: PaperCollection) {
            guard hasFeeds(collection) else { return }
            for kind in FeedKind.allCases where collection.hasFeed(kind) { jobs.append(.feed(collection, kind)) }
        }
        listPages(.all)
        jobs += index.papers.indices.flatMap { [OutputJob.paper($0), .paperBibTeX($0)] }
        jobs.append(.tagIndex)
        for tag in index.tags { listPages(.tag(tag.slug)); feeds(.tag(tag.slug)) }
        if !index.authors.isEmpty { jobs.append(.authorIndex) }
        for (author, papers) in zip(index.authors, index.authorPapers) {
            listPages(.author(author.slug), count: papers.count)
            feeds(.author(author.slug))
        }
        jobs.append(.yearIndex)
        for year in index.years {
            listPages(.year(year))
            for month in monthCollections(year) { listPages(month) }
        }
        jobs += index.pages.indices.map { OutputJob.standalone($0) }
        jobs.append(.notFound)
        feeds(.all)
        jobs += [.siteBibTeX, .sitemap, .robots]
        // (A constant: a captured variable would be read, and retained, from both threads at every step.)
        let pages = jobs
        var planned = pages.map { Page(job: $0) }
        sitemap = SitemapEntries(base: urls.baseURL, limit: sitemapLimit, entries: pages.indices.compactMap { k in
            sitemapDate(pages[k]).map { (page: Int32(k), lastmod: $0.map { Int32($0.daysSinceEpoch) } ?? Int32.min) }
        })
        if sitemap.parts > 1 { planned += (1...sitemap.parts).map { Page(job: .sitemapPart($0)) } }
        if let search {
            var files: [OutputJob] = [.searchPage, .searchManifest]
            files += search.shards.indices.map { OutputJob.searchTerms($0) }
            files += stride(from: 0, to: index.papers.count, by: SearchIndex.docsPerShard).map { .searchDocs($0 / SearchIndex.docsPerShard) }
            files += index.tags.map { .searchTag($0.slug) }
            files += index.years.map { .searchYear($0) }
            planned += files.map { Page(job: $0) }
        }
        sitemap.pages = planned     // (the same table as the plan's, not a copy)
        return planned
    }

    /// The file a page is written to, relative to the output folder
    /// (`papers/x/index.html`). Made when it is needed rather than kept
    /// in the plan: a large site's plan holds millions of pages.
    func file(of page: Page) -> String { SiteURLs.file(for: location(of: page.job)) }

    func location(of job: OutputJob) -> String {
        switch job {
        case .paper(let i): SiteURLs.paper(index.papers[i].slug)
        case .paperBibTeX(let i): SiteURLs.paperBibTeX(index.papers[i].slug)
        case .standalone(let i): SiteURLs.standalone(index.pages[i].slug)
        case .searchTerms(let i): SearchIndex.shardFile(search!.shards[i].key)
        default: job.location
        }
    }

    /// Whether the sitemap lists the page (`nil`: it does not), and its
    /// last change where one is known: a paper's date, a list's newest.
    func sitemapDate(_ job: OutputJob) -> Day?? {
        func date(_ i: Int?) -> Day? { i.flatMap { index.papers[$0].updated ?? index.papers[$0].published } }
        switch job {
        case .list(let collection, let page):
            return .some(page == 1 ? date(collection == .all ? index.papers.indices.first : members(collection).first) : nil)
        case .paper(let i): return .some(date(i))
        case .tagIndex: return .some(date(index.papers.indices.first))
        case .standalone: return .some(nil)
        default: return nil
        }
    }

    /// What the file of `job` is made from, beyond the settings and the
    /// site-wide view that every file has: the template, and every value
    /// of the index its view shows. The incremental build's fingerprint
    /// of the file is these inputs' hashes (`fingerprint(_:)`). An input
    /// left out here would leave a stale page; `FingerprintSoundnessTests`
    /// edits a site in every way and checks that each changed file has a
    /// new fingerprint.
    func inputs(of job: OutputJob) -> [PageInput] {
        switch job {
        case .list(let c, let page):
            // The archive pages show no counts (see `Pagination`).
            let heading = { (c: PaperCollection) -> PageInput in page == 1 ? .heading(c) : .name(c) }
            var inputs: [PageInput] = [.template(c.template), .collection(c), .cards(c, page: page), heading(c), .hasFeeds(c)]
            if c == .all && page == 1 { inputs += [.allTags, .years] }
            if case .year(let year) = c { inputs += monthCollections(year).flatMap { [.collection($0), heading($0)] } }
            if case .month(let year, _) = c { inputs.append(heading(.year(year))) }
            return inputs
        case .feed(let c, let kind):
            return [kind.template.map(PageInput.template) ?? .code("json feed"), .collection(c), .heading(c), .feedEntries(c)]
        case .paper(let i):
            return [.template("paper"), .paper(i), .authorLinks(i), .citationKey(i), .relatedCards(i)]
        case .paperBibTeX(let i): return [.bibtex(i)]
        case .tagIndex: return [.template("tags"), .allTags]
        case .authorIndex: return [.template("authors"), .authors]
        case .yearIndex: return [.template("years"), .years]
        case .standalone(let i): return [.template("page"), .standalone(i)]
        case .notFound: return [.template("404")]
        case .siteBibTeX: return [.bibliography]
        case .sitemap: return [.sitemap]
        case .sitemapPart(let n): return [.sitemap, .code("part \(n)")]
        case .robots: return [.code("robots")]
        case .searchPage: return [.template("search"), .allTags, .years, .paperCount]
        case .searchManifest: return [.searchIndex, .allTags, .years]
        case .searchTerms(let i): return [.searchShard(i)]
        case .searchDocs(let n): return [.searchDocs(n)]
        case .searchTag(let slug): return [.searchTag(slug)]
        case .searchYear(let year): return [.searchYear(year)]
        }
    }

    /// The fingerprint of the file `job` makes (nil without fingerprints):
    /// the site's, then each declared input's.
    func fingerprint(_ job: OutputJob) -> UInt64? {
        guard let fingerprints else { return nil }
        var f = Fingerprint()
        f.add(fingerprints.site)
        for input in inputs(of: job) { add(input, to: &f, fingerprints) }
        return f.value
    }
}
