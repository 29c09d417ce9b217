/*
 * What scrolls can be scrolled from the keyboard: a display formula, a table or a notebook cell
 * wider than its column gets tabindex="0", so Tab reaches it and the arrow keys scroll it (WCAG 2.1.1; axe's
 * scrollable-region-focusable). Material does the same for its own code blocks. Checked on load
 * and again when the window is resized; nothing that fits gets an extra tab stop.
 */
(function () {
  "use strict";
  var SELECTOR = [
    ".md-typeset .katex-display", // a wide formula
    ".md-typeset__scrollwrap", // a wide table
    ".jupyter-wrapper .highlight-ipynb", // a notebook's code cell
    ".jupyter-wrapper .jp-OutputArea-output pre", // a notebook's printed output
  ].join(", ");

  function mark() {
    Array.prototype.forEach.call(document.querySelectorAll(SELECTOR), function (node) {
      var scrolls = node.scrollWidth > node.clientWidth + 1;
      if (scrolls && !node.hasAttribute("tabindex")) {
        node.setAttribute("tabindex", "0");
        node.dataset.scrollFocus = "1";
      } else if (!scrolls && node.dataset.scrollFocus) {
        node.removeAttribute("tabindex");
        delete node.dataset.scrollFocus;
      }
    });
  }

  var pending = 0;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(mark, 150);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
  // Fonts change widths: look again once they are in.
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(mark);
})();
