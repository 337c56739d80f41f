import Foundation

/// What machines read from a paper page: Highwire `citation_*` tags for
/// Google Scholar and Zotero, a schema.org `ScholarlyArticle` in JSON-LD,
/// and Open Graph / Twitter tags for link previews.
enum ScholarlyMetadata {
    struct Input {
        var paper: Paper
        var tags: [Tag]
        var pageURL: String
        var summary: String
        var abstractText: String
        var siteTitle: String
        var siteURL: String
        var language: String
    }

    /// Google Scholar's inclusion guidelines: one `citation_author` per
    /// author in order, dates as YYYY/MM/DD, and `citation_pdf_url` only
    /// for a PDF on the same host as the page.
    static func highwire(_ input: Input) -> [MetaTagView] {
        let p = input.paper
        var tags = [MetaTagView(name: "citation_title", content: p.title)]
        tags += p.authors.map { MetaTagView(name: "citation_author", content: $0) }
        if let day = p.published {
            // Google Scholar reads YYYY/MM/DD, YYYY/MM or YYYY.
            let date = [String(day.year), pad(day.month), pad(day.day)].prefix(p.datePrecision == .day ? 3 : p.datePrecision == .month ? 2 : 1).joined(separator: "/")
            tags.append(MetaTagView(name: "citation_publication_date", content: date))
            tags.append(MetaTagView(name: "citation_online_date", content: date))
        }
        if let venue = p.venue {
            tags.append(MetaTagView(name: Venue.isConference(venue) ? "citation_conference_title" : "citation_journal_title", content: venue))
        }
        if let arxiv = p.arxiv { tags.append(MetaTagView(name: "citation_arxiv_id", content: arxiv)) }
        if let doi = p.doi { tags.append(MetaTagView(name: "citation_doi", content: doi)) }
        if let pdf = p.links.pdf, host(of: pdf) == host(of: input.pageURL) {
            tags.append(MetaTagView(name: "citation_pdf_url", content: pdf))
        }
        tags.append(MetaTagView(name: "citation_abstract_html_url", content: input.pageURL))
        if !input.tags.isEmpty {
            tags.append(MetaTagView(name: "citation_keywords", content: input.tags.map(\.name).joined(separator: "; ")))
        }
        if !input.language.isEmpty { tags.append(MetaTagView(name: "citation_language", content: input.language)) }
        return tags
    }

    /// Open Graph and Twitter card tags for a paper.
    static func openGraph(_ input: Input) -> [MetaTagView] {
        let p = input.paper
        var tags = [
            MetaTagView(property: "og:type", content: "article"),
            MetaTagView(property: "og:title", content: p.title),
            MetaTagView(property: "og:url", content: input.pageURL),
            MetaTagView(property: "og:site_name", content: input.siteTitle),
        ]
        if !input.summary.isEmpty { tags.append(MetaTagView(property: "og:description", content: input.summary)) }
        if let published = p.publishedISO { tags.append(MetaTagView(property: "article:published_time", content: published)) }
        if let updated = p.updated { tags.append(MetaTagView(property: "article:modified_time", content: updated.iso)) }
        tags += p.authors.map { MetaTagView(property: "article:author", content: $0) }
        tags += input.tags.map { MetaTagView(property: "article:tag", content: $0.name) }
        tags.append(MetaTagView(name: "twitter:card", content: "summary"))
        tags.append(MetaTagView(name: "twitter:title", content: p.title))
        if !input.summary.isEmpty { tags.append(MetaTagView(name: "twitter:description", content: input.summary)) }
        return tags
    }

    /// Open Graph tags for pages that are not papers.
    static func openGraph(title: String, description: String, url: String, siteTitle: String) -> [MetaTagView] {
        var tags = [
            MetaTagView(property: "og:type", content: "website"),
            MetaTagView(property: "og:title", content: title),
            MetaTagView(property: "og:url", content: url),
            MetaTagView(property: "og:site_name", content: siteTitle),
        ]
        if !description.isEmpty { tags.append(MetaTagView(property: "og:description", content: description)) }
        tags.append(MetaTagView(name: "twitter:card", content: "summary"))
        return tags
    }

    /// schema.org ScholarlyArticle, as the text of a JSON-LD script block.
    static func jsonLD(_ input: Input) -> String {
        let p = input.paper
        var article: [String: JSONValue] = [
            "@context": "https://schema.org",
            "@type": "ScholarlyArticle",
            "name": .string(p.title),
            "headline": .string(p.title.count > 110 ? String(p.title.prefix(109)) + "…" : p.title),
            "url": .string(input.pageURL),
            "mainEntityOfPage": .string(input.pageURL),
            "inLanguage": .string(input.language),
            "isPartOf": ["@type": "WebSite", "name": .string(input.siteTitle), "url": .string(input.siteURL)],
        ]
        if let published = p.publishedISO { article["datePublished"] = .string(published) }
        if let updated = p.updated { article["dateModified"] = .string(updated.iso) }
        if !p.authors.isEmpty { article["author"] = .array(p.authors.map { ["@type": "Person", "name": .string($0)] }) }
        if !input.abstractText.isEmpty { article["abstract"] = .string(input.abstractText) }
        if !input.tags.isEmpty { article["keywords"] = .strings(input.tags.map(\.name)) }
        var identifiers: [JSONValue] = []
        var sameAs: [String] = []
        if let arxiv = p.arxiv {
            identifiers.append(["@type": "PropertyValue", "propertyID": "arXiv", "value": .string(arxiv)])
            sameAs.append("https://arxiv.org/abs/\(arxiv)")
        }
        if let doi = p.doi {
            identifiers.append(["@type": "PropertyValue", "propertyID": "DOI", "value": .string(doi)])
            sameAs.append(FeedIdentity.doiURL(doi))
        }
        if let url = p.links.url { sameAs.append(url) }
        if !identifiers.isEmpty { article["identifier"] = .array(identifiers) }
        if !sameAs.isEmpty { article["sameAs"] = .strings(sameAs) }
        return JSONText.encode(.object(article))
    }

    private static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

    private static func host(of url: String) -> String? {
        URLComponents(string: url)?.host?.lowercased()
    }
}

/// The identity of a paper in feeds: its arXiv abstract URL, else its DOI
/// URL, else its page on the site.
enum FeedIdentity {
    static func id(for paper: Paper, pageURL: String) -> String {
        if let arxiv = paper.arxiv { return "https://arxiv.org/abs/\(arxiv)" }
        if let doi = paper.doi { return doiURL(doi) }
        return pageURL
    }

    static func doiURL(_ doi: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "https://doi.org/" + (doi.addingPercentEncoding(withAllowedCharacters: allowed) ?? doi)
    }
}
