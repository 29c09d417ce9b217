// Load GLightbox when a reader first opens a figure, not with every page that has one.
//
// hooks/lightbox_figures.py puts this script where mkdocs-glightbox put GLightbox's script,
// stylesheet and set-up (about 18 KB gzip), and hands it their addresses and options. The
// first pointer over a figure starts loading; the first click waits for it and opens that
// figure. From then on GLightbox's own handlers open figures. If loading fails, the click
// opens the image on its own, as it would without JavaScript.
(() => {
  const { script, stylesheet, options } = document.currentScript.dataset;
  let lightbox = null;
  let loading = null;

  const fetchAsset = (element) =>
    new Promise((resolve, reject) => {
      element.onload = resolve;
      element.onerror = reject;
      document.head.append(element);
    });
  const load = () => {
    if (!loading) {
      const css = Object.assign(document.createElement("link"), { rel: "stylesheet", href: stylesheet });
      const js = Object.assign(document.createElement("script"), { src: script });
      loading = Promise.all([fetchAsset(css), fetchAsset(js)]).then(() => {
        lightbox = window.GLightbox(JSON.parse(options));
      });
    }
    return loading;
  };
  const figureOf = (event) => event.target instanceof Element && event.target.closest("a.glightbox");

  document.addEventListener("pointerover", (event) => {
    if (figureOf(event)) load().catch(() => {});
  }, { passive: true });
  document.addEventListener("click", (event) => {
    const link = figureOf(event);
    if (!link || lightbox) return;
    event.preventDefault();
    const index = [...document.querySelectorAll("a.glightbox")].indexOf(link);
    load().then(() => lightbox.openAt(index), () => { location.href = link.href; });
  }, true);
})();
