"""Experiment 7: what each normalization costs at inference.

One Pre-LN Transformer block (attention and MLP) in eval mode, with LayerNorm, RMSNorm, DyT,
BatchNorm as a layer, and BatchNorm folded into the linear layers that read its output. At
inference BatchNorm is a fixed per-channel affine map, so it can be merged into the next
linear layer: the block then has no normalization step at all. (In a Pre-LN block the layer
before a norm is a residual addition, so the fold goes into the linear layer after it.) We
time the block and the normalization alone: median over repeated runs with the quartiles,
the variants interleaved so that drifts of the machine hit them all alike.
"""

# --8<-- [start:fold]
import copy
import time

import torch
from torch import nn

from lab import Block, main, median_and_quartiles, seeded


@torch.no_grad()
def fold_batchnorm(bn: nn.BatchNorm1d, linear: nn.Linear) -> nn.Linear:
    """linear(bn(x)) as one linear layer: bn(x) = s * x + t per channel in eval mode."""
    s = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    t = bn.bias - bn.running_mean * s
    merged = copy.deepcopy(linear)
    merged.weight.copy_(linear.weight * s)  # scales the input columns
    merged.bias.copy_(linear.bias + linear.weight @ t)
    return merged


def folded_block(block: Block) -> Block:
    """A copy of a BatchNorm block with both BatchNorms merged away."""
    out = copy.deepcopy(block)
    out.qkv = fold_batchnorm(block.norm1.norm, block.qkv)
    out.mlp[0] = fold_batchnorm(block.norm2.norm, block.mlp[0])
    out.norm1, out.norm2 = nn.Identity(), nn.Identity()
    out.norm1.forward = out.norm2.forward = lambda x, mask: x
    return out
# --8<-- [end:fold]


# --8<-- [start:experiment]
SHAPES = {"smoke": [(2, 16, 64)], "full": [(4, 128, 256), (4, 128, 512), (4, 128, 1024)]}  # (batch, tokens, width)
REPEATS = {"smoke": 5, "full": 40}


def timed(fn, x, mask, device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    fn(x, mask)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - start) * 1e3  # milliseconds


@torch.no_grad()
def run(mode: str, device) -> dict:
    g = seeded(0)
    rows, max_fold_error = [], 0.0
    for b, t, d in SHAPES[mode]:
        x = torch.randn(b, t, d, generator=g).to(device)
        mask = torch.ones(b, t, dtype=torch.bool, device=device)
        blocks = {name: Block(d, max(1, d // 64), name).to(device).eval() for name in ["ln", "rms", "dyt", "bn"]}
        bn = blocks["bn"]
        for norm in (bn.norm1.norm, bn.norm2.norm):  # trained-looking running statistics
            norm.running_mean.normal_(0, 0.5, generator=None)
            norm.running_var.uniform_(0.5, 2.0)
        blocks["bn_folded"] = folded_block(bn)
        max_fold_error = max(max_fold_error, (blocks["bn_folded"](x, mask) - bn(x, mask)).abs().max().item())
        variants = {f"block_{k}": v for k, v in blocks.items()}
        variants.update({f"norm_{k}": blocks[k].norm1 for k in ["ln", "rms", "dyt", "bn"]})
        times = {k: [] for k in variants}
        for _ in range(3):  # warm-up
            for fn in variants.values():
                fn(x, mask)
        for _ in range(REPEATS[mode]):
            for k, fn in variants.items():
                times[k].append(timed(fn, x, mask, device))
        for k, values in times.items():
            median, q1, q3 = median_and_quartiles(values)
            rows.append({"batch": b, "tokens": t, "width": d, "variant": k, "median_ms": median, "q1_ms": q1, "q3_ms": q3})
    return {"seed": 0, "mode": mode, "repeats": REPEATS[mode], "threads": torch.get_num_threads(),
            "max_fold_error": max_fold_error, "rows": rows}
# --8<-- [end:experiment]


def median_of(data, width, variant):
    return next(r["median_ms"] for r in data["rows"] if r["width"] == width and r["variant"] == variant)


# --8<-- [start:check]
def check(data: dict, mode: str) -> None:
    assert data["max_fold_error"] < 1e-4, "folding BatchNorm into the next linear layer changes nothing"
    if mode == "full":  # timings: only claims with a wide margin
        for width in {r["width"] for r in data["rows"]}:
            block_ln = median_of(data, width, "block_ln")
            for norm in ["ln", "rms", "dyt", "bn"]:
                assert median_of(data, width, f"norm_{norm}") < 0.25 * block_ln, "a norm is a small part of a block"
            # the page's surprise: alone, RMSNorm is slower than LayerNorm in eager PyTorch on CPU
            assert median_of(data, width, "norm_rms") > median_of(data, width, "norm_ln")
        widest = [r for r in data["rows"] if r["width"] == max(r["width"] for r in data["rows"]) and r["variant"].startswith("block_")]
        assert max(r["q1_ms"] for r in widest) < min(r["q3_ms"] for r in widest), "at the widest, the blocks' quartiles overlap"
# --8<-- [end:check]


def report(data: dict) -> str:
    lines = [f"folded vs unfolded BatchNorm block: largest difference {data['max_fold_error']:.1e}"]
    if data["mode"] == "smoke":  # timings differ run to run; the smoke run prints none
        lines.append(f"timed {len(data['rows'])} variants x {data['repeats']} runs")
        return "\n".join(lines)
    lines.append("width  variant         median ms   (q1 - q3)")
    for r in data["rows"]:
        lines.append(f"{r['width']:>5}  {r['variant']:<14}  {r['median_ms']:>9.3f}   ({r['q1_ms']:.3f} - {r['q3_ms']:.3f})")
    return "\n".join(lines)


if __name__ == "__main__":
    # One thread: on a shared machine, threads waiting for each other made timings scatter by 10x.
    main("inference_cost", run, check, report)
