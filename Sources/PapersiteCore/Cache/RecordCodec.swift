import Foundation

/// Paper records and diagnostics in the cache's byte format. Every field is
/// written: a record read back is equal (`==`) to the one written, which a
/// test checks for every format's reader.
enum RecordCodec {
    static func write(_ p: Paper, to w: inout ByteWriter) {
        var abstract = 0..<0
        write(p, to: &w, abstract: &abstract)
    }

    /// The same; `abstract` is where the abstract's bytes are in `w`.
    static func write(_ p: Paper, to w: inout ByteWriter, abstract: inout Range<Int>) {
        w.string(p.key)
        w.string(p.slug)
        w.string(p.title)
        w.strings(p.authors)
        w.strings(p.affiliations)
        w.optional(p.comment)
        w.optional(p.bibKey)
        w.bool(p.published != nil)
        if let published = p.published { write(published, to: &w) }
        w.byte(p.datePrecision.rawValue)
        w.bool(p.updated != nil)
        if let updated = p.updated { write(updated, to: &w) }
        w.strings(p.tags)
        w.optional(p.arxiv)
        w.optional(p.arxivVersion)
        w.optional(p.doi)
        w.optional(p.links.url)
        w.optional(p.links.pdf)
        w.optional(p.links.code)
        w.optional(p.links.listing)
        w.optional(p.venue)
        let text = p.abstract
        w.string(text)
        abstract = w.bytes.count - text.utf8.count..<w.bytes.count
        w.string(p.notes)
        w.bool(p.draft)
        write(p.source, to: &w)
        w.bool(p.slugIsExplicit)
    }

    /// A record as `write` wrote it (its hash is not set: see `decode`).
    /// `file`: the file the record before came from, shared if the same.
    static func readPaper(_ r: inout ByteReader, file: String? = nil) -> Paper? {
        let key = r.string(), slug = r.string(), title = r.string()
        let authors = r.strings(), affiliations = r.strings()
        let comment = r.optionalString(), bibKey = r.optionalString()
        let published = r.bool() ? readDay(&r) : nil
        let precision = DatePrecision(rawValue: r.byte()) ?? .day
        let updated = r.bool() ? readDay(&r) : nil
        let tags = r.strings()
        let arxiv = r.optionalString(), arxivVersion = r.optionalInt(), doi = r.optionalString()
        let links = Paper.Links(url: r.optionalString(), pdf: r.optionalString(), code: r.optionalString(), listing: r.optionalString())
        let venue = r.optionalString()
        let abstract = readText(&r), notes = r.string()
        let draft = r.bool()
        let source = readLocation(&r, sameFileAs: file)
        let slugIsExplicit = r.bool()
        guard !r.failed else { return nil }
        var paper = Paper(title: title, authors: authors, published: published, datePrecision: precision, updated: updated, tags: tags,
                          arxiv: arxiv, arxivVersion: arxivVersion, doi: doi, links: links, venue: venue,
                          notes: notes, draft: draft, slug: slug, source: source)
        paper.keepAbstract(abstract)
        paper.key = key
        paper.affiliations = affiliations
        paper.comment = comment
        paper.bibKey = bibKey
        paper.slugIsExplicit = slugIsExplicit
        return paper
    }

    /// A text `ByteWriter.string` wrote; where the bytes can be read again
    /// in their file, a long one is left there.
    static func readText(_ r: inout ByteReader) -> PaperText {
        guard let origin = r.origin else { return PaperText(r.string()) }
        let start = r.offset
        let count = Int(clamping: r.uint())
        guard count >= PaperText.storedFrom else {
            r.offset = start
            return PaperText(r.string())
        }
        guard r.bytes(count) != nil else { return PaperText("") }
        return PaperText(in: origin.file, offset: origin.offset + r.offset - count, length: count)
    }

    static func write(_ d: Day, to w: inout ByteWriter) {
        w.int(d.year); w.int(d.month); w.int(d.day)
    }

    static func readDay(_ r: inout ByteReader) -> Day? {
        let year = r.int(), month = r.int(), day = r.int()
        return Day(year: year, month: month, day: day)
    }

    static func write(_ l: SourceLocation, to w: inout ByteWriter) {
        w.string(l.file); w.int(l.line); w.int(l.column)
    }

    /// `file`: a file name to share when the location's is the same.
    static func readLocation(_ r: inout ByteReader, sameFileAs file: String? = nil) -> SourceLocation {
        SourceLocation(file: r.string(sameAs: file), line: r.int(), column: r.int())
    }

    static func write(_ d: Diagnostic, to w: inout ByteWriter) {
        w.int(d.severity == .error ? 1 : d.severity == .note ? 2 : 0)
        w.string(d.message)
        w.bool(d.location != nil)
        if let location = d.location { write(location, to: &w) }
        switch d.outcome {
        case nil: w.int(0)
        case .repaired(let record)?: w.int(1); write(record, to: &w)
        case .skipped(let record)?: w.int(2); write(record, to: &w)
        case .skippedMore(let count)?: w.int(3); w.int(count)
        }
    }

    static func readDiagnostic(_ r: inout ByteReader) -> Diagnostic {
        let code = r.int()
        let severity: Diagnostic.Severity = code == 1 ? .error : code == 2 ? .note : .warning
        let message = r.string()
        let location = r.bool() ? readLocation(&r) : nil
        let outcome: Diagnostic.Outcome?
        switch r.int() {
        case 1: outcome = .repaired(record: readLocation(&r))
        case 2: outcome = .skipped(record: readLocation(&r))
        case 3: outcome = .skippedMore(count: r.int())
        default: outcome = nil
        }
        return Diagnostic(severity, message, at: location, outcome: outcome)
    }

    /// One source file's reading: its papers and the problems found. Each
    /// record is followed by its hash (`hash(_:)`: of the bytes `write`
    /// makes), so that reading records back does not hash them again.
    /// Returns the records' hashes.
    @discardableResult
    static func encode(papers: [Paper], diagnostics: [Diagnostic], to w: inout ByteWriter,
                       parallelism: Parallelism = .allCores) -> [UInt64] {
        let encoded = encodeSegment(papers[...], parallelism: parallelism)
        w.bytes += encoded.bytes
        w.uint(UInt64(diagnostics.count))
        for d in diagnostics { write(d, to: &w) }
        return encoded.hashes
    }

    static func decode(_ r: inout ByteReader) -> (papers: [Paper], diagnostics: [Diagnostic])? {
        guard let papers = decodeSegment(&r) else { return nil }
        let problems = Int(clamping: r.uint())
        guard problems <= r.buffer.count else { return nil }
        var diagnostics: [Diagnostic] = []
        for _ in 0..<problems { diagnostics.append(readDiagnostic(&r)) }
        return r.failed ? nil : (papers, diagnostics)
    }

    /// The records a large file's are stored by, a segment at a time (see
    /// `StoredRecordFiles`): small enough that an edit stores little again,
    /// large enough that a million records are a thousand values.
    static let segmentSize = 1024

    /// Records, each followed by its hash, with their count first; with
    /// where each record's abstract is in the bytes.
    static func encodeSegment(_ papers: ArraySlice<Paper>, parallelism: Parallelism)
        -> (bytes: [UInt8], hashes: [UInt64], abstracts: [Range<Int>]) {
        var w = ByteWriter()
        w.uint(UInt64(papers.count))
        var hashes: [UInt64] = [], abstracts: [Range<Int>] = []
        hashes.reserveCapacity(papers.count)
        abstracts.reserveCapacity(papers.count)
        // A batch of records encoded and hashed on all cores, then copied
        // in order (a snapshot's 100,000 records took a second on one).
        let batch = segmentSize
        for start in stride(from: papers.startIndex, to: papers.endIndex, by: batch) {
            let end = min(papers.endIndex, start + batch)
            let encoded = parallelism.map(end - start) { k -> (bytes: [UInt8], hash: UInt64, abstract: Range<Int>) in
                var one = ByteWriter(capacity: 512 + papers[start + k].abstractText.utf8Count)
                var abstract = 0..<0
                write(papers[start + k], to: &one, abstract: &abstract)
                return (one.bytes, one.bytes.withUnsafeBytes { ContentHash.of($0) }, abstract)
            }
            for record in encoded {
                abstracts.append(record.abstract.lowerBound + w.bytes.count..<record.abstract.upperBound + w.bytes.count)
                w.bytes += record.bytes
                w.fixed(record.hash)
                hashes.append(record.hash)
            }
        }
        return (w.bytes, hashes, abstracts)
    }

    static func decodeSegment(_ r: inout ByteReader) -> [Paper]? {
        let count = Int(clamping: r.uint())
        guard count <= r.buffer.count else { return nil }
        var papers: [Paper] = []
        papers.reserveCapacity(count)
        // The records of a segment come from one file, mostly: one string for its name.
        var file: String? = nil
        for _ in 0..<count {
            guard var paper = readPaper(&r, file: file) else { return nil }
            file = paper.source.file
            // (The value's bytes were checked whole as the cache read them.)
            paper.setRecordHash(r.fixed())
            papers.append(paper)
        }
        return r.failed ? nil : papers
    }

    /// A record's content as one number: equal records, equal hashes.
    static func hash(_ p: Paper) -> UInt64 {
        if let known = p.recordHash { return known }
        var w = ByteWriter(capacity: 1024 + p.abstractText.utf8Count + p.notes.utf8.count)
        write(p, to: &w)
        return w.bytes.withUnsafeBytes { ContentHash.of($0) }
    }
}
