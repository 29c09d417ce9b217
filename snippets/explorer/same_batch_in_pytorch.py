"""The explorer's live batch, drawn again in Python and run through torch.nn and from scratch.

The explorer page computes BatchNorm and LayerNorm in the reader's browser on a small batch
drawn from a seeded generator (overrides/assets/javascripts/explorer.js). This file draws the
same numbers with the same generator and asserts what the page shows: shifting one sample
moves another sample's BatchNorm output in training mode, and moves neither its BatchNorm
output in eval mode nor its LayerNorm output; the from-scratch formulas equal torch.nn.
tests/browser/test_explorer.py compares the numbers the page computes in Chromium with torch.nn.
"""

# --8<-- [start:batch]
import math
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
SEED, B, T, C = 7, 3, 2, 4  # the explorer's batch: 3 samples, 2 tokens, 4 features
EDITED = B - 1  # the sample the reader shifts or swaps; sample 0 is the one to watch


def mulberry32(seed: int):
    """The page's random generator (mulberry32): floats in [0, 1) from a 32-bit state."""
    state = seed & 0xFFFFFFFF

    def imul(a: int, b: int) -> int:  # JavaScript's Math.imul: multiply modulo 2**32
        return (a * b) & 0xFFFFFFFF

    def next_float() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = imul(state ^ (state >> 15), 1 | state)
        t = ((t + imul(t ^ (t >> 7), 61 | t)) & 0xFFFFFFFF) ^ t
        return (t ^ (t >> 14)) / 2**32

    return next_float


def normal(rand) -> float:
    """Box-Muller: one standard normal from two uniforms, rounded to two decimals like the page."""
    u1, u2 = rand(), rand()
    z = math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)
    return math.floor(z * 100 + 0.5) / 100  # JavaScript's Math.round: halves round up


def explorer_batch(shift: float = 0.0, swaps: int = 0) -> torch.Tensor:
    """The page's batch (B, T, C) in float64, after `swaps` presses of the swap button and
    with `shift` added to every value of the edited sample."""
    rand = mulberry32(SEED)
    x = [[[normal(rand) for _ in range(C)] for _ in range(T)] for _ in range(B)]
    for _ in range(swaps):  # a new sample: the next T * C numbers of the same stream
        x[EDITED] = [[normal(rand) for _ in range(C)] for _ in range(T)]
    x = torch.tensor(x, dtype=torch.float64, device=device)
    x[EDITED] += shift
    return x


x = explorer_batch()
shifted = explorer_batch(shift=2.0)  # the slider at δ = 2.0
print("sample 0, token 0 of the batch:", x[0, 0].tolist())
# --8<-- [end:batch]


# --8<-- [start:torch]
# PyTorch's defaults (eps 1e-5, momentum 0.1, weight 1, bias 0), as on the page.
bn = nn.BatchNorm1d(C, dtype=torch.float64, device=device)
ln = nn.LayerNorm(C, dtype=torch.float64, device=device)


def bn_tokens(h: torch.Tensor) -> torch.Tensor:
    """nn.BatchNorm1d wants the channels on dim 1: (B, T, C) -> (B, C, T) and back."""
    return bn(h.transpose(1, 2)).transpose(1, 2)


with torch.no_grad():
    bn.train()  # each forward pass in training mode also updates the running statistics
    train_before, train_after = bn_tokens(x), bn_tokens(shifted)
    bn.eval()
    eval_before, eval_after = bn_tokens(x), bn_tokens(shifted)
    ln_before, ln_after = ln(x), ln(shifted)


def moved(before: torch.Tensor, after: torch.Tensor) -> float:
    """Largest change in sample 0's output; nobody edited sample 0."""
    return (after[0] - before[0]).abs().max().item()


print(f"sample 0 moves, BatchNorm in training mode: {moved(train_before, train_after):.3f}")
print(f"sample 0 moves, BatchNorm in eval mode    : {moved(eval_before, eval_after):.3f}")
print(f"sample 0 moves, LayerNorm                 : {moved(ln_before, ln_after):.3f}")
print(f"running mean after 2 training steps: {[round(v, 4) for v in bn.running_mean.tolist()]}")
assert moved(train_before, train_after) > 0.1
assert moved(eval_before, eval_after) == 0.0 and moved(ln_before, ln_after) == 0.0
# --8<-- [end:torch]


# --8<-- [start:scratch]
def batch_norm(h: torch.Tensor, mean=None, var=None, eps: float = 1e-5) -> torch.Tensor:
    """Training mode when no statistics are given: per channel, over all B * T positions."""
    if mean is None:
        mean = h.mean(dim=(0, 1))
        var = h.var(dim=(0, 1), unbiased=False)  # biased: divide by B * T
    return (h - mean) / torch.sqrt(var + eps)


def layer_norm(h: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """Per token, over its C features."""
    mean = h.mean(dim=-1, keepdim=True)
    var = h.var(dim=-1, unbiased=False, keepdim=True)
    return (h - mean) / torch.sqrt(var + eps)


running_mean = torch.zeros(C, dtype=torch.float64, device=device)
running_var = torch.ones(C, dtype=torch.float64, device=device)
for h in (x, shifted):  # the two training steps above; the stored variance is unbiased
    running_mean = 0.9 * running_mean + 0.1 * h.mean(dim=(0, 1))
    running_var = 0.9 * running_var + 0.1 * h.var(dim=(0, 1), unbiased=True)

checks = {
    "training-mode output": torch.allclose(batch_norm(shifted), train_after),
    "running statistics": torch.allclose(running_mean, bn.running_mean)
    and torch.allclose(running_var, bn.running_var),
    "eval-mode output": torch.allclose(batch_norm(shifted, running_mean, running_var), eval_after),
    "LayerNorm output": torch.allclose(layer_norm(shifted), ln_after),
}
for name, same in checks.items():
    print(f"from scratch equals torch.nn, {name}: {same}")
assert all(checks.values())
# --8<-- [end:scratch]
