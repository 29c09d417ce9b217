"""Exercise: why growing attention logits hurt training, and what QK-norm changes.

When the logits q.k / sqrt(d) grow, attention rows turn nearly one-hot, and a nearly one-hot
softmax passes almost no gradient back to its logits: its Jacobian diag(p) - p p^T vanishes.
The check scales the query and key weights by 1, 4 and 16 and measures, row by row, the
gradient that reaches the logits, without QK-norm and with an RMSNorm on each query and key.
"""

import math
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
T, d = 32, 64  # tokens, head dimension: one head
x, v, upstream = (torch.randn(T, d).to(device) for _ in range(3))  # drawn on the CPU
w_q = (torch.randn(d, d) / math.sqrt(d)).to(device)
w_k = (torch.randn(d, d) / math.sqrt(d)).to(device)
norm = nn.RMSNorm(d, eps=1e-6).to(device)  # QK-norm: one RMSNorm shared by q and k, for brevity


def attention_rows(scale: float, qk_norm: bool) -> tuple[float, float, float]:
    """Largest |logit|, share of rows with one weight above 0.99, median norm of a row of dL/dlogits."""
    with torch.no_grad():
        q, k = x @ (scale * w_q), x @ (scale * w_k)
        if qk_norm:
            q, k = norm(q), norm(k)
    logits = (q @ k.T / math.sqrt(d)).requires_grad_()
    p = logits.softmax(dim=-1)
    ((p @ v) * upstream).sum().backward()  # L = sum(upstream * attention output)
    one_hot = (p.max(dim=-1).values > 0.99).float().mean().item()
    return logits.abs().max().item(), one_hot, logits.grad.norm(dim=-1).median().item()


print("weight scale | no QK-norm: max |logit|, one-hot rows, median row gradient | QK-norm: the same three")
rows = {}
for scale in (1.0, 4.0, 16.0):
    rows[scale] = attention_rows(scale, qk_norm=False) + attention_rows(scale, qk_norm=True)
    a, b = rows[scale][:3], rows[scale][3:]
    print(f"{scale:12g} | {a[0]:16.1f}, {a[1]:12.0%}, {a[2]:19.4f} | {b[0]:14.1f}, {b[1]:.0%}, {b[2]:.4f}")

assert rows[16.0][1] > 0.9, "without the norm, nearly every row collapses onto a single key"
assert rows[16.0][2] < 1e-3 * rows[1.0][2], "and those rows pass almost no gradient back to their logits"
assert all(r[4] == 0 and abs(r[5] / rows[1.0][5] - 1) < 1e-3 for r in rows.values()), "with it, nothing changes"
