"""BatchNorm on a ViT-Base activation of shape (64, 196, 768), done right.

64 images, 196 patch tokens each (a 224x224 image cut into 16x16 patches), 768 features.
BatchNorm1d wants (B, C, T), so the activation is transposed; each of the 768 channels
is then standardized over 64 * 196 = 12544 values. The checks are the ones worth running
in a real model: the axis, the count, and the running statistics.
"""

# --8<-- [start:setup]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))
torch.manual_seed(0)

B, T, C = 64, 196, 768
offset = torch.randn(C, device=device)  # every channel gets its own mean and scale
scale = torch.rand(C, device=device) + 0.5
image_shift = torch.randn(B, 1, 1, device=device)  # and every image its own brightness
x = torch.randn(B, T, C, device=device) * scale + offset + image_shift
# --8<-- [end:setup]

# --8<-- [start:batchnorm]
bn = nn.BatchNorm1d(C).to(device).train()
y = bn(x.transpose(1, 2)).transpose(1, 2)  # (B, T, C) -> (B, C, T) -> (B, T, C)
assert y.shape == x.shape

try:  # without the transpose, dim 1 holds 196 tokens, not 768 channels
    nn.BatchNorm1d(C).to(device)(x[:2])
    forgot_transpose = "no error"
except RuntimeError as error:
    forgot_transpose = str(error)
print(f"without the transpose: {forgot_transpose}")
assert forgot_transpose != "no error"
# --8<-- [end:batchnorm]

# --8<-- [start:verify]
m = B * T  # values behind each channel's statistics
ch_mean = y.mean(dim=(0, 1))  # over batch and tokens: one number per channel
ch_var = y.var(dim=(0, 1), unbiased=False)
tok_mean = y.mean(dim=-1)  # over features: LayerNorm's axis, not BatchNorm's
print(f"values per channel: m = {B} * {T} = {m}")
print(f"per-channel mean: max |mean| = {ch_mean.abs().max().item():.4f}")
print(f"per-channel var : in [{ch_var.min().item():.4f}, {ch_var.max().item():.4f}]")
print(f"per-token mean (not BN's axis): max |mean| = {tok_mean.abs().max().item():.4f}")
assert ch_mean.abs().max() < 1e-4 and (ch_var - 1).abs().max() < 1e-3
assert tok_mean.abs().max() > 0.5, "per-image shifts survive: BN does not standardize tokens"

# The running statistics moved by momentum 0.1 toward this batch's statistics.
batch_mean = x.mean(dim=(0, 1))
batch_var_unbiased = x.var(dim=(0, 1), unbiased=True)  # what running_var stores
expected_mean = 0.9 * torch.zeros(C, device=device) + 0.1 * batch_mean
expected_var = 0.9 * torch.ones(C, device=device) + 0.1 * batch_var_unbiased
ok_mean = torch.allclose(bn.running_mean, expected_mean, atol=1e-4)
ok_var = torch.allclose(bn.running_var, expected_var, atol=1e-4)
print(f"running_mean and running_var updated as expected: {ok_mean and ok_var}")
assert ok_mean and ok_var
# --8<-- [end:verify]
