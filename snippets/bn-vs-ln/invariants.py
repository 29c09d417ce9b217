"""LayerNorm and BatchNorm on a (batch, seq, dim) activation, and what each one makes zero-mean.

LayerNorm standardizes every token over its C features. BatchNorm (training mode)
standardizes every channel over all B*T positions of the batch. The asserts check both
invariants, and that neither holds along the other layer's axes.
"""

# --8<-- [start:setup]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)

B, T, C = 4, 8, 16  # batch, sequence length, features (channels)
x = 3.0 * torch.randn(B, T, C, device=device) + 1.0  # an activation far from mean 0 / var 1
# --8<-- [end:setup]

# --8<-- [start:layernorm]
ln = nn.LayerNorm(C).to(device)
y_ln = ln(x)  # (B, T, C): each token is standardized over its C features
# --8<-- [end:layernorm]

# --8<-- [start:batchnorm]
bn = nn.BatchNorm1d(C).to(device).train()
# BatchNorm1d expects channels on dim 1: (B, T, C) -> (B, C, T) -> back to (B, T, C)
y_bn = bn(x.transpose(1, 2)).transpose(1, 2)  # each channel is standardized over B*T values
# --8<-- [end:batchnorm]

# --8<-- [start:check]
def spread(t: torch.Tensor) -> str:
    """Largest distance from 0 of a tensor of means, for printing."""
    return f"{t.abs().max().item():.4f}"


ln_mean = y_ln.mean(dim=-1)  # one mean per token: shape (B, T)
ln_var = y_ln.var(dim=-1, unbiased=False)
bn_mean = y_bn.mean(dim=(0, 1))  # one mean per channel: shape (C,)
bn_var = y_bn.var(dim=(0, 1), unbiased=False)

print(f"LayerNorm  per-token  mean: shape {tuple(ln_mean.shape)}, max |mean| = {spread(ln_mean)}")
print(f"LayerNorm  per-token  var : in [{ln_var.min().item():.4f}, {ln_var.max().item():.4f}]")
print(f"BatchNorm  per-channel mean: shape {tuple(bn_mean.shape)}, max |mean| = {spread(bn_mean)}")
print(f"BatchNorm  per-channel var : in [{bn_var.min().item():.4f}, {bn_var.max().item():.4f}]")

# The wrong axes: BN does not standardize a token, LN does not standardize a channel.
bn_token_mean = y_bn.mean(dim=-1)
ln_channel_mean = y_ln.mean(dim=(0, 1))
print(f"BatchNorm  per-token  mean (not its axis): max |mean| = {spread(bn_token_mean)}")
print(f"LayerNorm  per-channel mean (not its axis): max |mean| = {spread(ln_channel_mean)}")

tol = 1e-4
assert ln_mean.abs().max() < tol and (ln_var - 1).abs().max() < tol
assert bn_mean.abs().max() < tol and (bn_var - 1).abs().max() < tol
assert bn_token_mean.abs().max() > 0.1, "BN should not zero each token's mean"
assert ln_channel_mean.abs().max() > 0.1, "LN should not zero each channel's mean"
# --8<-- [end:check]
