"""Re-running the training experiments (4 to 6) from a notebook: the code is imported from
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
MODE = "smoke"  # "full" repeats the published run (minutes on a CPU for these three)


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

# --8<-- [start:train-eval-gap]
data = rerun("train_eval_gap")
published("train_eval_gap")
# --8<-- [end:train-eval-gap]

# --8<-- [start:causal-leakage]
data = rerun("causal_leakage")
published("causal_leakage")
# --8<-- [end:causal-leakage]

# --8<-- [start:tiny-transformer]
data = rerun("tiny_transformer")
published("tiny_transformer")
# --8<-- [end:tiny-transformer]
