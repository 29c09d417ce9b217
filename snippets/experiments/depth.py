"""Experiment 10: depth and learning rate. Is two blocks too shallow to need normalization,
and is a naive LayerNorm -> BatchNorm swap less stable in a deeper stack?

Experiment 6's task and trainer (tiny_transformer.train), with 2 and 6 Pre-LN blocks, for
LayerNorm, BatchNorm with statistics over the whole step of 64 sequences (the most values a
statistic can have here, so only depth and the rate vary) and no normalization. Each is swept
over four learning rates spanning 8x (one seed, 400 steps), then trained with three seeds at
its best rate for 1000 steps.
"""

# --8<-- [start:experiment]
import math

from lab import main, pick, run_grid, separated, spread
from tiny_transformer import RATES, SEEDS, SELECT_SEED, SIZES, STEPS, VAL_SEED
from tiny_transformer import train as train_counting

NORMS = ["ln", "bn", "none"]
DEPTHS = {"full": [2, 6], "smoke": [2, 6]}


def train(cfg: dict, device: str) -> dict:
    """One run of experiment 6's trainer, `cfg["layers"]` blocks deep."""
    return train_counting(cfg, device)
# --8<-- [end:experiment]


# Below this line: planning, reporting and claims, which do not change a run's results.
# --8<-- [start:plan]
def configs(stage: str, mode: str, best: dict | None = None) -> list[dict]:
    base = {"eval_every": 50 if mode == "full" else 2, "seed": 1, "micro": 64, **SIZES[mode]}
    if stage == "sweep":
        return [{**base, "norm": n, "layers": d, "lr": lr, "steps": STEPS[mode]["sweep"], "val_seed": SELECT_SEED, "measure": False}
                for n in NORMS for d in DEPTHS[mode] for lr in RATES[mode]]
    # the final runs of BatchNorm also report PreciseBN and training mode (experiment 6's measurements)
    return [{**base, "norm": n, "layers": d, "lr": best[f"{n}@{d}"], "seed": s, "steps": STEPS[mode]["final"], "val_seed": VAL_SEED, "measure": n == "bn"}
            for n in NORMS for d in DEPTHS[mode] for s in SEEDS[mode]]


def best_rate(runs: list[dict]) -> float:
    return min(runs, key=lambda r: r["val_loss"] if math.isfinite(r["val_loss"]) else math.inf)["lr"]


def run(mode: str, device) -> dict:
    sweep = run_grid("depth", train, configs("sweep", mode), device, mode)
    best = {f"{n}@{d}": best_rate(pick(sweep, norm=n, layers=d)) for n in NORMS for d in DEPTHS[mode]}
    final = run_grid("depth", train, configs("final", mode, best), device, mode)
    for r in sweep:
        r.pop("curve")
    data = {"seed": 1, "mode": mode, "rates": RATES[mode], "steps": STEPS[mode], "best_lr": best, "sweep": sweep, "final": final}
    data["summary"] = {f"{n}@{d}": {"lr": best[f"{n}@{d}"], **spread([r["val_loss"] for r in pick(final, norm=n, layers=d)])}
                       for n in NORMS for d in DEPTHS[mode]}
    for d in DEPTHS[mode]:  # BatchNorm's eval-mode numbers beside PreciseBN's
        data["summary"][f"bn@{d}"]["precise_bn"] = spread([r["precise_bn_loss"] for r in pick(final, norm="bn", layers=d)])
    return data
# --8<-- [end:plan]


def check(data: dict, mode: str) -> None:
    """Smoke: every arm trains at both depths, and the 6-block model really has 6 blocks' worth
    of parameters (the runs differ)."""
    for n in NORMS:
        shallow, deep = pick(data["final"], norm=n, layers=2)[0], pick(data["final"], norm=n, layers=6)[0]
        assert math.isfinite(shallow["val_loss"]) and shallow["val_loss"] != deep["val_loss"], n


def report(data: dict) -> str:
    lines = ["norm   blocks   best lr   val loss, mean [min, max] over seeds   sweep (lr: loss, one seed)"]
    for key, s in data["summary"].items():
        n, d = key.split("@")
        sweep = sorted(pick(data["sweep"], norm=n, layers=int(d)), key=lambda r: r["lr"])
        swept = "  ".join(f"{r['lr']:g}: {r['val_loss']:.3f}" if math.isfinite(r["val_loss"]) else f"{r['lr']:g}: diverged" for r in sweep)
        lines.append(f"{n:<6} {d:>6}   {s['lr']:<8g}  {s['mean']:.3f} [{s['min']:.3f}, {s['max']:.3f}]          {swept}")
    return "\n".join(lines)


# --8<-- [start:claims]
from lab import Claim, fmt  # noqa: E402


def at(data, norm, layers) -> dict:
    return data["summary"][f"{norm}@{layers}"]


def tie(norm, layers):
    def test(data):
        a, b = at(data, norm, layers), at(data, "ln", layers)
        return not separated(a, b), f"{layers} blocks: {norm} {fmt(a)} vs LN {fmt(b)}"
    return test


def trails(norm, layers):
    def test(data):
        a, b = at(data, norm, layers), at(data, "ln", layers)
        return a["min"] > b["max"], f"{layers} blocks: {norm} {fmt(a)} vs LN {fmt(b)}"
    return test


def bn_worse_at_top_rate(data):
    top = max(data["rates"])
    bn, ln = pick(data["sweep"], norm="bn", layers=6, lr=top)[0]["val_loss"], pick(data["sweep"], norm="ln", layers=6, lr=top)[0]["val_loss"]
    return bn > ln, f"6 blocks, rate {top:g}, one seed: BN {bn:.3f} vs LN {ln:.3f}"


CLAIMS = [
    Claim("none_ties_ln_2", "With 2 blocks, no normalization and LayerNorm cannot be told apart: two blocks do not need normalization on this task.",
          "2 个块时，不归一化与 LayerNorm 分不出高下：在这个任务上，两个块用不着归一化。", tie("none", 2)),
    Claim("none_trails_ln_6", "With 6 blocks, no normalization ends above LayerNorm, with seed ranges apart: depth is where normalization starts to matter.",
          "6 个块时，不归一化的验证损失高于 LayerNorm，且种子区间不重叠：模型变深后归一化才开始起作用。", trails("none", 6)),
    Claim("bn_ties_ln_2", "With 2 blocks, BatchNorm over 64 sequences and LayerNorm cannot be told apart.",
          "2 个块时，统计量来自 64 条序列的 BatchNorm 与 LayerNorm 分不出高下。", tie("bn", 2)),
    Claim("bn_trails_ln_6", "With 6 blocks, BatchNorm over 64 sequences ends above LayerNorm, with seed ranges apart, each at its best rate.",
          "6 个块时，各取最佳学习率，统计量来自 64 条序列的 BatchNorm 验证损失高于 LayerNorm，且种子区间不重叠。", trails("bn", 6)),
    Claim("bn_worse_at_top_rate", "With 6 blocks at the highest rate swept, BatchNorm ends worse than LayerNorm (one seed, from the sweep).",
          "6 个块、扫描中最高的学习率下，BatchNorm 比 LayerNorm 差（一个种子，来自扫描）。", bn_worse_at_top_rate),
]
# --8<-- [end:claims]


if __name__ == "__main__":
    main("depth", run, check, report, CLAIMS)
