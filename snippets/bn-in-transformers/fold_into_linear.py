"""Fold an eval-mode BatchNorm into an adjacent nn.Linear; show what of LayerNorm can be folded.

In eval mode BN is a fixed per-channel affine map s * z + t. A BN that follows a Linear folds
into it by scaling the Linear's rows (the layer before); a BN that follows a residual addition
has no Linear before it, and folds into the Linear after it by scaling that Linear's columns
and changing its bias (the layer after). The chain BN -> Linear -> BN, the front of the
page's feed-forward block, folds into one Linear. LayerNorm divides each token by its own
standard deviation, a scale that changes with the input, so its statistics cannot be folded;
only its gamma and beta can, into the Linear after it.
"""

# --8<-- [start:setup]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)

B, T, C_in, C = 8, 10, 16, 32
bn_in = nn.BatchNorm1d(C_in).to(device)  # follows a residual addition: no Linear before it
linear = nn.Linear(C_in, C).to(device)  # the FFN's first Linear
bn = nn.BatchNorm1d(C).to(device)  # follows that Linear
with torch.no_grad():  # non-trivial affine parameters, as after training
    for norm in (bn_in, bn):
        norm.weight.copy_(1.0 + 0.2 * torch.randn(norm.num_features, device=device))
        norm.bias.copy_(0.2 * torch.randn(norm.num_features, device=device))


def tokens(norm: nn.BatchNorm1d, h: torch.Tensor) -> torch.Tensor:
    """BN over the channels of a (B, T, channels) tensor (channels moved to dim 1 and back)."""
    return norm(h.transpose(1, 2)).transpose(1, 2)


def bn_linear_bn(h: torch.Tensor) -> torch.Tensor:
    return tokens(bn, linear(tokens(bn_in, h)))


for norm in (bn_in, bn):
    norm.train()
with torch.no_grad():  # a few training-mode batches fill the running statistics
    for _ in range(20):
        bn_linear_bn(3.0 * torch.randn(B, T, C_in, device=device) + 1.0)
for norm in (bn_in, bn):
    norm.eval()  # from here on BN uses running_mean / running_var: a fixed affine map
# --8<-- [end:setup]


# --8<-- [start:fold]
def scale_and_shift(norm: nn.BatchNorm1d) -> tuple[torch.Tensor, torch.Tensor]:
    """Eval-mode BN as s * z + t, per channel."""
    s = norm.weight / torch.sqrt(norm.running_var + norm.eps)  # gamma_c / sqrt(var_c + eps)
    return s, norm.bias - s * norm.running_mean  # t_c = beta_c - s_c * mean_c


@torch.no_grad()
def fold_bn_into_linear_before(lin: nn.Linear, norm: nn.BatchNorm1d) -> nn.Linear:
    """One Linear equal to lin followed by norm (eval mode): scale row c of W by s_c."""
    s, t = scale_and_shift(norm)
    folded = nn.Linear(lin.in_features, lin.out_features).to(lin.weight.device)
    folded.weight.copy_(s.unsqueeze(1) * lin.weight)  # diag(s) W
    folded.bias.copy_(s * lin.bias + t)
    return folded


@torch.no_grad()
def fold_bn_into_linear_after(norm: nn.BatchNorm1d, lin: nn.Linear) -> nn.Linear:
    """One Linear equal to norm (eval mode) followed by lin: scale column c of W by s_c."""
    s, t = scale_and_shift(norm)
    folded = nn.Linear(lin.in_features, lin.out_features).to(lin.weight.device)
    folded.weight.copy_(lin.weight * s.unsqueeze(0))  # W diag(s)
    folded.bias.copy_(lin.bias + lin.weight @ t)  # the shift passes through W
    return folded


# bn_in has no Linear before it, so it goes into the Linear after it; bn goes into the one before
fused = fold_bn_into_linear_before(fold_bn_into_linear_after(bn_in, linear), bn)
# --8<-- [end:fold]


# --8<-- [start:check]
x = 3.0 * torch.randn(B, T, C_in, device=device) + 1.0
with torch.no_grad():
    before = (fold_bn_into_linear_before(linear, bn)(x) - tokens(bn, linear(x))).abs().max().item()
    after = (fold_bn_into_linear_after(bn_in, linear)(x) - linear(tokens(bn_in, x))).abs().max().item()
    both = (fused(x) - bn_linear_bn(x)).abs().max().item()
tol = 1e-4  # absolute, on outputs of order 1 to 10
for chain, gap in [("Linear -> BN", before), ("BN -> Linear", after), ("BN -> Linear -> BN", both)]:
    print(f"{chain:<18} vs one Linear: max |difference| = {gap:.6f}, below {tol:g}: {gap < tol}")
assert max(before, after, both) < tol, "eval-mode BN folds into the Linear before it or after it"
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
    bn_step = (tokens(bn, 2 * h) - tokens(bn, h)).abs().max().item()
    print(f"max |LN(2h) - LN(h)|           = {ln_step:.4f}  (input-dependent scale: doubling is undone)")
    print(f"max |BN_eval(2h) - BN_eval(h)| = {bn_step:.4f}  (fixed scale: doubling shows)")

assert token_scale.max() / token_scale.min() > 1.5, "LN's scale differs from token to token"
assert ln_step < 1e-3 and bn_step > 1.0, "LN is not a fixed affine map; eval-mode BN is"
# --8<-- [end:layernorm]


# --8<-- [start:layernorm-affine]
# What LN applies after its statistics, gamma * n + beta, is fixed: it folds into the next Linear.
ln_then = nn.Linear(C, C_in).to(device)  # the Linear that reads LN's output
with torch.no_grad():
    ln.weight.copy_(1.0 + 0.2 * torch.randn(C, device=device))  # a trained-looking gamma and beta
    ln.bias.copy_(0.2 * torch.randn(C, device=device))
    folded_next = nn.Linear(C, C_in).to(device)
    folded_next.weight.copy_(ln_then.weight * ln.weight.unsqueeze(0))  # W diag(gamma)
    folded_next.bias.copy_(ln_then.bias + ln_then.weight @ ln.bias)  # b + W beta
    bare_ln = nn.LayerNorm(C, elementwise_affine=False).to(device)  # statistics only
    affine_gap = (folded_next(bare_ln(h)) - ln_then(ln(h))).abs().max().item()
print(f"LN(gamma, beta) -> Linear vs LN without affine -> folded Linear: max |difference| = {affine_gap:.6f}")
assert affine_gap < 1e-4, "LN's gamma and beta fold into the following Linear"
# --8<-- [end:layernorm-affine]
