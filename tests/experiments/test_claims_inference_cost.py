"""Experiment 7 (inference cost): every claim, and a planted contradiction that flips its
verdict. A timing claim compares ranges of process medians, so each plant moves one
variant's range (median, min, max and the process medians) against another's. Timings are
re-measured by every full run and a re-run may move a verdict, so each plant reads the
claim's verdict on the committed data and edits the copy the other way: a supported claim is
made false, a rejected one true (each docstring says both)."""

from __future__ import annotations

from tests.experiments.planted import claim_tests, claims_of, committed, lab

EXPERIMENT = "inference_cost"


def timing(data, width, variant):
    return next(r for r in data["rows"] if r["width"] == width and r["variant"] == variant)


def put(data, width, variant, low, high):
    r = timing(data, width, variant)
    r.update(median_ms=(low + high) / 2, min_ms=low, max_ms=high, process_medians_ms=[low, (low + high) / 2, high])


def widths(data):
    return sorted({r["width"] for r in data["rows"]})


def two_way(name, make_false, make_true, doc):
    def plant(data):
        holds, _ = claims_of(EXPERIMENT)[name].test(data)
        (make_false if holds else make_true)(data)

    plant.__doc__ = doc
    return plant


def faster(name, a, b, at=None):
    """Claims "a is faster than b": overlap the two at one width, or put a below b everywhere."""

    def same_at_one(data):
        w = (at or widths(data))[0]
        rb = timing(data, w, b)
        put(data, w, a, rb["min_ms"], rb["max_ms"])

    def a_below(data):
        for w in at or widths(data):
            low = timing(data, w, b)["min_ms"]
            put(data, w, a, 0.7 * low, 0.9 * low)

    return two_way(name, same_at_one, a_below, f"supported: {a} given {b}'s range at one width; rejected: {a} put below {b} at every width")


def not_slower(name, a, b):
    """Claims "a is no slower than b": put a wholly above b at one width, or make them equal."""

    def a_above(data):
        w = widths(data)[0]
        high = timing(data, w, b)["max_ms"]
        put(data, w, a, 1.1 * high, 1.3 * high)

    def same(data):
        for w in widths(data):
            rb = timing(data, w, b)
            put(data, w, a, rb["min_ms"], rb["max_ms"])

    return two_way(name, a_above, same, f"supported: {a} put wholly above {b} at one width; rejected: {a} given {b}'s range everywhere")


def indistinguishable(name, a, b, at=None):
    """Claims "a and b cannot be told apart": separate them at one width, or make them equal."""

    def apart(data):
        w = (at or widths(data))[0]
        high = timing(data, w, b)["max_ms"]
        put(data, w, a, 1.1 * high, 1.3 * high)

    def same(data):
        for w in at or widths(data):
            rb = timing(data, w, b)
            put(data, w, a, rb["min_ms"], rb["max_ms"])

    return two_way(name, apart, same, f"supported: {a} put wholly above {b}; rejected: {a} given {b}'s range")


def norm_share_large(data):
    """LayerNorm's block made cheap at the smallest width, so that RMSNorm alone takes a fifth of it."""
    w = widths(data)[0]
    high = timing(data, w, "norm_rms")["max_ms"]
    put(data, w, "block_ln", 5 * high, 5.5 * high)


def norm_share_small(data):
    """Every normalization alone made 1% of the LayerNorm block's fastest process."""
    for w in widths(data):
        block = timing(data, w, "block_ln")["min_ms"]
        for n in ["bn", "bn_view", "ln", "rms", "dyt"]:
            put(data, w, f"norm_{n}", 0.005 * block, 0.01 * block)


PLANTS = {
    "layout": faster("layout", "norm_bn_view", "norm_bn"),
    "layout_block": faster("layout_block", "block_bn_view", "block_bn", at=[256]),
    "folded_is_free": not_slower("folded_is_free", "block_bn_folded", "block_none"),
    "folding_beats_ln_small": faster("folding_beats_ln_small", "block_bn_folded", "block_ln", at=[256]),
    "folding_lost_in_noise_large": indistinguishable("folding_lost_in_noise_large", "block_bn_folded", "block_ln", at=[1024]),
    "ln_affine_fold": indistinguishable("ln_affine_fold", "block_ln_folded", "block_ln"),
    "ln_without_affine_slower": faster("ln_without_affine_slower", "norm_ln", "norm_ln_folded"),
    "rms_slower_eager": faster("rms_slower_eager", "norm_ln", "norm_rms"),
    "dyt_slower_eager": faster("dyt_slower_eager", "norm_ln", "norm_dyt"),
    "compile_fixes_rms": faster("compile_fixes_rms", "norm_rms_compiled", "norm_rms"),
    "compiled_rms_vs_ln": not_slower("compiled_rms_vs_ln", "norm_rms_compiled", "norm_ln_compiled"),
    "dyt_compile_slower": faster("dyt_compile_slower", "norm_dyt", "norm_dyt_compiled"),
    "norm_is_small": two_way("norm_is_small", norm_share_large, norm_share_small,
                             f"supported: {norm_share_large.__doc__} Rejected: {norm_share_small.__doc__}"),
}


test_table, test_verdicts, test_plants = claim_tests(EXPERIMENT, PLANTS)


def test_a_missing_compiled_timing_rejects_the_compile_claims():
    """Where torch.compile failed, the compiled rows are absent: those claims are rejected, not crashed."""
    data = committed(EXPERIMENT)
    data["rows"] = [r for r in data["rows"] if not r["variant"].endswith("_compiled")]
    claims = claims_of(EXPERIMENT)
    verdicts = {v["name"]: v["verdict"] for v in lab.verdicts([claims[n] for n in ["compile_fixes_rms", "compiled_rms_vs_ln", "dyt_compile_slower"]], data)}
    assert set(verdicts.values()) == {"rejected"}, verdicts
