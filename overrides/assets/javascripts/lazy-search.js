// Start search when a reader shows they want to search, not on every page load.
//
// Material for MkDocs fetches search/search_index.json and starts its search worker as soon
// as a page loads (its design since 5.0; the maintainer weighs the trade-off in
// squidfunk/mkdocs-material#471) and has no option to defer either. Here the index holds both
// languages' text, about 200 KB gzip, twice the rest of an article page, and the worker
// script is another 12 KB. mdBook made the same change (rust-lang/mdBook#2553).
//
// How: this script runs before Material's bundle. It holds back the XMLHttpRequest for the
// index, and hands the bundle a stand-in for the search worker that queues messages, until
// the reader points at, taps or focuses the search box or uses a search shortcut (Material
// then focuses the box). A page opened from a search result (?h=…) highlights the terms,
// which needs the index, so it starts at once. Without this script Material starts search
// at page load, as it always does.
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

  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.isSearchIndex = INDEX.test(pathOf(url));
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...args) {
    if (!this.isSearchIndex) return send.apply(this, args);
    whenReleased(() => send.apply(this, args));
  };

  // The bundle only posts to the worker and listens to it, so an EventTarget that forwards
  // both ways is enough.
  const RealWorker = window.Worker;
  class DeferredWorker extends EventTarget {
    constructor(url, options) {
      super();
      this.queue = [];
      whenReleased(() => {
        this.worker = new RealWorker(url, options);
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
