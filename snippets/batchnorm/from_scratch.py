"""BatchNorm written out for a (B, T, C) activation, checked against nn.BatchNorm1d.

Training mode standardizes each channel with the mean and biased variance of its B*T values
and folds the mean and the unbiased variance into running buffers; eval mode uses the buffers.
The two layers see the same batches for several steps; outputs and buffers are compared in
float32 (tight tolerance) and bfloat16 (a tolerance of a few bfloat16 rounding steps).
"""

# --8<-- [start:setup]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)

B, T, C = 4, 16, 8  # batch, sequence length, channels
STEPS = 5  # training steps before switching to eval mode
# --8<-- [end:setup]


# --8<-- [start:module]
class BatchNormBTC(nn.Module):
    """BatchNorm over a (B, T, C) tensor: one mean and one variance per channel c."""

    def __init__(self, num_channels: int, eps: float = 1e-5, momentum: float = 0.1, affine: bool = True):
        super().__init__()
        self.eps = eps
        self.momentum = momentum  # alpha: the weight of the NEW batch statistic
        self.weight = nn.Parameter(torch.ones(num_channels)) if affine else None  # gamma
        self.bias = nn.Parameter(torch.zeros(num_channels)) if affine else None  # beta
        # Buffers, not parameters: saved with the model, moved by .to(), never trained.
        self.register_buffer("running_mean", torch.zeros(num_channels))
        self.register_buffer("running_var", torch.ones(num_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xf = x.float()  # statistics are accumulated in float32, whatever the input dtype
        if self.training:
            m = x.shape[0] * x.shape[1]  # B*T values per channel
            mean = xf.mean(dim=(0, 1))  # mu_c, shape (C,)
            var = xf.var(dim=(0, 1), unbiased=False)  # sigma_c^2, biased: divides by m
            with torch.no_grad():  # the running buffers are bookkeeping, outside the graph
                a = self.momentum
                old_mean, old_var = self.running_mean.float(), self.running_var.float()
                self.running_mean.copy_((1 - a) * old_mean + a * mean)
                self.running_var.copy_((1 - a) * old_var + a * var * m / (m - 1))  # unbiased
        else:
            mean, var = self.running_mean.float(), self.running_var.float()
        x_hat = (xf - mean) / torch.sqrt(var + self.eps)  # step 2: standardize
        if self.weight is not None:
            x_hat = self.weight.float() * x_hat + self.bias.float()  # step 3: scale and shift
        return x_hat.to(x.dtype)
# --8<-- [end:module]


# --8<-- [start:compare]
COLUMNS = ["train output", "running_mean", "running_var", "eval output"]


def largest_gap(a: torch.Tensor, b: torch.Tensor) -> float:
    return (a.float() - b.float()).abs().max().item()


def compare(dtype: torch.dtype) -> tuple[dict[str, float], nn.BatchNorm1d]:
    """Feed the same batches to both layers; return the largest differences seen."""
    ours = BatchNormBTC(C).to(device=device, dtype=dtype)
    ref = nn.BatchNorm1d(C).to(device=device, dtype=dtype)
    with torch.no_grad():  # the same non-trivial gamma and beta in both layers
        gamma = 1.0 + 0.3 * torch.randn(C, device=device)
        beta = 0.2 * torch.randn(C, device=device)
        for layer in (ours, ref):
            layer.weight.copy_(gamma)
            layer.bias.copy_(beta)

    gaps = dict.fromkeys(COLUMNS, 0.0)
    ours.train()
    ref.train()
    for _ in range(STEPS):
        x = (1.5 * torch.randn(B, T, C, device=device) + 0.5).to(dtype)
        y_ours = ours(x)
        y_ref = ref(x.transpose(1, 2)).transpose(1, 2)  # BatchNorm1d wants (B, C, T)
        assert y_ref.abs().max() < 16  # the bfloat16 tolerance below assumes outputs under 16
        gaps["train output"] = max(gaps["train output"], largest_gap(y_ours, y_ref))
        gaps["running_mean"] = max(gaps["running_mean"], largest_gap(ours.running_mean, ref.running_mean))
        gaps["running_var"] = max(gaps["running_var"], largest_gap(ours.running_var, ref.running_var))

    ours.eval()
    ref.eval()
    x = (1.5 * torch.randn(B, T, C, device=device) + 0.5).to(dtype)
    y_ref = ref(x.transpose(1, 2)).transpose(1, 2)
    assert y_ref.abs().max() < 16
    gaps["eval output"] = largest_gap(ours(x), y_ref)
    return gaps, ref


def report(name: str, gaps: dict[str, float], tolerance: float) -> None:
    """One row of the table: the largest |ours - torch| per quantity, and the tolerance."""
    cells = "".join(f"{value:>14.5f}" for value in gaps.values())
    print(f"{name:<10}{cells}{tolerance:>11.5f}")
    assert all(value <= tolerance for value in gaps.values()), gaps
# --8<-- [end:compare]


# --8<-- [start:float32]
print(f"largest |ours - torch| over {STEPS} training steps and one eval batch:")
print(f"{'dtype':<10}" + "".join(f"{key:>14}" for key in COLUMNS) + f"{'tolerance':>11}")
gaps32, bn32 = compare(torch.float32)
report("float32", gaps32, tolerance=1e-5)
# --8<-- [end:float32]

# --8<-- [start:bfloat16]
# bfloat16 keeps 8 significant bits: adjacent values are 0.03125 apart between 4 and 8, and
# 0.0625 apart between 8 and 16. Outputs stay below 16 (asserted), so one rounding step of
# the largest output is at most 0.0625: that is the tolerance.
gaps16, _ = compare(torch.bfloat16)
report("bfloat16", gaps16, tolerance=0.0625)
# --8<-- [end:bfloat16]

# --8<-- [start:affine]
# In eval mode BatchNorm is a fixed per-channel affine map y = scale * x + shift.
scale = bn32.weight / torch.sqrt(bn32.running_var + bn32.eps)
shift = bn32.bias - scale * bn32.running_mean
x = torch.randn(B, T, C, device=device)
with torch.no_grad():
    y_eval = bn32(x.transpose(1, 2)).transpose(1, 2)
    y_affine = scale * x + shift  # broadcasts over the last axis, the channels
print(f"eval mode equals scale * x + shift: {torch.allclose(y_eval, y_affine, atol=1e-5)}")
assert torch.allclose(y_eval, y_affine, atol=1e-5)
# --8<-- [end:affine]
