"""Activation scale through a deep stack of linear layers, with and without LayerNorm.

Each random linear layer multiplies the activations' scale by roughly its gain, so after
many layers the scale has shrunk or grown geometrically. A LayerNorm after each layer
brings it back to 1 every time.
"""

# --8<-- [start:depth]
import os

import torch
import torch.nn.functional as F

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)

d, depth = 256, 24
h0 = torch.randn(64, d, device=device)  # 64 inputs with unit-scale features


def activation_scales(gain: float, normalize: bool) -> list[float]:
    """Standard deviation of the activations after each of `depth` random linear layers."""
    gen = torch.Generator(device=device).manual_seed(1)  # same weights for every variant
    h, scales = h0, []
    for _ in range(depth):
        w = torch.randn(d, d, device=device, generator=gen) * gain / d**0.5
        h = h @ w
        if normalize:
            h = F.layer_norm(h, (d,))  # standardize each row over its d features
        scales.append(h.std().item())
    return scales


print(f"{'std of the activations after layer':<36} " + " ".join(f"{i:>8}" for i in (1, 8, 16, 24)))
runs = {}
for gain in (0.8, 1.25):
    for normalize in (False, True):
        s = activation_scales(gain, normalize)
        runs[gain, normalize] = s
        name = f"gain {gain:4.2f}, {'with LayerNorm' if normalize else 'no normalization'}"
        print(f"{name:<36} " + " ".join(f"{s[i]:8.3g}" for i in (0, 7, 15, 23)))

# without normalization the scale drifts geometrically: about gain ** depth
assert runs[0.8, False][-1] < 0.01 and runs[1.25, False][-1] > 100
# with a LayerNorm after every layer it stays at 1
assert all(abs(s - 1) < 0.01 for key in [(0.8, True), (1.25, True)] for s in runs[key])
# --8<-- [end:depth]
