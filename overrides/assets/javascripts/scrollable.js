/*
 * What scrolls can be scrolled from the keyboard: a display formula, a table or a notebook cell
 * wider than its column gets tabindex="0", so Tab reaches it and the arrow keys scroll it (WCAG 2.1.1; axe's
 * scrollable-region-focusable). Material does the same for its own code blocks. Checked at load
 * and again when the window is resized; nothing that fits gets an extra tab stop. A block of the
 * article that is not rendered yet (site.css: content-visibility: auto) has no widths to read,
 * so what it holds is checked when Chromium renders it (contentvisibilityautostatechange).
 */
(function () {
  "use strict";
  var SELECTOR = [
    ".md-typeset .katex-display", // a wide formula
    ".md-typeset__scrollwrap", // a wide table
    ".jupyter-wrapper .highlight-ipynb", // a notebook's code cell
    ".jupyter-wrapper .jp-OutputArea-output pre", // a notebook's printed output
  ].join(", ");

  // All widths are read first, then every tabindex is written: a write between two reads made
  // each read lay the page out again (a formula-heavy page was laid out once per formula).
  function mark(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var nodes = Array.prototype.slice.call(scope.querySelectorAll(SELECTOR));
    if (scope !== document && scope.matches(SELECTOR)) nodes.push(scope);
    // A width read inside a block that is not rendered would make Chromium render it now. A
    // formula can be such a block itself: then what it holds is not rendered.
    nodes = nodes.filter(function (node) {
      var inside = node.firstElementChild || node;
      return !inside.checkVisibility || inside.checkVisibility({ contentVisibilityAuto: true });
    });
    var scrolls = nodes.map(function (node) {
      return node.scrollWidth > node.clientWidth + 1;
    });
    nodes.forEach(function (node, i) {
      if (scrolls[i] && !node.hasAttribute("tabindex")) {
        node.setAttribute("tabindex", "0");
        node.dataset.scrollFocus = "1";
      } else if (!scrolls[i] && node.dataset.scrollFocus) {
        node.removeAttribute("tabindex");
        delete node.dataset.scrollFocus;
      }
    });
  }

  // Caught on its way down (capture): the event bubbles in Chromium, not in every browser.
  document.addEventListener("contentvisibilityautostatechange", function (event) {
    if (!event.skipped) mark(event.target);
  }, true);

  var pending = 0;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(markAll, 150);
  });
  // Checked at load, once the page is laid out and its fonts are in (a font requested before
  // load delays it), and when a font arrives later. Not document.fonts.ready: reading it
  // during the parse made Chromium compute the style of the whole page there and then.
  function markAll() {
    mark(document);
  }
  if (document.readyState === "complete") markAll();
  else window.addEventListener("load", markAll);
  if (document.fonts && document.fonts.addEventListener) document.fonts.addEventListener("loadingdone", markAll);
})();
