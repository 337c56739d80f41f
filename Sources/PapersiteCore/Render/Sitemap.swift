import Foundation

/// `sitemap.xml` (and its parts, for a large site).
extension SiteRenderer {
    /// Every URL of the site for the sitemap, with its last change where
    /// one is known, in a fixed order. The values are made only when used
    /// (counting them builds no string).
    func forEachSitemapEntry(_ visit: (_ location: SitemapLocation, _ lastmod: Day?) -> Void) {
        func date(_ i: Int) -> Day? { index.papers[i].updated ?? index.papers[i].published }
        let newest = index.papers.isEmpty ? nil : date(0)
        let pages = pagination.pages
        for n in 1...pages(index.papers.count) { visit(.text(SiteURLs.home(page: n)), n == 1 ? newest : nil) }
        for paper in index.papers.indices {
            visit(.slug(prefix: "papers/", slug: index.papers[paper].slug, page: 1), date(paper))
        }
        visit(.text(SiteURLs.tagIndex), newest)
        for tag in index.tags {
            let members = index.papers(tagged: tag.slug)
            for n in 1...pages(members.count) {
                visit(.slug(prefix: "tags/", slug: tag.slug, page: n), n == 1 ? members.first.flatMap(date) : nil)
            }
        }
        for (author, members) in zip(index.authors, index.authorPapers) {
            for n in 1...pages(members.count) {
                visit(.slug(prefix: "authors/", slug: author.slug, page: n), n == 1 ? members.first.flatMap(date) : nil)
            }
        }
        for collection in index.years.flatMap({ [PaperCollection.year($0)] + monthCollections($0) }) {
            let members = members(collection)
            for n in 1...pages(members.count) {
                visit(.text(collection.location(page: n)), n == 1 ? members.first.flatMap(date) : nil)
            }
        }
        for page in index.pages { visit(.slug(prefix: "", slug: page.slug, page: 1), nil) }
    }

    /// How many entries `forEachSitemapEntry` visits, counted without making them.
    func sitemapEntryCount() -> Int {
        let pages = pagination.pages
        var count = pages(index.papers.count) + index.papers.count + 1 + index.pages.count
        for tag in index.tags { count += pages(index.papers(tagged: tag.slug).count) }
        for members in index.authorPapers { count += pages(members.count) }
        for collection in index.years.flatMap({ [PaperCollection.year($0)] + monthCollections($0) }) { count += pages(members(collection).count) }
        return count
    }

    /// A file's bytes where they are made without a `String` (the sitemap:
    /// several megabytes that need no UTF-8 check); else nil.
    func renderBytes(_ job: OutputJob) -> [UInt8]? {
        switch job {
        case .sitemap: sitemap(part: nil)
        case .sitemapPart(let n): sitemap(part: n)
        default: nil
        }
    }

    /// The sitemap (`part` nil): every URL, or for a site of more than
    /// `sitemapLimit` URLs an index of the parts; part n: the n-th
    /// `sitemapLimit` URLs. Written by code, not by a template: the format
    /// is fixed by the sitemap protocol, and a large site's sitemap has
    /// hundreds of thousands of entries.
    func sitemap(part: Int?) -> [UInt8] {
        let count = sitemapEntryCount()
        if part == nil && count > sitemapLimit {
            var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
            for n in 1...(count + sitemapLimit - 1) / sitemapLimit {
                out += "<sitemap><loc>" + FastEscaping.escape(urls.absolute(SiteURLs.sitemapPart(n))) + "</loc></sitemap>\n"
            }
            return Array((out + "</sitemapindex>\n").utf8)
        }
        let range = part.map { ($0 - 1) * sitemapLimit..<$0 * sitemapLimit } ?? 0..<count
        var k = 0
        var writer = SitemapWriter(expectedEntries: min(range.count, count), base: urls.baseURL)
        forEachSitemapEntry { location, lastmod in
            if range.contains(k) { writer.add(location, lastmod: lastmod) }
            k += 1
        }
        return writer.finishBytes()
    }
}

/// Where a sitemap entry points, relative to the base URL. Most entries are
/// a folder named by a slug (`papers/<slug>/`, `authors/<slug>/page/2/`),
/// which `SitemapWriter` writes as bytes without making a string.
enum SitemapLocation {
    case text(String)
    /// `prefix` + `slug` + `/`, and `page/<page>/` after page 1.
    case slug(prefix: String, slug: String, page: Int)

    var string: String {
        switch self {
        case .text(let text): text
        case .slug(let prefix, let slug, let page): prefix + slug + (page <= 1 ? "/" : "/page/\(page)/")
        }
    }
}

/// Writes the sitemap as bytes: a large site's sitemap has
/// tens of thousands of entries, and a title edit rewrites it whole.
struct SitemapWriter {
    private var out: [UInt8] = []
    /// The base URL of `add(_:lastmod:)`, escaped once.
    private var base: [UInt8] = []

    init(expectedEntries: Int, base: String = "") {
        FastEscaping.escape(base, into: &self.base)
        out.reserveCapacity(expectedEntries * 96 + 128)
        out += #"<?xml version="1.0" encoding="utf-8"?>"#.utf8
        out += "\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n".utf8
    }

    /// An entry for the base URL + `location` (escaping the parts escapes the whole).
    mutating func add(_ location: SitemapLocation, lastmod: Day?) {
        out += "<url><loc>".utf8
        out += base
        switch location {
        case .text(let text):
            FastEscaping.escape(text, into: &out)
        case .slug(let prefix, let slug, let page):
            FastEscaping.escape(prefix, into: &out)
            FastEscaping.escape(slug, into: &out)
            out.append(UInt8(ascii: "/"))
            if page > 1 { out += "page/\(page)/".utf8 }
        }
        out += "</loc>".utf8
        if let lastmod {
            out += "<lastmod>".utf8
            lastmod.appendISO { out.append($0) }
            out += "</lastmod>".utf8
        }
        out += "</url>\n".utf8
    }

    mutating func add(url: String, lastmod: String?) {
        out += "<url><loc>".utf8
        FastEscaping.escape(url, into: &out)
        out += "</loc>".utf8
        if let lastmod {
            out += "<lastmod>".utf8
            FastEscaping.escape(lastmod, into: &out)
            out += "</lastmod>".utf8
        }
        out += "</url>\n".utf8
    }

    mutating func finish() -> String { String(decoding: finishBytes(), as: UTF8.self) }

    mutating func finishBytes() -> [UInt8] {
        out += "</urlset>\n".utf8
        return out
    }
}
