"""Five places to put the norm in a residual block, and what each does to the residual stream.

Post-LN and DeepNorm normalize the stream itself after every sublayer. Pre-LN normalizes only
what a sublayer reads, so what it writes back is whatever size the weights make it. Peri-LN
(Gemma 2 and 3) and OLMo 2's reordered norm normalize what a sublayer writes, so every update
has RMS |gamma| = 1 at initialization, however large the weights grow. The asserts check
those properties on freshly built stacks, with the weights at their initial scale and scaled
up fourfold, the way weights grow in training.
"""

# --8<-- [start:layouts]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)


def feed_forward(dim: int) -> nn.Module:
    return nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))


class Block(nn.Module):
    """Attention, then an FFN, each wrapped in a residual connection the way `layout` says."""

    def __init__(self, dim: int, heads: int, layout: str, alpha: float = 1.0, eps: float = 1e-6):
        super().__init__()
        self.layout, self.alpha = layout, alpha
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.ffn = feed_forward(dim)
        self.norm_in = nn.ModuleList([nn.RMSNorm(dim, eps=eps) for _ in range(2)])
        self.norm_out = nn.ModuleList([nn.RMSNorm(dim, eps=eps) for _ in range(2)])
        self.updates: list[torch.Tensor] = []  # what each sublayer added to the stream

    def wrap(self, x: torch.Tensor, sublayer, i: int) -> torch.Tensor:
        norm_in, norm_out = self.norm_in[i], self.norm_out[i]
        if self.layout == "post":  # the original Transformer, BERT
            return norm_out(x + sublayer(x))
        if self.layout == "deepnorm":  # DeepNet: up-weight the residual, alpha > 1
            return norm_out(self.alpha * x + sublayer(x))
        if self.layout == "pre":  # GPT-2, Llama
            update = sublayer(norm_in(x))
        elif self.layout == "peri":  # Gemma 2, Gemma 3: a norm on both sides
            update = norm_out(sublayer(norm_in(x)))
        elif self.layout == "reordered":  # OLMo 2: only on the way out
            update = norm_out(sublayer(x))
        else:
            raise ValueError(self.layout)
        self.updates.append(update)
        return x + update

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.wrap(x, lambda h: self.attn(h, h, h, need_weights=False)[0], 0)
        return self.wrap(x, self.ffn, 1)
# --8<-- [end:layouts]


# --8<-- [start:stream]
B, T, C, H, L = 4, 16, 64, 4, 12  # batch, tokens, width, heads, blocks (2 sublayers each)
x0 = torch.randn(B, T, C).to(device)  # drawn on the CPU: the same numbers on every device


def rms(h: torch.Tensor) -> torch.Tensor:
    """Root mean square of each token over its C features: shape (B, T)."""
    return h.pow(2).mean(dim=-1).sqrt()


def run(layout: str, weight_scale: float = 1.0, alpha: float = 1.0) -> dict:
    torch.manual_seed(1)  # the same initial weights for every layout
    stack = nn.Sequential(*[Block(C, H, layout, alpha) for _ in range(L)]).to(device)
    with torch.no_grad():
        for name, p in stack.named_parameters():
            if p.dim() == 2 and "norm" not in name:  # every weight matrix, none of the gains
                p.mul_(weight_scale)
        out = stack(x0)
    updates = [u for block in stack for u in block.updates]
    return {"out": out, "stream": rms(out).mean().item(),
            "update": max(rms(u).max().item() for u in updates) if updates else float("nan"),
            "update_min": min(rms(u).min().item() for u in updates) if updates else float("nan")}


runs = {(layout, s): run(layout, s) for layout in ("post", "pre", "peri", "reordered") for s in (1.0, 4.0)}
print("layout    | weights | stream RMS after 12 blocks | largest update RMS")
for (layout, s), r in runs.items():
    update = "none: the stream is normalized" if layout == "post" else f"{r['update']:.2f}"
    print(f"{layout:9s} | x{s:<6g} | {r['stream']:26.2f} | {update}")

for s in (1.0, 4.0):
    assert abs(runs["post", s]["stream"] - 1) < 1e-3, "Post-LN: the stream itself is normalized"
    for layout in ("peri", "reordered"):
        r = runs[layout, s]
        assert abs(r["update"] - 1) < 1e-3 and abs(r["update_min"] - 1) < 1e-3, "every update has RMS 1"
        assert r["stream"] <= rms(x0).mean().item() + 2 * L, "so the stream grows at most by 1 a sublayer"
growth = runs["pre", 4.0]["update"] / runs["pre", 1.0]["update"]
print(f"Pre-LN: fourfold weights make the largest update {growth:.0f} times larger")
assert growth > 8, "Pre-LN's updates are as large as the weights make them"
assert runs["pre", 4.0]["stream"] > 4 * runs["pre", 1.0]["stream"], "and so does its stream"
# --8<-- [end:stream]


# --8<-- [start:deepnorm]
def cosine_to_input(out: torch.Tensor) -> float:
    return nn.functional.cosine_similarity(out, x0, dim=-1).mean().item()


post, deep = run("post")["out"], run("deepnorm", alpha=4.0)["out"]
print(f"cosine(input, output) after 12 blocks: Post-LN {cosine_to_input(post):.2f}, "
      f"DeepNorm with alpha=4 {cosine_to_input(deep):.2f}")
assert cosine_to_input(deep) > cosine_to_input(post) + 0.2, "alpha > 1 keeps more of the input"
# --8<-- [end:deepnorm]
