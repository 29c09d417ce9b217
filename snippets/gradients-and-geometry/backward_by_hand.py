"""BatchNorm's and LayerNorm's backward pass written by hand, checked against autograd.

Both layers standardize a pool of values with the pool's own mean and variance; they differ only
in the pool (BN: one channel over the B*T positions of the batch; LN: one token's C features).
So one function computes the input gradient of both:

    dL/dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps),   g = gamma * dL/dy

with the means over the pool. The checks: it equals autograd for nn.BatchNorm1d and
nn.LayerNorm; it sums to zero over the pool and is orthogonal to x_hat; and BN's gradient for
one sample moves when the other samples change, LN's does not.
"""

# --8<-- [start:setup]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
B, T, C, EPS = 4, 5, 6, 1e-5
DT = torch.float64  # double precision, so the hand-written formula can be compared to ~1e-12

x = (2.0 * torch.randn(B, T, C, dtype=DT) + 1.0).to(device)  # an activation far from mean 0, var 1
upstream = torch.randn(B, T, C, dtype=DT).to(device)  # dL/dy: the loss is (y * upstream).sum()
# --8<-- [end:setup]


# --8<-- [start:formula]
def norm_backward(x, g, dims, eps):
    """dL/dx of a standardization over `dims`, given g = dL/dx_hat."""
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, unbiased=False, keepdim=True)
    s = torch.sqrt(var + eps)
    x_hat = (x - mean) / s
    g_mu = g.mean(dim=dims, keepdim=True)  # the gradient through the mean
    g_var = (g * x_hat).mean(dim=dims, keepdim=True)  # the gradient through the variance
    return (g - g_mu - x_hat * g_var) / s


def autograd_grad(layer, x, upstream):
    """dL/dx by autograd, for L = (layer(x) * upstream).sum()."""
    x = x.clone().requires_grad_()
    (layer(x) * upstream).sum().backward()
    return x.grad
# --8<-- [end:formula]


# --8<-- [start:against-autograd]
bn_module = nn.BatchNorm1d(C, eps=EPS).to(device, DT).train()
ln = nn.LayerNorm(C, eps=EPS).to(device, DT)
with torch.no_grad():  # gamma and beta away from 1 and 0, so the affine part is tested too
    for layer in (bn_module, ln):
        layer.weight.copy_(1 + 0.5 * torch.randn(C, dtype=DT))
        layer.bias.copy_(torch.randn(C, dtype=DT))


def bn(t):  # (B, T, C) -> BatchNorm1d over (B, C, T) -> (B, T, C)
    return bn_module(t.transpose(1, 2)).transpose(1, 2)


# g = gamma * dL/dy: gamma is per channel for both layers
bn_by_hand = norm_backward(x, bn_module.weight.detach() * upstream, dims=(0, 1), eps=EPS)
ln_by_hand = norm_backward(x, ln.weight.detach() * upstream, dims=(-1,), eps=EPS)
bn_auto, ln_auto = autograd_grad(bn, x, upstream), autograd_grad(ln, x, upstream)
for name, mine, auto in (("BatchNorm", bn_by_hand, bn_auto), ("LayerNorm", ln_by_hand, ln_auto)):
    err = (mine - auto).abs().max().item()
    print(f"{name}: hand-written dL/dx vs autograd, max |diff| {err:.1e}")
    assert torch.allclose(mine, auto, rtol=1e-10, atol=1e-12)
# --8<-- [end:against-autograd]


# --8<-- [start:projection]
def report(name, grad, dims):
    """The gradient sums to zero over the pool and is orthogonal to x_hat. The second holds up to
    eps: the component along x_hat carries a factor eps / (var + eps)."""
    x_hat = (x - x.mean(dim=dims, keepdim=True)) / x.std(dim=dims, unbiased=False, keepdim=True)
    total = grad.sum(dim=dims).abs().max().item()
    cosine = ((grad * x_hat).sum(dim=dims) / (grad.norm(dim=dims) * x_hat.norm(dim=dims))).abs().max().item()
    print(f"{name}: |sum over the pool| <= {total:.1e}, |cos(dL/dx, x_hat)| <= {cosine:.1e}")
    assert total < 1e-12 and cosine < 1e-4


report("BatchNorm", bn_auto, dims=(0, 1))
report("LayerNorm", ln_auto, dims=(-1,))
# --8<-- [end:projection]


# --8<-- [start:coupling]
def grad_of_sample_0(grad_fn, x_other, up_other):
    """dL/dx for sample 0 when samples 1..B-1 get other inputs or other upstream gradients."""
    xs, ups = x.clone(), upstream.clone()
    xs[1:], ups[1:] = x_other, up_other
    return grad_fn(xs, ups)[0]


others_x = (2.0 * torch.randn(B - 1, T, C, dtype=DT) + 1.0).to(device)
others_up = torch.randn(B - 1, T, C, dtype=DT).to(device)
for name, layer in (("BatchNorm", bn), ("LayerNorm", ln)):
    def grad_fn(xs, ups):
        return autograd_grad(layer, xs, ups)

    base = grad_of_sample_0(grad_fn, x[1:], upstream[1:])
    moved_x = (grad_of_sample_0(grad_fn, others_x, upstream[1:]) - base).abs().max().item()
    moved_up = (grad_of_sample_0(grad_fn, x[1:], others_up) - base).abs().max().item()
    print(f"{name}: sample 0's gradient moves by {moved_x:.3f} (other samples changed), "
          f"{moved_up:.3f} (their upstream gradients only)")
    if name == "BatchNorm":
        assert moved_x > 0.05 and moved_up > 0.05
    else:
        assert moved_x < 1e-12 and moved_up < 1e-12
# --8<-- [end:coupling]
