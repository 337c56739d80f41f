import Mustache

/// A view a template reads by name (`{{title}}`, `{{#authors}}`).
///
/// Views answer with a `TemplateValue`, so rendering needs no dynamic
/// casts: with swift-mustache, every name looked up went through several
/// `as?` casts of `Any`, which was most of a build's time.
protocol TemplateObject {
    func value(named name: String) -> TemplateValue
}

/// A list a template iterates (`{{#papers}}...{{/papers}}`).
protocol TemplateList {
    var count: Int { get }
    func element(at index: Int) -> TemplateValue
}

extension Array: TemplateList where Element: TemplateObject {
    func element(at index: Int) -> TemplateValue { .object(self[index]) }
}

/// What a name stands for. The meanings follow swift-mustache, the
/// reference renderer: text and numbers are shown (escaped unless in
/// `{{{...}}}`), and open a section once (even empty text; views give
/// `.none` for "nothing"); a Bool opens it when true; an object opens it
/// once with the object on top of the context; a list once per element.
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

/// A view seen through swift-mustache's `MustacheParent`, so that the
/// reference renderer can render exactly what papersite's renderer does
/// (the tests compare the two on every template).
struct MustacheBridge: MustacheParent {
    let object: any TemplateObject

    func child(named name: String) -> Any? {
        Self.any(object.value(named: name))
    }

    static func any(_ value: TemplateValue) -> Any? {
        switch value {
        case .none: nil
        case .bool(let b): b
        case .text(let s): s
        case .number(let n): n
        case .object(let o): MustacheBridge(object: o)
        case .list(let l): (0..<l.count).map { any(l.element(at: $0)) }
        }
    }
}
