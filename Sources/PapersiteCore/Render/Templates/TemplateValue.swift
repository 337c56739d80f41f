/// A view a template reads by name (`{{title}}`, `{{#authors}}`).
///
/// Views answer with a `TemplateValue`, so rendering needs no dynamic
/// casts of `Any`.
protocol TemplateObject {
    func value(named name: String) -> TemplateValue
}

/// A list a template iterates (`{{#papers}}...{{/papers}}`).
protocol TemplateList {
    var count: Int { get }
    func element(at index: Int) -> TemplateValue
}

/// A list that may keep what a section made of each of its elements, and
/// give it back for the same element in another list (a paper's feed entry
/// is the same in every feed it is in). `section(at:in:render:)` is asked
/// for element `index`'s text; `render` makes it, and says whether the
/// text is the element's own: made without any value from around the list
/// (not even `site`: with relative links, its addresses differ by the
/// page's folder). Only such a text may be kept. Sections are made this
/// way only where nothing else changes how they render (no indentation,
/// no parent template's blocks, escaping on).
protocol KeptSections: TemplateList {
    func section(at index: Int, in template: CompiledTemplate, render: () -> (text: String, isOwn: Bool)) -> String
}

extension Array: TemplateList where Element: TemplateObject {
    func element(at index: Int) -> TemplateValue { .object(self[index]) }
}

/// What a name stands for, as the Mustache specification has it: text and
/// numbers are shown (escaped unless in `{{{...}}}`), and open a section
/// once (even empty text; views give `.none` for "nothing"); a Bool opens
/// it when true; an object opens it once with the object on top of the
/// context; a list once per element.
enum TemplateValue {
    case none
    case bool(Bool)
    case text(String)
    case number(Int)
    case object(any TemplateObject)
    case list(any TemplateList)

    init(_ value: String) { self = .text(value) }
    init(_ value: String?) { self = value.map { .text($0) } ?? .none }
    init(_ value: Bool) { self = .bool(value) }
    init(_ value: Int) { self = .number(value) }
    init(_ value: Int?) { self = value.map { .number($0) } ?? .none }
    init<T: TemplateObject>(_ value: T) { self = .object(value) }
    init<T: TemplateObject>(_ value: T?) { self = value.map { .object($0) } ?? .none }
    init<T: TemplateObject>(_ value: [T]) { self = .list(value) }
    init<T: TemplateObject>(_ value: [T]?) { self = value.map { .list($0) } ?? .none }
    init(_ value: TemplateValue) { self = value }
}
