import Foundation

/// `papersite new DIR`: a site that builds at once, with every setting
/// shown, one example paper, an about page and its own copy of the
/// default theme to change.
public enum NewSite {
    public enum Failure: Error, CustomStringConvertible {
        case notEmpty(String)
        case cannotWrite(String, String)

        public var description: String {
            switch self {
            case .notEmpty(let path): "\(path) already exists and is not empty; give a new folder"
            case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
            }
        }
    }

    /// The files of a new site, relative to its folder, in order.
    public static var files: [(path: String, text: String)] {
        [(".gitignore", gitignore), ("content/site.yml", settings), ("content/papers/attention-is-all-you-need.md", examplePaper),
         ("content/pages/about.md", aboutPage), ("content/static/.keep", "")]
            + DefaultTheme.files.map { ("Themes/default/\($0.path)", $0.text) }
    }

    /// Writes a new site into `folder`, which must not exist or be empty.
    @discardableResult
    public static func create(at folder: URL) throws(Failure) -> [String] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: folder.path, isDirectory: &isDir) {
            let entries = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? ["?"]
            guard isDir.boolValue, entries.isEmpty else { throw .notEmpty(folder.path) }
        }
        var written: [String] = []
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            do {
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
            } catch {
                throw .cannotWrite(url.path, (error as NSError).localizedDescription)
            }
            written.append(path)
        }
        return written
    }

    static let gitignore = """
        # The built site and papersite's build cache.
        /public/
        /.papersite-cache/

        """

    static let settings = """
# Settings of this papersite site. Every key is optional; an unknown key
# is an error (with a "did you mean"). Full reference: docs/configuration.md in papersite's repository.

# Shown in the header, the page titles and the feeds.
title: My Paper Collection
description: Papers we read and recommend.

# Where the site will live: set this to its real address, with its path if
# it lives under one (https://example.org/reading-group/). Feeds, the
# sitemap and canonical links use it; `papersite build --base-url`
# overrides it for one build.
base_url: https://example.org/

# Pages link to each other relative to their own folder, so public/ works
# at any path of any host and opened from disk. 'absolute' links from
# base_url's path instead.
# links: relative

# The site's language, as a BCP 47 tag (en, de, pt-BR).
language: en

# Who publishes the site (named in the feeds). All three keys are optional.
author:
  name: My Lab
  # email: lab@example.org
  # url: https://example.org/

# A folder under Themes/. This site has its own copy of the default theme:
# change anything in Themes/default/ and rebuild.
theme: default

# Papers on each list page (home, tags, authors, years).
papers_per_page: 20

# Related papers listed on each paper page, found from the titles and
# abstracts (0: none).
related_papers: 5

feed:
  # The newest papers in each feed (site, tag and author feeds).
  limit: 20
  # full: abstract and notes; summary: the abstract's first sentences.
  content: full

markdown:
  # Let HTML written in abstracts and notes through (false: shown as text).
  raw_html: false
  # Curly quotes, en and em dashes from straight quotes and -- and ---.
  smart_punctuation: false

# Math between $...$ and $$...$$: none keeps the LaTeX as written; katex
# typesets it with KaTeX, copied into the site (Debian: apt-get install libjs-katex).
math: none

# Tags from phrases in each paper's title and abstract, on top of the tags
# a record gives: case-insensitive, whole words, a hyphen matches a space,
# and a trailing * matches any ending. `papersite check` warns about tags
# that only one paper uses.
tag_rules:
  - tag: Transformers
    match: [transformer*, self-attention, attention mechanism*]
  - tag: Machine Translation
    match: [machine translation, translation task*]

"""

    static let examplePaper = """
---
# One paper. Only title and date are required; the Markdown below the
# front matter is the abstract, and a "## Notes" heading starts your notes.
title: Attention Is All You Need
authors: [Ashish Vaswani, Noam Shazeer, Niki Parmar, Jakob Uszkoreit, Llion Jones, Aidan N. Gomez, Łukasz Kaiser, Illia Polosukhin]
date: 2017-06-12
tags: [Sequence Modelling]
arxiv: 1706.03762
venue: NeurIPS 2017
code: https://github.com/tensorflow/tensor2tensor
---
The dominant sequence transduction models are based on complex recurrent or
convolutional neural networks in an encoder-decoder configuration. We propose
a new simple network architecture, the Transformer, based solely on attention
mechanisms, dispensing with recurrence and convolutions entirely. Experiments
on two machine translation tasks show these models to be superior in quality
while being more parallelizable and requiring significantly less time to train.

## Notes

Scaled dot-product attention divides by $\\sqrt{d_k}$ so that the softmax
stays out of its flat regions for large key dimensions. Read with the
[about page](../../about/) for how this site is made.

"""

    static let aboutPage = """
---
title: About
description: What this site is and how it is made.
weight: 10
---
This site is made with **papersite**. Each paper is a Markdown file in
`content/papers/` (BibTeX, arXiv responses and listings work too); pages
such as this one are in `content/pages/`.

- `papersite serve` shows the site at http://127.0.0.1:1313/ and reloads
  it as you edit.
- `papersite check` finds broken links and records that need attention.
- `papersite build` writes the site to `public/`, ready for any static host.

"""
}
