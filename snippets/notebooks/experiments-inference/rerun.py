"""Re-running the inference-cost experiment (7) from a notebook: the code is imported from
snippets/experiments/, so the notebook runs exactly what the site's tests run."""

# --8<-- [start:setup]
import importlib
import os
import sys
from pathlib import Path

import torch

root = Path.cwd().resolve()  # find the repository this notebook sits in
while not (root / "snippets" / "experiments" / "lab.py").exists():
    if root == root.parent:
        raise SystemExit("Open this notebook inside a clone of the site's repository.")
    root = root.parent
sys.path.insert(0, str(root / "snippets" / "experiments"))
from lab import load_results  # noqa: E402

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cuda" if torch.cuda.is_available() else "cpu"))
if device.type == "cpu":
    torch.set_num_threads(1)  # tiny tensors: one thread is the fastest
MODE = "smoke"  # "full" repeats the published run (about a minute on a CPU)


def rerun(name: str) -> dict:
    """Run one experiment, check its claims, print its table."""
    experiment = importlib.import_module(name)
    data = experiment.run(MODE, device)
    experiment.check(data, MODE)
    print(f"{name}, {MODE} run on {device.type}:")
    print(experiment.report(data))
    return data


def published(name: str) -> None:
    """The committed full result behind the site's figure, for comparison."""
    data = load_results(name)
    print(f"{name}, published run on {data['device']} ({data['device_name']}), torch {data['torch']}:")
    print(importlib.import_module(name).report(data))
# --8<-- [end:setup]

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
data = rerun("inference_cost")
published("inference_cost")
# --8<-- [end:inference-cost]
