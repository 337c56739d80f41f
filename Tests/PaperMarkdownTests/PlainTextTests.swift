import Testing
@testable import PaperMarkdown

@Suite struct PlainTextTests {
    func render(_ text: String) -> String {
        MarkdownRenderer().render(PlainText.markdown(from: text)).html
    }

    @Test func markdownPunctuationStaysText() {
        #expect(render("Use *stars* and _under_ [1] <tag> & # ok") == "<p>Use *stars* and _under_ [1] &lt;tag&gt; &amp; # ok</p>\n")
    }

    @Test func parenthesesAreNotMath() {
        #expect(render("Sparse Autoencoders (SAEs) work.") == "<p>Sparse Autoencoders (SAEs) work.</p>\n")
    }

    @Test func latexHabitsAreTidied() {
        #expect(render("by 90\\% with ``skills'' at~https://x.org/a_b") ==
            "<p>by 90% with \u{201C}skills\u{201D} at <a href=\"https://x.org/a_b\">https://x.org/a_b</a></p>\n")
    }

    @Test func urlsWithUnderscoresBecomeLinks() {
        let out = render("Code: https://github.com/a/On_the_Utility_of_Data.")
        #expect(out.contains("<a href=\"https://github.com/a/On_the_Utility_of_Data\">"))
    }

    @Test func mathSurvives() {
        #expect(render("the F_{1} score and $O(n_1^2)$ cost") == "<p>the F_{1} score and <span class=\"math inline\">$O(n_1^2)$</span> cost</p>\n")
    }

    @Test func lonelyDollarIsText() {
        #expect(render("less than $0.20 via APIs") == "<p>less than &#36;0.20 via APIs</p>\n")
    }
}

@Suite struct PlainTextEscapingTests {
    @Test func escapesOnlyWhatMarkdownReads() {
        #expect(PlainText.markdown(from: "Anti-deSitter spacetimes, spheres (and more): 5.3% better!") == "Anti-deSitter spacetimes, spheres (and more): 5.3% better!")
        #expect(PlainText.markdown(from: "1. Introduction") == "1\\. Introduction")
        #expect(PlainText.markdown(from: "- not a list") == "\\- not a list")
        #expect(PlainText.markdown(from: "# not a heading") == "\\# not a heading")
        #expect(PlainText.markdown(from: "a_b *c* `d` x|y ~z ![i]") == "a\\_b \\*c\\* \\`d\\` x\\|y  z \\!&#91;i&#93;")
    }

    @Test func webAddressesAndWordsAroundThemKeepTheirCharacters() {
        // Plain text is kept as it is, but not past a character the scan handles.
        #expect(PlainText.markdown(from: "We weigh the light height of things.") == "We weigh the light height of things.")
        #expect(PlainText.markdown(from: "Code: http://example.org/a_b and www.example.org/c_d, not e_f.")
                == "Code: http://example.org/a_b and www.example.org/c_d, not e\\_f.")
        #expect(PlainText.markdown(from: "Naïve *sets*") == "Naïve \\*sets\\*")
        #expect(PlainText.markdown(from: "2 sets") == "2 sets")
        #expect(PlainText.markdown(from: "> quoted") == "\\> quoted")
    }

    @Test func renderedTextEqualsTheInput() {
        for text in ["1. Introduction", "- dash", "# hash", "a_b *c* `d` x|y", "<b>&amp;</b>", "+ plus", "> quote", "===", "100%"] {
            let html = MarkdownRenderer().render(PlainText.markdown(from: text)).plainText
            #expect(html.trimmingCharacters(in: .whitespacesAndNewlines) == text, "\(text)")
        }
    }
}
