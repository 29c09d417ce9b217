"""RMSNorm the way LLaMA's Hugging Face code computes it: float32 inside, eps = 1e-6.

The input arrives in bfloat16; the mean of squares and the division run in float32; the
result is cast back to the input dtype and then scaled by the weight. The asserts compare it
with nn.RMSNorm(C, eps=1e-6) and with an exact float32 computation, and show that
nn.RMSNorm's default eps is not LLaMA's 1e-6.
"""

# --8<-- [start:module]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)


class LlamaStyleRMSNorm(nn.Module):
    """y = weight * x / sqrt(mean(x^2) + eps), statistics in float32: no mean, no bias."""

    def __init__(self, num_channels: int, eps: float = 1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(num_channels))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x.to(torch.float32)  # bfloat16 has 8 bits of mantissa: square and average in float32
        h = h * torch.rsqrt(h.pow(2).mean(dim=-1, keepdim=True) + self.eps)
        return self.weight * h.to(x.dtype)  # back to the input dtype, then scale
# --8<-- [end:module]


# --8<-- [start:compare]
B, T, C = 4, 8, 512
x = (3.0 * torch.randn(B, T, C, device=device) + 0.5).to(torch.bfloat16)  # a bf16 activation

ours = LlamaStyleRMSNorm(C).to(device, torch.bfloat16)  # the model's weights are bf16 too
torch_rms = nn.RMSNorm(C, eps=1e-6).to(device, torch.bfloat16)
exact = nn.RMSNorm(C, eps=1e-6).to(device)  # float32 throughout: the reference
with torch.no_grad():
    ours.weight.copy_(1.0 + 0.1 * torch.randn(C, device=device))
    torch_rms.weight.copy_(ours.weight)
    exact.weight.copy_(ours.weight)
    y_ours, y_torch, y_exact = ours(x), torch_rms(x), exact(x.float())


def max_rel_error(y: torch.Tensor, ref: torch.Tensor) -> float:
    return ((y.float() - ref.float()).abs() / ref.float().abs().clamp_min(1e-6)).max().item()


print(f"output dtype: ours {y_ours.dtype}, nn.RMSNorm {y_torch.dtype}")
print(f"ours vs nn.RMSNorm(C, eps=1e-6)  : max relative error {max_rel_error(y_ours, y_torch):.4f}")
print(f"ours vs float32 reference        : max relative error {max_rel_error(y_ours, y_exact):.4f}")
print(f"nn.RMSNorm vs float32 reference  : max relative error {max_rel_error(y_torch, y_exact):.4f}")
print(f"one bfloat16 step (2^-7)         : {2**-7:.4f}")
assert y_ours.dtype == torch.bfloat16
torch.testing.assert_close(y_ours, y_torch)  # PyTorch's bfloat16 tolerances: rtol 1.6e-2, atol 1e-5
assert max_rel_error(y_ours, y_exact) < 0.01, "about one bfloat16 step from the exact value"
# --8<-- [end:compare]


# --8<-- [start:default-eps]
tiny = (1e-3 * torch.randn(B, T, C, device=device)).to(torch.bfloat16)  # mean square near 1e-6
default_eps = nn.RMSNorm(C).to(device, torch.bfloat16)  # eps=None: PyTorch picks a machine epsilon
with torch.no_grad():
    default_eps.weight.copy_(ours.weight)
    gap = max_rel_error(default_eps(tiny), ours(tiny))
print(f"tiny activations, nn.RMSNorm(C) vs eps=1e-6: outputs differ by up to {gap:.0%}")
assert gap > 0.1, "the default eps is not 1e-6: pass eps explicitly when porting LLaMA weights"
# --8<-- [end:default-eps]
