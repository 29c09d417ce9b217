"""Experiment 6: one tiny Transformer, six normalizations, several micro-batches, and why
masked BatchNorm trails plain BatchNorm.

The task (lab.counting_task) needs attention and comes with padding: label each real token
with how often its symbol occurs in its sequence. Every optimizer step sees 64 sequences; for
BatchNorm the micro-batch is the number of sequences one set of statistics is taken over
(ghost batch normalization, one forward pass per step, equal to separate micro-batches).
Each normalization, and BatchNorm at each micro-batch, is trained at the best of four
learning rates (a shorter one-seed sweep), then with three seeds. An ablation puts plain
BN, masked BN and two variants between them side by side to test why masked BN trails.
"""

# --8<-- [start:experiment]
import math
import time

import torch
import torch.nn.functional as F

from lab import (COUNTING, Claim, DyT, GhostBatchNorm, LayerNorm, NoNorm, RMSNorm, TinyTransformer, counting_task, evaluate, fmt,
                 main, pick, precise_bn, run_grid, separated, spread, warmup_cosine)

BATCH_FREE = ["ln", "rms", "dyt", "dyt_0.5", "none"]  # dyt: alpha0 = 2; dyt_0.5: the DyT paper's default
BATCH_BOUND = ["bn", "masked_bn"]
ABLATION = ["bn_zero_pad", "bn_count_matched"]  # two variants between plain and masked BN
MICRO = {"full": [2, 4, 8, 64], "smoke": [2, 8]}
ABLATION_MICRO = {"full": [4, 8], "smoke": [2]}
RATES = {"full": [2e-3, 4e-3, 8e-3, 1.6e-2], "smoke": [4e-3]}  # spanning 8x
SEEDS = {"full": [1, 2, 3], "smoke": [1]}
STEPS = {"full": {"sweep": 300, "final": 800}, "smoke": {"sweep": 2, "final": 4}}
EVAL_EVERY = {"full": 50, "smoke": 2}
# held-out sequences; batches for PreciseBN and for measuring the statistics
SIZES = {"full": {"val_n": 1024, "precise_batches": 50, "trace_batches": 20}, "smoke": {"val_n": 128, "precise_batches": 4, "trace_batches": 2}}
VAL_SEED, SELECT_SEED = 1000, 1001  # held-out sets: results, and choosing the learning rate
# --8<-- [end:experiment]


# --8<-- [start:ablation]
class AblatedBN(GhostBatchNorm):
    """Ghost BatchNorm whose training statistics are taken one of two other ways.

    zero_pad: padded positions are set to exactly 0 before the statistics, which still count
    every position. The real tokens' values are masked BN's; the statistics divide by all
    positions, so they also carry the group's share of padding (its sequences' lengths).
    count_matched: plain BN's statistics over a random subset of the group's positions, real
    and padded alike, as many as the group has real tokens: masked BN's number of values."""

    def __init__(self, c: int, group: int, how: str):
        super().__init__(c, group=group)
        self.how = how

    def forward(self, x, mask):
        if not self.training:
            return super().forward(x, mask)
        b, t, c = x.shape
        g = self.group
        xs = x.reshape(b // g, g * t, c)
        real = mask.reshape(b // g, g * t, 1).to(x.dtype)
        if self.how == "zero_pad":
            source, keep = xs * real, torch.ones_like(real)
        elif self.how == "count_matched":
            order = torch.rand(real.shape, device=x.device).argsort(1).argsort(1)  # a random rank per position
            source, keep = xs, (order < real.sum(1, keepdim=True)).to(x.dtype)
        else:
            raise ValueError(self.how)
        m = keep.sum(1)
        mean = (source * keep).sum(1) / m
        var = ((source - mean[:, None]) ** 2 * keep).sum(1) / m
        with torch.no_grad():
            self._update_running(mean, var * m / (m - 1).clamp(min=1))
        y = (xs - mean[:, None]) * torch.rsqrt(var[:, None] + self.eps)
        if self.trace is not None and y.requires_grad:
            self.trace.append({"mean": mean.detach(), "var": var.detach(), "normalized": y, "count": m.detach()})
        return self.weight * y.reshape(b, t, c) + self.bias


def make_norm(norm: str, c: int, micro: int):
    if norm == "bn":
        return GhostBatchNorm(c, group=micro)
    if norm == "masked_bn":
        return GhostBatchNorm(c, group=micro, masked=True)
    if norm in ("bn_zero_pad", "bn_count_matched"):
        return AblatedBN(c, micro, norm[3:])
    if norm in ("dyt", "dyt_0.5"):
        return DyT(c, alpha0=0.5 if norm == "dyt_0.5" else 2.0)
    return {"ln": LayerNorm, "rms": RMSNorm, "none": NoNorm}[norm](c)
# --8<-- [end:ablation]


# --8<-- [start:train]
def held_out(seed: int, n: int = 1024):
    c = COUNTING
    return counting_task(n, c["t"], c["vocab"], torch.Generator().manual_seed(seed))


def train(cfg: dict, device: str) -> dict:
    """One run: AdamW, linear warm-up then cosine decay to a tenth of the peak rate, 64
    sequences per step, the eval-mode loss on held-out sequences every `eval_every` steps.
    The result is the mean of the last three evaluations. For BatchNorm the run also reports,
    from the final weights: training mode (statistics of `micro` sequences), eval mode after
    PreciseBN, and how far each layer's batch statistics sit from the population's. A run
    whose loss stops being finite ends there, marked diverged (the sweep scores it infinite)."""
    c = COUNTING
    started = time.process_time()  # CPU seconds of this run, whatever else the machine runs
    val = held_out(cfg["val_seed"], cfg["val_n"])
    torch.manual_seed(cfg["seed"])
    data_order = torch.Generator().manual_seed(cfg["seed"])
    model = TinyTransformer(c["vocab"], c["t"], c["t"], "none", layers=cfg.get("layers", 2))  # depth.py: 6 blocks
    for block in model.blocks:  # the same initialization for every normalization
        block.norm1, block.norm2 = make_norm(cfg["norm"], 64, cfg["micro"]), make_norm(cfg["norm"], 64, cfg["micro"])
    model.final = make_norm(cfg["norm"], 64, cfg["micro"])
    model.to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=0.01)
    schedule = warmup_cosine(opt, cfg["steps"] // 20, cfg["steps"])
    curve = {"step": [], "train_loss": [], "val_loss": [], "val_accuracy": []}
    running = 0.0
    for step in range(1, cfg["steps"] + 1):
        tokens, mask, labels = (d.to(device) for d in counting_task(c["batch"], c["t"], c["vocab"], data_order))
        model.train()
        logits = model(tokens, mask)
        loss = F.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=-100)
        if not torch.isfinite(loss):
            return {"diverged": True, "val_loss": math.inf, "curve": curve, "cpu_s": round(time.process_time() - started, 2)}
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        schedule.step()
        running += loss.item()
        if step % cfg["eval_every"] == 0:
            e = evaluate(model, val, len(val[0]), False, device)
            curve["step"].append(step)
            curve["train_loss"].append(round(running / cfg["eval_every"], 4))
            curve["val_loss"].append(round(e["loss"], 4))
            curve["val_accuracy"].append(round(e["accuracy"], 4))
            running = 0.0
    out = {"diverged": False, "curve": curve, "val_loss": sum(curve["val_loss"][-3:]) / len(curve["val_loss"][-3:]),
           "val_accuracy": sum(curve["val_accuracy"][-3:]) / len(curve["val_accuracy"][-3:])}
    if cfg["measure"]:
        out.update(measure(model, val, cfg, device))
    out["cpu_s"] = round(time.process_time() - started, 2)
    return out


def measure(model, val, cfg: dict, device) -> dict:
    """After training, from the final weights: the loss in training mode (the ghost groups are
    `micro` sequences, as in training), eval mode with PreciseBN's population statistics
    (averaged over 50 training batches), and per layer how far the statistics of one group
    sit from the running (EMA) and from the population statistics, in population stds.
    PreciseBN and the statistics use fixed batches of training sequences, split as in training."""
    c = COUNTING
    out = {"eval_loss": evaluate(model, val, len(val[0]), False, device)["loss"],
           "train_mode_loss": evaluate(model, val, len(val[0]), True, device)["loss"]}
    layers = [(name, m) for name, m in model.named_modules() if isinstance(m, GhostBatchNorm)]
    if not layers:
        return out
    stats_batches = [tuple(d.to(device) for d in counting_task(c["batch"], c["t"], c["vocab"], torch.Generator().manual_seed(7 + i))[:2]) for i in range(cfg["trace_batches"])]
    saved = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()
    for _, m in layers:
        m.trace = []
    with torch.enable_grad():
        for tokens, mask in stats_batches:
            model(tokens, mask)
    traces = {name: (torch.cat([t["mean"] for t in m.trace]), torch.cat([t["var"] for t in m.trace])) for name, m in layers}
    for _, m in layers:
        m.trace = None
    model.load_state_dict(saved)
    ema = {name: (m.running_mean.clone(), m.running_var.clone()) for name, m in layers}
    precise_bn(model, (tuple(d.to(device) for d in counting_task(c["batch"], c["t"], c["vocab"], torch.Generator().manual_seed(100 + i))[:2]) for i in range(cfg["precise_batches"])))
    out["precise_bn_loss"] = evaluate(model, val, len(val[0]), False, device)["loss"]
    rows = []
    for name, m in layers:
        means, variances = traces[name]
        row = {"layer": name}
        for label, (mu, var) in (("population", (m.running_mean, m.running_var)), ("ema", ema[name])):
            sd = m.running_var.sqrt()  # population std: the same yardstick for both
            row[f"mean_shift_{label}"] = ((means - mu).abs() / sd).mean().item()
            row[f"var_shift_{label}"] = (variances / var - 1).abs().mean().item()
        rows.append(row)
    out["layers"] = rows
    return out
# --8<-- [end:train]


# --8<-- [start:plan]
def arms(mode: str) -> list[tuple[str, int]]:
    """(normalization, micro-batch): the batch-free ones once, the BN family at each micro-batch."""
    out = [(n, 64) for n in (BATCH_FREE if mode == "full" else ["ln"])]
    out += [(n, m) for n in BATCH_BOUND for m in MICRO[mode]]
    out += [(n, m) for n in ABLATION for m in ABLATION_MICRO[mode]]
    return out


def configs(stage: str, mode: str, best: dict | None = None) -> list[dict]:
    base = {"eval_every": EVAL_EVERY[mode], "seed": 1, **SIZES[mode]}
    if stage == "sweep":  # one seed, shorter, scored on its own held-out set
        return [{**base, "norm": n, "micro": m, "lr": lr, "steps": STEPS[mode]["sweep"], "val_seed": SELECT_SEED, "measure": False}
                for n, m in arms(mode) for lr in RATES[mode]]
    return [{**base, "norm": n, "micro": m, "lr": best[f"{n}@{m}"], "seed": s, "steps": STEPS[mode]["final"], "val_seed": VAL_SEED, "measure": True}
            for n, m in arms(mode) for s in SEEDS[mode]]


def best_rate(runs: list[dict]) -> float:
    return min(runs, key=lambda r: r["val_loss"])["lr"]


def run(mode: str, device) -> dict:
    sweep = run_grid("tiny_transformer", train, configs("sweep", mode), device, mode)
    best = {f"{n}@{m}": best_rate(pick(sweep, norm=n, micro=m)) for n, m in arms(mode)}
    final = run_grid("tiny_transformer", train, configs("final", mode, best), device, mode)
    for r in sweep:
        r.pop("curve")  # the sweep's result is its score; the final runs keep their curves
    data = {"seed": 1, "mode": mode, "task": COUNTING, "steps": STEPS[mode], "rates": RATES[mode], "best_lr": best,
            "marginal_loss": marginal_loss(held_out(VAL_SEED, SIZES[mode]["val_n"])), "mechanisms": mechanisms(),
            "sweep": sweep, "final": final, "cpu_s": round(sum(r["cpu_s"] for r in sweep + final), 1)}
    data["summary"] = summary(data)  # mean and min-max over seeds, for the page and the figure
    return data


def marginal_loss(val) -> float:
    """The loss of a model that ignores the sequence: predict each count with its overall
    frequency among real tokens (the entropy of the labels)."""
    labels = val[2][val[2] >= 0]
    p = torch.bincount(labels).float() / len(labels)
    return -(p[p > 0] * p[p > 0].log()).sum().item()


def mechanisms() -> dict:
    """What the ablation layers do, on one made-up batch of 4 sequences in groups of 2."""
    torch.manual_seed(0)
    x = torch.randn(4, 6, 8) + 3.0
    mask = torch.arange(6) < torch.tensor([6, 2, 4, 3])[:, None]
    other = torch.where(mask[..., None], x, torch.randn(4, 6, 8) * 5)  # the same real tokens, other padding
    out = {}
    for norm in ["bn", "masked_bn", "bn_zero_pad", "bn_count_matched"]:
        torch.manual_seed(1)
        a = make_norm(norm, 8, 2)(x, mask)
        torch.manual_seed(1)
        b = make_norm(norm, 8, 2)(other, mask)
        out[f"{norm}_padding_moves_real"] = (a - b)[mask].abs().max().item()
    x.requires_grad_()  # the layers keep their statistics (trace) only when a gradient can flow
    matched = make_norm("bn_count_matched", 8, 2)
    matched.trace = []
    matched(x, mask)
    real = mask.reshape(2, -1).sum(1, keepdim=True).float()
    out["count_matched_counts_real_tokens"] = (matched.trace[0]["count"] - real).abs().max().item()
    masked = make_norm("masked_bn", 8, 2)
    real_mean = torch.stack([x[i : i + 2][mask[i : i + 2]].mean(0) for i in (0, 2)])
    zero_pad = make_norm("bn_zero_pad", 8, 2)
    zero_pad.trace = []
    zero_pad(x, mask)
    share = mask.reshape(2, -1).float().mean(1, keepdim=True)  # real tokens / positions, per group
    out["zero_pad_mean_is_share_times_real_mean"] = (zero_pad.trace[0]["mean"] - share * real_mean).abs().max().item()
    masked.trace = []
    masked(x, mask)
    out["masked_mean_is_real_mean"] = (masked.trace[0]["mean"] - real_mean).abs().max().item()
    return out
# --8<-- [end:plan]


# Below this line: reporting and claims, which do not change a run's results.
def rows_of(data: dict, norm: str, micro: int = 64) -> list[dict]:
    return pick(data["final"], norm=norm, micro=micro)


def spread_of(data: dict, norm: str, micro: int = 64, key: str = "val_loss") -> dict:
    return spread([r[key] for r in rows_of(data, norm, micro)])


def summary(data: dict) -> list[dict]:
    """One row per (normalization, micro-batch): the chosen rate and mean [min, max] over seeds."""
    out = []
    for n, m in sorted({(r["norm"], r["micro"]) for r in data["final"]}, key=lambda a: (ORDER.index(a[0]), a[1])):
        rows = rows_of(data, n, m)
        row = {"norm": n, "micro": m, "lr": rows[0]["lr"], "eval": spread_of(data, n, m), "accuracy": spread_of(data, n, m, "val_accuracy"),
               "train_mode": spread_of(data, n, m, "train_mode_loss")}
        if "precise_bn_loss" in rows[0]:
            row["precise_bn"] = spread_of(data, n, m, "precise_bn_loss")
            row["layers"] = [{"layer": layer["layer"], "mean_shift": spread([r["layers"][i]["mean_shift_population"] for r in rows]),
                              "var_shift": spread([r["layers"][i]["var_shift_population"] for r in rows])}
                             for i, layer in enumerate(rows[0]["layers"])]
            row["mean_shift"] = spread([sum(x["mean_shift_population"] for x in r["layers"]) / len(r["layers"]) for r in rows])
        out.append(row)
    return out


ORDER = ["ln", "rms", "dyt", "dyt_0.5", "none", "bn", "masked_bn", "bn_zero_pad", "bn_count_matched"]


# --8<-- [start:check]
def check(data: dict, mode: str) -> None:
    """The mechanisms, in any run (the comparisons are the claims below)."""
    ln, bn = rows_of(data, "ln")[0], rows_of(data, "bn", MICRO[mode][0])[0]
    assert abs(ln["eval_loss"] - ln["train_mode_loss"]) < 1e-5, "LN has no train/eval difference"
    assert abs(bn["eval_loss"] - bn["train_mode_loss"]) > 1e-3, "BN does: batch vs running statistics"
    assert bn["layers"] and all(x["mean_shift_population"] > 0 for x in bn["layers"]), "every BN layer's statistics measured"
    m = data["mechanisms"]
    assert m["bn_padding_moves_real"] > 0.1 and m["bn_count_matched_padding_moves_real"] > 0.1, "plain BN reads padding"
    assert m["masked_bn_padding_moves_real"] < 1e-6 and m["bn_zero_pad_padding_moves_real"] < 1e-6, "these ignore padding's content"
    assert m["count_matched_counts_real_tokens"] == 0, "count-matched BN takes as many values as there are real tokens"
    assert m["zero_pad_mean_is_share_times_real_mean"] < 1e-5 and m["masked_mean_is_real_mean"] < 1e-5
# --8<-- [end:check]


def report(data: dict) -> str:
    lines = ["norm              micro   lr       eval-mode loss (mean [min, max])   training mode   PreciseBN"]
    for row in data["summary"]:
        line = f"{row['norm']:<16}  {row['micro']:>5}   {row['lr']:<7g}  {fmt(row['eval']):<33}  {row['train_mode']['mean']:>12.3f}"
        if "precise_bn" in row:
            line += f"   {row['precise_bn']['mean']:>9.3f}"
        lines.append(line)
    return "\n".join(lines)


# --8<-- [start:claims]
def worse(a: dict, b: dict) -> bool:
    """a ends worse than b: higher loss, and the seed ranges do not overlap."""
    return separated(a, b) and a["mean"] > b["mean"]


def show(label: str, s: dict) -> str:
    return f"{label} {fmt(s)}"


def test_bn_2_trails_ln(data):
    bn, ln = spread_of(data, "bn", 2), spread_of(data, "ln")
    return worse(bn, ln), f"{show('BN@2', bn)}; {show('LN', ln)}"


def test_bn_64_matches_ln(data):
    bn, ln = spread_of(data, "bn", 64), spread_of(data, "ln")
    return not worse(bn, ln), f"{show('BN@64', bn)}; {show('LN', ln)}"


def test_bn_no_worse_with_more(data):
    micro = sorted({r["micro"] for r in data["final"] if r["norm"] == "bn"})
    s = {m: spread_of(data, "bn", m) for m in micro}
    bad = [(a, b) for i, a in enumerate(micro) for b in micro[i + 1 :] if worse(s[b], s[a])]
    return not bad, "; ".join(show(f"BN@{m}", s[m]) for m in micro) + (f"; worse with more: {bad}" if bad else "")


def test_none_ties_best(data):
    arms = [(n, m) for n, m in {(r["norm"], r["micro"]) for r in data["final"]} if n not in ("none", *ABLATION)]
    best = min(arms, key=lambda a: spread_of(data, *a)["mean"])
    none, top = spread_of(data, "none"), spread_of(data, *best)
    return not worse(none, top), f"{show('none', none)}; best other: {show(f'{best[0]}@{best[1]}', top)}"


def test_rms_worse(data):
    rms, ln = spread_of(data, "rms"), spread_of(data, "ln")
    return worse(rms, ln), f"{show('RMSNorm', rms)}; {show('LN', ln)}"


def test_dyt_default_worse(data):
    d05, d2 = spread_of(data, "dyt_0.5"), spread_of(data, "dyt")
    return worse(d05, d2), f"{show('DyT a0=0.5', d05)}; {show('DyT a0=2', d2)}"


def test_dyt_default_fails(data):
    d05 = spread_of(data, "dyt_0.5")
    return d05["min"] > 0.95 * data["marginal_loss"], f"{show('DyT a0=0.5', d05)}; ignoring the sequence: {data['marginal_loss']:.3f}"


def test_masked_trails_bn_small(data):
    pairs = {m: (spread_of(data, "masked_bn", m), spread_of(data, "bn", m)) for m in (2, 4, 8)}
    return all(worse(a, b) for a, b in pairs.values()), "; ".join(f"@{m}: {show('masked', a)} vs {show('BN', b)}" for m, (a, b) in pairs.items())


def test_masked_matches_bn_64(data):
    a, b = spread_of(data, "masked_bn", 64), spread_of(data, "bn", 64)
    return not separated(a, b), f"{show('masked@64', a)}; {show('BN@64', b)}"


def test_masked_8_trails_bn_4(data):
    a, b = spread_of(data, "masked_bn", 8), spread_of(data, "bn", 4)
    return worse(a, b), f"{show('masked@8 (about 80 real tokens)', a)}; {show('BN@4 (64 positions)', b)}"


def compare_at(data, norm, other, rule, micros=(4, 8)):
    pairs = {m: (spread_of(data, norm, m), spread_of(data, other, m)) for m in micros}
    return all(rule(a, b) for a, b in pairs.values()), "; ".join(f"@{m}: {show(norm, a)} vs {show(other, b)}" for m, (a, b) in pairs.items())


def test_count_matched_like_bn(data):
    return compare_at(data, "bn_count_matched", "bn", lambda a, b: not worse(a, b))


def test_count_matched_beats_masked(data):
    return compare_at(data, "bn_count_matched", "masked_bn", lambda a, b: worse(b, a))


def test_zero_pad_like_bn(data):
    return compare_at(data, "bn_zero_pad", "bn", lambda a, b: not separated(a, b))


def test_zero_pad_beats_masked(data):
    return compare_at(data, "bn_zero_pad", "masked_bn", lambda a, b: worse(b, a))


def layer_shifts(data, norm, micro):
    rows = rows_of(data, norm, micro)
    return [spread([r["layers"][i]["mean_shift_population"] for r in rows]) for i in range(len(rows[0]["layers"]))]


def test_masked_noisier(data):
    out, ok = [], True
    for m in (4, 8):
        a, b = layer_shifts(data, "masked_bn", m), layer_shifts(data, "bn", m)
        ok &= all(worse(x, y) for x, y in zip(a, b))
        out.append(f"@{m}: masked " + ", ".join(f"{x['mean']:.3f}" for x in a) + " vs BN " + ", ".join(f"{y['mean']:.3f}" for y in b))
    return ok, "mean deviation per layer; " + "; ".join(out)


def test_count_matched_as_noisy(data):
    out, ok = [], True
    for m in (4, 8):
        a, b = layer_shifts(data, "bn_count_matched", m), layer_shifts(data, "masked_bn", m)
        ok &= not any(worse(y, x) for x, y in zip(a, b))
        out.append(f"@{m}: count-matched " + ", ".join(f"{x['mean']:.3f}" for x in a) + " vs masked " + ", ".join(f"{y['mean']:.3f}" for y in b))
    return ok, "mean deviation per layer; " + "; ".join(out)


def test_masked_train_mode_worse(data):
    out, ok = [], True
    for m in (2, 4, 8):
        tm, ev = spread_of(data, "masked_bn", m, "train_mode_loss"), spread_of(data, "masked_bn", m, "eval_loss")
        ok &= worse(tm, ev)
        out.append(f"@{m}: training mode {fmt(tm)} vs eval mode {fmt(ev)}")
    return ok, "masked BN " + "; ".join(out)


CLAIMS = [
    Claim("bn_2_trails_ln", "With statistics over 2 sequences, BatchNorm ends worse than LayerNorm.",
          "统计量只来自 2 条序列时，BatchNorm 的最终结果比 LayerNorm 差。", test_bn_2_trails_ln),
    Claim("bn_64_matches_ln", "With statistics over 64 sequences, BatchNorm is not worse than LayerNorm.",
          "统计量来自 64 条序列时，BatchNorm 不比 LayerNorm 差。", test_bn_64_matches_ln),
    Claim("bn_no_worse_with_more", "BatchNorm does not get worse as its micro-batch grows (no larger micro-batch ends worse than a smaller one).",
          "BatchNorm 不会随微批变大而变差（没有哪个较大的微批比较小的微批结果更差）。", test_bn_no_worse_with_more),
    Claim("none_ties_best", "No normalization ties the best normalization on this two-block model.",
          "在这个两块的模型上，不归一化与最好的归一化打平。", test_none_ties_best),
    Claim("rms_worse", "RMSNorm ends worse than LayerNorm.", "RMSNorm 的最终结果比 LayerNorm 差。", test_rms_worse),
    Claim("dyt_default_worse", "DyT with the paper's default α₀ = 0.5 ends worse than with α₀ = 2, each at its best learning rate.",
          "DyT 用论文默认的 α₀ = 0.5 时，最终结果比 α₀ = 2 差（各自用最好的学习率）。", test_dyt_default_worse),
    Claim("dyt_default_fails", "DyT with α₀ = 0.5 does not learn the task: its loss stays at that of a model that ignores the sequence.",
          "α₀ = 0.5 的 DyT 学不会这个任务：它的损失停留在不看序列的模型的水平。", test_dyt_default_fails),
    Claim("masked_trails_bn_small", "Masked BN ends worse than plain BN at micro-batches 2, 4 and 8.",
          "微批为 2、4、8 时，掩码 BN 的最终结果都比普通 BN 差。", test_masked_trails_bn_small),
    Claim("masked_matches_bn_64", "At a micro-batch of 64, masked BN and plain BN are indistinguishable.",
          "微批为 64 时，掩码 BN 与普通 BN 无法区分。", test_masked_matches_bn_64),
    Claim("masked_8_trails_bn_4", "Masked BN at micro-batch 8 (about 80 real tokens per statistic) ends worse than plain BN at 4 (64 positions).",
          "微批为 8 的掩码 BN（每个统计量约 80 个真实 token）比微批为 4 的普通 BN（64 个位置）差。", test_masked_8_trails_bn_4),
    Claim("count_matched_like_bn", "Plain BN whose statistics take only as many values as masked BN's is not worse than plain BN (micro-batches 4 and 8).",
          "把普通 BN 的统计量限制为与掩码 BN 同样多的值，并不比普通 BN 差（微批 4 和 8）。", test_count_matched_like_bn),
    Claim("count_matched_beats_masked", "Count-matched plain BN ends better than masked BN at micro-batches 4 and 8: the number of values does not explain masked BN's deficit.",
          "微批为 4 和 8 时，计数匹配的普通 BN 比掩码 BN 好：值的个数解释不了掩码 BN 的劣势。", test_count_matched_beats_masked),
    Claim("zero_pad_like_bn", "Holding padded positions at zero before the statistics leaves plain BN's result unchanged (indistinguishable, micro-batches 4 and 8).",
          "在求统计量之前把填充位置固定为零，普通 BN 的结果不变（无法区分，微批 4 和 8）。", test_zero_pad_like_bn),
    Claim("zero_pad_beats_masked", "BN with padding held at zero ends better than masked BN at micro-batches 4 and 8, though both take the same real values.",
          "微批为 4 和 8 时，填充固定为零的 BN 比掩码 BN 好，尽管两者取的是同样的真实值。", test_zero_pad_beats_masked),
    Claim("masked_noisier", "Masked BN's batch statistics are noisier than plain BN's: in every layer its batch mean sits further from the population mean (micro-batches 4 and 8).",
          "掩码 BN 的批统计量比普通 BN 的噪声更大：在每一层，它的批均值离总体均值都更远（微批 4 和 8）。", test_masked_noisier),
    Claim("count_matched_as_noisy", "Count-matched BN's statistics are not less noisy than masked BN's in any layer (micro-batches 4 and 8).",
          "计数匹配 BN 的统计量在任何一层都不比掩码 BN 的噪声小（微批 4 和 8）。", test_count_matched_as_noisy),
    Claim("masked_train_mode_worse", "Masked BN does worse with its own batch statistics (training mode) than with running statistics (eval mode) at micro-batches 2 to 8.",
          "微批为 2 到 8 时，掩码 BN 用自己的批统计量（训练模式）比用滑动统计量（推理模式）差。", test_masked_train_mode_worse),
]
# --8<-- [end:claims]


if __name__ == "__main__":
    main("tiny_transformer", run, check, report, CLAIMS)
