// The light/dark toggle, without three restyles of the whole page at every page load.
//
// Material's bundle mounts a palette component on the header's palette form at start-up, on
// every page. It sets `data-md-color-switching` on <body> (its palette.css stops every
// transition with `[data-md-color-switching] *`, so the style of every element is computed
// again), reads the header's computed style, fills in <meta name="color-scheme"> (which
// restyles the whole page again) and drops the attribute on the next frame (a third time).
// Each of those took 200-270 ms on gradients-and-geometry (10,000 elements) under
// Lighthouse's phone emulation: most of the page's blocking time. At load there is nothing to
// switch: Material's inline script at the top of <body> has already applied a stored palette.
// No upstream report of this found (the closest, squidfunk/mkdocs-material#720, is about
// PageSpeed in general); one is to be filed with the trace.
//
// How: this script runs before Material's bundle, takes the form out of its reach (drops the
// form's data-md-component, which is how the bundle finds its components) and does the
// component's job itself:
// - shows the toggle of the current palette (Material's template renders them hidden);
// - until the reader chooses, applies the palette whose `media` matches the system's colour
//   scheme and follows the system, also while a page is open; it stores that as Material's
//   "follow the system" palette (`media: "(prefers-color-scheme)"`), which Material's inline
//   script resolves before the first paint, so a dark system gets dark pages from the next
//   page on, without a light flash or a restyle; only the first page of a dark system restyles;
// - on a click (or Enter), applies the reader's choice, without transitions as Material does
//   (`data-md-color-switching` for one frame), and stores it where Material's inline script
//   reads it on the next page (`__md_set("__palette", {index, color})`);
// - keeps <meta name="theme-color"> (the phone's address bar) and <meta name="color-scheme">
//   in step with the header, as Material does; a light page without the color-scheme tag is
//   left without it, since adding it restyles the whole page.
// It relies on Material's `__md_get`/`__md_set`, the palette form's markup and the body's
// `data-md-color-*` attributes (README, "Where the build relies on other packages'
// insides"); tests/browser/test_reading.py clicks the toggle, reloads, and emulates a dark
// system. Without this script Material's component does its own version of this (it stores
// the system's palette on the first page and then keeps it).
(function () {
  "use strict";
  var form = document.querySelector("form[data-md-component=palette]");
  if (!form || typeof __md_get !== "function") return;
  form.removeAttribute("data-md-component");
  form.setAttribute("data-palette", "");

  var KEYS = ["media", "scheme", "primary", "accent"];
  var SYSTEM = "(prefers-color-scheme)"; // Material's "follow the system" palette
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name=__palette]"));
  var body = document.body;
  var current = 0;

  function stored() {
    try {
      return __md_get("__palette");
    } catch (error) { // storage blocked, or not JSON
      return null;
    }
  }

  function chosenByReader() {
    var palette = stored();
    return palette && typeof palette.index === "number" && !(palette.color && palette.color.media === SYSTEM) ? palette : null;
  }

  function matching() {
    for (var i = 0; i < inputs.length; i++) {
      if (matchMedia(inputs[i].getAttribute("data-md-color-media")).matches) return i;
    }
    return 0;
  }

  function chosen() {
    var palette = chosenByReader();
    return Math.max(0, Math.min(palette ? palette.index : matching(), inputs.length - 1));
  }

  function meta(name) {
    var element = document.head.querySelector("meta[name=" + name + "]");
    if (!element) {
      element = document.createElement("meta");
      element.name = name;
      document.head.appendChild(element);
    }
    return element;
  }

  function headerColours() {
    var style = getComputedStyle(document.querySelector("[data-md-component=header]") || body);
    var rgb = (style.backgroundColor.match(/\d+/g) || []).slice(0, 3);
    meta("theme-color").content = "#" + rgb.map(function (c) { return (+c).toString(16).padStart(2, "0"); }).join("");
    var scheme = style.colorScheme || "normal";
    var shown = document.head.querySelector("meta[name=color-scheme]");
    var light = scheme === "light" || scheme === "normal";
    if (shown ? shown.content !== scheme : !light) meta("color-scheme").content = scheme;
  }

  function apply(index, byReader) {
    var input = inputs[index];
    var color = {};
    current = index;
    KEYS.forEach(function (key) {
      var value = input.getAttribute("data-md-color-" + key);
      color[key] = value;
      if (body.getAttribute("data-md-color-" + key) !== value) body.setAttribute("data-md-color-" + key, value);
    });
    input.checked = true;
    inputs.forEach(function (other, i) {
      var label = other.nextElementSibling;
      if (label && label.tagName === "LABEL") label.hidden = i !== index;
    });
    if (!byReader) color.media = SYSTEM;
    var before = stored();
    if (!before || before.index !== index || JSON.stringify(before.color) !== JSON.stringify(color)) {
      __md_set("__palette", { index: index, color: color });
    }
  }

  apply(chosen(), Boolean(chosenByReader()));
  // Read the header's colours when the browser is idle: its style is up to date then, so the
  // read costs nothing more. Read any earlier, while the page is still arriving or Material's
  // start-up is changing it, it made Chromium compute the style of the whole page there and
  // then (tasks of 87-160 ms in Lighthouse's phone runs of gradients-and-geometry). Safari has no
  // requestIdleCallback: there, after the first frame.
  if (window.requestIdleCallback) requestIdleCallback(headerColours, { timeout: 3000 });
  else requestAnimationFrame(function () { setTimeout(headerColours, 0); });

  inputs.forEach(function (input, index) {
    input.addEventListener("change", function () {
      if (!input.checked) return;
      body.setAttribute("data-md-color-switching", "");
      apply(index, true);
      headerColours();
      requestAnimationFrame(function () { body.removeAttribute("data-md-color-switching"); });
    });
    matchMedia(input.getAttribute("data-md-color-media")).addEventListener("change", function () {
      if (!chosenByReader()) {
        apply(chosen(), false);
        headerColours();
      }
    });
  });
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    var next = inputs[(current + 1) % inputs.length];
    next.click();
    next.focus();
  });
})();
