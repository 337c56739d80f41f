import Foundation
import Testing
@testable import PapersiteCore

/// The Mustache specification's own tests (`Fixtures/mustache-spec`),
/// rendered by papersite's template engine: comments, delimiters,
/// interpolation, inverted sections, partials, sections, and the optional
/// inheritance and dynamic names.
@Suite struct MustacheSpecTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        var name: String
        var template: String
        var partials: [String: String]
        var data: JSONValue
        var expected: String
        var testDescription: String { "\(file): \(name)" }
    }

    static let cases: [Case] = {
        let folder = fixturesRoot.appendingPathComponent("mustache-spec")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        struct Module: Decodable {
            struct Test: Decodable { var name: String, template: String, partials: [String: String]?, data: JSONValue, expected: String }
            var tests: [Test]
        }
        return files.flatMap { file -> [Case] in
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(file)),
                  let module = try? JSONDecoder().decode(Module.self, from: data) else { return [] }
            return module.tests.map { test in
                Case(file: file, name: test.name, template: test.template, partials: test.partials ?? [:], data: test.data, expected: test.expected)
            }
        }
    }()

    @Test func theSuiteIsThere() {
        // Eight modules, 184 tests: a missing file would pass silently below.
        #expect(Set(Self.cases.map(\.file)).count == 8)
        #expect(Self.cases.count == 184)
    }

    @Test(arguments: cases) func rendersAsTheSpecificationSays(_ test: Case) throws {
        var templates: [String: CompiledTemplate] = [:]
        for (name, text) in test.partials { templates[name] = try CompiledTemplate.compile(text) }
        templates["\u{0}test"] = try CompiledTemplate.compile(test.template)
        let library = TemplateLibrary(templates: templates)
        #expect(library.render(value: test.data.templateValue, template: "\u{0}test") == test.expected)
    }
}

/// JSON data as template values, as the specification's tests give it
/// (decoded by type: `true` is not 1).
indirect enum JSONValue: Sendable, Decodable {
    case null, bool(Bool), number(String), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .number(String(i)) }
        else if let d = try? c.decode(Double.self) { self = .number(String(d)) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    var templateValue: TemplateValue {
        switch self {
        case .null: .none
        case .bool(let b): .bool(b)
        case .number(let n): .text(n)
        case .string(let s): .text(s)
        case .array(let a): .list(JSONList(items: a))
        case .object(let o): .object(JSONObject(fields: o))
        }
    }
}

struct JSONObject: TemplateObject {
    var fields: [String: JSONValue]
    func value(named name: String) -> TemplateValue { fields[name]?.templateValue ?? .none }
}

struct JSONList: TemplateList {
    var items: [JSONValue]
    var count: Int { items.count }
    func element(at index: Int) -> TemplateValue { items[index].templateValue }
}
