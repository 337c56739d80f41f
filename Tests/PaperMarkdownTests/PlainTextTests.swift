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
