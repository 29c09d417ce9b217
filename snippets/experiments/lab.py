"""Shared parts of the experiments: normalization layers, a tiny Transformer, the synthetic
tasks, and how a run is recorded.

Every experiment module in this folder imports from here. Run one with
`python snippets/experiments/<name>.py` (a smoke run of a few seconds, with its asserts) or
`python snippets/experiments/<name>.py --full` (the published run, which writes
`snippets/experiments/results/<name>.<device>.json`). The device comes from `--device` or
the SNIPPET_DEVICE environment variable (cpu or cuda).
"""

from __future__ import annotations

# --8<-- [start:imports]
import argparse
import concurrent.futures
import hashlib
import json
import math
import multiprocessing
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn
# --8<-- [end:imports]

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


# --8<-- [start:norms]
class TokenNorm(nn.Module):
    """Every normalization here takes (B, T, C) activations and a (B, T) mask of real tokens."""

    uses_batch = False  # True where the output depends on other samples of the batch

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError


class LayerNorm(TokenNorm):
    def __init__(self, c: int):
        super().__init__()
        self.norm = nn.LayerNorm(c)

    def forward(self, x, mask):
        return self.norm(x)  # one token's C features: padding cannot matter


class RMSNorm(TokenNorm):
    def __init__(self, c: int):
        super().__init__()
        self.norm = nn.RMSNorm(c, eps=1e-6)

    def forward(self, x, mask):
        return self.norm(x)


class BatchNorm(TokenNorm):
    """nn.BatchNorm1d over tokens: (B, T, C) -> (B, C, T), so channels sit on dim 1 and the
    statistics pool all B * T positions, padded ones included."""

    uses_batch = True

    def __init__(self, c: int):
        super().__init__()
        self.norm = nn.BatchNorm1d(c)

    def forward(self, x, mask):
        return self.norm(x.transpose(1, 2)).transpose(1, 2)


class MaskedBatchNorm(TokenNorm):
    """BatchNorm whose statistics count real tokens only; running statistics as in PyTorch."""

    uses_batch = True

    def __init__(self, c: int, eps: float = 1e-5, momentum: float = 0.1):
        super().__init__()
        self.eps, self.momentum = eps, momentum
        self.weight = nn.Parameter(torch.ones(c))
        self.bias = nn.Parameter(torch.zeros(c))
        self.register_buffer("running_mean", torch.zeros(c))
        self.register_buffer("running_var", torch.ones(c))

    def forward(self, x, mask):
        keep = mask.unsqueeze(-1).to(x.dtype)
        if self.training:
            m = keep.sum()
            mean = (x * keep).sum(dim=(0, 1)) / m
            var = ((x - mean) ** 2 * keep).sum(dim=(0, 1)) / m
            with torch.no_grad():
                self.running_mean.lerp_(mean, self.momentum)
                self.running_var.lerp_(var * m / (m - 1).clamp(min=1), self.momentum)
        else:
            mean, var = self.running_mean, self.running_var
        return self.weight * (x - mean) * torch.rsqrt(var + self.eps) + self.bias


class GhostBatchNorm(TokenNorm):
    """BatchNorm with statistics per group of `group` sequences inside one forward pass
    (ghost batch normalization, Hoffer et al. 2017). Outputs, gradients and running statistics
    equal those of separate forward passes over micro-batches of `group` sequences, run one
    after the other, so a sweep over BatchNorm's batch costs one forward pass per step.
    `masked=True` counts real tokens only. `momentum=None` makes the running statistics a
    plain average over every group seen (what PreciseBN uses)."""

    uses_batch = True

    def __init__(self, c: int, group: int | None = None, masked: bool = False, eps: float = 1e-5, momentum: float | None = 0.1):
        super().__init__()
        self.group, self.masked, self.eps, self.momentum = group, masked, eps, momentum
        self.weight = nn.Parameter(torch.ones(c))
        self.bias = nn.Parameter(torch.zeros(c))
        self.register_buffer("running_mean", torch.zeros(c))
        self.register_buffer("running_var", torch.ones(c))
        self.register_buffer("groups_seen", torch.zeros((), dtype=torch.long))
        self.trace: list | None = None  # a list: each training pass appends its statistics

    def forward(self, x, mask):
        if not self.training:
            return self.weight * (x - self.running_mean) * torch.rsqrt(self.running_var + self.eps) + self.bias
        b, t, c = x.shape
        g = self.group or b
        if b % g:
            raise ValueError(f"a batch of {b} sequences does not split into groups of {g}")
        xs = x.reshape(b // g, g * t, c)
        keep = (mask if self.masked else torch.ones_like(mask)).reshape(b // g, g * t, 1).to(x.dtype)
        m = keep.sum(1)  # (groups, 1): values behind each statistic
        mean = (xs * keep).sum(1) / m
        var = ((xs - mean[:, None]) ** 2 * keep).sum(1) / m
        with torch.no_grad():
            self._update_running(mean, var * m / (m - 1).clamp(min=1))
        y = (xs - mean[:, None]) * torch.rsqrt(var[:, None] + self.eps)
        if self.trace is not None and y.requires_grad:  # for measuring the backward statistics
            y.retain_grad()
            self.trace.append({"mean": mean.detach(), "var": var.detach(), "normalized": y})
        return self.weight * y.reshape(b, t, c) + self.bias

    def _update_running(self, means, variances):
        n = means.shape[0]
        if self.momentum is None:  # cumulative average: every group weighs the same
            seen = self.groups_seen.item()
            total = seen + n
            self.running_mean.mul_(seen / total).add_(means.sum(0) / total)
            self.running_var.mul_(seen / total).add_(variances.sum(0) / total)
        else:  # the same as n updates in a row: older groups decay more
            a = self.momentum
            w = a * (1 - a) ** torch.arange(n - 1, -1, -1, device=means.device, dtype=means.dtype)
            self.running_mean.mul_((1 - a) ** n).add_((w[:, None] * means).sum(0))
            self.running_var.mul_((1 - a) ** n).add_((w[:, None] * variances).sum(0))
        self.groups_seen += n


class DyT(TokenNorm):
    """Dynamic Tanh (Zhu et al., 2025): gamma * tanh(alpha * x) + beta, no statistics."""

    def __init__(self, c: int, alpha0: float = 0.5):
        super().__init__()
        self.alpha = nn.Parameter(torch.tensor(alpha0))
        self.weight = nn.Parameter(torch.ones(c))
        self.bias = nn.Parameter(torch.zeros(c))

    def forward(self, x, mask):
        return self.weight * torch.tanh(self.alpha * x) + self.bias


class NoNorm(TokenNorm):
    def __init__(self, c: int):
        super().__init__()

    def forward(self, x, mask):
        return x


NORMS = {"ln": LayerNorm, "rms": RMSNorm, "bn": BatchNorm, "masked_bn": MaskedBatchNorm, "none": NoNorm, "dyt": DyT}
# --8<-- [end:norms]


# --8<-- [start:model]
class Block(nn.Module):
    """A Pre-LN Transformer block with a pluggable normalization."""

    def __init__(self, d: int, heads: int, norm: str):
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = NORMS[norm](d), NORMS[norm](d)
        self.qkv, self.out = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def attend(self, h, mask, causal):
        b, t, d = h.shape
        q, k, v = self.qkv(h).view(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        allowed = mask[:, None, None, :]  # keys that are real tokens
        if causal:
            allowed = allowed & torch.ones(t, t, dtype=torch.bool, device=h.device).tril()
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
        return self.out(y.transpose(1, 2).reshape(b, t, d))

    def forward(self, x, mask, causal=False):
        x = x + self.attend(self.norm1(x, mask), mask, causal)
        return x + self.mlp(self.norm2(x, mask))


class TinyTransformer(nn.Module):
    def __init__(self, vocab: int, classes: int, t_max: int, norm: str, d: int = 64, heads: int = 4, layers: int = 2):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(0.02 * torch.randn(t_max, d))
        self.blocks = nn.ModuleList(Block(d, heads, norm) for _ in range(layers))
        self.final = NORMS[norm](d)
        self.head = nn.Linear(d, classes)

    def forward(self, tokens, mask, causal=False):
        x = self.embed(tokens) + self.pos[: tokens.shape[1]]
        for block in self.blocks:
            x = block(x, mask, causal)
        return self.head(self.final(x, mask))
# --8<-- [end:model]


# --8<-- [start:task]
def counting_task(n: int, t: int, vocab: int, generator: torch.Generator, min_len: int | None = None):
    """Sequences of random symbols with random lengths, padded to t. The label of each real
    token is how often its symbol occurs in its own sequence (minus one): the model must
    compare every token with every other, and BatchNorm's padding problem is in play."""
    tokens = torch.randint(1, vocab, (n, t), generator=generator)  # 0 is the padding symbol
    lengths = torch.randint(min_len or t // 4, t + 1, (n,), generator=generator)
    mask = torch.arange(t) < lengths[:, None]
    tokens = tokens * mask
    same = (tokens[:, :, None] == tokens[:, None, :]) & mask[:, None, :]
    labels = torch.where(mask, same.sum(-1) - 1, -100)  # -100: ignored by cross_entropy
    return tokens, mask, labels
# --8<-- [end:task]


def seeded(seed: int) -> torch.Generator:
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def loss_and_accuracy(model, tokens, mask, labels, causal=False):
    logits = model(tokens, mask, causal)
    loss = F.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=-100)
    real = labels != -100
    accuracy = (logits.argmax(-1) == labels)[real].float().mean()
    return loss, accuracy


@torch.no_grad()
def evaluate(model, data, batch: int, train_mode: bool, device) -> dict:
    """Mean loss and accuracy over `data` in batches of `batch`, in eval or training mode
    (training mode: BatchNorm uses each batch's statistics; running statistics are restored)."""
    saved = {k: v.clone() for k, v in model.state_dict().items()}
    model.train(train_mode)
    loss_sum = correct = tokens = 0.0
    n = data[0].shape[0] // batch * batch
    for start in range(0, n, batch):
        x, mask, labels = (d[start : start + batch].to(device) for d in data)
        logits = model(x, mask)
        loss_sum += F.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=-100, reduction="sum").item()
        real = labels != -100
        correct += (logits.argmax(-1) == labels)[real].sum().item()
        tokens += real.sum().item()
    model.load_state_dict(saved)
    model.eval()
    return {"loss": loss_sum / tokens, "accuracy": correct / tokens}  # per real token


COUNTING = {"t": 16, "vocab": 6, "batch": 64, "lr": 2e-3, "warmup": 30}


# --8<-- [start:protocol]
def warmup_cosine(optimizer, warmup: int, total: int, floor: float = 0.1):
    """Linear warm-up, then a cosine decay to `floor` times the peak rate at step `total`
    (nanoGPT's schedule: peak 1e-3, floor 1e-4)."""

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = min(1.0, (step - warmup) / max(1, total - warmup))
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


@torch.no_grad()
def precise_bn(model: nn.Module, batches) -> None:
    """PreciseBN (Wu and Johnson, 2021): after training, replace every BatchNorm's running
    statistics by a plain average over `batches` (the weights stay frozen), instead of the
    exponential average that training left behind. `batches` yields the arguments of one
    forward pass in training mode, split as in training."""
    layers = [m for m in model.modules() if isinstance(m, (GhostBatchNorm, nn.modules.batchnorm._BatchNorm))]
    saved = [m.momentum for m in layers]
    for m in layers:
        m.momentum = None  # PyTorch and GhostBatchNorm: a cumulative average
        m.reset_running_stats() if isinstance(m, nn.modules.batchnorm._BatchNorm) else m.groups_seen.zero_()
    model.train()
    for args in batches:
        model(*args)
    for m, momentum in zip(layers, saved):
        m.momentum = momentum
    model.eval()


def spread(values) -> dict:
    """Mean, min and max over seeds: what every table and error bar shows."""
    values = [float(v) for v in values]
    return {"mean": sum(values) / len(values), "min": min(values), "max": max(values), "n": len(values)}


def separated(a: dict, b: dict) -> bool:
    """A difference counts only when the two seed ranges do not overlap."""
    return a["max"] < b["min"] or b["max"] < a["min"]


def fmt(s: dict, digits: int = 3) -> str:
    return f"{s['mean']:.{digits}f} [{s['min']:.{digits}f}, {s['max']:.{digits}f}]"
# --8<-- [end:protocol]


# --8<-- [start:claims]
@dataclass(frozen=True)
class Claim:
    """A sentence an experiment page makes, and the test the full run's data must pass for
    the page to make it. `test(data)` returns (holds, evidence); evidence is the numbers."""

    name: str
    en: str
    zh: str
    test: Callable[[dict], tuple[bool, str]]


def verdicts(claims, data: dict) -> list[dict]:
    out = []
    for claim in claims:
        try:
            holds, evidence = claim.test(data)
        except (KeyError, IndexError, ValueError, ZeroDivisionError) as error:
            holds, evidence = False, f"the data lacks what the test reads: {error!r}"
        out.append({"name": claim.name, "verdict": "supported" if holds else "rejected", "evidence": evidence, "en": claim.en, "zh": claim.zh})
    return out
# --8<-- [end:claims]


# --8<-- [start:grid]
RESULTS_ONLY = "# Below this line: planning, reporting and claims, which do not change a run's results."
BOOKKEEPING = {"main", "run_grid", "pick", "spread", "separated", "fmt", "Claim", "verdicts", "write_results", "load_results"}


def _code_hash(module) -> str:
    """What a run's result depends on: the experiment's file above its RESULTS_ONLY line, and
    the source of every class and function it takes from the other files of this folder (lab.py,
    powernorm.py, another experiment; bookkeeping excepted). Editing any of them re-runs the configurations; editing a claim does not.
    A configuration that names PowerNorm also depends on powernorm.py (see run_grid)."""
    import inspect

    digest = hashlib.sha256(Path(module.__file__).read_text(encoding="utf-8").split(RESULTS_ONLY)[0].encode())
    for name in sorted(vars(module)):
        obj = vars(module)[name]
        home = sys.modules.get(getattr(obj, "__module__", None) or "")
        from_here = home is not None and home is not module and Path(getattr(home, "__file__", "") or "/").parent == HERE
        if from_here and name not in BOOKKEEPING and (inspect.isclass(obj) or inspect.isfunction(obj)):
            digest.update(inspect.getsource(obj).encode())
    return digest.hexdigest()[:16]


def _timed(fn, config: dict, device: str) -> dict:
    started = time.perf_counter()
    out = fn(config, device)
    return {**out, "seconds": round(time.perf_counter() - started, 1)}  # wall time of this configuration


def _start_worker(path_entry: str) -> None:
    sys.path.insert(0, path_entry)
    torch.set_num_threads(1)


def run_grid(experiment: str, fn: Callable[[dict, str], dict], configs: list[dict], device, mode: str) -> list[dict]:
    """Run `fn(config, device_type)` for every configuration; return config + result for each.

    Full runs are resumable: each configuration's result is kept in
    .cache/experiments/<experiment>/ under a hash of the configuration, the device and the code,
    so a re-run computes only what changed. They run in EXPERIMENT_WORKERS processes (default:
    the number of CPU cores, 1 on CUDA), one thread each. Smoke runs run here, in order."""
    if mode != "full":
        return [{**fn(c, device.type), **c} for c in configs]  # a result never overwrites its configuration
    cache = HERE.parent.parent / ".cache" / "experiments" / experiment
    cache.mkdir(parents=True, exist_ok=True)
    code = _code_hash(sys.modules[fn.__module__])
    powernorm = (HERE / "powernorm.py").read_text(encoding="utf-8") if (HERE / "powernorm.py").exists() else ""

    def key(c: dict) -> str:
        uses = powernorm if "powernorm" in json.dumps(c) else ""
        return hashlib.sha256(json.dumps([c, device.type, code, uses], sort_keys=True).encode()).hexdigest()[:20]

    keys = [key(c) for c in configs]
    todo = [(c, k) for c, k in zip(configs, keys) if not (cache / f"{k}.json").exists()]
    workers = int(os.environ.get("EXPERIMENT_WORKERS", 1 if device.type == "cuda" else os.cpu_count() or 1))
    print(f"{experiment}: {len(configs) - len(todo)} of {len(configs)} configurations cached, {len(todo)} to run on {workers} worker(s)", flush=True)
    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")  # no fork after torch has started threads
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(str(HERE),)) as pool:
        futures = {pool.submit(_timed, fn, c, device.type): (c, k) for c, k in todo}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            c, k = futures[future]
            (cache / f"{k}.json").write_text(json.dumps(future.result()), encoding="utf-8")
            print(f"  [{done}/{len(todo)}, {time.perf_counter() - started:.0f} s] {json.dumps(c)}", flush=True)
    return [{**json.loads((cache / f"{k}.json").read_text(encoding="utf-8")), **c} for c, k in zip(configs, keys)]


def pick(rows: list[dict], **where) -> list[dict]:
    found = [r for r in rows if all(r.get(k) == v for k, v in where.items())]
    if not found:
        raise KeyError(f"no run with {where}")
    return found
# --8<-- [end:grid]


# --8<-- [start:record]
def device_from(args) -> torch.device:
    name = args.device or os.environ.get("SNIPPET_DEVICE", "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        sys.exit("--device cuda: no CUDA GPU is available")
    return torch.device(name)


def git_revision() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=HERE, capture_output=True, text=True, check=True)
        # Uncommitted changes to the experiments' code (not to their results) mark the revision.
        dirty = subprocess.run(["git", "status", "--porcelain", "--", ".", ":!results"], cwd=HERE, capture_output=True, text=True).stdout
        return rev.stdout.strip() + ("+changes" if dirty.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def describe(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        model = names[0] if names else model
    threads = torch.get_num_threads()
    return f"{model}, {threads} thread{'s' if threads != 1 else ''}"


def write_results(name: str, device: torch.device, seed: int, seconds: float, data: dict) -> Path:
    """Full runs write their data with everything needed to say where it came from."""
    record = {
        "experiment": name,
        "seed": seed,
        "device": device.type,
        "device_name": describe(device),
        "torch": torch.__version__.split("+")[0],
        "python": platform.python_version(),
        "git_revision": git_revision(),
        "wall_time_s": round(seconds, 1),
        **data,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.{device.type}.json"
    path.write_text(json.dumps(record, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return path


def load_results(name: str, device: str = "cpu") -> dict:
    return json.loads((RESULTS / f"{name}.{device}.json").read_text(encoding="utf-8"))


def main(name: str, run, check, report, claims=(), cpu_threads: int | None = 1) -> None:
    """The command line every experiment shares: smoke by default, --full for the published run.

    A smoke run asserts the mechanism (`check`). A full run always writes its results first,
    then the verdict on each of its declared `claims`: a claim the data rejects is recorded as
    rejected, not hidden by a failed run. On CPU the experiments use one thread per process
    (cpu_threads=None keeps PyTorch's default): their tensors are tiny, so more threads only
    add overhead."""
    parser = argparse.ArgumentParser(description=(sys.modules["__main__"].__doc__ or "").split("\n")[0])
    parser.add_argument("--full", action="store_true", help="the published run; writes results/<name>.<device>.json")
    parser.add_argument("--device", choices=["cpu", "cuda"], help="default: $SNIPPET_DEVICE or cpu")
    args = parser.parse_args()
    device = device_from(args)
    if device.type == "cpu" and cpu_threads:
        torch.set_num_threads(cpu_threads)
    mode = "full" if args.full else "smoke"
    started = time.perf_counter()
    data = run(mode, device)
    seconds = time.perf_counter() - started
    if mode == "smoke":
        check(data, mode)  # the mechanism is there
    print(report(data))
    if args.full:
        data["claims"] = verdicts(claims, data)
        path = write_results(name, device, data["seed"], seconds, data)
        for v in data["claims"]:
            print(f"claim {v['name']}: {v['verdict'].upper()} ({v['evidence']})")
        print(f"wrote {path.relative_to(HERE.parent.parent)} ({seconds:.0f} s)")
# --8<-- [end:record]


# --8<-- [start:notebook]
def rerun(name: str, mode: str, device) -> dict:
    """For the notebooks: run one experiment, check its claims, print its table."""
    import importlib

    experiment = importlib.import_module(name)
    data = experiment.run(mode, device)
    print(f"{name}, {mode} run on {device.type}:")
    print(experiment.report(data))
    if mode == "smoke":
        experiment.check(data, mode)
    else:
        for v in verdicts(getattr(experiment, "CLAIMS", ()), data):
            print(f"claim {v['name']}: {v['verdict']} ({v['evidence']})")
    return data


def published(name: str) -> None:
    """For the notebooks: the committed full result behind the site's figure, for comparison."""
    import importlib

    data = load_results(name)
    print(f"{name}, published run on {data['device']} ({data['device_name']}), torch {data['torch']}:")
    print(importlib.import_module(name).report(data))
# --8<-- [end:notebook]


def median_and_quartiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)

    def q(p):
        k = (len(ordered) - 1) * p
        lo, hi = math.floor(k), math.ceil(k)
        return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)

    return q(0.5), q(0.25), q(0.75)


if __name__ == "__main__":
    # Run on its own, the module checks its layers: masked BN equals BatchNorm when nothing is
    # padded, every normalization keeps the (B, T, C) shape, and ghost BN over groups of 2
    # equals two separate forward passes: outputs, gradients and running statistics.
    torch.manual_seed(0)
    x = torch.randn(4, 5, 8)
    full = torch.ones(4, 5, dtype=torch.bool)
    bn, masked = BatchNorm(8), MaskedBatchNorm(8)
    same = torch.allclose(bn(x, full), masked(x, full), atol=1e-5)
    same_running = torch.allclose(bn.norm.running_var, masked.running_var, atol=1e-5)
    shapes = {name: tuple(cls(8)(x, full).shape) for name, cls in NORMS.items()}
    assert same and same_running and set(shapes.values()) == {(4, 5, 8)}
    print(f"masked BN equals BatchNorm without padding: {same}; running variance too: {same_running}")
    print("normalizations:", ", ".join(NORMS))

    mask = torch.arange(5) < torch.tensor([5, 3, 4, 2])[:, None]
    weight = torch.randn(4, 5, 8)  # a loss that weighs every output differently
    for is_masked, separate in [(False, BatchNorm(8)), (True, MaskedBatchNorm(8))]:
        ghost = GhostBatchNorm(8, group=2, masked=is_masked)
        xa, xb = x.clone().requires_grad_(), x.clone().requires_grad_()
        out_ghost = ghost(xa, mask)
        out_separate = torch.cat([separate(xb[i : i + 2], mask[i : i + 2]) for i in (0, 2)])
        (out_ghost * weight).sum().backward()
        (out_separate * weight).sum().backward()
        stats = separate.norm if isinstance(separate, BatchNorm) else separate
        checks = {
            "outputs": torch.allclose(out_ghost, out_separate, atol=1e-5),
            "gradients": torch.allclose(xa.grad, xb.grad, atol=1e-5),
            "running mean": torch.allclose(ghost.running_mean, stats.running_mean, atol=1e-6),
            "running variance": torch.allclose(ghost.running_var, stats.running_var, atol=1e-6),
        }
        assert all(checks.values()), checks
        kind = "masked BatchNorm" if is_masked else "BatchNorm"
        print(f"ghost BN in groups of 2 = two separate {kind} passes: {', '.join(checks)} equal")
