"""Three RMSNorms that look alike: Llama's, Gemma's (1 + weight) and OLMo 2's, and the eps of each checkpoint.

All three divide a token by the root mean square of its features, computed in float32. They
differ in two details that a port has to copy. Gemma stores w and multiplies by (1 + w), so
its weights start at zero and nn.RMSNorm needs weight = 1 + w. Llama rounds the normalized
value back to the input dtype before multiplying by the weight; Gemma and OLMo 2 multiply
first and round once. And eps is whatever the checkpoint's config says.
"""

# --8<-- [start:three]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)


def normalized(x: torch.Tensor, eps: float) -> torch.Tensor:
    h = x.to(torch.float32)
    return h * torch.rsqrt(h.pow(2).mean(dim=-1, keepdim=True) + eps)


def llama_rmsnorm(x, weight, eps):  # LlamaRMSNorm: round to x.dtype, then scale
    return weight * normalized(x, eps).to(x.dtype)


def gemma_rmsnorm(x, w, eps):  # Gemma3RMSNorm: scale by (1 + w) in float32, then round
    return (normalized(x, eps) * (1.0 + w.float())).to(x.dtype)


def olmo2_rmsnorm(x, weight, eps):  # Olmo2RMSNorm: scale by the weight in float32, then round
    return (weight.float() * normalized(x, eps)).to(x.dtype)
# --8<-- [end:three]


# --8<-- [start:gemma-weight]
C, eps = 1024, 1e-6  # eps: the checkpoint's rms_norm_eps, never a default
x = (2.0 * torch.randn(8, C)).to(device, torch.bfloat16)  # drawn on the CPU
w = torch.zeros(C, device=device)  # a freshly initialized Gemma norm stores w = 0

port = nn.RMSNorm(C, eps=eps).to(device)
with torch.no_grad():
    port.weight.copy_(1.0 + w)  # the multiplier is 1 + w
    right = port(x.float())
    port.weight.copy_(w)  # copying the stored tensor as it is
    wrong = port(x.float())
    reference = gemma_rmsnorm(x.float(), w, eps)
print(f"nn.RMSNorm with weight 1 + w matches Gemma's norm: {torch.allclose(right, reference, atol=1e-6)}")
print(f"nn.RMSNorm with weight w: output max |y| = {wrong.abs().max().item():.1f}")
assert torch.allclose(right, reference, atol=1e-6)
assert wrong.abs().max().item() == 0.0, "the stored weights start at zero: the naive port outputs zeros"
# --8<-- [end:gemma-weight]


# --8<-- [start:rounding]
weight = (1.0 + 0.1 * torch.randn(C)).to(device, torch.bfloat16)
with torch.no_grad():
    llama = llama_rmsnorm(x, weight, eps)
    olmo2 = olmo2_rmsnorm(x, weight, eps)
    gemma = gemma_rmsnorm(x, weight.float() - 1.0, eps)  # the same multiplier, stored Gemma's way
differ = (llama != olmo2).float().mean().item()
print(f"same weights, bfloat16 input: Llama and OLMo 2 orderings differ in {differ:.0%} of outputs; "
      f"OLMo 2 and Gemma agree exactly: {torch.equal(olmo2, gemma)}")
assert 0.01 < differ < 0.9, "rounding before or after the weight is visible in bfloat16"
torch.testing.assert_close(llama, olmo2)  # but only by rounding: bfloat16 tolerances hold
assert torch.equal(olmo2, gemma)
# --8<-- [end:rounding]


# --8<-- [start:eps]
print("token mean square | outputs with eps=1e-5 vs eps=1e-6 differ by")
for mean_square in (1.0, 1e-2, 1e-4, 1e-5):
    token = mean_square**0.5 * torch.randn(1, C).to(device)
    token = token * (mean_square / token.pow(2).mean()).sqrt()  # exactly that mean square
    gap = (normalized(token, 1e-6) / normalized(token, 1e-5) - 1).abs().max().item()
    print(f"{mean_square:17g} | {gap:.2%}")
    if mean_square == 1.0:
        assert gap < 1e-4, "for tokens of ordinary size eps hardly matters"
    if mean_square <= 1e-4:
        assert gap > 0.04, "for small tokens it changes the output by percents"
# --8<-- [end:eps]
