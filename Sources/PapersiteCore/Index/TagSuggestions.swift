import Foundation

/// `papersite tags suggest`: candidate tag rules from the corpus, for a
/// curator tagging a listing. Candidates are phrases of one to three words
/// (and "x of y") and acronyms that at least `minimumPapers` papers use in
/// their title or abstract, that no tag rule and no tag covers yet, and
/// that at most half of the papers use (a word every paper has is no topic).
/// A phrase inside a longer one that nearly all its papers share gives way
/// to the longer one; singular and plural are one candidate (`field*`), and
/// an acronym joins the phrase it abbreviates (NeRF, neural radiance
/// fields). The most distinctive come first: many papers, but not too many,
/// and longer phrases before single words.
///
/// Written by hand: it is a few counts over words, and the rules it prints
/// must match the way `TagMatcher` reads them.
public struct TagSuggestions: Sendable {
    public struct Suggestion: Sendable, Hashable {
        public var tag: String
        public var match: [String]
        public var papers: Int
        /// The title of one of its papers, as an example.
        public var example: String
    }

    public var minimumPapers: Int
    public var limit: Int

    public init(minimumPapers: Int = 3, limit: Int = 25) {
        self.minimumPapers = minimumPapers
        self.limit = limit
    }

    private struct Candidate {
        var papers: Set<Int> = []
        /// Surface forms (lower-case) and how often each occurs.
        var forms: [String: Int] = [:]
        var words: [String] = []
        var isAcronym = false
        /// Papers that have it in their title: topics are named in titles.
        var inTitles: Set<Int> = []
    }

    public func suggest(papers: [Paper], rules: [TagRule], tags: [String]) -> [Suggestion] {
        let n = papers.count
        guard n > 0 else { return [] }
        var candidates: [String: Candidate] = [:]
        for (i, paper) in papers.enumerated() {
            let titleSegments = Self.segments(paper.title).count
            for (number, segment) in (Self.segments(paper.title) + Self.segments(paper.abstract)).enumerated() {
                let inTitle = number < titleSegments
                let lower = segment.map { $0.lowercased() }
                for start in lower.indices {
                    for length in 1...3 where start + length <= lower.count {
                        let words = Array(lower[start..<start + length])
                        guard Self.isPhrase(words) else { continue }
                        var key = words
                        key[key.count - 1] = Self.singular(key[key.count - 1])
                        let id = key.joined(separator: " ")
                        candidates[id, default: Candidate(words: key)].papers.insert(i)
                        candidates[id]!.forms[words.joined(separator: " "), default: 0] += 1
                        if inTitle { candidates[id]!.inTitles.insert(i) }
                    }
                    let word = segment[start]
                    if Self.isAcronym(word) {
                        let base = Self.singular(word)
                        let id = "#" + base
                        candidates[id, default: Candidate(words: [base], isAcronym: true)].papers.insert(i)
                        candidates[id]!.forms[word, default: 0] += 1
                        if inTitle { candidates[id]!.inTitles.insert(i) }
                    }
                }
            }
        }

        // Papers enough, but not most of them; not covered already: no rule
        // matches it, no tag is named so, and its papers do not mostly share a tag.
        let matcher = TagMatcher(rules: rules)
        let taken = Set((tags + rules.map(\.tag)).map { Slug.make($0) })
        let paperTags: [Set<String>] = papers.map { paper in
            Set((matcher.tags(for: paper.title + "\n" + paper.abstract) + paper.tags).map { Slug.make($0) })
        }
        func mostlyTagged(_ members: Set<Int>) -> Bool {
            var counts: [String: Int] = [:]
            for i in members { for tag in paperTags[i] { counts[tag, default: 0] += 1 } }
            return counts.values.contains { $0 * 5 >= members.count * 4 }
        }
        var kept = candidates.filter { _, c in
            c.papers.count >= minimumPapers && c.papers.count * 2 <= n
                && c.forms.keys.allSatisfy { matcher.tags(for: $0).isEmpty }
                && !taken.contains(Slug.make(c.words.joined(separator: " ")))
                && !mostlyTagged(c.papers)
        }
        // A phrase gives way to a longer one that has most of its papers.
        for (id, c) in kept where !c.isAcronym {
            let longer = kept.contains { other, o in
                !o.isAcronym && o.words.count > c.words.count && Self.contains(o.words, c.words)
                    && o.papers.count * 4 >= c.papers.count * 3
            }
            if longer { kept[id] = nil }
        }
        // An acronym joins the phrase it abbreviates.
        var joined: [String: String] = [:]   // acronym id → phrase id
        for (id, c) in kept where c.isAcronym {
            let letters = c.words[0].filter { $0.isUppercase }.lowercased()
            let match = kept.filter { _, p in
                !p.isAcronym && p.words.count >= 2
                    && String(p.words.filter { $0 != "of" }.compactMap(\.first)) == letters
            }.max { ($0.value.papers.count, $1.key) < ($1.value.papers.count, $0.key) }
            if let match { joined[id] = match.key }
        }

        var suggestions: [(score: Double, suggestion: Suggestion)] = []
        for (id, c) in kept where joined[id] == nil {
            var members = c.papers, inTitles = c.inTitles
            var match = [Self.pattern(c)]
            var name = c.isAcronym ? c.words[0] : c.words.map(Self.capitalised).joined(separator: " ")
            for (acronym, phrase) in joined.sorted(by: { $0.key < $1.key }) where phrase == id {
                let a = kept[acronym]!
                members.formUnion(a.papers)
                inTitles.formUnion(a.inTitles)
                match += a.forms.keys.sorted()
                name += " (\(a.words[0]))"
            }
            let df = Double(members.count)
            var score = df * log(Double(n) / df) * (1 + 0.5 * Double(c.words.count - 1))
            if c.words.count == 1 && !c.isAcronym {
                guard inTitles.count >= 2 else { continue }   // a single word is a topic when titles use it
                score *= 0.5
            }
            score *= 1 + 3 * Double(inTitles.count) / df
            let example = Self.clip(papers[members.min()!].title)
            suggestions.append((score, Suggestion(tag: name, match: match, papers: members.count, example: example)))
        }
        suggestions.sort { $0.score != $1.score ? $0.score > $1.score : $0.suggestion.tag < $1.suggestion.tag }
        return suggestions.prefix(limit).map(\.suggestion)
    }

    /// Runs of words between punctuation: a phrase never spans a comma or
    /// a full stop. Hyphens inside a word stay (`self-supervised`).
    static func segments(_ text: String) -> [[String]] {
        var segments: [[String]] = [], current: [String] = [], word = ""
        func endWord() {
            while word.hasSuffix("-") { word.removeLast() }
            if !word.isEmpty { current.append(word) }
            word = ""
        }
        func endSegment() {
            endWord()
            if !current.isEmpty { segments.append(current) }
            current = []
        }
        for ch in text {
            if ch.isLetter || ch.isNumber {
                word.append(ch)
            } else if ch == "-" && !word.isEmpty {
                word.append(ch)
            } else if ch.isWhitespace {
                endWord()
            } else {
                endSegment()
            }
        }
        endSegment()
        return segments
    }

    /// Words that can start or end a phrase: not stop words, not numbers,
    /// and a single word only when it is long enough to name a topic.
    static func isPhrase(_ words: [String]) -> Bool {
        guard let first = words.first, let last = words.last else { return false }
        for word in [first, last] where stopWords.contains(word) || weakEdges.contains(singular(word))
            || word.allSatisfy({ $0.isNumber }) || word.count < 3 { return false }
        if words.count == 1 { return first.count >= 5 && !genericWords.contains(singular(first)) }
        if words.count == 3 { return !stopWords.contains(words[1]) || words[1] == "of" }
        return true
    }

    /// ViT, NeRF, LLMs, GPT-4, RLHF: two capitals or more, a capital first;
    /// words in capitals only up to six letters (longer ones are shouting).
    static func isAcronym(_ word: String) -> Bool {
        guard (2...10).contains(word.count), word.first!.isUppercase,
              word.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { return false }
        guard word.filter(\.isUppercase).count >= 2 else { return false }
        return word.contains(where: \.isLowercase) || word.count <= 6
    }

    /// `models` → `model`, `LLMs` → `LLM` (not `process`, `analysis`, `focus`, `bias`).
    static func singular(_ word: String) -> String {
        guard word.count > 3, word.hasSuffix("s") else { return word }
        for ending in ["ss", "is", "us", "as", "ics"] where word.lowercased().hasSuffix(ending) { return word }
        return String(word.dropLast())
    }

    static func contains(_ words: [String], _ part: [String]) -> Bool {
        guard part.count <= words.count else { return false }
        for start in 0...(words.count - part.count) where Array(words[start..<start + part.count]) == part { return true }
        return false
    }

    /// The rule's phrase: with `*` when the papers write it in more than one form.
    private static func pattern(_ c: Candidate) -> String {
        let phrase = c.words.joined(separator: " ")
        if c.isAcronym { return c.forms.keys.sorted().first ?? phrase }
        return c.forms.keys.contains { $0 != phrase } ? phrase + "*" : phrase
    }

    static func capitalised(_ word: String) -> String {
        word == "of" ? word : word.prefix(1).uppercased() + word.dropFirst()
    }

    static func clip(_ title: String) -> String {
        title.count <= 60 ? title : String(title.prefix(57)) + "…"
    }

    /// The suggestions as YAML to paste under `tag_rules:` in `content/site.yml`.
    public static func yaml(_ suggestions: [Suggestion], papers: Int, minimumPapers: Int) -> String {
        var out = "# \(suggestions.count) suggested tag rule\(suggestions.count == 1 ? "" : "s") for \(papers) paper\(papers == 1 ? "" : "s"): phrases and acronyms\n"
        out += "# in at least \(minimumPapers) papers that no tag or rule covers yet, most distinctive first.\n"
        out += "# Keep the ones that are topics, and paste them under tag_rules: in content/site.yml.\n"
        guard !suggestions.isEmpty else { return out }
        out += "tag_rules:\n"
        for s in suggestions {
            out += "  - tag: \(JSONText.encode(.string(s.tag)))    # \(s.papers) papers, e.g. \(s.example)\n"
            out += "    match: [\(s.match.map { JSONText.encode(.string($0)) }.joined(separator: ", "))]\n"
        }
        return out
    }

    static let stopWords: Set<String> = Set(TextTerms.stopWordList).union([
        "a", "an", "as", "at", "be", "by", "in", "is", "it", "of", "on", "or", "to", "we", "no", "do", "so", "if",
        "while", "whose", "yet", "less", "few", "too", "along", "towards", "toward", "against", "beyond", "whereas",
    ])

    /// Words that make a phrase a description, not a topic, when they begin
    /// or end it ("extensive experiments", "achieves state-of-the-art").
    static let weakEdges: Set<String> = [
        "extensive", "experiment", "achieve", "achieves", "trained", "train", "magnitude", "order", "cost", "multiple",
        "accuracy", "top-1", "state-of-the-art", "compared", "existing", "previou", "current", "prior", "proposed",
        "remain", "including", "specific", "diverse", "wide", "range", "variety", "superior", "competitive", "strong",
        "better", "faster", "good", "best", "simple", "promising", "lack", "typically", "usually", "especially",
        "particular", "particularly", "publicly", "open-source", "real-world", "widely", "application", "enable",
        "enables", "leverage", "leveraging", "release", "released", "outperforming", "demonstrating", "showing",
        "consistently", "substantially", "notably", "highly", "fully", "largely", "mainly", "additionally", "finally",
        "specifically", "key", "crucial", "important", "critical", "essential", "popular", "common", "standard",
        "conventional", "traditional", "recent", "modern", "limited", "poor", "improved", "improving", "improve",
        "enhanced", "enhance", "enhancing", "novel", "new", "effective", "efficient", "large-scale", "well",
        "model", "trained", "training", "data", "datasets", "dataset", "result", "setting", "work", "study",
    ]

    /// Single words every field uses: no topic on their own.
    static let genericWords: Set<String> = [
        "model", "learning", "training", "data", "dataset", "result", "method", "approach", "framework",
        "network", "system", "task", "benchmark", "performance", "accuracy", "evaluation", "analysis", "feature",
        "representation", "information", "application", "process", "strategy", "technique", "algorithm", "domain",
        "quality", "baseline", "setting", "input", "output", "level", "number", "space", "structure", "function",
        "however", "furthermore", "moreover", "addition", "further", "across", "various", "specific", "general",
        "challenge", "limitation", "capability", "ability", "potential", "effectiveness", "extensive", "comprehensive",
        "understanding", "generation", "image", "language", "text", "video", "human", "world", "knowledge",
        "vision", "visual", "neural", "pre-trained", "prediction", "classification", "deep", "machine", "supervised",
        "fine-tuned", "multi-modal", "multimodal", "robust", "robustness", "efficiency", "scale", "scaling",
        "inference", "reasoning", "alignment", "adaptation", "transfer", "detection", "recognition", "retrieval",
    ]
}
