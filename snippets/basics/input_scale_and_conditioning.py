"""Why standardized inputs are easier to optimize: the condition number of a least-squares loss.

Inputs with a large offset and very different scales give the loss a Hessian whose
largest and smallest curvatures differ by about 1e8; gradient descent, whose step size
the largest curvature caps, then barely moves along the flattest direction. After
standardizing the inputs the curvature is almost uniform and the same method converges
in a handful of steps.
"""

# --8<-- [start:conditioning]
import os

import torch

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)

n, f64 = 512, torch.float64  # float64: the raw problem is too ill-conditioned for float32
raw = torch.stack([
    100.0 + 1.0 * torch.randn(n, device=device, dtype=f64),  # large offset, small spread
    0.01 * torch.randn(n, device=device, dtype=f64),  # tiny scale
    10.0 * torch.randn(n, device=device, dtype=f64),  # large scale
], dim=1)
true_w = torch.tensor([0.5, 20.0, -0.3], device=device, dtype=f64)
y = raw @ true_w + 0.1 * torch.randn(n, device=device, dtype=f64)


def with_bias(features: torch.Tensor) -> torch.Tensor:
    return torch.cat([features, torch.ones(n, 1, device=device, dtype=f64)], dim=1)


def gd_steps(features: torch.Tensor, max_steps: int = 2000) -> tuple[float, int | None]:
    """Condition number of the loss's Hessian, and the steps plain gradient descent needs."""
    X = with_bias(features)
    hessian = X.T @ X / n  # the loss 0.5 * mean((Xw - y)**2) has this constant Hessian
    eig = torch.linalg.eigvalsh(hessian)
    lr = 1.0 / eig.max().item()  # the usual safe step size: 1 / largest curvature
    w_best = torch.linalg.lstsq(X, y.unsqueeze(1)).solution.squeeze(1)
    best = 0.5 * ((X @ w_best - y) ** 2).mean().item()
    w = torch.zeros(X.shape[1], device=device, dtype=f64)
    for step in range(1, max_steps + 1):
        w = w - lr * (X.T @ (X @ w - y) / n)
        if 0.5 * ((X @ w - y) ** 2).mean().item() < best + 1e-3:
            return (eig.max() / eig.min()).item(), step
    return (eig.max() / eig.min()).item(), None


standardized = (raw - raw.mean(dim=0)) / raw.std(dim=0, unbiased=False)
for name, features in [("raw inputs", raw), ("standardized inputs", standardized)]:
    kappa, steps = gd_steps(features)
    result = f"converged in {steps} steps" if steps else "not converged after 2000 steps"
    print(f"{name:<26} condition number {kappa:10.3g}   gradient descent: {result}")
    if features is raw:
        assert kappa > 1e6 and steps is None
    else:
        assert kappa < 10 and steps is not None and steps < 50
# --8<-- [end:conditioning]


# --8<-- [start:limits]
# Per-feature standardization, as above, is what equalizes the scales. Dividing every feature
# of one sample by one shared scale (the sample's root mean square, as RMSNorm does to a
# token) keeps the ratios between the features, and so the long valley.
per_sample = raw / raw.pow(2).mean(dim=1, keepdim=True).sqrt()

# Standardized features that are nearly copies of each other (correlation 0.995): each has
# mean 0 and variance 1, yet the valley along their difference stays narrow.
a = torch.randn(n, device=device, dtype=f64)
twin = 0.995 * a + (1 - 0.995**2) ** 0.5 * torch.randn(n, device=device, dtype=f64)
correlated = torch.stack([a, twin, torch.randn(n, device=device, dtype=f64)], dim=1)
correlated = (correlated - correlated.mean(dim=0)) / correlated.std(dim=0, unbiased=False)

print()
for name, features in [("one scale per sample", per_sample), ("standardized, correlated", correlated)]:
    kappa, steps = gd_steps(features)
    result = f"converged in {steps} steps" if steps else "not converged after 2000 steps"
    print(f"{name:<26} condition number {kappa:10.3g}   gradient descent: {result}")
    assert kappa > 100, "neither a shared per-sample scale nor standardization alone makes the curvature uniform"
assert gd_steps(per_sample)[0] > 1e6  # as ill-conditioned as the raw inputs
# --8<-- [end:limits]
