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
//
// How: this script runs before Material's bundle, takes the form out of its reach (drops the
// form's data-md-component, which is how the bundle finds its components) and does the
// component's job itself:
// - shows the toggle of the current palette (Material's template renders them hidden);
// - on a reader's first visit, applies the palette whose `media` matches the system's colour
//   scheme, and follows the system while the reader has not chosen; only then, and only for a
//   palette that differs from the one in the HTML, does the page restyle;
// - on a click (or Enter), applies the reader's choice and stores it where Material's inline
//   script reads it on the next page (`__md_set("__palette", {index, color})`);
// - keeps <meta name="theme-color"> (the phone's address bar) and <meta name="color-scheme">
//   in step with the header, as Material does, touching color-scheme only when it changes.
// It relies on Material's `__md_get`/`__md_set`, the palette form's markup and the body's
// `data-md-color-*` attributes (README, "Where the build relies on other packages'
// insides"); tests/browser/test_reading.py clicks the toggle, reloads, and emulates a dark
// system. Without this script Material's component does all of this, as it always does.
(function () {
  "use strict";
  var form = document.querySelector("form[data-md-component=palette]");
  if (!form || typeof __md_get !== "function") return;
  form.removeAttribute("data-md-component");
  form.setAttribute("data-palette", "");

  var KEYS = ["media", "scheme", "primary", "accent"];
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name=__palette]"));
  var body = document.body;
  var current = 0;

  function matching() {
    for (var i = 0; i < inputs.length; i++) {
      if (matchMedia(inputs[i].getAttribute("data-md-color-media")).matches) return i;
    }
    return 0;
  }

  function chosen() {
    var stored = __md_get("__palette");
    var index = stored && typeof stored.index === "number" ? stored.index : matching();
    return Math.max(0, Math.min(index, inputs.length - 1));
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
    if ((shown ? shown.content : "normal") !== scheme) meta("color-scheme").content = scheme;
  }

  function apply(index, store) {
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
    if (store) __md_set("__palette", { index: index, color: color });
  }

  apply(chosen(), false);
  // After the first frame the page's style is computed once already; reading the header's
  // then costs nothing more.
  requestAnimationFrame(function () { setTimeout(headerColours, 0); });

  inputs.forEach(function (input, index) {
    input.addEventListener("change", function () {
      if (!input.checked) return;
      apply(index, true);
      headerColours();
    });
    var media = matchMedia(input.getAttribute("data-md-color-media"));
    media.addEventListener("change", function () {
      if (!__md_get("__palette")) {
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
