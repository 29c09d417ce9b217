"""Full-page screenshots of key pages at desktop (1280 px) and phone (375 px) widths, in the light
and dark palettes, in Chinese and English, saved under .cache/screenshots/ for a person to look
at. Each visit also checks what that person looks for first: nothing sticks out of the article
column unless it scrolls in its own box, and Chinese text is drawn as glyphs, not as boxes
(fonts-noto-cjk missing). That no page is wider than a phone's screen is
test_in_chromium.py's test_pages_fit_a_phone_screen (every page, not only these); contrast is
axe's job (test_accessibility.py).

Skipped with a reason where no Chromium is installed; mandatory with REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import pytest

from tests.browser.tour import render_every_block
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

KEY_PAGES = {"home": "", "bn-vs-ln": "bn-vs-ln/", "explorer": "explorer/", "notebook": "notebooks/statistics-axes/"}
WIDTHS = {"desktop": 1280, "phone": 375}
OUT = ROOT / ".cache" / "screenshots"

# Elements in the article whose right edge passes the content column's, outside any box that
# scrolls or clips (a wide formula or table scrolls in its own box, and that is fine; Material's
# table wrapper reaches into the article's padding on purpose, so the limit is the column).
STICKING_OUT = """() => {
  const article = document.querySelector('article.md-content__inner');
  const limit = Math.min(article.parentElement.getBoundingClientRect().right, innerWidth) + 1;
  const clips = el => { for (let a = el.parentElement; a && a !== article; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true; } return false; };
  return [...article.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > limit && el.getClientRects().length && !clips(el))
    .slice(0, 5).map(el => el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ': ' + (el.textContent || '').slice(0, 40));
}"""

# Draw each character alone on a canvas in the article's font; a missing glyph is drawn as the
# same empty box for every character, so distinct characters give identical pictures.
GLYPHS = """(text) => {
  const font = getComputedStyle(document.querySelector('article p') || document.body).fontFamily;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 48;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const pictures = new Set();
  let blank = 0;
  for (const ch of text) {
    ctx.clearRect(0, 0, 48, 48);
    ctx.font = `32px ${font}`;
    ctx.fillStyle = '#000';
    ctx.fillText(ch, 4, 38);
    const data = ctx.getImageData(0, 0, 48, 48).data;
    let ink = 0, key = '';
    for (let i = 3; i < data.length; i += 4) { if (data[i] > 128) ink++; key += data[i] > 128 ? '1' : '0'; }
    if (!ink) blank++;
    pictures.add(key);
  }
  return {distinct: pictures.size, blank};
}"""
CHINESE = "归一化批层统计量"


def chinese_is_drawn(page, text: str = CHINESE) -> bool:
    seen = page.evaluate(GLYPHS, text)
    return seen["blank"] == 0 and seen["distinct"] == len(text)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", list(WIDTHS))
def test_key_pages_look_right(browser, site_url, device, scheme):
    width = WIDTHS[device]
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    OUT.mkdir(parents=True, exist_ok=True)
    problems = []
    try:
        page = context.new_page()
        for language in ("zh", "en"):
            for name, path in KEY_PAGES.items():
                url_path = path if language == "zh" else "en/" + path
                page.goto(site_url + url_path, wait_until="load")
                page.evaluate("document.fonts.ready.then(() => true)")
                render_every_block(page)
                where = f"{url_path or '/'} ({device}, {scheme})"
                if out := page.evaluate(STICKING_OUT):
                    problems.append(f"{where}: sticks out of the article column: {out}")
                if language == "zh" and not chinese_is_drawn(page):
                    problems.append(f"{where}: Chinese characters are drawn as boxes")
                page.screenshot(path=OUT / f"{name}-{language}-{device}-{scheme}.jpg", full_page=True, type="jpeg", quality=70)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


# --- planted faults -------------------------------------------------------------------------


def test_checks_catch_boxes_and_sticking_out(phone):
    phone.set_content(
        '<html lang="zh"><body><div style="width:320px"><article class="md-content__inner">'
        '<p>中文</p><div style="width:600px">太宽了</div></article></div></body></html>'
    )
    # Private-use code points have no glyph in any font: every one is the same box.
    assert not chinese_is_drawn(phone, "\ue000\ue001\ue002")
    assert chinese_is_drawn(phone)
    assert phone.evaluate(STICKING_OUT)
