import Foundation

/// What each list of papers holds and how it is named: the site, a tag,
/// an author, a year or a month.
extension SiteRenderer {
    /// "Papers tagged Diffusion on Lab Papers." (no count: feeds outlive it)
    func feedDescription(_ collection: PaperCollection, _ group: CollectionView) -> String {
        switch collection {
        case .all: config.description
        case .tag: "Papers tagged \(group.name) on \(config.title)."
        case .author: "Papers by \(group.name) on \(config.title)."
        case .year, .month: "Papers from \(group.name) on \(config.title)."
        }
    }

    /// A year with more papers than this gets a page for each month too.
    var monthPagesAbove: Int { config.papersPerPage * 5 }

    var pagination: Pagination { Pagination(perPage: config.papersPerPage) }

    /// The month pages of a large year (none for a small one).
    func monthCollections(_ year: Int) -> [PaperCollection] {
        index.papers(in: year).count > monthPagesAbove ? index.months(of: year).map { .month(year, $0) } : []
    }

    /// Whether the collection has its feeds (those `PaperCollection.feed`
    /// names). Feed entries need a date, so a tag or an author whose papers
    /// are all undated has none (undated papers sort last: the first tells).
    func hasFeeds(_ collection: PaperCollection) -> Bool {
        if collection == .all { return true }
        guard let newest = members(collection).first else { return false }
        return index.papers[newest].published != nil
    }

    /// The papers of a collection, newest first.
    func members(_ collection: PaperCollection) -> [Int] {
        switch collection {
        case .all: Array(index.papers.indices)
        case .tag(let slug): index.papers(tagged: slug)
        case .author(let slug): index.papers(by: slug)
        case .year(let year): index.papers(in: year)
        case .month(let year, let month): index.papers(in: year, month: month)
        }
    }

    /// The collection as a named group (nil for the whole site).
    func group(_ collection: PaperCollection) -> CollectionView? {
        switch collection {
        case .all: nil
        case .tag(let slug): collectionView(slug)
        case .author(let slug):
            CollectionView(name: index.authorNames[slug] ?? slug, slug: slug,
                    url: urls.path(collection.location()), count: index.papers(by: slug).count)
        case .year(let year):
            CollectionView(name: String(year), slug: String(year), url: urls.path(collection.location()), count: index.papers(in: year).count)
        case .month(let year, let month):
            CollectionView(name: "\(Day.monthNames[month - 1]) \(year)", slug: String(format: "%d-%02d", year, month),
                    url: urls.path(collection.location()), count: index.papers(in: year, month: month).count)
        }
    }

    /// "3 papers tagged Diffusion.", "3 papers by Ada Lovelace.", "3 papers from 2024."
    func describe(_ collection: PaperCollection, _ group: CollectionView) -> String {
        guard let count = group.count else { return feedDescription(collection, group) }
        let papers = "\(count) paper\(count == 1 ? "" : "s")"
        switch collection {
        case .all: return config.description
        case .tag: return "\(papers) tagged \(group.name)."
        case .author: return "\(papers) by \(group.name)."
        case .year, .month: return "\(papers) from \(group.name)."
        }
    }

    // MARK: Views

    func collectionView(_ slug: String) -> CollectionView {
        let name = index.tagNames[slug] ?? slug
        return CollectionView(name: name, slug: slug, url: urls.path(SiteURLs.tag(slug)), count: index.papers(tagged: slug).count)
    }

    func collectionViews(_ tags: [Tag]) -> [CollectionView] {
        tags.map { CollectionView(name: $0.name, slug: $0.slug, url: urls.path(SiteURLs.tag($0.slug)), count: index.papers(tagged: $0.slug).count) }
    }

    /// The authors of paper `i` as views (links to their pages when `linked`).
    /// (`names`: the paper's display names, from `rendered(i)`, which the caller has at hand.)
    func authorViews(_ i: Int, names: [String], affiliations: [String] = [], linked: Bool = false) -> [AuthorView] {
        let slugs = linked ? index.paperAuthorSlugs[i] : []
        return names.enumerated().map { k, name in
            let affiliation = k < affiliations.count && !affiliations[k].isEmpty ? affiliations[k] : nil
            let url = k < slugs.count ? urls.path(SiteURLs.author(slugs[k])) : nil
            return AuthorView(name: name, last: k == names.count - 1, affiliation: affiliation, url: url)
        }
    }

    /// "A, B, C et al." for more than four authors; nil without authors.
    static func authorsShort(_ names: [String]) -> String? {
        guard !names.isEmpty else { return nil }
        return names.count > 4 ? names.prefix(3).joined(separator: ", ") + " et al." : names.joined(separator: ", ")
    }
}
