"""Exercise: what DyT cannot do without statistics. It cannot undo a token's scale.

LayerNorm divides each token by its own standard deviation, so the same token at 0.1, 1, 10 or
100 times its size gives the same output. DyT applies tanh(alpha * x) with one alpha for the
whole layer: small tokens pass almost linearly and keep their size, large ones saturate at
+-1 and keep little more than the sign of each feature.
"""

import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
C, alpha = 256, 0.5  # alpha: DyT's default initial value, one number for every token
token = torch.randn(1, C).to(device)  # drawn on the CPU: the same numbers on every device
ln = nn.LayerNorm(C, elementwise_affine=False).to(device)

print("token scaled by | LayerNorm output std | DyT output std | DyT outputs with |tanh| > 0.99")
rows = {}
for scale in (0.1, 1.0, 10.0, 100.0):
    x = scale * token
    ln_std = ln(x).std(unbiased=False).item()
    dyt = torch.tanh(alpha * x)  # DyT with gamma = 1, beta = 0
    saturated = (dyt.abs() > 0.99).float().mean().item()
    rows[scale] = (ln_std, dyt.std(unbiased=False).item(), saturated)
    print(f"{scale:15g} | {ln_std:20.4f} | {rows[scale][1]:14.4f} | {saturated:.0%}")

assert all(abs(r[0] - 1) < 1e-3 for r in rows.values()), "LayerNorm removes the token's scale"
assert rows[1.0][1] > 8 * rows[0.1][1], "DyT is nearly linear for small inputs: their size passes through"
assert rows[100.0][2] > 0.9, "and saturates for large ones: mostly the sign is left"
