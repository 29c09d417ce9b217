"""LayerNorm, RMSNorm, GroupNorm and InstanceNorm written from their formulas, checked against torch.nn.

Each function is a few lines and follows the page's formulas. The check feeds every function and its
torch.nn counterpart the same input and the same (non-trivial) affine parameters, in float32 with a
tight tolerance and in bfloat16 with a looser one, and asserts that the largest difference fits.
"""

# --8<-- [start:setup]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)

B, T, C = 4, 6, 16  # batch, tokens, features (channels)
G = 4  # GroupNorm: 4 groups of C // G = 4 channels each
EPS = 1e-5  # one epsilon for every layer below, nn.RMSNorm included (its default is different)

x = 2.0 * torch.randn(B, T, C, device=device) + 0.5  # a (B, T, C) activation, far from mean 0 / var 1
# --8<-- [end:setup]


# --8<-- [start:layernorm]
def layer_norm(x, weight, bias, eps=EPS):
    """x: (B, T, C). One mean and one variance per token, over that token's C features."""
    mean = x.mean(dim=-1, keepdim=True)  # mu_{b,t}, shape (B, T, 1)
    var = x.var(dim=-1, keepdim=True, unbiased=False)  # sigma^2_{b,t}: divide by C (biased)
    x_hat = (x - mean) / torch.sqrt(var + eps)
    return x_hat * weight + bias  # gamma_c and beta_c, broadcast over every token
# --8<-- [end:layernorm]


# --8<-- [start:rmsnorm]
def rms_norm(x, weight, eps=EPS):
    """x: (B, T, C). Nothing is subtracted: each token is divided by its root mean square."""
    mean_square = x.pow(2).mean(dim=-1, keepdim=True)  # rho^2_{b,t}, shape (B, T, 1)
    return x * torch.rsqrt(mean_square + eps) * weight  # a scale gamma_c, and no shift
# --8<-- [end:rmsnorm]


# --8<-- [start:groupnorm]
def group_norm(x, groups, weight, bias, eps=EPS):
    """x: (B, C, T), channels first, as nn.GroupNorm expects.
    One mean and one variance per (sample, group), over the group's C // groups channels x T positions."""
    b, c, t = x.shape
    rows = x.reshape(b, groups, (c // groups) * t)  # one row per (sample, group); channels of a group are adjacent
    mean = rows.mean(dim=-1, keepdim=True)  # mu_{b,g}
    var = rows.var(dim=-1, keepdim=True, unbiased=False)  # sigma^2_{b,g}
    x_hat = ((rows - mean) / torch.sqrt(var + eps)).reshape(b, c, t)
    return x_hat * weight[:, None] + bias[:, None]  # the affine is per channel, not per group


def instance_norm(x, weight, bias, eps=EPS):
    """x: (B, C, T). One mean and one variance per (sample, channel), over its T positions."""
    mean = x.mean(dim=-1, keepdim=True)  # mu_{b,c}, shape (B, C, 1)
    var = x.var(dim=-1, keepdim=True, unbiased=False)  # sigma^2_{b,c}
    x_hat = (x - mean) / torch.sqrt(var + eps)
    return x_hat * weight[:, None] + bias[:, None]
# --8<-- [end:groupnorm]


# --8<-- [start:check]
gamma = 1.0 + 0.3 * torch.randn(C, device=device)  # affine parameters away from their
beta = 0.3 * torch.randn(C, device=device)  # initial 1 and 0, so that they are tested too


def with_affine(layer, dtype):
    """Move a torch.nn layer to `dtype` and give it the shared gamma (and beta, if it has one)."""
    layer = layer.to(device=device, dtype=dtype)
    with torch.no_grad():
        layer.weight.copy_(gamma)
        if getattr(layer, "bias", None) is not None:
            layer.bias.copy_(beta)
    return layer


def f32(t):
    """Ours run in float32 and are rounded to the layer's dtype once, at the end, as the torch.nn kernels do."""
    return t.float()


# (dtype, absolute tolerance, relative tolerance). A bfloat16 number keeps 8 significant bits,
# so adjacent bfloat16 numbers are up to 2**-7 (0.8%) of the value apart: allow about two such gaps.
SETTINGS = [(torch.float32, 1e-5, 1e-5), (torch.bfloat16, 1e-2, 1.6e-2)]

for dtype, atol, rtol in SETTINGS:
    ln = with_affine(nn.LayerNorm(C, eps=EPS), dtype)
    rms = with_affine(nn.RMSNorm(C, eps=EPS), dtype)
    gn = with_affine(nn.GroupNorm(G, C, eps=EPS), dtype)
    inn = with_affine(nn.InstanceNorm1d(C, eps=EPS, affine=True), dtype)  # affine is off by default

    x_tc = x.to(dtype)  # (B, T, C) for LayerNorm and RMSNorm
    x_ct = x_tc.transpose(1, 2)  # (B, C, T) for GroupNorm and InstanceNorm

    pairs = {
        "LayerNorm": (layer_norm(f32(x_tc), f32(ln.weight), f32(ln.bias)), ln(x_tc)),
        "RMSNorm": (rms_norm(f32(x_tc), f32(rms.weight)), rms(x_tc)),
        "GroupNorm": (group_norm(f32(x_ct), G, f32(gn.weight), f32(gn.bias)), gn(x_ct)),
        "InstanceNorm": (instance_norm(f32(x_ct), f32(inn.weight), f32(inn.bias)), inn(x_ct)),
    }
    for name, (ours, theirs) in pairs.items():
        ours = ours.to(dtype)
        diff = (ours.float() - theirs.float()).abs().max().item()
        print(f"{str(dtype):15} {name:13} max |ours - torch.nn| = {diff:.6f}   (atol {atol:g}, rtol {rtol:g})")
        torch.testing.assert_close(ours, theirs, atol=atol, rtol=rtol)
# --8<-- [end:check]
