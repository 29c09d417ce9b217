"""Experiment 4: the gap between BatchNorm's training mode and eval mode, for models trained
with statistics over 1 to 64 sequences.

A BatchNorm Transformer is trained on the counting task at each micro-batch (ghost batches:
64 sequences per step, statistics per group of `micro`), at the best of four learning rates,
with three seeds; the trainer and the runs it shares with experiment 6 are
tiny_transformer's. Each model is then run on held-out sequences three ways: training mode
(statistics of `micro` sequences, as in training), eval mode (the running averages) and eval
mode after PreciseBN (population statistics recomputed over 50 training batches). Per BN
layer we record how far one group's statistics sit from the population's, the quantity
PowerNorm (Shen et al., 2020) plots for the first layer of a Transformer.
"""

# --8<-- [start:experiment]
import torch

from lab import Claim, fmt, main, pick, run_grid, separated, spread
from tiny_transformer import EVAL_EVERY, RATES, SEEDS, SELECT_SEED, SIZES, STEPS, VAL_SEED, best_rate, train

MICRO = {"full": [1, 2, 4, 8, 16, 32, 64], "smoke": [1, 16]}


def configs(stage: str, mode: str, best: dict | None = None) -> list[dict]:
    """The same configurations as tiny_transformer's for plain BN, so the shared ones are
    computed once (the cache is keyed by configuration and code)."""
    base = {"norm": "bn", "eval_every": EVAL_EVERY[mode], "seed": 1, **SIZES[mode]}
    if stage == "sweep":
        return [{**base, "micro": m, "lr": lr, "steps": STEPS[mode]["sweep"], "val_seed": SELECT_SEED, "measure": False}
                for m in MICRO[mode] for lr in RATES[mode]]
    return [{**base, "micro": m, "lr": best[m], "seed": s, "steps": STEPS[mode]["final"], "val_seed": VAL_SEED, "measure": True}
            for m in MICRO[mode] for s in SEEDS[mode]]


def run(mode: str, device) -> dict:
    sweep = run_grid("tiny_transformer", train, configs("sweep", mode), device, mode)
    best = {m: best_rate(pick(sweep, micro=m)) for m in MICRO[mode]}
    final = run_grid("tiny_transformer", train, configs("final", mode, best), device, mode)
    for r in sweep:
        r.pop("curve")
    data = {"seed": 1, "mode": mode, "steps": STEPS[mode], "rates": RATES[mode], "micro": MICRO[mode], "sweep": sweep, "final": final,
            "cpu_s": round(sum(r["cpu_s"] for r in sweep + final), 1)}
    data["rows"] = rows(data)  # mean and min-max over seeds per micro-batch, for the page and the figure
    return data
# --8<-- [end:experiment]


# Below this line: reporting and claims, which do not change a run's results.


def seeds(data: dict, micro: int) -> list[dict]:
    return pick(data["final"], micro=micro)


def over_seeds(data: dict, micro: int, value) -> dict:
    return spread([value(r) for r in seeds(data, micro)])


def layer_shift(data: dict, micro: int, i: int, key: str = "mean_shift_population") -> dict:
    return over_seeds(data, micro, lambda r: r["layers"][i][key])


def rows(data: dict) -> list[dict]:
    out = []
    for m in data["micro"]:
        runs = seeds(data, m)
        n_layers = len(runs[0]["layers"])
        out.append({
            "micro": m, "lr": runs[0]["lr"],
            "eval": over_seeds(data, m, lambda r: r["val_loss"]),
            "final_eval": over_seeds(data, m, lambda r: r["eval_loss"]),
            "train_mode": over_seeds(data, m, lambda r: r["train_mode_loss"]),
            "precise_bn": over_seeds(data, m, lambda r: r["precise_bn_loss"]),
            "gap": over_seeds(data, m, lambda r: r["eval_loss"] - r["train_mode_loss"]),
            "precise_gap": over_seeds(data, m, lambda r: r["precise_bn_loss"] - r["train_mode_loss"]),
            "mean_deviation": over_seeds(data, m, lambda r: sum(x["mean_shift_population"] for x in r["layers"]) / len(r["layers"]))["mean"],
            "layers": [{"layer": runs[0]["layers"][i]["layer"], "mean_shift": layer_shift(data, m, i), "var_shift": layer_shift(data, m, i, "var_shift_population"),
                        "mean_shift_ema": layer_shift(data, m, i, "mean_shift_ema")} for i in range(n_layers)],
        })
    return out


# --8<-- [start:check]
def check(data: dict, mode: str) -> None:
    """The mechanism, in any run: statistics of fewer sequences stray further from the
    population's, in every layer, and training mode differs from eval mode."""
    first, last = data["rows"][0], data["rows"][-1]
    assert first["micro"] < last["micro"]
    assert first["mean_deviation"] > last["mean_deviation"], "small groups' statistics stray further"
    for a, b in zip(first["layers"], last["layers"]):
        assert a["mean_shift"]["mean"] > b["mean_shift"]["mean"], f"{a['layer']}: small groups' statistics stray further"
    assert abs(first["gap"]["mean"]) > 1e-3, "training mode and eval mode differ"
# --8<-- [end:check]


def report(data: dict) -> str:
    lines = ["micro  lr       eval mode (running)      training mode            PreciseBN                mean deviation per layer"]
    for r in data["rows"]:
        lines.append(f"{r['micro']:>5}  {r['lr']:<7g}  {fmt(r['final_eval']):<23}  {fmt(r['train_mode']):<23}  {fmt(r['precise_bn']):<23}  "
                     + " ".join(f"{x['mean_shift']['mean']:.3f}" for x in r["layers"]))
    return "\n".join(lines)


# --8<-- [start:claims]
def worse(a: dict, b: dict) -> bool:
    """a is larger than b and the seed ranges do not overlap."""
    return separated(a, b) and a["mean"] > b["mean"]


def loss(data, micro, key):
    return over_seeds(data, micro, lambda r: r[key])


def gap(data, micro, key="eval_loss"):
    return over_seeds(data, micro, lambda r: r[key] - r["train_mode_loss"])


def test_gap_grows(data):
    micro = data["micro"]
    g = {m: gap(data, m) for m in micro}
    wrong_way = [(a, b) for i, a in enumerate(micro) for b in micro[i + 1 :] if worse(g[b], g[a])]
    holds = worse(g[micro[0]], g[micro[-1]]) and not wrong_way
    return holds, "eval minus training mode: " + "; ".join(f"@{m} {fmt(g[m])}" for m in micro) + (f"; larger at the larger micro-batch: {wrong_way}" if wrong_way else "")


def test_gap_vanishes_64(data):
    ev, tm = loss(data, 64, "eval_loss"), loss(data, 64, "train_mode_loss")
    return not separated(ev, tm), f"@64: eval mode {fmt(ev)}, training mode {fmt(tm)}"


def test_precise_bn_no_rescue(data):
    pairs = {m: (loss(data, m, "precise_bn_loss"), loss(data, m, "train_mode_loss")) for m in (1, 2)}
    return all(worse(p, t) for p, t in pairs.values()), "; ".join(f"@{m}: PreciseBN {fmt(p)}, training mode {fmt(t)}" for m, (p, t) in pairs.items())


def test_ema_matches_precise(data):
    pairs = {m: (loss(data, m, "eval_loss"), loss(data, m, "precise_bn_loss")) for m in data["micro"]}
    apart = [m for m, (e, p) in pairs.items() if separated(e, p)]
    return not apart, "; ".join(f"@{m}: running {e['mean']:.3f}, PreciseBN {p['mean']:.3f}" for m, (e, p) in pairs.items()) + (f"; apart at {apart}" if apart else "")


def test_deviation_falls_every_layer(data):
    micro = data["micro"]
    n_layers = len(seeds(data, micro[0])[0]["layers"])
    ok, out = True, []
    for i in range(n_layers):
        s = [layer_shift(data, m, i) for m in micro]
        ok &= all(a["mean"] > b["mean"] for a, b in zip(s, s[1:])) and worse(s[0], s[-1])
        out.append(f"{seeds(data, micro[0])[0]['layers'][i]['layer']}: " + " > ".join(f"{x['mean']:.3f}" for x in s))
    return ok, f"micro-batch {micro[0]} to {micro[-1]}; " + "; ".join(out)


def test_small_trained_worse(data):
    big = loss(data, 64, "val_loss")
    small = {m: loss(data, m, "val_loss") for m in (1, 2)}
    return all(worse(s, big) for s in small.values()), "; ".join(f"@{m} {fmt(s)}" for m, s in small.items()) + f"; @64 {fmt(big)}"


def test_train_mode_same(data):
    a, b = loss(data, 2, "train_mode_loss"), loss(data, 64, "train_mode_loss")
    return not separated(a, b), f"training mode @2 {fmt(a)}; @64 {fmt(b)}"


CLAIMS = [
    Claim("gap_grows", "The smaller the micro-batch a model was trained with, the further its eval-mode loss sits above its training-mode loss.",
          "训练时的微批越小，模型在推理模式下的损失比训练模式下高得越多。", test_gap_grows),
    Claim("gap_vanishes_64", "Trained and run with statistics over 64 sequences, eval mode and training mode are indistinguishable.",
          "统计量来自 64 条序列时，推理模式与训练模式无法区分。", test_gap_vanishes_64),
    Claim("precise_bn_no_rescue", "PreciseBN does not close the gap: with 1 or 2 sequences per statistic, eval mode with population statistics is still worse than training mode.",
          "PreciseBN 消除不了这个差距：统计量只来自 1 或 2 条序列时，用总体统计量的推理模式仍然比训练模式差。", test_precise_bn_no_rescue),
    Claim("ema_matches_precise", "At every micro-batch, the running averages and PreciseBN's population statistics give indistinguishable eval-mode losses.",
          "在每种微批大小下，滑动平均和 PreciseBN 的总体统计量给出的推理模式损失都无法区分。", test_ema_matches_precise),
    Claim("deviation_falls_every_layer", "In every BN layer, a group's statistics sit further from the population's the fewer sequences the group holds.",
          "在每一个 BN 层中，一组统计量包含的序列越少，离总体统计量越远。", test_deviation_falls_every_layer),
    Claim("small_trained_worse", "Models trained with statistics over 1 or 2 sequences end worse in eval mode than models trained over 64.",
          "统计量只来自 1 或 2 条序列时训练出的模型，推理模式下比来自 64 条序列时训练出的模型差。", test_small_trained_worse),
    Claim("train_mode_same", "Run with the statistics they were trained with, models trained at micro-batches 2 and 64 are indistinguishable.",
          "用训练时的统计量运行，微批为 2 和 64 时训练出的模型无法区分。", test_train_mode_same),
]
# --8<-- [end:claims]


if __name__ == "__main__":
    main("train_eval_gap", run, check, report, CLAIMS)
