"""Re-running the experiments from the three experiment notebooks (statistics, training,
inference cost). Each notebook includes the set-up and its own sections; the code is imported
from snippets/experiments/, so a notebook runs exactly what the site's tests run. Run as a
file, this re-runs every experiment in smoke mode."""

# --8<-- [start:setup]
import os
import sys
from pathlib import Path

import torch

# The repository this notebook sits in: its snippets/experiments/ holds the experiments' code.
root = next((p for p in [Path.cwd(), *Path.cwd().parents] if (p / "snippets" / "experiments" / "lab.py").exists()), None)
if root is None:
    raise SystemExit("Open this notebook inside a clone of the site's repository.")
sys.path.insert(0, str(root / "snippets" / "experiments"))
from lab import published, rerun  # noqa: E402  (run + check + print; the committed result)

# CPU by default, so that the outputs match the site's; set SNIPPET_DEVICE=cuda (or edit this
# line) for a GPU. Timing checks tuned for a CPU only print on other devices.
device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))
if device.type == "cpu":
    torch.set_num_threads(1)  # tiny tensors: one thread is the fastest
MODE = "smoke"  # "full" repeats the published run: seconds to minutes on a CPU, see each notebook
# --8<-- [end:setup]

# --8<-- [start:batch-composition]
data = rerun("batch_composition", MODE, device)
published("batch_composition")
# --8<-- [end:batch-composition]

# --8<-- [start:padding]
data = rerun("padding", MODE, device)
published("padding")
# --8<-- [end:padding]

# --8<-- [start:stat-noise]
data = rerun("stat_noise", MODE, device)
published("stat_noise")
# --8<-- [end:stat-noise]

# --8<-- [start:train-eval-gap]
data = rerun("train_eval_gap", MODE, device)
published("train_eval_gap")
# --8<-- [end:train-eval-gap]

# --8<-- [start:causal-leakage]
data = rerun("causal_leakage", MODE, device)
published("causal_leakage")
# --8<-- [end:causal-leakage]

# --8<-- [start:tiny-transformer]
data = rerun("tiny_transformer", MODE, device)
published("tiny_transformer")
# --8<-- [end:tiny-transformer]

# --8<-- [start:fold]
from inference_cost import fold_batchnorm  # noqa: E402

torch.manual_seed(0)
bn = torch.nn.BatchNorm1d(4).eval()
bn.running_mean.uniform_(-1, 1)
bn.running_var.uniform_(0.5, 2)
linear = torch.nn.Linear(4, 3)
x = torch.randn(5, 4)
with torch.no_grad():
    gap = (fold_batchnorm(bn, linear)(x) - linear(bn(x))).abs().max().item()
print(f"linear(bn(x)) vs one folded linear layer: largest difference {gap:.1e}")
# --8<-- [end:fold]

# --8<-- [start:inference-cost]
data = rerun("inference_cost", MODE, device)
published("inference_cost")
# --8<-- [end:inference-cost]
