"""PowerNorm's statistics, next to BatchNorm's: what its backward pass keeps and what it replaces.

Uses the site's PowerNorm (snippets/experiments/powernorm.py, section `powernorm`), which the page
shows between the setup and the checks. Run from the repository root, like every snippet.

Checks: (a) normalizing by the batch's quadratic mean psi_B (no mean subtraction) has an exact
gradient with one batch average instead of BN's two; (b) psi_B is never below sigma_B; (c) in
PowerNorm's training step, sample 0's output and input gradient do not depend on the other
samples of the batch; (d) nu, the running value the approximate backward pass uses, follows the
batch average it replaces, with much less noise.
"""

# --8<-- [start:setup]
import os
import sys

import torch
from torch import nn

sys.path.insert(0, "snippets/experiments")  # the experiments' code, as seen from the repository root
from lab import TokenNorm  # noqa: E402,F401  (PowerNorm's code, shown next on the page, builds on it)
from powernorm import PowerNorm, _real_mean  # noqa: E402

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
DT = torch.float64
# --8<-- [end:setup]


# --8<-- [start:checks]
torch.manual_seed(0)
B, T, C, EPS = 8, 16, 4, 1e-5
mask = torch.ones(B, T, dtype=torch.bool, device=device)  # no padding here
x = (1.0 + torch.randn(B, T, C, dtype=DT)).to(device)  # channels with mean about 1
upstream = torch.randn(B, T, C, dtype=DT).to(device)

# (a) Dividing by the batch's own quadratic mean: the exact gradient has a single batch
# average, mean(g * x_hat); BN's second one, mean(g), came from the mean PowerNorm does not subtract.
xr = x.clone().requires_grad_()
psi_b = torch.sqrt((xr * xr).mean(dim=(0, 1)) + EPS)
(xr / psi_b * upstream).sum().backward()
x_hat = x / psi_b.detach()
by_hand = (upstream - x_hat * (upstream * x_hat).mean(dim=(0, 1))) / psi_b.detach()
err = (xr.grad - by_hand).abs().max().item()
print(f"(a) dL/dx of x / psi_B, by the formula: max |diff| to autograd {err:.1e}")
assert err < 1e-12

# (b) psi_B^2 = sigma_B^2 + mu_B^2, so psi_B >= sigma_B: the 1/psi in front of the gradient
# is never larger than BN's 1/sigma.
sigma_b = x.std(dim=(0, 1), unbiased=False)
mu_b = x.mean(dim=(0, 1))
assert torch.allclose(psi_b.detach() ** 2 - EPS, sigma_b**2 + mu_b**2) and bool((psi_b > sigma_b).all())
print(f"(b) psi_B / sigma_B per channel: {[round(v, 2) for v in (psi_b.detach() / sigma_b).tolist()]}")

# (c) PowerNorm's training step: the forward divides by the running psi of earlier steps and
# the backward subtracts the running nu, so sample 0 sees nothing of its batch mates.
pn = PowerNorm(C).to(device, DT).train()
for _ in range(5):  # move psi^2 and nu away from their starting values 1 and 0
    pn((1.0 + torch.randn(B, T, C, dtype=DT)).to(device), mask).backward(torch.randn(B, T, C, dtype=DT).to(device))
state = {k: v.clone() for k, v in pn.state_dict().items()}


def sample_0(x_batch, up_batch):
    pn.load_state_dict(state)
    xs = x_batch.clone().requires_grad_()
    y = pn(xs, mask)
    y.backward(up_batch)
    return y[0].detach(), xs.grad[0]


y0, g0 = sample_0(x, upstream)
x_other, up_other = x.clone(), upstream.clone()
x_other[1:] = (3.0 + 2.0 * torch.randn(B - 1, T, C, dtype=DT)).to(device)
up_other[1:] = torch.randn(B - 1, T, C, dtype=DT).to(device)
y0_other, g0_other = sample_0(x_other, up_other)
moved = max((y0 - y0_other).abs().max().item(), (g0 - g0_other).abs().max().item())
print(f"(c) other samples replaced: sample 0's output and gradient move by {moved:.1e}")
assert moved == 0.0

# (d) nu against the batch average it stands in for, Lambda_t = mean(g * x_hat) with
# x_hat = x / psi_(t-1), over 200 steps of one distribution. The upstream gradient leans on x_hat
# (slope 0.5) so that Lambda_t has a mean to follow.
pn = PowerNorm(C).to(device, DT).train()
lambdas, nus = [], []
for step in range(200):
    xb = (1.0 + torch.randn(B, T, C, dtype=DT)).to(device)
    x_hat = xb / torch.sqrt(pn.running_psi2 + pn.eps)  # the running psi this step will divide by
    up = 0.5 * x_hat + torch.randn(B, T, C, dtype=DT).to(device)
    pn(xb, mask).backward(up)  # gamma is 1, so g = dL/dy
    lambdas.append(_real_mean(up * x_hat, mask.unsqueeze(-1).to(DT)))
    nus.append(pn.nu.clone())
lam, nu = torch.stack(lambdas[100:]), torch.stack(nus[100:])  # the second half, past the start
print(f"(d) steps 100-199, mean over steps: Lambda_t {lam.mean(0).mean():.3f}, nu {nu.mean(0).mean():.3f}")
print(f"    std over steps:  Lambda_t {lam.std(0).mean():.4f}, nu {nu.std(0).mean():.4f}")
assert (lam.mean(0) - nu.mean(0)).abs().max() < 0.05 and bool((nu.std(0) < 0.5 * lam.std(0)).all())
# --8<-- [end:checks]
