"""Scale invariance: with a normalization after a layer, its weights' norm grows under SGD.

A linear layer followed by LayerNorm gives the same output for W and c * W, so the loss
cannot change along W itself. Two things follow: the gradient is c times smaller at c * W,
and it is orthogonal to W. An SGD step without weight decay therefore moves W sideways, and
its norm grows by exactly (lr * |grad|)^2 in square at every step. The effective learning
rate, lr / |W|^2, falls as it grows. Weight decay is what pulls the norm back.
"""

# --8<-- [start:invariance]
import os

import torch
import torch.nn.functional as F

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)
f64 = torch.float64  # exact enough to compare the norms step by step

n, d_in, d = 256, 16, 32
x = torch.randn(n, d_in, device=device, dtype=f64)
readout = torch.randn(d, device=device, dtype=f64) / d**0.5  # fixed, after the normalization
target = torch.randn(n, device=device, dtype=f64)


def loss_fn(W: torch.Tensor) -> torch.Tensor:
    """Linear layer, then LayerNorm (no affine, eps 0), then a fixed readout and squared error."""
    h = F.layer_norm(x @ W.T, (d,), eps=0.0)
    return 0.5 * ((h @ readout - target) ** 2).mean()


def loss_and_grad(W: torch.Tensor) -> tuple[float, torch.Tensor]:
    W = W.detach().requires_grad_(True)
    loss = loss_fn(W)
    loss.backward()
    return loss.item(), W.grad


W0 = 0.3 * torch.randn(d, d_in, device=device, dtype=f64) / d_in**0.5
c = 3.0
(l1, g1), (l3, g3) = loss_and_grad(W0), loss_and_grad(c * W0)
print(f"loss at W and at {c:g} W:            {l1:.6f}  {l3:.6f}")
print(f"|grad| at W and at {c:g} W:          {g1.norm().item():.6f}  {g3.norm().item():.6f}  (ratio {g1.norm().item() / g3.norm().item():.3f})")
print(f"|cosine| between W and its grad: {abs((W0 * g1).sum().item()) / (W0.norm() * g1.norm()).item():.1e}")
assert abs(l1 - l3) < 1e-12, "the output, and so the loss, does not depend on the scale of W"
assert torch.allclose(g3, g1 / c, rtol=1e-9, atol=1e-12), "the gradient at c * W is the gradient at W over c"
assert abs((W0 * g1).sum().item()) < 1e-10 * W0.norm().item() * g1.norm().item(), "the gradient is orthogonal to W"
# --8<-- [end:invariance]


# --8<-- [start:growth]
def train(lr: float, weight_decay: float, steps: int = 300) -> list[tuple[int, float, float]]:
    """Plain SGD from W0; returns (step, |W|, effective learning rate lr / |W|^2) every 100 steps."""
    W, log = W0.clone(), []
    for step in range(steps + 1):
        _, g = loss_and_grad(W)
        if step % 100 == 0:
            log.append((step, W.norm().item(), lr / W.norm().item() ** 2))
        W_next = W - lr * (g + weight_decay * W)
        if weight_decay == 0.0:  # Pythagoras: the step is orthogonal to W
            predicted = W.norm() ** 2 + (lr * g.norm()) ** 2
            assert torch.isclose(W_next.norm() ** 2, predicted, rtol=1e-9), "|W|^2 grows by (lr |grad|)^2"
        W = W_next
    return log


lr = 0.5
runs = {"SGD, no weight decay": train(lr, 0.0), "SGD, weight decay 0.05": train(lr, 0.05)}
print(f"\n{'':<24} {'step':>5} {'|W|':>8} {'lr / |W|^2':>11}")
for name, log in runs.items():
    for step, norm, effective_lr in log:
        print(f"{name:<24} {step:>5} {norm:8.3f} {effective_lr:11.3f}")
        name = ""

plain = [norm for _, norm, _ in runs["SGD, no weight decay"]]
decayed = [norm for _, norm, _ in runs["SGD, weight decay 0.05"]]
assert all(a < b for a, b in zip(plain, plain[1:])), "without weight decay the norm only grows"
assert plain[-1] > 1.5 * plain[0], "and the effective learning rate falls with its square"
assert decayed[-1] < plain[-1], "weight decay holds the norm back"
# --8<-- [end:growth]
