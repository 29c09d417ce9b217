"""Min-max normalization and standardization on the same values, with and without an outlier.

Min-max maps the values onto [0, 1] but leaves their mean and variance wherever they
fall; standardization gives mean 0 and variance 1 but no fixed range. One outlier pins
min-max's upper end and crowds every other value near 0, while standardization still
has mean 0 / variance 1 and lets the outlier sit far out. A LayerNorm without learned
parameters is the standardization, applied to each token. Standardizing leaves the shape of
the data as it was: skewed data stay skewed.
"""

# --8<-- [start:setup]
import os

import torch
import torch.nn.functional as F

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)


def min_max(v: torch.Tensor) -> torch.Tensor:
    """Scale onto [0, 1]: the smallest value becomes 0, the largest 1."""
    return (v - v.min()) / (v.max() - v.min())


def standardize(v: torch.Tensor) -> torch.Tensor:
    """Shift to mean 0 and divide by the (biased) standard deviation."""
    return (v - v.mean()) / v.std(unbiased=False)


def r2(a: float) -> float:
    return round(a, 2) + 0.0  # two decimals, and no "-0.00"


def describe(name: str, v: torch.Tensor) -> None:
    values = " ".join(f"{r2(a):6.2f}" for a in v.tolist())
    stats = [v.min(), v.max(), v.mean(), v.var(unbiased=False)]
    print(f"{name:<16} [{values} ]  min {r2(stats[0].item()):5.2f}  max {r2(stats[1].item()):5.2f}  "
          f"mean {r2(stats[2].item()):5.2f}  var {r2(stats[3].item()):5.2f}")


x = torch.tensor([3.0, 5.0, 6.0, 8.0, 9.0, 11.0], device=device)  # e.g. six measurements
# --8<-- [end:setup]

# --8<-- [start:compare]
mm, st = min_max(x), standardize(x)
describe("input", x)
describe("min-max", mm)
describe("standardized", st)

# min-max: exactly [0, 1], but neither mean 0 nor variance 1
assert mm.min().item() == 0.0 and mm.max().item() == 1.0
assert abs(mm.mean().item()) > 0.1 and mm.var(unbiased=False).item() <= 0.25  # never 1 on [0, 1]
# standardization: mean 0 and variance 1, but values below 0 and above 1
assert abs(st.mean().item()) < 1e-6 and abs(st.var(unbiased=False).item() - 1) < 1e-5
assert st.min().item() < 0 and st.max().item() > 1
# --8<-- [end:compare]

# --8<-- [start:outlier]
x_out = torch.cat([x, torch.tensor([60.0], device=device)])  # one extreme value appended
mm_out, st_out = min_max(x_out), standardize(x_out)
print()
describe("input + outlier", x_out)
describe("min-max", mm_out)
describe("standardized", st_out)

def spread(v: torch.Tensor) -> float:
    return (v.max() - v.min()).item()


# how far apart the six ordinary values lie, before and after the outlier joined them
print(f"\nspread of the six ordinary values: min-max {spread(mm):.2f} -> {spread(mm_out[:-1]):.2f}, "
      f"standardized {spread(st):.2f} -> {spread(st_out[:-1]):.2f}")

# min-max keeps its range: the outlier takes 1, the ordinary values crowd near 0
assert mm_out.min().item() == 0.0 and mm_out.max().item() == 1.0
assert spread(mm_out[:-1]) < 0.15 and mm_out[:-1].max().item() < 0.15
# standardization keeps mean 0 / variance 1; the outlier lands far out, the rest below 0
assert abs(st_out.mean().item()) < 1e-6 and abs(st_out.var(unbiased=False).item() - 1) < 1e-5
assert st_out[-1].item() > 2 and (st_out[:-1] < 0).all()
# --8<-- [end:outlier]

# --8<-- [start:layernorm]
tokens = 4.0 * torch.randn(3, 8, device=device) + 2.0  # 3 tokens with 8 features each
by_hand = torch.stack([standardize(t) for t in tokens])
ln = F.layer_norm(tokens, normalized_shape=(8,), eps=0.0)  # LayerNorm, no gamma/beta, no eps
max_diff = (ln - by_hand).abs().max().item()
print(f"\nLayerNorm without gamma/beta equals per-token standardization: {max_diff < 1e-5}")
assert max_diff < 1e-5
# and it is not min-max: the outputs leave [0, 1]
assert ln.min().item() < 0 and ln.max().item() > 1
# --8<-- [end:layernorm]

# --8<-- [start:shape]
def skewness(v: torch.Tensor) -> float:
    """Third standardized moment: 0 for any symmetric distribution, such as a normal one."""
    return (standardize(v) ** 3).mean().item()


waits = torch.distributions.Exponential(1.0).sample((10_000,)).to(device)  # right-skewed data
print(f"\nskewness of exponential data: {skewness(waits):.2f} before standardizing, "
      f"{skewness(standardize(waits)):.2f} after (a normal distribution has 0)")
# standardizing shifts and rescales; the shape, skewness included, is exactly what it was
assert abs(skewness(standardize(waits)) - skewness(waits)) < 1e-3 and skewness(waits) > 1.5
# --8<-- [end:shape]
