import Dispatch
import Foundation
import Testing
@testable import PaperMarkdown

@Suite struct MarkdownRendererTests {
    let renderer = MarkdownRenderer()

    func html(_ md: String, _ options: MarkdownOptions = MarkdownOptions()) -> String {
        MarkdownRenderer(options: options).render(md).html
    }

    @Test func rendersTables() {
        let out = html("| a | b |\n|---|---|\n| 1 | 2 |\n")
        #expect(out.contains("<table>"))
        #expect(out.contains("<td>1</td>"))
    }

    @Test func rendersStrikethroughAutolinksAndTaskLists() {
        #expect(html("~~gone~~").contains("<del>gone</del>"))
        #expect(html("see https://example.org/x_y now").contains("<a href=\"https://example.org/x_y\">https://example.org/x_y</a>"))
        let tasks = html("- [x] done\n- [ ] todo\n")
        #expect(tasks.contains("type=\"checkbox\""))
        #expect(tasks.contains("checked"))
    }

    @Test func omitsRawHTMLByDefault() {
        let out = html("<script>alert(1)</script>\n\nText <b onclick=\"x()\">bold</b>")
        #expect(!out.contains("<script"))
        #expect(!out.contains("onclick"))
        #expect(out.contains("raw HTML omitted"))
    }

    @Test func tagFilterDisarmsDangerousTagsEvenWhenRawHTMLIsAllowed() {
        let out = html("<em>kept</em>\n\n<script>alert(1)</script>\n", MarkdownOptions(allowRawHTML: true))
        #expect(out.contains("<em>kept</em>"))
        #expect(out.contains("&lt;script>"))
        #expect(!out.contains("<script>"))
    }

    @Test func dropsJavaScriptLinks() {
        let out = html("[click](javascript:alert(1))")
        #expect(!out.contains("javascript:"))
    }

    @Test func plainTextIsProduced() {
        let r = renderer.render("A *b* [c](https://x.org).\n\nSecond.")
        #expect(r.plainText.contains("A b c."))
        #expect(r.plainText.contains("Second."))
    }

    @Test func emptyInput() {
        #expect(renderer.render("").html == "")
    }

    @Test func inlineMathIsVerbatim() {
        let out = html("Cost is $a_1 * b_2 * c_3$ per step.")
        #expect(out == "<p>Cost is <span class=\"math inline\">$a_1 * b_2 * c_3$</span> per step.</p>\n")
    }

    @Test func parenthesisAndBracketMathKeepTheirBackslashes() {
        #expect(html(#"Let \(x_i^2\) be"#) == #"<p>Let <span class="math inline">\(x_i^2\)</span> be</p>"# + "\n")
        #expect(html(#"\[ \sum_i x_i \]"#) == #"<p><span class="math display">\[ \sum_i x_i \]</span></p>"# + "\n")
    }

    @Test func displayMathAcrossLinesIsVerbatim() {
        let out = html("$$\n\\mathcal{O}(n^2) * k_1\n- not a list\n$$\n")
        #expect(out.contains("\\mathcal{O}(n^2) * k_1\n- not a list"))
        #expect(!out.contains("<li>"))
        #expect(!out.contains("<em>"))
    }

    @Test func mathIsDetected() {
        #expect(MathMarkup.containsMath("cost $O(n)$"))
        #expect(MathMarkup.containsMath(#"let \(x\)"#))
        #expect(!MathMarkup.containsMath("costs $5 and $10"))
        #expect(!MathMarkup.containsMath("`$x$` in code"))
        #expect(!MathMarkup.containsMath(#"escaped \$x\$"#))
    }

    @Test func mathInTitlesIsMarkedUpAndEscaped() {
        #expect(MathMarkup.wrap(plainText: "<b> $O(n)$ & $5") == "&lt;b&gt; <span class=\"math inline\">$O(n)$</span> &amp; $5")
    }

    @Test func mathInLinkAttributesIsNotMarkedUp() {
        let out = html("[see $x$](https://e.org/$a$ \"t $b$\")")
        #expect(out == "<p><a href=\"https://e.org/$a$\" title=\"t $b$\">see <span class=\"math inline\">$x$</span></a></p>\n")
    }

    @Test func dollarAmountsAreNotMath() {
        #expect(html("It costs $5 and $10 *now*.") == "<p>It costs $5 and $10 <em>now</em>.</p>\n")
    }

    @Test func mathInCodeIsLeftToCode() {
        #expect(html("`$a_1$` and `x`") == "<p><code>$a_1$</code> and <code>x</code></p>\n")
        let fenced = html("```\n$a_1 * b$\n```\n")
        #expect(fenced == "<pre><code>$a_1 * b$\n</code></pre>\n")
    }

    @Test func escapedDollarStaysLiteral() {
        #expect(html(#"Price \$5 and $x_1$"#) == "<p>Price &#36;5 and <span class=\"math inline\">$x_1$</span></p>\n")
        #expect(html(#"Not math: \$x\$ here"#) == "<p>Not math: &#36;x&#36; here</p>\n")
    }

    @Test func mathIsHTMLEscaped() {
        #expect(html("$a<b>c$") == "<p><span class=\"math inline\">$a&lt;b&gt;c$</span></p>\n")
    }

    /// cmark_parser_finish is not thread-safe with extensions: the lock
    /// must make parallel output identical to serial output.
    @Test func parallelRenderingMatchesSerial() {
        let docs = (0..<400).map { i in
            "Doc \(i): ~~old~~ new, see https://example.org/\(i) and www.example.com/p\(i).\n\n| a | b |\n|---|---|\n| \(i) | $x_\(i)$ |\n\n- [x] task \(i)\n"
        }
        let serial = docs.map { renderer.render($0).html }
        let parallel = ParallelResults(count: docs.count)
        DispatchQueue.concurrentPerform(iterations: docs.count) { i in
            parallel.set(i, renderer.render(docs[i]).html)
        }
        #expect(parallel.values == serial)
        #expect(serial[7].contains("<del>old</del>"))
        #expect(serial[7].contains("<a href=\"https://example.org/7\">"))
    }
}

final class ParallelResults: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String]
    init(count: Int) { storage = Array(repeating: "", count: count) }
    func set(_ i: Int, _ v: String) { lock.withLock { storage[i] = v } }
    var values: [String] { lock.withLock { storage } }
}
