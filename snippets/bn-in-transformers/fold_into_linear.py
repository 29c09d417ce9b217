"""Fold an eval-mode BatchNorm into the nn.Linear before it; show why LayerNorm cannot be folded.

In eval mode BN is a fixed per-channel affine map, so Linear -> BN is one Linear with new
weights. LayerNorm divides each token by its own standard deviation, a scale that changes
with the input, so no fixed Linear reproduces it.
"""

# --8<-- [start:setup]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)

B, T, C_in, C = 8, 10, 16, 32
linear = nn.Linear(C_in, C).to(device)
bn = nn.BatchNorm1d(C).to(device)
with torch.no_grad():  # non-trivial affine parameters, as after training
    bn.weight.copy_(1.0 + 0.2 * torch.randn(C, device=device))
    bn.bias.copy_(0.2 * torch.randn(C, device=device))


def linear_then_bn(h: torch.Tensor) -> torch.Tensor:
    """Linear on (B, T, C_in), then BN over the C output channels (channels moved to dim 1)."""
    return bn(linear(h).transpose(1, 2)).transpose(1, 2)


bn.train()
with torch.no_grad():  # a few training-mode batches fill the running statistics
    for _ in range(20):
        linear_then_bn(3.0 * torch.randn(B, T, C_in, device=device) + 1.0)
bn.eval()  # from here on BN uses running_mean / running_var: a fixed affine map
# --8<-- [end:setup]


# --8<-- [start:fold]
@torch.no_grad()
def fold_bn_into_linear(lin: nn.Linear, norm: nn.BatchNorm1d) -> nn.Linear:
    """One Linear equal to lin followed by norm in eval mode."""
    scale = norm.weight / torch.sqrt(norm.running_var + norm.eps)  # gamma_c / sqrt(var_c + eps)
    folded = nn.Linear(lin.in_features, lin.out_features).to(lin.weight.device)
    folded.weight.copy_(lin.weight * scale.unsqueeze(1))  # scale row c of W
    folded.bias.copy_((lin.bias - norm.running_mean) * scale + norm.bias)
    return folded


fused = fold_bn_into_linear(linear, bn)
# --8<-- [end:fold]


# --8<-- [start:check]
x = 3.0 * torch.randn(B, T, C_in, device=device) + 1.0
with torch.no_grad():
    gap = (fused(x) - linear_then_bn(x)).abs().max().item()
tol = 1e-4  # absolute, on outputs of order 1 to 10
print(f"Linear + eval BN vs folded Linear: max |difference| = {gap:.4f}, below {tol:g}: {gap < tol}")
assert gap < tol, "the folded Linear must reproduce Linear + eval-mode BN"
# --8<-- [end:check]


# --8<-- [start:layernorm]
ln = nn.LayerNorm(C).to(device)
with torch.no_grad():
    h = linear(x)  # (B, T, C)
    # The factor LN divides each token by: one value per token, computed from that token.
    token_scale = 1.0 / torch.sqrt(h.var(dim=-1, unbiased=False) + ln.eps)
    print(f"LN's per-token scale ranges over [{token_scale.min().item():.3f}, {token_scale.max().item():.3f}]")

    # Any fixed affine map f satisfies f(2h) - f(h) = f(h) - f(0). LN does not: LN(2h) = LN(h).
    ln_step = (ln(2 * h) - ln(h)).abs().max().item()
    bn_step = ((bn(2 * h.transpose(1, 2)) - bn(h.transpose(1, 2))).abs().max()).item()
    print(f"max |LN(2h) - LN(h)|           = {ln_step:.4f}  (input-dependent scale: doubling is undone)")
    print(f"max |BN_eval(2h) - BN_eval(h)| = {bn_step:.4f}  (fixed scale: doubling shows)")

assert token_scale.max() / token_scale.min() > 1.5, "LN's scale differs from token to token"
assert ln_step < 1e-3 and bn_step > 1.0, "LN is not a fixed affine map; eval-mode BN is"
# --8<-- [end:layernorm]
