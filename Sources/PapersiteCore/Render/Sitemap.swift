import Foundation

/// `sitemap.xml` (and its parts, for a large site), written by code, not
/// by a template: the format is fixed by the sitemap protocol, and a large
/// site's sitemap has hundreds of thousands of entries. The entries are
/// the planned pages that the sitemap lists (`SiteRenderer.sitemapDate`).
struct SitemapEntries: Sendable {
    /// The base URL the locations are under.
    var base: String
    /// The most URLs one sitemap file may list (the sitemap protocol's
    /// limit); a larger site's `sitemap.xml` is an index of parts.
    var limit: Int
    /// Each page listed, by its place in `pages`, with its last change
    /// (days since 1970, `Int32.min` for none). (Its location is made as
    /// the sitemap is written, not kept: a large site lists millions, and
    /// the pages are the plan's own table, so each entry is 8 bytes.)
    var entries: [(page: Int32, lastmod: Int32)]
    var pages: [Page] = []

    static let empty = SitemapEntries(base: "", limit: 1, entries: [])

    /// How many files the sitemap takes (more than one: an index and its parts).
    var parts: Int { max(1, (entries.count + limit - 1) / limit) }

    /// The sitemap (`part` nil): every URL, or for a site of more than
    /// `limit` URLs an index of the parts; part n: the n-th `limit` URLs.
    /// `location`: a page's location under the base URL.
    func bytes(part: Int?, location: (OutputJob) -> String) -> [UInt8] {
        if part == nil && parts > 1 {
            var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
            for n in 1...parts {
                out += "<sitemap><loc>" + FastEscaping.escape(base + SiteURLs.sitemapPart(n)) + "</loc></sitemap>\n"
            }
            return Array((out + "</sitemapindex>\n").utf8)
        }
        let range = part.map { min(entries.count, ($0 - 1) * limit)..<min(entries.count, $0 * limit) } ?? entries.indices
        var writer = SitemapWriter(expectedEntries: range.count, base: base)
        for k in range {
            let (page, lastmod) = entries[k]
            writer.add(location(pages[Int(page)].job), lastmod: lastmod == Int32.min ? nil : Day(daysSinceEpoch: Int(lastmod)))
        }
        return writer.finishBytes()
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
    mutating func add(_ location: String, lastmod: Day?) {
        out += "<url><loc>".utf8
        out += base
        FastEscaping.escape(location, into: &out)
        out += "</loc>".utf8
        if let lastmod {
            out += "<lastmod>".utf8
            lastmod.appendISO { out.append($0) }
            out += "</lastmod>".utf8
        }
        out += "</url>\n".utf8
    }

    mutating func finishBytes() -> [UInt8] {
        out += "</urlset>\n".utf8
        return out
    }
}
