"""Exercise: what the final norm before the LM head is for, in a Pre-LN stack.

Pre-LN blocks add to a residual stream that nothing normalizes, so its size depends on depth
(and, in training, on the weights). Fed straight to the LM head, that size becomes the scale of
the logits, and the softmax over the vocabulary sharpens with depth alone. A final RMSNorm
(GPT-2's ln_f, LlamaModel's norm) hands the head a stream of RMS 1 whatever the depth.
"""

import math
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
N, C, V = 64, 64, 512  # tokens, width, vocabulary


class PreLNBlock(nn.Module):
    """x + FFN(RMSNorm(x)): a Pre-LN block with the attention left out."""

    def __init__(self):
        super().__init__()
        self.norm = nn.RMSNorm(C, eps=1e-6)
        self.ffn = nn.Sequential(nn.Linear(C, 4 * C), nn.GELU(), nn.Linear(4 * C, C))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.ffn(self.norm(x))


x = torch.randn(N, C).to(device)  # drawn on the CPU: the same numbers on every device
head = (torch.randn(V, C) / math.sqrt(C)).to(device)  # the unembedding, logits = h @ head.T
final_norm = nn.RMSNorm(C, eps=1e-6).to(device)


def rms(h: torch.Tensor) -> float:
    return h.pow(2).mean(dim=-1).sqrt().mean().item()


def entropy(logits: torch.Tensor) -> float:
    p = logits.softmax(dim=-1)
    return -(p * p.clamp_min(1e-30).log()).sum(dim=-1).mean().item()


print(f"blocks | stream RMS | no final norm: logit RMS, entropy | final norm: head input RMS, entropy "
      f"(uniform: {math.log(V):.2f})")
rows, stream = [], x
blocks = [PreLNBlock().to(device) for _ in range(128)]
with torch.no_grad():
    for depth, block in enumerate(blocks, start=1):
        stream = block(stream)
        if depth not in (2, 8, 32, 128):
            continue
        plain, normed = stream @ head.T, final_norm(stream)
        rows.append((rms(stream), rms(plain), entropy(plain), rms(normed), entropy(normed @ head.T)))
        print(f"{depth:6d} | {rows[-1][0]:10.2f} | {rows[-1][1]:15.2f}, {rows[-1][2]:.2f} | "
              f"{rows[-1][3]:24.4f}, {rows[-1][4]:.2f}")

assert all(a[0] < b[0] for a, b in zip(rows, rows[1:])), "the Pre-LN stream grows with depth"
assert rows[-1][1] > 2 * rows[0][1] and rows[-1][2] < rows[0][2] - 1, "and so do the logits: sharper softmax"
assert all(abs(r[3] - 1) < 1e-3 for r in rows), "the final norm gives the head RMS 1 at every depth"
assert max(r[4] for r in rows) - min(r[4] for r in rows) < 0.1, "so depth no longer sets the softmax's sharpness"
