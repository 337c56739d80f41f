import Foundation
import Testing
@testable import PapersiteCore

/// The hand-written JSON parser that reads JSON records, against
/// JSONTestSuite's files (Fixtures/json-test-suite) and JSONSerialization,
/// which reads the records it gives up on: it must never accept what is not
/// JSON, and where both read a document, they read the same value.
struct ParsedJSONTests {
    static let folder = fixturesRoot.appendingPathComponent("json-test-suite/test_parsing")

    static func cases() throws -> [(name: String, bytes: Data)] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map {
            ($0, try Data(contentsOf: folder.appendingPathComponent($0)))
        }
    }

    /// A value as both parsers can be compared on: members by name (the
    /// last of a repeated name), numbers by their value.
    indirect enum Comparable: Equatable {
        case string(String), number(Double), null, array([Comparable]), object([String: Comparable])

        init(_ value: ParsedJSON) {
            switch value {
            case .string(let s): self = .string(s)
            case .number(let n): self = .number(Double(n) ?? .nan)
            case .bool(let b): self = .number(b ? 1 : 0)
            case .null: self = .null
            case .array(let items): self = .array(items.map(Comparable.init))
            case .object(let members):
                var fields: [String: Comparable] = [:]
                for member in members { fields[member.name] = Comparable(member.value) }
                self = .object(fields)
            }
        }
    }

    static func parse(_ data: Data) -> ParsedJSON? { data.withUnsafeBytes { ParsedJSON.parse($0) } }

    static func foundation(_ data: Data) -> ParsedJSON? {
        (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)).flatMap { ParsedJSON(foundation: $0) }
    }

    @Test func everyDocumentTheSuiteSaysIsJSONIsRead() throws {
        let accepted = try Self.cases().filter { $0.name.hasPrefix("y_") }
        #expect(accepted.count > 90)
        for (name, bytes) in accepted {
            #expect(Self.parse(bytes) != nil, "\(name)")
        }
    }

    @Test func noDocumentTheSuiteSaysIsNotJSONIsRead() throws {
        let rejected = try Self.cases().filter { $0.name.hasPrefix("n_") }
        #expect(rejected.count > 180)
        for (name, bytes) in rejected {
            #expect(Self.parse(bytes) == nil, "\(name)")
        }
    }

    /// Every document either parser reads: the other reads it too (or
    /// this one gives up: JSONSerialization then decides), as the same value.
    @Test func whatItReadsJSONSerializationReadsTheSame() throws {
        var compared = 0
        for (name, bytes) in try Self.cases() {
            guard let mine = Self.parse(bytes) else { continue }
            let theirs = Self.foundation(bytes)
            #expect(theirs != nil, "\(name): read here, refused by JSONSerialization")
            if let theirs, !name.contains("number") {
                #expect(Comparable(mine) == Comparable(theirs), "\(name)")
                compared += 1
            }
        }
        #expect(compared > 60)
    }

    @Test func escapesMembersAndNumbersAreRead() {
        let line = #"{"t": "a\"b\\c\/d\n\u00e9\ud83d\ude00 é", "n": -1.5e3, "l": [true, false, null, {}], "t": "last"}"#
        let value = Data(line.utf8).withUnsafeBytes { ParsedJSON.parse($0) }
        #expect(value?["t"] == .string("last"), "the last of a repeated name")
        var first: ParsedJSON? = nil
        if case .object(let members)? = value { first = members.first?.value }
        #expect(first == .string("a\"b\\c/d\né😀 é"))
        #expect(value?["n"] == .number("-1.5e3"))
        #expect(value?["l"] == .array([.bool(true), .bool(false), .null, .object([])]))
        for doubtful in [#"{"a": "\ud800"}"#, #"{"a": "\udc00x"}"#, #"{"a": 01}"#, #"{"a": "x"} ,"#, "{\"a\": \"\u{01}\"}"] {
            #expect(Data(doubtful.utf8).withUnsafeBytes { ParsedJSON.parse($0) } == nil, "\(doubtful)")
        }
    }

    /// Read for a record JSONSerialization refuses: each surrogate escape
    /// without its other half is U+FFFD, counted; a pair is its character;
    /// what follows a lone half is read as itself; anything else that is
    /// not JSON is still refused.
    @Test func loneSurrogatesAreReadAsReplacementCharacters() {
        func read(_ text: String) -> ParsedJSON.Item? { Data(text.utf8).withUnsafeBytes { ParsedJSON.parseReplacingLoneSurrogates($0) } }
        let cut = read(#"{"t": "cut \ud83d", "u": "\udc00x\ud800\u0041\ud83d\ude00"}"#)
        #expect(cut?.value["t"] == .string("cut \u{FFFD}"))
        #expect(cut?.value["u"] == .string("\u{FFFD}x\u{FFFD}A😀"))
        #expect(cut?.loneSurrogates == 3)
        #expect(read(#"{"t": "\ud83d\ude00"}"#)?.loneSurrogates == 0)
        for broken in [#"{"t": "\ud800\u00"}"#, #"{"t": "\ud800"#, #"{"t": "\ud800" "#, #"{"t": 01}"#] {
            #expect(read(broken) == nil, "\(broken)")
        }
        #expect(Data(#"{"t": "cut \ud83d"}"#.utf8).withUnsafeBytes { ParsedJSON.parse($0) } == nil, "the strict parse gives up")
    }
}
