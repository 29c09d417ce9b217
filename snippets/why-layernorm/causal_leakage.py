"""BatchNorm in training mode lets a causal model see the future.

A causal language model may use, at position t, only tokens 0..t. Here the model is a
normalization layer followed by a strictly causal read-out (a running average over the
positions so far). Changing the last token of every sequence must then leave every
earlier position untouched. With LayerNorm it does; with BatchNorm in training mode it
does not, because the changed token enters every channel's mean and variance.
"""

# --8<-- [start:setup]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))
torch.manual_seed(0)

B, T, C = 4, 8, 16
x = torch.randn(B, T, C, device=device)
x_future = x.clone()
x_future[:, -1] = 3.0 * torch.randn(B, C, device=device)  # only position T-1 changes

bn = nn.BatchNorm1d(C).to(device)
ln = nn.LayerNorm(C).to(device)


def causal_readout(h: torch.Tensor) -> torch.Tensor:
    """Output at position t is the mean of h over positions 0..t: it never looks ahead."""
    steps = torch.arange(1, h.shape[1] + 1, device=h.device).view(1, -1, 1)
    return h.cumsum(dim=1) / steps


def leak(norm) -> float:
    """Largest change at positions 0..T-2 caused by changing position T-1."""
    before = causal_readout(norm(x))[:, :-1]
    after = causal_readout(norm(x_future))[:, :-1]
    return (before - after).abs().max().item()
# --8<-- [end:setup]

# --8<-- [start:compare]
def bn_tokens(h: torch.Tensor) -> torch.Tensor:
    return bn(h.transpose(1, 2)).transpose(1, 2)  # (B, T, C) -> (B, C, T) -> back


bn.train()
leak_bn_train = leak(bn_tokens)
leak_ln = leak(ln)
bn.eval()  # running statistics: fixed numbers, no other position involved
with torch.no_grad():
    leak_bn_eval = leak(bn_tokens)

print("change at positions 0..T-2 after editing the last token:")
print(f"  BatchNorm, training mode: {leak_bn_train:.4f}")
print(f"  BatchNorm, eval mode:     {leak_bn_eval:.4f}")
print(f"  LayerNorm:                {leak_ln:.4f}")
# not a rounding-level effect: the leak is of the order of the standardized activations themselves
assert leak_bn_train > 0.5, "training-mode BN must carry the future token backwards"
assert leak_bn_eval < 1e-5 and leak_ln < 1e-5, "eval-mode BN and LN are causal"
# --8<-- [end:compare]
