"""Where LayerNorm and RMSNorm put a token: a hyperplane and a sphere.

For a token x of C features, P = I - 11^T / C removes its mean (it projects onto the hyperplane
orthogonal to the all-ones vector). Without affine parameters and with eps = 0:

    LayerNorm(x) = sqrt(C) * P x / |P x|     (on the hyperplane, at radius sqrt(C))
    RMSNorm(x)   = sqrt(C) *   x / |x|       (at radius sqrt(C), anywhere on the sphere)

The checks: both formulas against torch.nn, the sum and the norm of the outputs, what eps > 0
changes, and RMSNorm of P x equals LayerNorm of x.
"""

# --8<-- [start:setup]
import math
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
N, C = 6, 8  # six tokens of eight features
DT = torch.float64
x = (3.0 * torch.randn(N, C, dtype=DT) + 2.0).to(device)  # far from mean 0 and from radius sqrt(C)

ones = torch.ones(C, dtype=DT, device=device)
P = torch.eye(C, dtype=DT, device=device) - torch.outer(ones, ones) / C  # removes the mean
px = x @ P  # P is symmetric: each row becomes x - mean(x)
root_c = math.sqrt(C)
# --8<-- [end:setup]

# --8<-- [start:layernorm]
ln = nn.LayerNorm(C, eps=0.0, elementwise_affine=False).to(device, DT)
y = ln(x)
projection = root_c * px / px.norm(dim=-1, keepdim=True)
print(f"LayerNorm: |sum of features| <= {y.sum(-1).abs().max():.1e}, "
      f"norm {y.norm(dim=-1).min():.6f} to {y.norm(dim=-1).max():.6f} (sqrt(C) = {root_c:.6f})")
print(f"           max |LN(x) - sqrt(C) Px / |Px|| = {(y - projection).abs().max():.1e}")
assert y.sum(-1).abs().max() < 1e-12
assert torch.allclose(y.norm(dim=-1), torch.full((N,), root_c, dtype=DT, device=device))
assert torch.allclose(y, projection)
# --8<-- [end:layernorm]

# --8<-- [start:eps]
eps = 1e-5  # PyTorch's default: the radius becomes sqrt(C) * sigma / sqrt(sigma^2 + eps)
quiet = x.clone()
quiet[0] = (2.0 + 0.002 * torch.randn(C, dtype=DT)).to(device)  # a token whose features barely vary
quiet_px = quiet @ P
y_eps = nn.LayerNorm(C, eps=eps, elementwise_affine=False).to(device, DT)(quiet)
assert torch.allclose(y_eps, root_c * quiet_px / torch.sqrt(quiet_px.norm(dim=-1, keepdim=True) ** 2 + C * eps))
radius = y_eps.norm(dim=-1) / root_c
print(f"LayerNorm, eps = 1e-5: radius / sqrt(C) is {radius[0]:.3f} for a token with std "
      f"{quiet[0].std(unbiased=False):.4f},")
print(f"           at least {radius[1:].min():.7f} for the others")
assert radius[0] < 0.8 and bool((radius[1:] > 0.99999).all()) and bool((radius < 1).all())
# --8<-- [end:eps]

# --8<-- [start:rmsnorm]
rms = nn.RMSNorm(C, eps=0.0, elementwise_affine=False).to(device, DT)
z = rms(x)
print(f"RMSNorm: sum of features from {z.sum(-1).min():.2f} to {z.sum(-1).max():.2f} (not 0), "
      f"norm {z.norm(dim=-1).min():.6f} to {z.norm(dim=-1).max():.6f}")
print(f"         max |RMSNorm(Px) - LN(x)| = {(rms(px) - y).abs().max():.1e}")
assert torch.allclose(z, root_c * x / x.norm(dim=-1, keepdim=True))
assert torch.allclose(z.norm(dim=-1), torch.full((N,), root_c, dtype=DT, device=device))
assert z.sum(-1).abs().max() > 1.0  # RMSNorm keeps each token's mean: no hyperplane
assert torch.allclose(rms(px), y)  # on the hyperplane already, the two coincide
# --8<-- [end:rmsnorm]
