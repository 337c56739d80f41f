import Foundation
import Testing
@testable import PapersiteCore

/// An incremental build keeps a file when its fingerprint is the one the
/// last build recorded. So for every kind of edit, every file whose bytes
/// change must get a new fingerprint: a page that shows an input its
/// fingerprint leaves out would stay stale. Each edit here is built clean
/// beside the unedited site, and every file is compared.
@Suite struct FingerprintSoundnessTests {
    typealias Edit = (name: String, apply: @Sendable (TestSite) throws -> Void)

    static let edits: [Edit] = [
        ("a title", { try $0.edit("content/papers/attention.md") { $0.replacingOccurrences(of: "title: Attention Is All You Need", with: "title: Attention Is Still All You Need") } }),
        ("an abstract", { try $0.edit("content/papers/attention.md") { $0.replacingOccurrences(of: "complex recurrent", with: "simple recurrent") } }),
        ("an author", { try $0.edit("content/papers/attention.md") { $0.replacingOccurrences(of: "Noam Shazeer", with: "N. Shazeer") } }),
        ("a date", { try $0.edit("content/papers/attention.md") { $0.replacingOccurrences(of: "date: 2017-06-12", with: "date: 2025-06-12") } }),
        ("no date", { try $0.edit("content/papers/attention.md") { $0.replacingOccurrences(of: "date: 2017-06-12\n", with: "") } }),
        ("a tag", { try $0.edit("content/papers/attention.md") { $0.replacingOccurrences(of: "tags: [NLP]", with: "tags: [NLP, Translation]") } }),
        ("a tag other papers have", { try $0.edit("content/papers/attention.md") { $0.replacingOccurrences(of: "tags: [NLP]", with: "tags: [NLP, Diffusion]") } }),
        ("a venue", { try $0.edit("content/papers/attention.md") { $0.replacingOccurrences(of: "venue: NeurIPS 2017", with: "venue: ICML 2017") } }),
        ("the notes", { try $0.edit("content/papers/attention.md") { $0.replacingOccurrences(of: "Tuesday", with: "Wednesday") } }),
        ("a new paper", { try $0.write("content/papers/new.md", paperFile("title: A New Paper on Diffusion\ndate: 2024-05-03\nauthors: [Ada Lovelace]")) }),
        ("a removed paper", { try FileManager.default.removeItem(at: $0.root.appendingPathComponent("content/papers/attention.md")) }),
        ("the site's title", { try $0.edit("content/site.yml") { $0.replacingOccurrences(of: "title: Group Papers", with: "title: Group Papers Weekly") } }),
        ("papers per page", { try $0.edit("content/site.yml") { $0.replacingOccurrences(of: "papers_per_page: 2", with: "papers_per_page: 3") } }),
        ("the feed limit", { try $0.edit("content/site.yml") { $0.replacingOccurrences(of: "limit: 3", with: "limit: 1") } }),
        ("a tag rule", { try $0.edit("content/site.yml") { $0.replacingOccurrences(of: "match: [diffusion]", with: "match: [diffusion, scale]") } }),
        ("the card template", { try $0.edit("Themes/default/templates/partials/card.mustache") { $0.replacingOccurrences(of: "<li", with: "<li data-edited") } }),
        ("the base template", { try $0.edit("Themes/default/templates/base.mustache") { $0.replacingOccurrences(of: "</footer>", with: "<!-- edited --></footer>") } }),
    ]

    /// Every output file's bytes and fingerprint after a clean build of `site` into `folder`.
    func build(_ site: TestSite, into folder: String) throws -> [String: (bytes: Data, fingerprint: UInt64?)] {
        let output = site.root.appendingPathComponent(folder)
        var options = BuildOptions(siteRoot: site.root, output: output)
        options.clean = true
        _ = try SiteBuilder(options: options).build()
        let cache = CacheStore(folder: options.cacheFolder, output: output.standardizedFileURL.path, identity: CacheStore.programIdentity(), clean: false)
        return try tree(output).reduce(into: [:]) { result, entry in
            result[entry.key] = (entry.value, cache.outputs[OutputManifest.key(entry.key)])
        }
    }

    /// A card that shows every field a card has, where the default theme's
    /// shows some: a theme may show any field, and a field shown must be
    /// in the fingerprint of every page the card is on.
    static let everyCardField = """
        <li>{{title}} {{{title_html}}} {{url}} {{#authors}}{{name}} {{url}} {{last}};{{/authors}} {{authors_short}}
        {{date_iso}} {{date}} {{has_date}} {{#tags}}{{name}} {{slug}} {{url}} {{count}};{{/tags}} {{has_tags}} {{summary}}</li>

        """

    @Test(arguments: 0..<edits.count, [false, true])
    func aChangedFileHasANewFingerprint(_ k: Int, everyField: Bool) throws {
        let site = try TestSite(fixture: "basic-site")
        defer { site.remove() }
        if everyField { try site.write("Themes/default/templates/partials/card.mustache", Self.everyCardField) }
        let before = try build(site, into: "before")
        #expect(before.values.contains { $0.fingerprint != nil }, "the build recorded fingerprints")
        try Self.edits[k].apply(site)
        let after = try build(site, into: "after")
        var changed = 0
        for (file, new) in after {
            guard let old = before[file], let oldPrint = old.fingerprint, let newPrint = new.fingerprint else { continue }
            if old.bytes != new.bytes {
                changed += 1
                #expect(oldPrint != newPrint, "after editing \(Self.edits[k].name), \(file) changed but its fingerprint did not")
            }
        }
        #expect(changed > 0, "editing \(Self.edits[k].name) changes some file")
    }
}
