import Foundation

/// A paper's card, field by field: what `partials/card` shows (title,
/// authors, date, summary, tags), and what related papers list.
struct CardFields: TemplateObject, Sendable {
    var title: String
    /// The title escaped for HTML, with its math marked up.
    var titleHTML: String
    var url: String
    var authors: [AuthorView]
    /// "A, B, C et al." for lists.
    var authorsShort: String?
    /// Nil for an undated paper, as is `date`.
    var dateISO: String?
    var date: String?
    var tags: [CollectionView]
    var summary: String?

    func value(named name: String) -> TemplateValue {
        switch name {
        case "title": .init(title)
        case "title_html": .init(titleHTML)
        case "url": .init(url)
        case "authors": .init(authors.isEmpty ? nil : authors)
        case "authors_short": .init(authorsShort)
        case "date_iso": .init(dateISO)
        case "date": .init(date)
        // Always there, true or false: inside a paper page's list, a missing
        // `date` would be looked up in the page around it.
        case "has_date": .init(date != nil)
        case "tags": .init(tags.isEmpty ? nil : tags)
        case "has_tags": .init(!tags.isEmpty)
        case "summary": .init(summary)
        default: .none
        }
    }
}

/// A paper's card in a list. `card` is `partials/card` already rendered
/// for it (`renderedCard`: once per build, however many lists it is on);
/// the card's fields are there too, for themes that lay lists out
/// differently, made when first asked for.
struct Card: TemplateObject {
    let list: Cards
    let index: Int

    func value(named name: String) -> TemplateValue {
        if name == "card" { return .text(list.renderer.renderedCard(index)) }
        return list.view(index).value(named: name)
    }
}

/// The cards of one list page: one reference to the renderer for all of
/// them, and their fields made only if the theme asks for them.
final class Cards {
    let renderer: SiteRenderer
    private var views: [Int: CardFields] = [:]

    init(renderer: SiteRenderer) { self.renderer = renderer }

    func view(_ i: Int) -> CardFields {
        if let view = views[i] { return view }
        let view = renderer.cardFields(i)
        views[i] = view
        return view
    }
}
