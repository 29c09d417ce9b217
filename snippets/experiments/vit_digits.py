"""Experiment 9: a small Vision Transformer on real images, LayerNorm against BatchNorm.

The images are scikit-learn's handwritten digits (sklearn.datasets.load_digits: 1797
greyscale images of 8x8 pixels, 10 classes), which ship inside the package. Each image is
cut into 2x2 patches, 16 tokens of 4 pixels; a Pre-LN Transformer of width 64 reads them and
a linear head classifies the mean of its outputs. Three normalizations: LayerNorm; naive BN
(a BatchNorm over all tokens in place of every LayerNorm); and BN with a second BatchNorm
between the two linear layers of each feed-forward network (Yao et al. 2021).

Every optimizer step sees 64 training images whatever the normalization. What varies is the
group of images BatchNorm takes its statistics over (2, 8 or 64, ghost batch normalization in
one forward pass), so the optimization is the same and only BN's batch changes; LayerNorm
ignores it and is trained once per rate and seed.
"""

# --8<-- [start:experiment]
import functools
import math

import torch
import torch.nn.functional as F
from torch import nn

from lab import Claim, GhostBatchNorm, LayerNorm, main, pick, precise_bn, run_grid, separated, spread, warmup_cosine

NORMS = ["ln", "bn", "bn_ffn"]
GROUPS = {"full": [2, 8, 64], "smoke": [2]}  # images per BatchNorm statistic
RATES = [1e-3, 2e-3, 4e-3, 8e-3]
SEEDS = [1, 2, 3]
SPLIT_SEED = 0  # the train/validation/test split is drawn once with this seed
MODEL = {"patch": 2, "width": 64, "heads": 4, "layers": 2, "batch": 64}


@functools.lru_cache(maxsize=1)
def digits() -> dict:
    """The 1797 images scaled to [0, 1], split 1197 / 300 / 300 at random (SPLIT_SEED),
    the same split for every run."""
    from sklearn.datasets import load_digits

    d = load_digits()
    images = torch.tensor(d.images, dtype=torch.float32) / 16.0  # pixels are counts 0..16
    labels = torch.tensor(d.target)
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(SPLIT_SEED))
    parts = {"train": order[:1197], "val": order[1197:1497], "test": order[1497:]}
    return {name: (images[i], labels[i]) for name, i in parts.items()}


def patches(images: torch.Tensor, p: int) -> torch.Tensor:
    """(B, 8, 8) -> (B, (8/p)^2, p*p): non-overlapping p x p patches, row by row."""
    b, h, w = images.shape
    return images.reshape(b, h // p, p, w // p, p).permute(0, 1, 3, 2, 4).reshape(b, (h // p) * (w // p), p * p)


def make_norm(kind: str, width: int, group: int | None):
    return LayerNorm(width) if kind == "ln" else GhostBatchNorm(width, group=group)


class Block(nn.Module):
    """Pre-LN block; with norm="bn_ffn" the feed-forward network is Linear -> BN -> GELU ->
    Linear, the placement of powernorm.BNFeedForward (the smoke run checks they agree)."""

    def __init__(self, width: int, heads: int, norm: str, group: int | None):
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = make_norm(norm, width, group), make_norm(norm, width, group)
        self.qkv, self.proj = nn.Linear(width, 3 * width), nn.Linear(width, width)
        self.fc1, self.fc2 = nn.Linear(width, 4 * width), nn.Linear(4 * width, width)
        self.ffn_norm = GhostBatchNorm(4 * width, group=group) if norm == "bn_ffn" else None

    def ffn(self, h, mask):
        h = self.fc1(h)
        if self.ffn_norm is not None:
            h = self.ffn_norm(h, mask)
        return self.fc2(F.gelu(h))

    def forward(self, x, mask):
        b, t, c = x.shape
        q, k, v = self.qkv(self.norm1(x, mask)).view(b, t, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        y = F.scaled_dot_product_attention(q, k, v)  # every patch sees every patch
        x = x + self.proj(y.transpose(1, 2).reshape(b, t, c))
        return x + self.ffn(self.norm2(x, mask), mask)


class ViT(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        p, w, group = cfg["patch"], cfg["width"], cfg.get("group")
        self.p = p
        self.embed = nn.Linear(p * p, w)
        self.pos = nn.Parameter(0.02 * torch.randn((8 // p) ** 2, w))
        self.blocks = nn.ModuleList(Block(w, cfg["heads"], cfg["norm"], group) for _ in range(cfg["layers"]))
        self.final = make_norm(cfg["norm"], w, group)
        self.head = nn.Linear(w, 10)

    def forward(self, images):
        x = self.embed(patches(images, self.p)) + self.pos
        mask = torch.ones(x.shape[:2], dtype=torch.bool, device=x.device)  # no padding: every image has 16 patches
        for block in self.blocks:
            x = block(x, mask)
        return self.head(self.final(x, mask).mean(1))  # mean pooling over the patches


@torch.no_grad()
def evaluate(model, split) -> dict:
    """Eval mode (running statistics), the whole split in one pass: loss and accuracy."""
    model.eval()
    x, y = split
    logits = model(x)
    return {"loss": F.cross_entropy(logits, y).item(), "accuracy": (logits.argmax(-1) == y).float().mean().item()}
# --8<-- [end:experiment]


# --8<-- [start:train]
def train(cfg: dict, device: str) -> dict:
    """One run: AdamW (weight decay 0.05 on matrices), gradient clipping at 1, linear warm-up
    then cosine decay to a tenth of the peak rate; an epoch is a fresh shuffle of the training
    images in batches of 64 (the last, incomplete batch is dropped)."""
    torch.manual_seed(cfg["seed"])
    data = {k: (x.to(device), y.to(device)) for k, (x, y) in digits().items()}
    xs, ys = data["train"]
    model = ViT(cfg).to(device)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    other = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": other, "weight_decay": 0.0}], lr=cfg["lr"])
    schedule = warmup_cosine(opt, cfg["warmup"], cfg["steps"])
    g = torch.Generator().manual_seed(cfg["seed"])
    per_epoch = len(ys) // cfg["batch"]
    curve = {"step": [], "train_loss": [], "val_loss": [], "val_accuracy": [], "test_loss": [], "test_accuracy": []}
    step, running, diverged = 0, 0.0, False
    while step < cfg["steps"] and not diverged:
        order = torch.randperm(len(ys), generator=g).to(device)
        for i in range(per_epoch):
            idx = order[i * cfg["batch"] : (i + 1) * cfg["batch"]]
            model.train()
            loss = F.cross_entropy(model(xs[idx]), ys[idx])
            if not torch.isfinite(loss):
                diverged = True
                break
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            schedule.step()
            step += 1
            running += loss.item()
            if step % cfg["eval_every"] == 0:
                curve["step"].append(step)
                curve["train_loss"].append(round(running / cfg["eval_every"], 4))
                running = 0.0
                for split in ("val", "test"):
                    r = evaluate(model, data[split])
                    curve[f"{split}_loss"].append(round(r["loss"], 4))
                    curve[f"{split}_accuracy"].append(round(r["accuracy"], 4))
            if step == cfg["steps"]:
                break
    out = {"curve": curve, "diverged": diverged}
    last = cfg["average_last"]
    for key in ("val_loss", "val_accuracy", "test_loss", "test_accuracy"):  # the mean of the last evaluations
        out[key] = float("nan") if diverged else sum(curve[key][-last:]) / len(curve[key][-last:])
    if diverged or cfg["norm"] == "ln":
        return out
    for split in ("val", "test"):  # the final model: eval mode, then PreciseBN over the training set
        final = evaluate(model, data[split])
        out[f"final_{split}_loss"], out[f"final_{split}_accuracy"] = final["loss"], final["accuracy"]
    batches = ((xs[i : i + cfg["batch"]],) for i in range(0, per_epoch * cfg["batch"], cfg["batch"]))
    precise_bn(model, batches)  # groups of cfg["group"] images, as in training
    for split in ("val", "test"):
        r = evaluate(model, data[split])
        out[f"precise_{split}_loss"], out[f"precise_{split}_accuracy"] = r["loss"], r["accuracy"]
    return out
# --8<-- [end:train]


# --8<-- [start:plan]
def configs(stage: str, mode: str, best: dict | None = None) -> list[dict]:
    """The sweep: every normalization and BN group at four rates, seed 1, full length. The
    comparison adds seeds 2 and 3 at each configuration's best rate (seed 1 is the sweep's)."""
    full = mode == "full"
    base = {**MODEL, "steps": 480 if full else 12, "warmup": 24 if full else 2, "eval_every": 30 if full else 4,
            "average_last": 3, "seed": 1}
    if not full:
        base.update(layers=1, width=32)
    settings = [("ln", None)] + [(n, g) for n in NORMS[1:] for g in GROUPS[mode]]
    if stage == "sweep":
        return [{**base, "norm": n, "group": g, "lr": lr} for n, g in settings for lr in (RATES if full else RATES[-1:])]
    if stage == "seeds":
        return [{**base, "norm": n, "group": g, "lr": best[(n, g)], "seed": s} for n, g in settings for s in (SEEDS[1:] if full else [])]
    raise ValueError(stage)


def best_rate(runs: list[dict]) -> float:
    """The rate with the lowest validation loss (mean of the last evaluations; diverged = inf)."""
    return min(runs, key=lambda r: r["val_loss"] if math.isfinite(r["val_loss"]) else math.inf)["lr"]


def mechanism(mode: str) -> dict:
    """Checks at toy size: the bn_ffn feed-forward network equals powernorm.BNFeedForward with
    the same weights; an image's LN output does not depend on the rest of its batch, its BN
    output does; PreciseBN replaces the running statistics."""
    from powernorm import BNFeedForward

    torch.manual_seed(0)
    x, mask = torch.randn(4, 16, 8), torch.ones(4, 16, dtype=torch.bool)
    ours, theirs = Block(8, 2, "bn_ffn", None), BNFeedForward(8, 32)
    theirs.fc1.load_state_dict(ours.fc1.state_dict())
    theirs.fc2.load_state_dict(ours.fc2.state_dict())
    ffn_gap = (ours.ffn(x, mask) - theirs(x, mask)).abs().max().item()
    images = digits()["val"][0][:8]
    cfg = {**MODEL, "layers": 1, "width": 32, "group": None}
    gaps = {}
    for norm in NORMS:
        model = ViT({**cfg, "norm": norm}).train()
        with torch.no_grad():
            gaps[norm] = (model(images)[:4] - model(images[:4])).abs().max().item()  # image 0-3 with or without 4-7
    model = ViT({**cfg, "norm": "bn"})
    before = model.final.running_var.clone()
    precise_bn(model, [(digits()["train"][0][:64],)])
    moved = (model.final.running_var - before).abs().max().item()
    sizes = {k: len(v[1]) for k, v in digits().items()}
    return {"ffn_vs_bnfeedforward": ffn_gap, "batch_dependence": gaps, "precise_bn_moved": moved, "split_sizes": sizes}


def run(mode: str, device) -> dict:
    sweep = run_grid("vit_digits", train, configs("sweep", mode), device, mode)
    best = {(r["norm"], r["group"]): None for r in sweep}
    best = {k: best_rate(pick(sweep, norm=k[0], group=k[1])) for k in best}
    seeds = run_grid("vit_digits", train, configs("seeds", mode, best), device, mode)
    final = [r for r in sweep if r["lr"] == best[(r["norm"], r["group"])]] + seeds
    return {"seed": 1, "mode": mode, "model": MODEL, "split_seed": SPLIT_SEED, "groups": GROUPS[mode], "rates": RATES,
            "best_lr": [{"norm": n, "group": g, "lr": lr} for (n, g), lr in best.items()],
            "mechanism": mechanism(mode), "sweep": sweep, "final": final, "summary": summary({"groups": GROUPS[mode], "final": final})}
# --8<-- [end:plan]


# Below this line: reporting and claims, which do not change a run's results.
SETTINGS = lambda data: [("ln", None)] + [(n, g) for n in NORMS[1:] for g in data["groups"]]  # noqa: E731
KEYS = ["val_loss", "val_accuracy", "test_loss", "test_accuracy"]
BN_KEYS = [f"{when}_{split}_{what}" for when in ("final", "precise") for split in ("val", "test") for what in ("loss", "accuracy")]


def name(norm: str, group: int | None) -> str:
    return norm if group is None else f"{norm}_{group}"


def train_loss(run: dict) -> float:
    """The training loss (training mode) over the last evaluations' stretches of steps."""
    last = run["curve"]["train_loss"][-3:]
    return sum(last) / len(last)


def summary(data: dict) -> dict:
    """Mean and min-max over the seeds at each setting's best rate, keyed ln, bn_2, bn_ffn_64, ..."""
    out = {}
    for norm, group in SETTINGS(data):
        runs = pick(data["final"], norm=norm, group=group)
        row = {"lr": runs[0]["lr"], "train_loss": spread(train_loss(r) for r in runs)}
        for key in KEYS + (BN_KEYS if norm != "ln" else []):
            row[key] = spread(r[key] for r in runs)
        out[name(norm, group)] = row
    return out


# --8<-- [start:check]
def check(data: dict, mode: str) -> None:
    """The mechanism, in smoke and full mode alike."""
    m = data["mechanism"]
    assert m["split_sizes"] == {"train": 1197, "val": 300, "test": 300}, m["split_sizes"]
    assert m["ffn_vs_bnfeedforward"] < 1e-5, "the bn_ffn feed-forward network is powernorm.BNFeedForward"
    assert m["batch_dependence"]["ln"] < 1e-5, "an image's LayerNorm output ignores the rest of its batch"
    assert min(m["batch_dependence"]["bn"], m["batch_dependence"]["bn_ffn"]) > 1e-3, "its BatchNorm output does not"
    assert m["precise_bn_moved"] > 0, "PreciseBN replaces the running statistics"
    for r in data["final"]:
        v = r["curve"]["val_loss"]
        assert not r["diverged"] and v[-1] < v[0], f"{name(r['norm'], r['group'])} learns something"
        if r["norm"] != "ln":
            assert abs(r["precise_test_loss"] - r["final_test_loss"]) > 0, "PreciseBN changes the eval-mode model"
# --8<-- [end:check]


def report(data: dict) -> str:
    s = summary(data)
    lines = [f"{len(data['final']) // len(s)} seed(s) at each setting's best rate; mean [min, max]; accuracy in %",
             "setting      best lr   val acc             test acc            test loss              "
             "test acc, PreciseBN   train loss"]
    pct = lambda x: f"{100 * x['mean']:.1f} [{100 * x['min']:.1f}, {100 * x['max']:.1f}]"  # noqa: E731
    for key, row in s.items():
        line = f"{key:<11}  {row['lr']:.0e}   {pct(row['val_accuracy']):<18}  {pct(row['test_accuracy']):<18}  "
        line += f"{row['test_loss']['mean']:.3f} [{row['test_loss']['min']:.3f}, {row['test_loss']['max']:.3f}]   "
        line += f"{pct(row['precise_test_accuracy']) if 'precise_test_accuracy' in row else '-':<20}  {row['train_loss']['mean']:.3f}"
        lines.append(line)
    return "\n".join(lines)


# --8<-- [start:claims]
def both(data: dict, key: str, a: str, b: str) -> tuple[dict, dict, str]:
    s = summary(data)
    show = lambda x: f"{x['mean']:.4f} [{x['min']:.4f}, {x['max']:.4f}]"  # noqa: E731
    return s[a][key], s[b][key], f"{key}: {a} {show(s[a][key])}, {b} {show(s[b][key])}"


def bn_ffn_beats_ln_64(data):
    a, ln, text = both(data, "test_loss", "bn_ffn_64", "ln")
    return separated(a, ln) and a["mean"] < ln["mean"], text


def bn_matches_ln_64(data):
    a, ln, text = both(data, "test_accuracy", "bn_64", "ln")
    return not a["max"] < ln["min"], text


def bn_small_group_not_worse(data):
    a, ln, text = both(data, "test_accuracy", "bn_2", "ln")
    return not a["max"] < ln["min"], text


def precise_bn_within_spread(data):
    s = summary(data)
    moved = [k for k, row in s.items() if "precise_test_accuracy" in row and separated(row["final_test_accuracy"], row["precise_test_accuracy"])]
    gaps = ", ".join(f"{k} {row['precise_test_accuracy']['mean'] - row['final_test_accuracy']['mean']:+.4f}" for k, row in s.items() if k != "ln")
    return not moved, f"PreciseBN minus eval mode, test accuracy: {gaps}; separated: {moved or 'none'}"


def naive_bn_trains_stably(data):
    runs = [r for r in data["sweep"] if r["norm"] == "bn"]
    bad = [f"{name(r['norm'], r['group'])} at {r['lr']:.0e}" for r in runs if r["diverged"] or not r["val_accuracy"] >= 0.9]
    worst = min(runs, key=lambda r: r["val_accuracy"] if not r["diverged"] else -1)
    return not bad, f"{len(runs)} naive-BN sweep runs; lowest validation accuracy {worst['val_accuracy']:.4f} ({name(worst['norm'], worst['group'])} at {worst['lr']:.0e}); failing: {bad or 'none'}"


def ffn_bn_no_difference(data):
    texts, apart = [], []
    for g in data["groups"]:
        a, b, text = both(data, "test_accuracy", f"bn_{g}", f"bn_ffn_{g}")
        texts.append(text.replace("test_accuracy: ", ""))
        if separated(a, b):
            apart.append(g)
    return not apart, f"test accuracy: {'; '.join(texts)}; separated at groups {apart or 'none'}"


def small_group_regularizes(data):
    s = summary(data)
    bn, ln = s["bn_2"], s["ln"]
    holds = bn["train_loss"]["min"] > 10 * ln["train_loss"]["max"] and not bn["test_loss"]["min"] > ln["test_loss"]["max"]
    return holds, (f"train loss: bn_2 {bn['train_loss']['min']:.4f}-{bn['train_loss']['max']:.4f}, ln {ln['train_loss']['min']:.4f}-{ln['train_loss']['max']:.4f}; "
                   f"test loss: bn_2 {bn['test_loss']['min']:.4f}-{bn['test_loss']['max']:.4f}, ln {ln['test_loss']['min']:.4f}-{ln['test_loss']['max']:.4f}")


CLAIMS = [
    Claim("bn_ffn_beats_ln_64",
          "With statistics over 64 images, BN with the extra BN in the FFN reaches a lower test loss than LayerNorm (seed ranges apart).",
          "统计量取自 64 张图像时，FFN 中另加一个 BN 的 BN 模型测试损失低于 LayerNorm（随机种子范围不重叠）。",
          bn_ffn_beats_ln_64),
    Claim("bn_matches_ln_64",
          "With statistics over 64 images, naive BN's test accuracy does not trail LayerNorm's (its seed range does not lie below LN's).",
          "统计量取自 64 张图像时，朴素 BN 的测试准确率不落后于 LayerNorm（它的随机种子范围不在 LN 的之下）。",
          bn_matches_ln_64),
    Claim("bn_small_group_not_worse",
          "Even with statistics over 2 images (32 tokens), naive BN in eval mode does not trail LayerNorm on test accuracy.",
          "即使统计量只取自 2 张图像（32 个 token），推理模式下朴素 BN 的测试准确率也不落后于 LayerNorm。",
          bn_small_group_not_worse),
    Claim("precise_bn_within_spread",
          "PreciseBN moves BN's test accuracy by less than the seed spread at every group size: training's running averages are already adequate here.",
          "在每种分组大小下，PreciseBN 对 BN 测试准确率的改变都小于随机种子间的波动：训练留下的滑动平均在这里已经够用。",
          precise_bn_within_spread),
    Claim("naive_bn_trains_stably",
          "Naive BN does not crash here: no naive-BN run of the sweep diverges or ends below 90% validation accuracy, at any rate or group size.",
          "朴素 BN 在这里没有崩溃：扫描中没有任何一次朴素 BN 运行发散或验证准确率低于 90%，无论学习率和分组大小。",
          naive_bn_trains_stably),
    Claim("ffn_bn_no_difference",
          "At this depth the BN inside the FFN makes no measurable difference: at every group size, naive BN and BN with the FFN BN have overlapping test-accuracy seed ranges.",
          "在这个深度下，FFN 中的 BN 没有带来可测量的差别：每种分组大小下，朴素 BN 与 FFN 中加 BN 的模型的测试准确率随机种子范围都重叠。",
          ffn_bn_no_difference),
    Claim("small_group_regularizes",
          "With statistics over 2 images, naive BN's training loss stays more than ten times LayerNorm's, yet its test loss is not higher.",
          "统计量只取自 2 张图像时，朴素 BN 的训练损失始终是 LayerNorm 的十倍以上，而测试损失却不比它高。",
          small_group_regularizes),
]
# --8<-- [end:claims]


if __name__ == "__main__":
    main("vit_digits", run, check, report, CLAIMS)
