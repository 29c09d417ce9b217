"""One massive channel takes over a token's RMS, and the norm then scales every other channel down.

RMSNorm divides all C features of a token by one shared number, their root mean square. When a
single feature is thousands of times larger than the rest, that number is set by the one
feature: the normalized token has that channel near sqrt(C) and every other channel shrunk by
the same factor, their pattern intact but close to zero. LayerNorm does the same, after also
moving the mean by M / C. The asserts compare a token with and without the massive channel.
"""

# --8<-- [start:massive]
import math
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)

C, M = 1024, 2000.0  # features per token; the size of the massive activation
ordinary = torch.randn(C).to(device)  # features on similar scales
massive = ordinary.clone()
massive[7] = M  # one channel thousands of times larger than the others

rms_norm = nn.RMSNorm(C, eps=1e-6).to(device)
layer_norm = nn.LayerNorm(C, eps=1e-6).to(device)
others = torch.arange(C, device=device) != 7
with torch.no_grad():
    for name, norm in (("RMSNorm", rms_norm), ("LayerNorm", layer_norm)):
        y_ordinary, y_massive = norm(ordinary), norm(massive)
        shrink = y_massive[others].pow(2).mean().sqrt() / y_ordinary[others].pow(2).mean().sqrt()
        print(f"{name:9s}: massive channel -> {y_massive[7].item():6.2f} (sqrt(C) = {math.sqrt(C):.0f}); "
              f"the other {C - 1} channels shrink to {shrink.item():.3f} of their size")
        assert y_massive[7].item() > 0.99 * math.sqrt(C), "the massive channel takes nearly all of the RMS"
        assert shrink.item() < 0.05, "every other channel is divided by a number set by one channel"

    # RMSNorm scales the other channels by one common factor: their pattern survives, only smaller.
    ratio = rms_norm(massive)[others] / rms_norm(ordinary)[others]
    print(f"RMSNorm: ratio massive/ordinary is the same for every other channel: "
          f"{ratio.min().item():.5f} to {ratio.max().item():.5f}")
    assert torch.allclose(ratio, ratio.mean().expand_as(ratio), rtol=1e-4)
# --8<-- [end:massive]
