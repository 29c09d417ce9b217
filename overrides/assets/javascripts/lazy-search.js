// Material's search, started when a reader goes to search, on the reader's language only.
//
// 1. Start search when a reader shows they want to search, not on every page load.
// Material for MkDocs fetches search/search_index.json and starts its search worker as soon
// as a page loads (its design since 5.0; the maintainer weighs the trade-off in
// squidfunk/mkdocs-material#471) and has no option to defer either. A language's index is
// 220-280 KB gzip, more than the rest of an article page, and the worker script is another
// 12 KB. mdBook made the same change (rust-lang/mdBook#2553).
// How: this script runs before Material's bundle. It holds back the XMLHttpRequest for the
// index, and hands the bundle a stand-in for the search worker that queues messages, until
// the reader points at, taps or focuses the search box or uses a search shortcut (Material
// then focuses the box). A page opened from a search result (?h=…) highlights the terms,
// which needs the index, so it starts at once. Without this script Material starts search
// at page load, as it always does.
//
// 2. The index of the page's language. Material fetches the one index at the site root; with
// mkdocs-static-i18n that index holds every language (ultrabug/mkdocs-static-i18n#271).
// hooks/code_for_search.py writes one per language, and overrides/partials/search.html names
// the page's (data-search-index); the request for the index goes there instead.
//
// 3. English queries through lunr's English stemmer. Material appends a wildcard to every query
// term, so that "norm" finds "normalization" while the reader types, and lunr never runs a
// wildcard term through its search pipeline, stemmer included. A stemmed index would then
// miss whole words ("normalization*" matches no stem "normal"), which is why Material's
// English settings leave the stemmer out (squidfunk/mkdocs-material#419, #1362), and why
// "normalizing" found only pages with that very word. So the index keeps the words as written,
// and when an index says `lang: ["en"]`, each query word is cut to where it and its stem agree
// ("normalizing" and its stem "normal": "normal"; "accuracies" and "accuraci": "accurac")
// before Material appends the wildcard. The cut is a prefix of the word typed, so a query finds
// everything the word itself would, and the inflected forms. This runs in the worker, where
// lunr is: the worker started here loads a few lines (stemmingWorker) and then Material's
// worker script.
(() => {
  const INDEX = /\/search\/search_index\.json$/;
  const WORKER = /\/workers\/search\.[^/]*\.js$/;
  let released = new URLSearchParams(location.search).has("h");
  const waiting = [];
  const release = () => {
    if (released) return;
    released = true;
    waiting.splice(0).forEach((start) => start());
  };
  const whenReleased = (start) => (released ? start() : waiting.push(start));
  const pathOf = (url) => new URL(String(url), location.href).pathname;
  const named = document.querySelector(".md-search[data-search-index]");
  const ownIndex = named ? new URL(named.dataset.searchIndex, location.href).href : null;

  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.isSearchIndex = INDEX.test(pathOf(url));
    return open.call(this, method, this.isSearchIndex && ownIndex ? ownIndex : url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...args) {
    if (!this.isSearchIndex) return send.apply(this, args);
    whenReleased(() => send.apply(this, args));
  };

  // Runs inside the worker (see 3), before Material's worker script, which it then loads; it
  // is passed to the worker as source text, so it uses nothing from around it.
  function stemmingWorker(materialWorker) {
    const SETUP = 0;
    const QUERY = 2;
    // Material loads lunr's language scripts by paths relative to its own script.
    const load = self.importScripts.bind(self);
    self.importScripts = (...urls) => load(...urls.map((url) => new URL(url, materialWorker).href));
    let english = false;
    const cut = (word) => {
      const token = new lunr.Token(word.toLowerCase());
      if (!lunr.stopWordFilter(token)) return word;
      // A stem's final "i" may stand for "y" or "ies" (entropy, entropies: entropi).
      const stem = lunr.stemmer(token.clone()).toString().replace(/i$/, "");
      let agree = 0;
      while (agree < stem.length && stem[agree] === token.str[agree]) agree++;
      return agree >= 3 ? token.str.slice(0, agree) : word;
    };
    // Words between spaces, hyphenated ones too; not "+word", "-word", "word~1", "title:word"
    // or words in quotes, which Material leaves without a wildcard.
    const stemQuery = (query) => query.replace(
      /(^|\s)([A-Za-z]+(?:-[A-Za-z]+)*)(?=\s|$)/g, (_, space, words) => space + words.split("-").map(cut).join("-"),
    );
    self.addEventListener("message", (event) => {
      const message = event.data;
      if (message.type === SETUP) english = message.data.config.lang.join() === "en";
      if (message.type !== QUERY || !english || message.stemmed) return;
      event.stopImmediatePropagation();
      self.dispatchEvent(new MessageEvent("message", { data: { ...message, data: stemQuery(message.data), stemmed: true } }));
    });
    load(materialWorker);
  }
  const workerFor = (url) => {
    const source = `(${stemmingWorker})(${JSON.stringify(new URL(String(url), location.href).href)});`;
    return URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  };

  // The bundle only posts to the worker and listens to it, so an EventTarget that forwards
  // both ways is enough.
  const RealWorker = window.Worker;
  class DeferredWorker extends EventTarget {
    constructor(url, options) {
      super();
      this.queue = [];
      whenReleased(() => {
        this.worker = new RealWorker(workerFor(url), options);
        for (const type of ["message", "messageerror", "error"]) {
          this.worker.addEventListener(type, (event) => {
            this.dispatchEvent(type === "error" ? new Event("error") : new MessageEvent(type, { data: event.data }));
          });
        }
        this.queue.splice(0).forEach((message) => this.worker.postMessage(message));
      });
    }
    postMessage(message) {
      if (this.worker) this.worker.postMessage(message);
      else this.queue.push(message);
    }
    terminate() {
      if (this.worker) this.worker.terminate();
    }
  }
  window.Worker = function (url, options) {
    return WORKER.test(pathOf(url)) ? new DeferredWorker(url, options) : new RealWorker(url, options);
  };
  window.Worker.prototype = RealWorker.prototype;

  const SEARCH = 'form[name="search"], label[for="__search"], .md-search';
  const onIntent = (event) => {
    if (event.target instanceof Element && event.target.closest(SEARCH)) release();
  };
  for (const type of ["pointerover", "pointerdown", "focusin"]) {
    document.addEventListener(type, onIntent, { capture: true, passive: true });
  }
  document.addEventListener("change", (event) => {
    if (event.target instanceof Element && event.target.id === "__search") release();
  }, true);
})();
