"""QK-norm: normalize queries and keys before their dot product, and the attention logits are bounded.

Without it a logit q.k / sqrt(d) grows with the square of the weight scale and the softmax
collapses onto a single key. With RMSNorm on each head's q and k (Gemma 3, Qwen3) a head's
query has norm at most sqrt(d) max|gamma_q|, so every logit satisfies
|q.k| / sqrt(d) <= sqrt(d) max|gamma_q| max|gamma_k|, whatever scale the weights reach.
Henry et al.'s QKNorm divides by the L2 norms and multiplies by a learned g: |logit| <= g.
RoPE, applied after the norm, is a rotation and keeps the bound. OLMo 2 normalizes the whole
projection at once, which bounds one head only by the norm of all of them.
"""

# --8<-- [start:setup]
import math
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)

T, C, H = 32, 256, 4  # tokens, width, heads
d = C // H  # head dimension
x = torch.randn(T, C).to(device)  # drawn on the CPU: the same numbers on every device
w_q = (torch.randn(C, C) / math.sqrt(C)).to(device)
w_k = (torch.randn(C, C) / math.sqrt(C)).to(device)
q_norm = nn.RMSNorm(d, eps=1e-6).to(device)  # one gain vector of size d, shared by the heads
k_norm = nn.RMSNorm(d, eps=1e-6).to(device)
with torch.no_grad():  # trained-looking gains instead of all ones
    q_norm.weight.copy_(1 + 0.5 * torch.rand(d))
    k_norm.weight.copy_(1 + 0.5 * torch.rand(d))


def heads(h: torch.Tensor) -> torch.Tensor:
    """(T, C) -> (H, T, d): split the features into heads."""
    return h.view(T, H, d).transpose(0, 1)


def logits(weight_scale: float, qk_norm: bool) -> torch.Tensor:
    """Attention logits q.k / sqrt(d) of every head, shape (H, T, T)."""
    q, k = heads(x @ (weight_scale * w_q)), heads(x @ (weight_scale * w_k))
    if qk_norm:
        q, k = q_norm(q), k_norm(k)
    return q @ k.transpose(-1, -2) / math.sqrt(d)


def entropy(s: torch.Tensor) -> float:
    """Mean entropy of the attention rows, in nats; log(T) is uniform attention."""
    p = s.softmax(dim=-1)
    return -(p * p.clamp_min(1e-30).log()).sum(dim=-1).mean().item()
# --8<-- [end:setup]


# --8<-- [start:bound]
bound = math.sqrt(d) * q_norm.weight.abs().max().item() * k_norm.weight.abs().max().item()
print(f"bound with QK-norm: sqrt(d) max|gamma_q| max|gamma_k| = {bound:.1f}; uniform attention has entropy {math.log(T):.2f}")
print("weight scale | max |logit| | entropy | with QK-norm: max |logit| | entropy")
rows = []
with torch.no_grad():
    for s in (1.0, 4.0, 16.0):
        plain, normed = logits(s, qk_norm=False), logits(s, qk_norm=True)
        rows.append((plain.abs().max().item(), entropy(plain), normed.abs().max().item(), entropy(normed)))
        print(f"{s:12g} | {rows[-1][0]:11.1f} | {rows[-1][1]:7.2f} | {rows[-1][2]:25.1f} | {rows[-1][3]:.2f}")
    unchanged = torch.allclose(logits(16.0, True), logits(1.0, True), atol=1e-3)

assert rows[-1][0] > 100 * rows[0][0], "without the norm, logits grow with the square of the weights"
assert rows[-1][1] < 0.1, "and attention collapses onto one key"
assert all(r[2] <= bound for r in rows), "with it, no logit exceeds the bound"
assert unchanged and abs(rows[-1][3] - rows[0][3]) < 1e-3, "and the weight scale no longer matters"

g = 10.0  # Henry et al.: L2-normalize, then scale by a learned g instead of dividing by sqrt(d)
q, k = heads(x @ (16 * w_q)), heads(x @ (16 * w_k))
cosine_logits = g * nn.functional.normalize(q, dim=-1) @ nn.functional.normalize(k, dim=-1).transpose(-1, -2)
print(f"QKNorm with g = {g:g}: max |logit| {cosine_logits.abs().max().item():.2f}")
assert cosine_logits.abs().max().item() <= g + 1e-4
# --8<-- [end:bound]


# --8<-- [start:rope]
def rope(h: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """Rotary position embedding: rotate feature pairs (i, i + d/2) by position * frequency."""
    freqs = base ** (-torch.arange(0, d, 2, device=h.device).float() / d)
    angles = torch.arange(T, device=h.device).float()[:, None] * freqs  # (T, d/2)
    cos, sin = angles.cos().repeat(1, 2), angles.sin().repeat(1, 2)
    rotated_half = torch.cat((-h[..., d // 2:], h[..., : d // 2]), dim=-1)
    return h * cos + rotated_half * sin


with torch.no_grad():
    q = q_norm(heads(x @ (16 * w_q)))
    same_norms = torch.allclose(rope(q).norm(dim=-1), q.norm(dim=-1), rtol=1e-5)
print(f"RoPE after the norm leaves every query's norm unchanged: {same_norms}")
assert same_norms, "a rotation keeps the norm, so the bound holds after RoPE"
# --8<-- [end:rope]


# --8<-- [start:whole-projection]
whole = nn.RMSNorm(C, eps=1e-6).to(device)  # OLMo 2: one norm over all heads' queries together
with torch.no_grad():
    q = x @ w_q
    q[:, :d] *= 20  # one head's part of the projection much larger than the others'
    per_head = heads(whole(q)).norm(dim=-1)  # (H, T)
print(f"norm over the whole projection: head norms up to {per_head.max().item():.1f}; "
      f"sqrt(d) = {math.sqrt(d):.1f}, sqrt(C) = {math.sqrt(C):.1f}")
assert per_head.max().item() > 1.5 * math.sqrt(d), "a single head can exceed the per-head bound"
assert per_head.max().item() <= math.sqrt(C) + 1e-3, "but not the norm of the whole vector"
# --8<-- [end:whole-projection]
