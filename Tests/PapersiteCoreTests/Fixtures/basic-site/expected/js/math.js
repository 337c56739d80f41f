// Typesets the math that papersite marked up (span.math) with KaTeX,
// loaded only on pages that have math when site.yml says `math: katex`.
(function () {
  "use strict";
  function strip(tex, display) {
    if (display) {
      if (tex.slice(0, 2) === "$$") { return tex.slice(2, -2); }
      return tex.slice(2, -2); // \[ ... \]
    }
    if (tex.charAt(0) === "$") { return tex.slice(1, -1); }
    return tex.slice(2, -2); // \( ... \)
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (typeof katex === "undefined") { return; }
    var spans = document.querySelectorAll("span.math");
    Array.prototype.forEach.call(spans, function (span) {
      var display = span.classList.contains("display");
      var source = span.textContent;
      try {
        katex.render(strip(source, display), span, { displayMode: display, throwOnError: false });
        span.setAttribute("data-tex", source);
      } catch (e) {
        span.textContent = source;
      }
    });
  });
})();
