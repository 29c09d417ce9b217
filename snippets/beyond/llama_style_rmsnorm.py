"""RMSNorm the way LLaMA's Hugging Face code computes it: float32 inside, the checkpoint's eps.

The input arrives in bfloat16; the mean of squares and the division run in float32; the
result is cast back to the input dtype and only then scaled by the weight, so it is rounded
twice. eps comes from the checkpoint's config (rms_norm_eps: 1e-5 for Llama 2 and Llama 3,
1e-6 for LLaMA-1, which is also LlamaRMSNorm's default). The asserts compare it with
nn.RMSNorm given the same eps and with an exact float32 computation, measure what the second
rounding changes, and show that nn.RMSNorm's default eps is no checkpoint's.
"""

# --8<-- [start:module]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)


class LlamaStyleRMSNorm(nn.Module):
    """y = weight * x / sqrt(mean(x^2) + eps), statistics in float32: no mean, no bias."""

    def __init__(self, num_channels: int, eps: float = 1e-6):  # models pass config.rms_norm_eps
        super().__init__()
        self.weight = nn.Parameter(torch.ones(num_channels))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x.to(torch.float32)  # bfloat16 has 8 bits of mantissa: square and average in float32
        h = h * torch.rsqrt(h.pow(2).mean(dim=-1, keepdim=True) + self.eps)
        return self.weight * h.to(x.dtype)  # back to the input dtype, then scale
# --8<-- [end:module]


# --8<-- [start:compare]
rms_norm_eps = 1e-5  # "rms_norm_eps" in a Llama 2 or Llama 3 checkpoint's config.json
B, T, C = 4, 8, 512
x = (3.0 * torch.randn(B, T, C, device=device) + 0.5).to(torch.bfloat16)  # a bf16 activation

ours = LlamaStyleRMSNorm(C, eps=rms_norm_eps).to(device, torch.bfloat16)  # bf16 weights too
torch_rms = nn.RMSNorm(C, eps=rms_norm_eps).to(device, torch.bfloat16)
exact = nn.RMSNorm(C, eps=rms_norm_eps).to(device)  # float32 throughout: the reference
with torch.no_grad():
    ours.weight.copy_(1.0 + 0.1 * torch.randn(C, device=device))
    torch_rms.weight.copy_(ours.weight)
    exact.weight.copy_(ours.weight)
    y_ours, y_torch, y_exact = ours(x), torch_rms(x), exact(x.float())


def max_rel_error(y: torch.Tensor, ref: torch.Tensor) -> float:
    return ((y.float() - ref.float()).abs() / ref.float().abs().clamp_min(1e-6)).max().item()


print(f"output dtype: ours {y_ours.dtype}, nn.RMSNorm {y_torch.dtype}")
print(f"ours vs nn.RMSNorm(C, eps={rms_norm_eps:g})  : max relative error {max_rel_error(y_ours, y_torch):.4f}")
print(f"ours vs float32 reference        : max relative error {max_rel_error(y_ours, y_exact):.4f}")
print(f"nn.RMSNorm vs float32 reference  : max relative error {max_rel_error(y_torch, y_exact):.4f}")
print(f"one bfloat16 step (2^-7)         : {2**-7:.4f}")
assert y_ours.dtype == torch.bfloat16
torch.testing.assert_close(y_ours, y_torch)  # PyTorch's bfloat16 tolerances: rtol 1.6e-2, atol 1e-5
assert max_rel_error(y_ours, y_exact) < 0.01, "about one bfloat16 step from the exact value"
# --8<-- [end:compare]


# --8<-- [start:rounding]
# LLaMA rounds the normalized value to bf16 before the weight, then rounds the product again.
# Rounding once, at the end, gives a slightly different tensor.
with torch.no_grad():
    h = x.float() * torch.rsqrt(x.float().pow(2).mean(dim=-1, keepdim=True) + rms_norm_eps)
    once = (ours.weight.float() * h).to(torch.bfloat16)
spacing = torch.exp2(torch.floor(torch.log2(once.float().abs())) - 7)  # bf16 step at each value
steps = ((y_ours.float() - once.float()).abs() / spacing).max().item()
share = (y_ours != once).float().mean().item()
print(f"cast back before the weight vs round once: {share:.0%} of outputs differ, "
      f"by at most {steps:.0f} bfloat16 step(s)")
assert 0.01 < share < 0.9, "the order of the cast and the multiplication shows in the output"
assert steps <= 2, "two roundings instead of one: the results differ by a step, rarely two"
# --8<-- [end:rounding]


# --8<-- [start:default-eps]
tiny = (1e-3 * torch.randn(B, T, C, device=device)).to(torch.bfloat16)  # mean square near 1e-6
default_eps = nn.RMSNorm(C).to(device, torch.bfloat16)  # eps=None: PyTorch picks a machine epsilon
llama1 = LlamaStyleRMSNorm(C, eps=1e-6).to(device, torch.bfloat16)  # LLaMA-1's rms_norm_eps
with torch.no_grad():
    default_eps.weight.copy_(ours.weight)
    llama1.weight.copy_(ours.weight)
    gap = max_rel_error(default_eps(tiny), ours(tiny))
    gap_versions = max_rel_error(llama1(tiny), ours(tiny))
print(f"tiny activations, nn.RMSNorm(C) vs eps=1e-5: outputs differ by up to {gap:.0%}")
print(f"tiny activations, eps=1e-6 vs eps=1e-5:      outputs differ by up to {gap_versions:.0%}")
assert gap > 0.1, "the default eps is no checkpoint's: pass eps=config.rms_norm_eps"
assert gap_versions > 0.1, "and the checkpoints differ among themselves"
# --8<-- [end:default-eps]
