"""Experiment 8: a character-level language model on Tiny Shakespeare, seven normalizations.

Real text, a causal model and a published baseline. The trainer is first anchored on
nanoGPT's CPU configuration with LayerNorm (validation loss about 1.88 on this file); then
LayerNorm, RMSNorm, BatchNorm, BatchNorm with a second BN inside the feed-forward network
(Yao et al. 2021), PowerNorm (Shen et al. 2020), DyT and no normalization are each trained
at the best of four learning rates, with three seeds. BatchNorm's statistics come from the
whole batch of 12 sequences or from groups of 2 (ghost batches). For the BN family the
validation loss is measured three ways: eval mode (running statistics), eval mode after
PreciseBN, and training mode (batch statistics, which see the future in a causal model).
"""

# --8<-- [start:experiment]
import functools
import hashlib
import math

import torch
import torch.nn.functional as F
from torch import nn

from lab import HERE, DyT, GhostBatchNorm, TokenNorm, main, pick, precise_bn, run_grid, separated, spread, warmup_cosine

DATA = HERE / "data" / "tinyshakespeare.txt"  # HERE: the experiments folder
SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"
# nanoGPT's CPU configuration for this file (config/train_shakespeare_char.py with the README's overrides).
NANOGPT = {"layers": 4, "heads": 4, "width": 128, "context": 64, "batch": 12, "iters": 2000, "lr": 1e-3, "warmup": 100}
PUBLISHED_VAL_LOSS = 1.88
NORMS = ["ln", "rms", "bn", "bn_ffn", "powernorm", "dyt", "none"]
BATCH_BOUND = ["bn", "bn_ffn", "powernorm"]


@functools.lru_cache(maxsize=1)
def load_text() -> tuple[torch.Tensor, torch.Tensor, int]:
    raw = DATA.read_bytes()
    if hashlib.sha256(raw).hexdigest() != SHA256:
        raise SystemExit(f"{DATA}: sha256 differs from {SHA256}; see data/README.md for the file to use")
    text = raw.decode("utf-8")
    chars = sorted(set(text))
    index = {ch: i for i, ch in enumerate(chars)}
    ids = torch.tensor([index[ch] for ch in text])
    cut = int(0.9 * len(ids))  # nanoGPT: the first 90% for training, the rest for validation
    return ids[:cut], ids[cut:], len(chars)


def make_norm(kind: str, width: int, group: int | None, heads: int = 4, warmup: int = 100) -> TokenNorm:
    if kind == "ln":
        return Wrap(nn.LayerNorm(width, bias=False))  # nanoGPT: LayerNorm without bias
    if kind == "rms":
        return Wrap(nn.RMSNorm(width, eps=1e-5))
    if kind in ("bn", "bn_ffn"):
        return GhostBatchNorm(width, group=group)
    if kind == "powernorm":
        from powernorm import PowerNorm

        # as the authors' Transformer runs it: GroupScaling with one group per attention head,
        # batch statistics in the forward pass during the learning-rate warm-up
        return PowerNorm(width, group_num=heads, warmup_iters=warmup)
    if kind == "dyt":
        return DyT(width, alpha0=0.5)  # the DyT paper's default
    if kind == "none":
        return Wrap(nn.Identity())
    raise ValueError(kind)


class Wrap(TokenNorm):
    def __init__(self, layer: nn.Module):
        super().__init__()
        self.layer = layer

    def forward(self, x, mask):
        return self.layer(x)


class Block(nn.Module):
    """nanoGPT's block: Pre-LN, causal self-attention and a GELU MLP, no biases."""

    def __init__(self, width: int, heads: int, norm: str, group: int | None, warmup: int):
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = make_norm(norm, width, group, heads, warmup), make_norm(norm, width, group, heads, warmup)
        self.qkv, self.proj = nn.Linear(width, 3 * width, bias=False), nn.Linear(width, width, bias=False)
        self.up, self.down = nn.Linear(width, 4 * width, bias=False), nn.Linear(4 * width, width, bias=False)
        # Yao et al. 2021: a BatchNorm inside the feed-forward network as well
        self.ffn_norm = GhostBatchNorm(4 * width, group=group) if norm == "bn_ffn" else None

    def forward(self, x, mask):
        b, t, c = x.shape
        q, k, v = self.qkv(self.norm1(x, mask)).view(b, t, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(y.transpose(1, 2).reshape(b, t, c))
        h = self.up(self.norm2(x, mask))
        if self.ffn_norm is not None:
            h = self.ffn_norm(h, mask)
        return x + self.down(F.gelu(h))


class CharGPT(nn.Module):
    def __init__(self, vocab: int, cfg: dict):
        super().__init__()
        w, group = cfg["width"], cfg.get("group")
        self.embed, self.pos = nn.Embedding(vocab, w), nn.Embedding(cfg["context"], w)
        self.blocks = nn.ModuleList(Block(w, cfg["heads"], cfg["norm"], group, cfg["warmup"]) for _ in range(cfg["layers"]))
        self.final = make_norm(cfg["norm"], w, group, cfg["heads"], cfg["warmup"])
        self.head = nn.Linear(w, vocab, bias=False)
        self.head.weight = self.embed.weight  # tied, as in nanoGPT
        for name, p in self.named_parameters():  # nanoGPT's initialization
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * cfg["layers"]) if name.endswith(("proj.weight", "down.weight")) else 0.02
                nn.init.normal_(p, 0.0, std)

    def forward(self, ids):
        mask = torch.ones_like(ids, dtype=torch.bool)
        x = self.embed(ids) + self.pos(torch.arange(ids.shape[1], device=ids.device))
        for block in self.blocks:
            x = block(x, mask)
        return self.head(self.final(x, mask))


def batches(ids: torch.Tensor, n: int, batch: int, context: int, g: torch.Generator):
    for _ in range(n):
        start = torch.randint(len(ids) - context - 1, (batch,), generator=g)
        offsets = start[:, None] + torch.arange(context + 1)
        chunk = ids[offsets]
        yield chunk[:, :-1], chunk[:, 1:]


@torch.no_grad()
def val_loss(model, val_set, train_mode: bool) -> float:
    """Mean loss over a fixed set of validation batches; training mode uses batch statistics
    (and restores the running statistics afterwards)."""
    saved = {k: v.clone() for k, v in model.state_dict().items()}
    model.train(train_mode)
    losses = [F.cross_entropy(model(x).flatten(0, 1), y.flatten()).item() for x, y in val_set]
    model.load_state_dict(saved)
    model.eval()
    return sum(losses) / len(losses)
# --8<-- [end:experiment]


# --8<-- [start:train]
def train(cfg: dict, device: str) -> dict:
    """One run: nanoGPT's optimizer (AdamW, betas 0.9/0.99, weight decay 0.1 on matrices,
    gradient clipping at 1), linear warm-up then cosine decay to a tenth of the peak rate."""
    torch.manual_seed(cfg["seed"])
    train_ids, val_ids, vocab = load_text()
    model = CharGPT(vocab, cfg).to(device)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    other = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}], lr=cfg["lr"], betas=(0.9, 0.99))
    schedule = warmup_cosine(opt, cfg["warmup"], cfg["iters"])
    g = torch.Generator().manual_seed(cfg["seed"])
    val_set = [(x.to(device), y.to(device)) for x, y in batches(val_ids, cfg["val_batches"], cfg["batch"], cfg["context"], torch.Generator().manual_seed(0))]
    curve = {"step": [], "val_loss": [], "train_loss": []}
    running, diverged = 0.0, False
    for step, (x, y) in enumerate(batches(train_ids, cfg["iters"], cfg["batch"], cfg["context"], g), 1):
        model.train()
        loss = F.cross_entropy(model(x.to(device)).flatten(0, 1), y.to(device).flatten())
        if not torch.isfinite(loss):
            diverged = True
            break
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        schedule.step()
        running += loss.item()
        if step % cfg["eval_every"] == 0:
            curve["step"].append(step)
            curve["train_loss"].append(round(running / cfg["eval_every"], 4))
            curve["val_loss"].append(round(val_loss(model, val_set, False), 4))
            running = 0.0
    out = {"curve": curve, "diverged": diverged}
    last = curve["val_loss"][-3:]
    out["val_loss"] = sum(last) / len(last) if last and not diverged else float("nan")  # mean of the last 3 evaluations
    if diverged:
        return out
    out["final_val_loss"] = curve["val_loss"][-1]
    if cfg["norm"] in BATCH_BOUND:
        out["train_mode_val_loss"] = val_loss(model, val_set, True)
        if cfg["norm"] != "powernorm":  # PowerNorm's forward already uses running statistics
            precise_bn(model, ((x.to(device),) for x, _ in batches(train_ids, 100, cfg["batch"], cfg["context"], torch.Generator().manual_seed(7))))
            out["precise_bn_val_loss"] = val_loss(model, val_set, False)
        if cfg.get("measure_statistics"):
            out["statistics"] = batch_vs_running(model, train_ids, cfg, device)
    return out
# --8<-- [end:train]


# --8<-- [start:statistics]
def batch_vs_running(model, train_ids, cfg, device, n: int = 20) -> list[dict]:
    """PowerNorm's measurement, per BatchNorm layer, after training: how far each batch's
    statistics sit from the running ones. Forward: mean over channels of |mu_B - mu| / sigma
    and of |sigma_B^2 / sigma^2 - 1|. Backward: the two batch averages that BN's gradient
    subtracts, g_mu = mean(dL/dxhat) and g_var = mean(dL/dxhat * xhat), each compared with its
    average over the n batches, relative to that average's norm."""
    layers = [(name, m) for name, m in model.named_modules() if isinstance(m, GhostBatchNorm)]
    forward = {name: [] for name, _ in layers}
    grads = {name: [] for name, _ in layers}
    model.train()
    saved = {k: v.clone() for k, v in model.state_dict().items()}
    for x, y in batches(train_ids, n, cfg["batch"], cfg["context"], torch.Generator().manual_seed(11)):
        for _, m in layers:
            m.trace = []
        loss = F.cross_entropy(model(x.to(device)).flatten(0, 1), y.to(device).flatten())
        model.zero_grad(set_to_none=True)
        loss.backward()
        for name, m in layers:
            for t in m.trace:
                sd = m.running_var.sqrt()
                forward[name].append((((t["mean"] - m.running_mean).abs() / sd).mean().item(), (t["var"] / m.running_var - 1).abs().mean().item()))
                gy = t["normalized"].grad  # dL/dxhat, (groups, positions, C)
                grads[name].append((gy.mean(1), (gy * t["normalized"]).mean(1)))
            m.trace = None
    model.load_state_dict(saved)
    rows = []
    for name, _ in layers:
        g_mu = torch.cat([a for a, _ in grads[name]])
        g_var = torch.cat([b for _, b in grads[name]])
        rel = lambda g: ((g - g.mean(0)).norm(dim=-1) / g.mean(0).norm()).mean().item()  # noqa: E731
        rows.append({"layer": name, "mean_shift": sum(a for a, _ in forward[name]) / len(forward[name]),
                     "var_ratio_shift": sum(b for _, b in forward[name]) / len(forward[name]),
                     "grad_mean_shift": rel(g_mu), "grad_var_shift": rel(g_var)})
    return rows
# --8<-- [end:statistics]


# Below this line: planning, reporting and claims, which do not change a run's results.
# --8<-- [start:plan]
RATES = [5e-4, 1e-3, 2e-3, 4e-3, 8e-3]  # a factor of 16; short sweeps favour high rates, so the grid reaches past nanoGPT's 1e-3 both ways
SEEDS = [1, 2, 3]


def configs(stage: str, mode: str, best: dict | None = None) -> list[dict]:
    """Every run of the full experiment. The learning-rate sweep uses shorter runs (500
    iterations, one seed); the comparison runs nanoGPT's full 2000 iterations, 3 seeds. (The
    depth study runs on the synthetic task, experiment 10: a 6-block sweep here cost too much.)"""
    full = mode == "full"
    base = {**NANOGPT, "val_batches": 40 if full else 2, "eval_every": 100 if full else 5, "group": None, "seed": 1}
    if not full:
        base.update(layers=2, width=32, context=32, iters=15, warmup=3)
    short = {**base, "iters": 500 if full else 10, "warmup": 50 if full else 2}
    if stage == "sweep":
        return [{**short, "norm": n, "lr": lr} for n in NORMS for lr in (RATES if full else RATES[1:2])]
    if stage == "final":
        runs = [{**base, "norm": n, "lr": best[n], "seed": s, "measure_statistics": n in BATCH_BOUND and s == 1} for n in NORMS for s in (SEEDS if full else [1])]
        # BatchNorm's statistics over groups of 2 sequences (128 positions) instead of 12
        runs += [{**base, "norm": "bn", "lr": best["bn"], "seed": s, "group": 2, "measure_statistics": False} for s in (SEEDS if full else [1])]
        return runs
    if stage == "anchor":
        return [{**base, "norm": "ln", "lr": NANOGPT["lr"], "seed": s, "measure_statistics": False} for s in (SEEDS if full else [1])]
    raise ValueError(stage)


def best_of(runs: list[dict]) -> float:
    """The learning rate with the lowest validation loss (a diverged run counts as infinite)."""
    return min(runs, key=lambda r: r["val_loss"] if math.isfinite(r["val_loss"]) else math.inf)["lr"]


def widen_at_edges(sweep: list[dict], device, mode: str, steps: int = 2) -> list[dict]:
    """Where a normalization's best rate is the largest (or smallest) one swept, sweep one
    rate further out (twice, or half, the rate), up to `steps` times: a best rate at the edge
    of the grid says only that the optimum lies beyond it."""
    added: list[dict] = []
    for _ in range(steps):
        extra = []
        for n in NORMS:
            runs = pick(sweep + added, norm=n)
            rates = sorted(r["lr"] for r in runs)
            best = best_of(runs)
            if best in (rates[0], rates[-1]):
                edge = next(r for r in runs if r["lr"] == best)
                settings = {k: v for k, v in edge.items() if k in configs("sweep", mode)[0]}  # the configuration, not its results
                extra.append({**settings, "lr": best * (2 if best == rates[-1] else 0.5)})
        if not extra:
            break
        added += run_grid("char_lm", train, extra, device, mode)
    return added


def run(mode: str, device) -> dict:
    sweep = run_grid("char_lm", train, configs("sweep", mode), device, mode)
    if mode == "full":
        sweep += widen_at_edges(sweep, device, mode)
    best = {n: best_of(pick(sweep, norm=n)) for n in NORMS}
    planned = configs("final", mode, best)
    planned += [c for c in configs("anchor", mode) if {**c, "measure_statistics": False} not in planned]
    final = run_grid("char_lm", train, planned, device, mode)
    data = {"seed": 1, "mode": mode, "nanogpt": NANOGPT, "published_val_loss": PUBLISHED_VAL_LOSS, "best_lr": best,
            "sweep": sweep, "final": final}
    data["summary"] = summary(data)  # what the page quotes: mean and min-max over seeds
    data["configurations"] = len(sweep) + len(final)
    # what the configurations cost, each timed as it ran (a resumed run's own wall time says little)
    data["compute_s"] = round(sum(r.get("seconds", 0.0) for r in sweep + final))
    return data
# --8<-- [end:plan]


def losses(data, key="val_loss", **where) -> dict:
    return spread([r[key] for r in pick(data["final"], **where)])


def summary(data: dict) -> dict:
    """Mean and min-max over seeds of every final configuration, and the depth sweep's best."""
    out = {}
    for n in NORMS:
        out[n] = {"lr": data["best_lr"][n], "eval": losses(data, norm=n, lr=data["best_lr"][n], group=None)}
        if n in BATCH_BOUND:
            out[n]["train_mode"] = losses(data, "train_mode_val_loss", norm=n, lr=data["best_lr"][n], group=None)
            if n != "powernorm":
                out[n]["precise_bn"] = losses(data, "precise_bn_val_loss", norm=n, lr=data["best_lr"][n], group=None)
            if any(r["group"] == 2 for r in pick(data["final"], norm=n)):
                out[n]["eval_group2"] = losses(data, norm=n, lr=data["best_lr"][n], group=2)
                out[n]["train_mode_group2"] = losses(data, "train_mode_val_loss", norm=n, lr=data["best_lr"][n], group=2)
                if n != "powernorm":
                    out[n]["precise_bn_group2"] = losses(data, "precise_bn_val_loss", norm=n, lr=data["best_lr"][n], group=2)
    out["anchor"] = losses(data, norm="ln", lr=NANOGPT["lr"], group=None)
    out["anchor_final"] = losses(data, "final_val_loss", norm="ln", lr=NANOGPT["lr"], group=None)
    stats = [r for r in data["final"] if r["norm"] == "bn" and r["group"] is None and r.get("statistics")]
    out["bn_statistics"] = stats[0]["statistics"] if stats else []
    return out


def check(data: dict, mode: str) -> None:
    """Smoke: the mechanisms, at a size that runs in seconds."""
    ln = pick(data["final"], norm="ln", group=None)[0]
    assert ln["curve"]["val_loss"][-1] < math.log(65), "LayerNorm learns something in a few steps"
    for n in BATCH_BOUND:
        r = pick(data["final"], norm=n, group=None)[0]
        assert not r["diverged"] and abs(r["train_mode_val_loss"] - r["val_loss"]) > 1e-4, f"{n}: training and eval mode differ"
    assert pick(data["final"], norm="bn", group=None)[0]["statistics"], "per-layer statistics are measured"


def report(data: dict) -> str:
    s = summary(data)
    lines = [f"nanoGPT's CPU configuration, LayerNorm: {s['anchor']['mean']:.3f} [{s['anchor']['min']:.3f}, {s['anchor']['max']:.3f}]"
             f" over {s['anchor']['n']} seed(s) (published: about {PUBLISHED_VAL_LOSS})",
             "norm        best lr   val loss, eval mode      train mode        PreciseBN     stats over 2 sequences (eval / train mode)"]
    for n in NORMS:
        row = s[n]
        e = row["eval"]
        line = f"{n:<10}  {row['lr']:.0e}   {e['mean']:.3f} [{e['min']:.3f}, {e['max']:.3f}]"
        if n in BATCH_BOUND:
            line += f"   {row['train_mode']['mean']:.3f}"
            line += f"   {row['precise_bn']['mean']:.3f}" if "precise_bn" in row else "      -  "
            if "eval_group2" in row:
                line += f"   {row['eval_group2']['mean']:.3f} / {row['train_mode_group2']['mean']:.3f}"
        lines.append(line)
    return "\n".join(lines)


# --8<-- [start:claims]
from lab import Claim, fmt  # noqa: E402


def at_best(data, norm: str, key: str = "val_loss", group=None) -> dict:
    return losses(data, key, norm=norm, lr=data["best_lr"][norm if group is None or norm != "bn" else "bn"], group=group)


def apart(a: dict, b: dict) -> str:
    return f"{fmt(a)} vs {fmt(b)}"


def anchor(data):
    finals = spread([r["final_val_loss"] for r in pick(data["final"], norm="ln", lr=NANOGPT["lr"], group=None)])
    return abs(finals["mean"] - PUBLISHED_VAL_LOSS) <= 0.05, f"LN at iteration 2000: {fmt(finals)}; published about {PUBLISHED_VAL_LOSS}"


def worse(norm: str, than: str = "ln", group=None, key: str = "val_loss"):
    def test(data):
        a, b = at_best(data, norm, key, group), at_best(data, than)
        return a["min"] > b["max"], f"{norm}{'' if group is None else f' over {group} sequences'}: {apart(a, b)} ({than})"
    return test


def tie(norm: str, other: str):
    def test(data):
        a, b = at_best(data, norm), at_best(data, other)
        return not separated(a, b), f"{norm}: {apart(a, b)} ({other})"
    return test


def leak(group):
    def test(data):
        rows = pick(data["final"], norm="bn", lr=data["best_lr"]["bn"], group=group)
        pairs = [(r["train_mode_val_loss"], r["val_loss"]) for r in rows]
        return all(t < e for t, e in pairs), "training mode / eval mode per seed: " + ", ".join(f"{t:.3f} / {e:.3f}" for t, e in pairs)
    return test


def not_better(norm: str, than: str):
    def test(data):
        a, b = at_best(data, norm), at_best(data, than)
        return not a["max"] < b["min"], f"{norm}: {apart(a, b)} ({than})"
    return test


def precise_bn_does_not_rescue(data):
    a, b = at_best(data, "bn", "precise_bn_val_loss", group=2), at_best(data, "ln")
    return a["min"] > b["max"], f"BN over 2 sequences after PreciseBN: {apart(a, b)} (ln)"


def backward_noisier(data):
    rows = pick(data["final"], norm="bn", group=None, seed=1)[0]["statistics"]
    pairs = [(r["var_ratio_shift"], r["grad_var_shift"]) for r in rows]
    return all(b > f for f, b in pairs), "per layer, forward |var_B/var - 1| vs backward |g_B - g|/|g|: " + ", ".join(f"{f:.2f} vs {b:.2f}" for f, b in pairs)


CLAIMS = [
    Claim("anchor", "Our LayerNorm run of nanoGPT's CPU configuration lands within 0.05 of the published validation loss of about 1.88.",
          "用 LayerNorm 复现 nanoGPT 的 CPU 配置，验证损失与公布的约 1.88 相差不超过 0.05。", anchor),
    Claim("rms_ties_ln", "RMSNorm and LayerNorm cannot be told apart at this scale: their seed ranges overlap.",
          "在这个规模上 RMSNorm 与 LayerNorm 分不出高下：两者的种子区间重叠。", tie("rms", "ln")),
    Claim("bn_trails_ln", "BatchNorm over the batch of 12 sequences (768 positions per statistic) ends above LayerNorm in eval mode, with seed ranges apart.",
          "批内 12 条序列（每个统计量 768 个位置）的 BatchNorm，推理模式下的验证损失高于 LayerNorm，且种子区间不重叠。", worse("bn")),
    Claim("bn_ffn_not_better", "The extra BatchNorm inside the feed-forward network, which Yao et al. use in ViTs, does not improve on plain BatchNorm here.",
          "Yao 等人在 ViT 中加在前馈网络里的那个 BatchNorm，在这里没有比普通 BatchNorm 更好。", not_better("bn_ffn", "bn")),
    Claim("powernorm_beats_bn", "PowerNorm ends below BatchNorm, with seed ranges apart, as its paper reports for translation.",
          "PowerNorm 的验证损失低于 BatchNorm，且种子区间不重叠，与其论文在机器翻译上的结果一致。", lambda d: (at_best(d, "powernorm")["max"] < at_best(d, "bn")["min"], apart(at_best(d, "powernorm"), at_best(d, "bn")))),
    Claim("bn_small_group_worse", "With statistics over 2 sequences instead of 12, BatchNorm ends worse in eval mode, with seed ranges apart.",
          "统计量只来自 2 条序列而不是 12 条时，BatchNorm 在推理模式下更差，且种子区间不重叠。", lambda d: (at_best(d, "bn", group=2)["min"] > at_best(d, "bn")["max"], apart(at_best(d, "bn", group=2), at_best(d, "bn")))),
    Claim("leak_small_group", "With statistics over 2 sequences, BatchNorm's training-mode validation loss is below its eval-mode loss on every seed: batch statistics that include later positions leak the future, on real text too.",
          "统计量来自 2 条序列时，每个种子下 BatchNorm 训练模式的验证损失都低于推理模式：包含后续位置的批统计量泄露了未来，在真实文本上也一样。", leak(2)),
    Claim("leak_full_batch", "With 12 sequences the leak is still there: training-mode validation loss is below eval mode on every seed.",
          "12 条序列时泄露依然存在：每个种子下训练模式的验证损失都低于推理模式。", leak(None)),
    Claim("precise_bn_no_rescue", "Re-estimating the running statistics after training (PreciseBN) does not bring BatchNorm over 2 sequences to LayerNorm.",
          "训练后重新估计滑动统计量（PreciseBN）也不能让 2 条序列的 BatchNorm 追上 LayerNorm。", precise_bn_does_not_rescue),
    Claim("dyt_trails_ln", "DyT with its default α₀ = 0.5 ends above LayerNorm, with seed ranges apart.",
          "默认 α₀ = 0.5 的 DyT 验证损失高于 LayerNorm，且种子区间不重叠。", worse("dyt")),
    Claim("none_trails_ln", "Without normalization the 4-block model ends above LayerNorm, with seed ranges apart.",
          "不归一化时，4 个块的模型验证损失高于 LayerNorm，且种子区间不重叠。", worse("none")),
    Claim("backward_noisier", "In every BatchNorm layer, the backward pass's batch statistic fluctuates more, relative to its average, than the forward pass's batch variance does, as PowerNorm observed.",
          "在每个 BatchNorm 层里，反向传播的批统计量相对其平均值的波动都大于前向的批方差，与 PowerNorm 的观察一致。", backward_noisier),
]
# --8<-- [end:claims]


if __name__ == "__main__":
    main("char_lm", run, check, report, CLAIMS)
