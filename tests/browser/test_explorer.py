"""The normalization explorer (docs/*/explorer.md, overrides/assets/javascripts/explorer.js) in
Chromium: the highlighted pool per method, by pointer, keyboard and touch, in both languages;
and the live batch's numbers against torch.nn, with planted faults to show the comparison bites.

Skipped with a reason where no Chromium is installed; mandatory with REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import contextlib
import copy
import io
import runpy

import pytest
import torch
from torch import nn

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

PAGES = {"zh": "explorer/", "en": "en/explorer/"}
B, T, C = 4, 6, 8  # the axes widget's activation
LENGTHS = (6, 4, 5, 2)  # real tokens per sample in the masked BatchNorm view
TOL = 1e-5
SCRIPT = ROOT / "overrides" / "assets" / "javascripts" / "explorer.js"


def snippet():
    """The Python twin of the page's batch generator (the code the page shows)."""
    with contextlib.redirect_stdout(io.StringIO()):
        return runpy.run_path(str(ROOT / "snippets" / "explorer" / "same_batch_in_pytorch.py"))


def expected_pool(method: str, cell: tuple[int, int, int], groups: int = 2) -> set[tuple[int, int, int]]:
    """The values that share one mean and variance with ``cell``, written out independently."""
    b0, t0, c0 = cell
    everywhere = [(b, t, c) for b in range(B) for t in range(T) for c in range(C)]
    if method == "bn":
        return {(b, t, c) for b, t, c in everywhere if c == c0}
    if method == "mbn":
        if t0 >= LENGTHS[b0]:
            return set()
        return {(b, t, c) for b, t, c in everywhere if c == c0 and t < LENGTHS[b]}
    if method in {"ln", "rms"}:
        return {(b, t, c) for b, t, c in everywhere if (b, t) == (b0, t0)}
    if method == "in":
        return {(b, t, c) for b, t, c in everywhere if (b, c) == (b0, c0)}
    if method == "gn":
        size = C // groups
        return {(b, t, c) for b, t, c in everywhere if b == b0 and c // size == c0 // size}
    raise ValueError(method)


CASES = [  # (method, groups, cell, number of values in the pool)
    ("bn", None, (1, 2, 3), B * T),
    ("ln", None, (1, 2, 3), C),
    ("rms", None, (3, 5, 0), C),
    ("in", None, (1, 2, 3), T),
    ("gn", 1, (2, 1, 6), T * C),
    ("gn", 2, (1, 2, 3), T * C // 2),
    ("gn", 4, (0, 4, 5), T * C // 4),
    ("gn", 8, (1, 2, 3), T),
    ("mbn", None, (0, 5, 2), sum(LENGTHS)),
    ("mbn", None, (3, 4, 2), 0),  # padding: in no pool at all
]

SHARED = """() => [...document.querySelectorAll('.norm-explorer[data-explorer=axes] rect.nx-cell.is-shared')]
    .map(r => [+r.dataset.b, +r.dataset.t, +r.dataset.c])"""


def axes(page):
    return page.locator(".norm-explorer[data-explorer=axes]")


def choose(page, method: str, groups: int | None) -> None:
    widget = axes(page)
    widget.locator(f"input[value={method}]").check()
    if groups:
        widget.locator("select").select_option(str(groups))


def cell(page, key):
    b, t, c = key
    return axes(page).locator(f'rect.nx-cell[data-b="{b}"][data-t="{t}"][data-c="{c}"]')


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.errors = []
    context.on("page", lambda page: page.on("pageerror", lambda error: context.errors.append(str(error))))
    yield context
    assert not context.errors, context.errors
    context.close()


def pool_problems(page) -> list[str]:
    """Hover a cell for every case; what the page highlights that it should not, or misses."""
    problems = []
    status = axes(page).locator(".nx-status")
    for method, groups, key, size in CASES:
        choose(page, method, groups)
        cell(page, key).hover()
        shared = {tuple(k) for k in page.evaluate(SHARED)}
        want = expected_pool(method, key, groups or 2)
        if shared != want or len(want) != size:
            problems.append(f"{method} G={groups} at {key}: {len(shared)} highlighted, {len(want)} expected")
            continue
        if axes(page).get_attribute("data-shared-count") != str(size):
            problems.append(f"{method} at {key}: data-shared-count {axes(page).get_attribute('data-shared-count')}")
        if axes(page).get_attribute("data-anchor") != ",".join(map(str, key)):
            problems.append(f"{method} at {key}: the anchor is {axes(page).get_attribute('data-anchor')}")
        text = status.inner_text()
        if f"x[{key[0]}, {key[1]}, {key[2]}]" not in text or (size and str(size) not in text):
            problems.append(f"{method} at {key}: the sentence does not name the cell and the count: {text}")
    return problems


@pytest.mark.parametrize("language", ["zh", "en"])
def test_pointer_highlights_the_pool_of_each_method(site_url, context, language):
    page = context.new_page()
    page.goto(site_url + PAGES[language], wait_until="load")
    problems = pool_problems(page)
    assert not problems, "\n".join(problems)
    # The padded cells are drawn as padding only in the masked view.
    choose(page, "mbn", None)
    assert page.locator("rect.nx-cell.is-padded").count() == C * sum(T - n for n in LENGTHS)
    choose(page, "ln", None)
    assert page.locator("rect.nx-cell.is-padded").count() == 0


@pytest.mark.parametrize("language", ["zh", "en"])
def test_keyboard_moves_the_focus_and_the_highlight(site_url, context, language):
    page = context.new_page()
    page.goto(site_url + PAGES[language], wait_until="load")
    page.mouse.move(0, 0)
    choose(page, "ln", None)
    radio = axes(page).locator("input[value=ln]")
    radio.focus()
    page.keyboard.press("Tab")  # the drop-down is disabled outside GroupNorm: next stop is the grid
    focused = "() => { const e = document.activeElement; return e.matches('rect.nx-cell') ? [e.dataset.b, e.dataset.t, e.dataset.c].join(',') : e.tagName }"
    assert page.evaluate(focused) == "1,2,3"
    # Only one cell is in the tab order (a roving tabindex), and it says where it is.
    assert axes(page).locator('rect.nx-cell[tabindex="0"]').count() == 1
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label.startswith("x[1, 2, 3]")
    # Focus is visible: the focused cell gets a thick outline.
    assert page.evaluate("getComputedStyle(document.activeElement).strokeWidth") == "3px"
    moves = [("ArrowRight", "1,2,4"), ("ArrowDown", "1,3,4"), ("ArrowDown", "1,4,4"), ("ArrowDown", "1,5,4"),
             ("ArrowDown", "2,0,4"), ("PageUp", "1,0,4"), ("PageDown", "2,0,4"), ("End", "2,0,7"),
             ("Home", "2,0,0"), ("ArrowLeft", "2,0,0"), ("Control+End", "3,5,7"), ("Control+Home", "0,0,0")]
    for key, expected in moves:
        page.keyboard.press(key)
        assert page.evaluate(focused) == expected, key
        assert axes(page).get_attribute("data-anchor") == expected
        b, t, c = map(int, expected.split(","))
        assert {tuple(k) for k in page.evaluate(SHARED)} == expected_pool("ln", (b, t, c))
    # Switching the method with the keyboard keeps the focused cell as the anchor.
    radio.focus()
    page.keyboard.press("ArrowLeft")  # LayerNorm -> BatchNorm
    assert axes(page).locator("input[value=bn]").is_checked()
    assert len(page.evaluate(SHARED)) == B * T
    status = axes(page).locator(".nx-status")
    assert status.get_attribute("aria-live") == "polite"
    assert ("BatchNorm：" if language == "zh" else "BatchNorm:") in status.inner_text()


def test_ui_strings_follow_the_page_language(site_url, context):
    page = context.new_page()
    page.goto(site_url + PAGES["zh"], wait_until="load")
    assert axes(page).locator("legend").inner_text() == "归一化方法"
    assert page.locator(".nx-step").inner_text() == "跑一个训练步"
    page.goto(site_url + PAGES["en"], wait_until="load")
    assert axes(page).locator("legend").inner_text() == "Normalization method"
    assert page.locator(".nx-step").inner_text() == "Run one training step"


def test_a_phone_can_tap_and_nothing_overflows(browser, site_url):
    context = browser.new_context(viewport={"width": 375, "height": 740}, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(site_url + PAGES["en"], wait_until="load")
        # (That the page is no wider than the phone is test_in_chromium.py's, for every page.)
        for widget in page.locator(".norm-explorer").all():
            box = widget.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
        cell(page, (3, 1, 6)).tap()
        assert axes(page).get_attribute("data-anchor") == "3,1,6"
        assert axes(page).get_attribute("data-shared-count") == str(B * T)
        # Two samples per row on a narrow screen: sample 2 is drawn below sample 0.
        below = cell(page, (2, 0, 0)).bounding_box()["y"] > cell(page, (0, T - 1, 0)).bounding_box()["y"]
        assert below
    finally:
        context.close()


def test_without_javascript_the_page_says_what_is_missing(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + PAGES["en"])
        assert "needs JavaScript" in axes(page).inner_text()
    finally:
        context.close()


# --- the live batch against torch.nn --------------------------------------------------------

READ_LIVE = """() => {
  const root = document.querySelector('.norm-explorer[data-explorer=live]');
  const tensor = kind => {
    const out = [];
    root.querySelectorAll(`table[data-tensor=${kind}] td[data-value]`).forEach(td => {
      const b = +td.dataset.b, t = +td.dataset.t, c = +td.dataset.c;
      out[b] = out[b] || []; out[b][t] = out[b][t] || [];
      out[b][t][c] = Number(td.dataset.value);
    });
    return out;
  };
  const stat = name => [...root.querySelectorAll(`table[data-tensor=running] tr[data-stat=${name}] td`)]
      .map(td => Number(td.dataset.value));
  return {x: tensor('input'), bn: tensor('bn'), ln: tensor('ln'), mean: stat('mean'), var: stat('var'),
          steps: +root.dataset.steps, training: root.dataset.training === '1'};
}"""


class Reference:
    """torch.nn's BatchNorm1d and LayerNorm (float32, defaults), fed what the page was fed."""

    def __init__(self, channels: int):
        self.bn = nn.BatchNorm1d(channels)
        self.ln = nn.LayerNorm(channels)

    @staticmethod
    def tokens(layer, x):
        return layer(x.transpose(1, 2)).transpose(1, 2)

    def step(self, x):
        self.bn.train()
        with torch.no_grad():
            self.tokens(self.bn, x)

    def outputs(self, x, training: bool):
        probe = copy.deepcopy(self.bn).train(training)  # showing an output must not update anything
        with torch.no_grad():
            return self.tokens(probe, x), self.ln(x)


def differences(page, reference: Reference, expected_x) -> list[str]:
    """What the page shows that torch.nn does not, beyond the tolerance."""
    seen = page.evaluate(READ_LIVE)
    x = torch.tensor(seen["x"], dtype=torch.float32)
    problems = []
    if not torch.allclose(torch.tensor(seen["x"], dtype=torch.float64), expected_x, atol=1e-12, rtol=0):
        problems.append(f"input differs from the snippet's batch: {seen['x']} vs {expected_x.tolist()}")
    bn_out, ln_out = reference.outputs(x, seen["training"])
    mode = "training" if seen["training"] else "eval"
    for name, got, want in [
        (f"BatchNorm output ({mode} mode)", torch.tensor(seen["bn"]), bn_out),
        ("LayerNorm output", torch.tensor(seen["ln"]), ln_out),
        ("running mean", torch.tensor(seen["mean"]), reference.bn.running_mean),
        ("running variance", torch.tensor(seen["var"]), reference.bn.running_var),
    ]:
        gap = (got.float() - want).abs().max().item()
        if gap > TOL:
            problems.append(f"{name}: largest difference from torch.nn {gap:.2e}")
    if seen["steps"] != reference.bn.num_batches_tracked.item():
        problems.append(f"steps {seen['steps']} != num_batches_tracked {reference.bn.num_batches_tracked.item()}")
    return problems


def play(page) -> list[str]:
    """Work the live widget as a reader would, comparing with torch.nn after every change."""
    batch = snippet()["explorer_batch"]
    live = page.locator(".norm-explorer[data-explorer=live]")
    reference = Reference(4)
    problems = differences(page, reference, batch())
    for _ in range(3):
        live.locator(".nx-step").click()
        reference.step(torch.tensor(page.evaluate(READ_LIVE)["x"]))
    problems += differences(page, reference, batch())
    slider = live.locator("input[type=range]")
    slider.focus()
    for _ in range(4):  # four steps of 0.5 to the right: δ = 2
        page.keyboard.press("ArrowRight")
    assert live.get_attribute("data-shift") == "2"
    problems += differences(page, reference, batch(shift=2.0))
    live.locator(".nx-swap").click()
    problems += differences(page, reference, batch(shift=2.0, swaps=1))
    for _ in range(2):
        live.locator(".nx-step").click()
        reference.step(torch.tensor(page.evaluate(READ_LIVE)["x"]))
    problems += differences(page, reference, batch(shift=2.0, swaps=1))
    live.locator("input[value=eval]").check()
    problems += differences(page, reference, batch(shift=2.0, swaps=1))
    slider.focus()
    page.keyboard.press("Home")  # δ = -3
    problems += differences(page, reference, batch(shift=-3.0, swaps=1))
    live.locator(".nx-reset").click()
    reference = Reference(4)
    problems += differences(page, reference, batch(shift=-3.0, swaps=1))
    return problems


@pytest.mark.parametrize("language", ["zh", "en"])
def test_live_numbers_agree_with_torch_nn(site_url, context, language):
    page = context.new_page()
    page.goto(site_url + PAGES[language], wait_until="load")
    problems = play(page)
    assert not problems, "\n".join(problems)


def test_live_readout_shows_batchnorm_moving_and_layernorm_not(site_url, context):
    """The sentence under the tables reports what the snippet prints at δ = 2."""
    page = context.new_page()
    page.goto(site_url + PAGES["en"], wait_until="load")
    live = page.locator(".norm-explorer[data-explorer=live]")
    live.locator("input[type=range]").focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    summary = live.locator(".nx-status").inner_text()
    module = snippet()
    moved = module["moved"](module["train_before"], module["train_after"])
    assert f"BatchNorm {moved:.3f}, LayerNorm 0.000" in summary, summary
    live.locator("input[value=eval]").check()
    assert "BatchNorm 0.000, LayerNorm 0.000" in live.locator(".nx-status").inner_text()


# --- planted faults -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "planted", "named"),
    [
        ("var EPS = 1e-5;", "var EPS = 1e-3;", "BatchNorm output (training mode)"),
        ("st.variance[c] * m / (m - 1)", "st.variance[c]", "running variance"),
    ],
    ids=["wrong-epsilon", "biased-running-variance"],
)
def test_comparison_catches_a_planted_fault(site_url, context, original, planted, named):
    source = SCRIPT.read_text(encoding="utf-8")
    assert original in source
    page = context.new_page()
    page.route("**/explorer.js", lambda route: route.fulfill(
        status=200, content_type="application/javascript", body=source.replace(original, planted)))
    page.goto(site_url + PAGES["en"], wait_until="load")
    problems = play(page)
    assert any(problem.startswith(named) for problem in problems), problems


def test_pool_check_catches_a_planted_fault(site_url, context):
    """GroupNorm's groups computed from G instead of C / G: the hover check names it."""
    source = SCRIPT.read_text(encoding="utf-8")
    original = "var size = C / opts.groups"
    assert original in source
    page = context.new_page()
    page.route("**/explorer.js", lambda route: route.fulfill(
        status=200, content_type="application/javascript", body=source.replace(original, "var size = opts.groups")))
    page.goto(site_url + PAGES["en"], wait_until="load")
    problems = pool_problems(page)
    named = [problem.split(":")[0] for problem in problems]
    assert named == [f"gn G={g} at {key}" for method, g, key, _ in CASES if method == "gn"], problems
