"""Experiment 7: what each normalization costs at inference, timed in separate processes.

A Pre-LN Transformer block (attention and MLP) in eval mode, and its normalization alone, with:
BatchNorm as it is usually written for (B, T, C) activations (transpose -> BatchNorm1d ->
transpose), BatchNorm on a contiguous (B*T, C) view, BatchNorm folded into the linear layers
that read it, LayerNorm, LayerNorm with its gamma and beta folded into those layers, RMSNorm
(nn.RMSNorm), DyT, no normalization, and torch.compile'd versions of some. Every variant is
timed in several separate Python processes, one after the other, each on one thread; a
variant's number is the median over processes of each process's median, and its error bar is
the range of those process medians. The time is the thread's CPU time (the wall clock is kept
too): on a shared machine, the wall clock also counts other programs' turns on the core. The
profiler shows which operators each normalization runs.
"""

# --8<-- [start:fold]
import copy
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch
from torch import nn

from lab import Block, NoNorm, TokenNorm, seeded

# PyTorch 2.13's profiler prints a timestamped "USDT: … profiler_start/stop" line to stderr each
# time it runs (its kineto library logs at that level unless told otherwise); readers and the
# notebook page would see them on every run.
os.environ.setdefault("KINETO_LOG_LEVEL", "6")


@torch.no_grad()
def fold_batchnorm(bn: nn.BatchNorm1d, linear: nn.Linear) -> nn.Linear:
    """linear(bn(x)) as one linear layer: bn(x) = s * x + t per channel in eval mode."""
    s = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    t = bn.bias - bn.running_mean * s
    merged = copy.deepcopy(linear)
    merged.weight.copy_(linear.weight * s)  # scales the input columns
    merged.bias.copy_(linear.bias + linear.weight @ t)
    return merged


@torch.no_grad()
def fold_layernorm_affine(ln: nn.LayerNorm, linear: nn.Linear) -> nn.Linear:
    """linear(gamma * xhat + beta) = (W diag(gamma)) xhat + (W beta + b): the statistics stay."""
    merged = copy.deepcopy(linear)
    merged.weight.copy_(linear.weight * ln.weight)
    merged.bias.copy_(linear.bias + linear.weight @ ln.bias)
    return merged


class BatchNormView(TokenNorm):
    """The same BatchNorm1d applied to a (B*T, C) view: channels stay the last, contiguous
    dimension, so neither BatchNorm nor the linear layer after it has to gather strided data."""

    def __init__(self, bn: nn.BatchNorm1d):
        super().__init__()
        self.norm = bn

    def forward(self, x, mask):
        b, t, c = x.shape
        return self.norm(x.reshape(b * t, c)).view(b, t, c)


class StatisticsOnly(TokenNorm):
    """LayerNorm without gamma and beta: what is left once they are folded into the next layer."""

    def __init__(self, c: int, eps: float):
        super().__init__()
        self.norm = nn.LayerNorm(c, eps=eps, elementwise_affine=False)

    def forward(self, x, mask):
        return self.norm(x)


def folded_block(block: Block, kind: str) -> Block:
    """A copy of a BatchNorm block with both BatchNorms merged away (kind "bn"), or of a
    LayerNorm block with gamma and beta merged away (kind "ln"); each norm feeds qkv or mlp[0]."""
    out = copy.deepcopy(block)
    d = block.qkv.in_features
    if kind == "bn":
        out.qkv = fold_batchnorm(block.norm1.norm, block.qkv)
        out.mlp[0] = fold_batchnorm(block.norm2.norm, block.mlp[0])
        out.norm1, out.norm2 = NoNorm(d), NoNorm(d)
    else:
        out.qkv = fold_layernorm_affine(block.norm1.norm, block.qkv)
        out.mlp[0] = fold_layernorm_affine(block.norm2.norm, block.mlp[0])
        out.norm1, out.norm2 = StatisticsOnly(d, block.norm1.norm.eps), StatisticsOnly(d, block.norm2.norm.eps)
    return out
# --8<-- [end:fold]


# --8<-- [start:variants]
SHAPES = {"smoke": [(2, 16, 64)], "full": [(4, 128, 256), (4, 128, 512), (4, 128, 1024)]}  # (batch, tokens, width)
PROCESSES = {"smoke": 1, "full": 5}
REPEATS = {"smoke": {"norm": 5, "block": 3}, "full": {"norm": 100, "block": 8}}  # timed calls per process
WARMUP = {"norm": 10, "block": 2}
COMPILED_NORMS = ["ln", "rms", "dyt"]  # also timed after torch.compile (full runs)
COMPILED_BLOCKS = ["none", "ln", "rms"]


@torch.no_grad()
def make_blocks(d: int, device) -> dict:
    """Blocks with the same attention and MLP weights, and trained-looking normalization
    parameters (BatchNorm running statistics, LayerNorm gamma and beta), so that folding does
    real work. Every normalization layer is built here and read from its block."""
    blocks = {}
    for name in ["none", "bn", "ln", "rms", "dyt"]:
        torch.manual_seed(0)  # the same linear layers in every block
        blocks[name] = Block(d, max(1, d // 64), name)
    g = seeded(1)
    for norm in (blocks["bn"].norm1.norm, blocks["bn"].norm2.norm):
        norm.running_mean.copy_(0.5 * torch.randn(d, generator=g))
        norm.running_var.copy_(0.5 + 1.5 * torch.rand(d, generator=g))
        norm.weight.copy_(1 + 0.2 * torch.randn(d, generator=g))
        norm.bias.copy_(0.2 * torch.randn(d, generator=g))
    for norm in (blocks["ln"].norm1.norm, blocks["ln"].norm2.norm):
        norm.weight.copy_(1 + 0.2 * torch.randn(d, generator=g))
        norm.bias.copy_(0.2 * torch.randn(d, generator=g))
    blocks["bn_view"] = copy.deepcopy(blocks["bn"])
    blocks["bn_view"].norm1 = BatchNormView(blocks["bn_view"].norm1.norm)
    blocks["bn_view"].norm2 = BatchNormView(blocks["bn_view"].norm2.norm)
    blocks["bn_folded"] = folded_block(blocks["bn"], "bn")
    blocks["ln_folded"] = folded_block(blocks["ln"], "ln")
    return {k: v.to(device).eval() for k, v in blocks.items()}


def variants(blocks: dict, use_compile: bool) -> dict:
    """Every timed callable, f(x, mask). norm_*: the block's first normalization alone."""
    out = {f"block_{k}": v for k, v in blocks.items()}
    out.update({f"norm_{k}": blocks[k].norm1 for k in ["bn", "bn_view", "ln", "ln_folded", "rms", "dyt"]})
    if use_compile:
        out.update({f"norm_{k}_compiled": torch.compile(blocks[k].norm1) for k in COMPILED_NORMS})
        out.update({f"block_{k}_compiled": torch.compile(blocks[k]) for k in COMPILED_BLOCKS})
    return out
# --8<-- [end:variants]


# --8<-- [start:timing]
def timed_ms(fn, x, mask, device) -> tuple[float, float]:
    """(this thread's CPU time, wall-clock time) of one call, in ms. On a shared machine the
    wall clock also counts the time other programs held the core; the thread's CPU time does
    not, and with one thread it is all the work. On CUDA both are wall-clock time."""
    if device.type == "cuda":
        torch.cuda.synchronize()
    wall, cpu = time.perf_counter(), time.thread_time()
    fn(x, mask)
    if device.type == "cuda":
        torch.cuda.synchronize()
    wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
    return (wall if device.type == "cuda" else cpu) * 1e3, wall * 1e3


@torch.no_grad()
def measure(spec: dict) -> dict:
    """One process's measurement: every variant at every width, warmed up, then timed in
    rounds whose order is shuffled, so that a slow moment of the machine hits them all alike.
    Returns each variant's median over its repetitions: [CPU time, wall-clock time] in ms."""
    device = torch.device(spec["device"])
    if device.type == "cpu":
        torch.set_num_threads(1)
    rng = random.Random(spec["process"])
    medians, compile_s, compile_error = {}, 0.0, None
    started = time.perf_counter()
    for b, t, d in spec["shapes"]:
        x = torch.randn(b, t, d, generator=seeded(2)).to(device)
        mask = torch.ones(b, t, dtype=torch.bool, device=device)
        fns = variants(make_blocks(d, device), spec["compile"] and compile_error is None)
        for name in [k for k in fns if k.endswith("_compiled")]:  # compile now, outside the timings
            try:
                t0 = time.perf_counter()
                fns[name](x, mask)
                compile_s += time.perf_counter() - t0
            except Exception as error:  # noqa: BLE001 - any failure means: no compiled variants here
                compile_error = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
                fns = {k: v for k, v in fns.items() if not k.endswith("_compiled")}
                break
        times = {k: [] for k in fns}
        for kind in ("norm", "block"):
            names = [k for k in fns if k.startswith(kind)]
            for _ in range(WARMUP[kind]):
                for k in names:
                    fns[k](x, mask)
            for _ in range(spec["repeats"][kind]):
                rng.shuffle(names)
                for k in names:
                    times[k].append(timed_ms(fns[k], x, mask, device))
        medians[str(d)] = {k: [statistics.median(c for c, _ in v), statistics.median(w for _, w in v)] for k, v in times.items()}
    return {"process": spec["process"], "medians": medians, "threads": torch.get_num_threads(),
            "compile_s": round(compile_s, 1), "compile_error": compile_error, "wall_s": round(time.perf_counter() - started, 1)}


WORKER = "import json, sys; sys.path.insert(0, sys.argv[1]); import inference_cost as m; print('RESULT', json.dumps(m.measure(json.loads(sys.argv[2]))))"


def in_new_process(spec: dict) -> subprocess.Popen:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "TORCHINDUCTOR_COMPILE_THREADS": "1"}
    here = str(Path(__file__).resolve().parent)
    return subprocess.Popen([sys.executable, "-c", WORKER, here, json.dumps(spec)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def result_of(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate()
    lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"a timing process failed ({proc.returncode}):\n{err[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def across_processes(results: list[dict], shapes) -> list[dict]:
    """Per width and variant: the median of the processes' medians, and their range; the
    timed quantity is the thread's CPU time (wall_* hold the same for wall-clock time)."""
    rows = []
    for b, t, d in shapes:
        for name in results[0]["medians"][str(d)]:
            cpu = [r["medians"][str(d)][name][0] for r in results if name in r["medians"][str(d)]]
            wall = [r["medians"][str(d)][name][1] for r in results if name in r["medians"][str(d)]]
            rows.append({"batch": b, "tokens": t, "width": d, "variant": name, "median_ms": statistics.median(cpu),
                         "min_ms": min(cpu), "max_ms": max(cpu), "process_medians_ms": cpu,
                         "wall_median_ms": statistics.median(wall), "wall_min_ms": min(wall), "wall_max_ms": max(wall)})
    return rows
# --8<-- [end:timing]


# --8<-- [start:profile]
BOOKKEEPING = {"aten::to", "aten::_to_copy", "aten::type_as", "aten::empty", "aten::empty_like", "aten::empty_strided",
               "aten::view", "aten::_unsafe_view", "aten::as_strided", "aten::result_type", "aten::resolve_conj"}
LAYOUT = {"aten::transpose", "aten::reshape"}  # views: they move no data themselves


def kernels(fn, x, mask) -> list[str]:
    """The operators that do the work when fn runs in eager mode, from the profiler: below
    each top-level call, descend while one operator hands the whole tensor to one other; stop
    where the work splits into several operators on full-size tensors (those are listed), or
    where an operator does it itself (it is listed). Views and dtype bookkeeping are left out."""

    def full(event):
        return any(s and torch.Size(s).numel() >= x.numel() for s in event.input_shapes)

    def work(event):
        kids = [c for c in event.cpu_children if c.name not in BOOKKEEPING]
        if len(kids) == 1 and full(kids[0]):
            return work(kids[0])
        if sum(full(c) for c in kids) >= 2:
            return [c.name for c in kids]
        return [event.name]

    with torch.no_grad(), torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU], record_shapes=True) as prof:
        fn(x, mask)
    return [name for e in prof.events() if e.cpu_parent is None and e.name not in BOOKKEEPING | LAYOUT for name in work(e)]


def layout_copies(fn, x, mask) -> int:
    """How many times fn copies a full-size tensor only to change its memory layout (a
    reshape of a non-contiguous tensor clones it; a linear layer reshapes its input)."""
    with torch.no_grad(), torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU], record_shapes=True) as prof:
        fn(x, mask)
    return sum(1 for e in prof.events() if e.name in ("aten::clone", "aten::contiguous") and e.input_shapes
               and e.input_shapes[0] and torch.Size(e.input_shapes[0]).numel() >= x.numel())


def cpu_description() -> dict:
    """The CPU and what PyTorch was built with: timings mean little without them."""
    info = {"model": platform.processor() or platform.machine(), "logical_cpus": os.cpu_count(), "flags": []}
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        lines = cpuinfo.read_text().splitlines()
        info["model"] = next((l.split(":", 1)[1].strip() for l in lines if l.startswith("model name")), info["model"])
        flags = next((l.split(":", 1)[1].split() for l in lines if l.startswith("flags")), [])
        info["flags"] = sorted(f for f in flags if f.startswith(("avx", "amx", "fma", "f16c", "sse4")))
    info["aten_cpu_capability"] = torch.backends.cpu.get_cpu_capability()
    return info
# --8<-- [end:profile]


# --8<-- [start:experiment]
@torch.no_grad()
def run(mode: str, device) -> dict:
    spec = {"device": device.type, "shapes": SHAPES[mode], "repeats": REPEATS[mode], "compile": mode == "full"}
    # smoke: the timing processes start now and run side by side with the checks below (their
    # timings are not used); full: they run later, one after another, so none competes for a core
    started = [in_new_process({**spec, "process": i}) for i in range(PROCESSES[mode])] if mode == "smoke" else []

    b, t, d = SHAPES["smoke"][0]  # the mechanisms, on CPU (the profile is of CPU operators)
    x = torch.randn(b, t, d, generator=seeded(3))
    mask = torch.ones(b, t, dtype=torch.bool)
    blocks = make_blocks(d, "cpu")
    errors = {k: (blocks[k](x, mask) - blocks[original](x, mask)).abs().max().item()
              for k, original in [("bn_folded", "bn"), ("bn_view", "bn"), ("ln_folded", "ln")]}
    profile = {k: kernels(blocks[k].norm1, x, mask) for k in ["bn", "bn_view", "ln", "ln_folded", "rms", "dyt"]}
    copies = {k: layout_copies(blocks[k], x, mask) for k in ["bn", "bn_view", "bn_folded", "ln"]}

    results = [result_of(p) for p in started]
    for i in range(PROCESSES[mode] if mode == "full" else 0):
        results.append(result_of(in_new_process({**spec, "process": i})))
        print(f"process {i + 1}/{PROCESSES[mode]}: {results[-1]['wall_s']} s, of which compiling {results[-1]['compile_s']} s", flush=True)
    failures = sorted({r["compile_error"] for r in results if r["compile_error"]})
    return {"seed": 0, "mode": mode, "timing_device": device.type, "processes": len(results), "repeats": REPEATS[mode],
            "warmup": WARMUP, "threads": sorted({r["threads"] for r in results}), "cpu": cpu_description(),
            "torch_version": torch.__version__, "torch_config": torch.__config__.show(),
            "fold_errors": errors, "kernels": profile, "layout_copies": copies,
            "compile": {"tried": spec["compile"], "works": spec["compile"] and not failures, "errors": failures,
                        "seconds_per_process": [r["compile_s"] for r in results]},
            "process_wall_s": [r["wall_s"] for r in results], "rows": across_processes(results, SHAPES[mode])}
# --8<-- [end:experiment]


# --8<-- [start:check]
def check(data: dict, mode: str) -> None:
    """The mechanisms, which hold on any machine (timings are left to the claims)."""
    assert max(data["fold_errors"].values()) < 1e-4, f"folding changes the outputs: {data['fold_errors']}"
    k = data["kernels"]
    assert k["ln"] == ["aten::native_layer_norm"], f"LayerNorm runs as one fused operator: {k['ln']}"
    assert {"aten::pow", "aten::mean", "aten::rsqrt", "aten::mul"} <= set(k["rms"]) and len(k["rms"]) >= 5, \
        f"eager nn.RMSNorm on CPU is several operators: {k['rms']}"
    copies = data["layout_copies"]
    assert copies["bn"] == copies["bn_view"] + 2, f"each transposed BatchNorm costs one layout copy: {copies}"
    assert copies["bn_view"] == copies["bn_folded"] == copies["ln"], copies
    assert data["timing_device"] != "cpu" or data["threads"] == [1], f"one thread per timing process: {data['threads']}"
    assert data["processes"] == PROCESSES[data["mode"]]
    names = {r["variant"] for r in data["rows"]}
    assert {"block_bn", "block_bn_view", "block_bn_folded", "block_ln_folded", "norm_rms", "norm_dyt"} <= names, names
    assert all(len(r["process_medians_ms"]) == data["processes"] for r in data["rows"])
# --8<-- [end:check]


# Below this line: reporting and claims, which do not change a run's results.
from lab import Claim, main, separated  # noqa: E402


def row(data: dict, width: int, variant: str) -> dict:
    found = [r for r in data["rows"] if r["width"] == width and r["variant"] == variant]
    if not found:
        raise KeyError(f"no timing of {variant} at width {width}")
    r = found[0]
    return {"median": r["median_ms"], "min": r["min_ms"], "max": r["max_ms"]}


def widths(data: dict) -> list[int]:
    return sorted({r["width"] for r in data["rows"]})


def ms(s: dict) -> str:
    return f"{s['median']:.3g} [{s['min']:.3g}, {s['max']:.3g}]"


def faster(data: dict, a: str, b: str, at=None) -> tuple[bool, str]:
    """a is faster than b: the ranges of process medians do not overlap and a's is lower."""
    holds, parts = True, []
    for w in at or widths(data):
        ra, rb = row(data, w, a), row(data, w, b)
        holds &= ra["max"] < rb["min"]
        parts.append(f"d={w}: {ms(ra)} vs {ms(rb)} ms")
    return holds, "; ".join(parts)


def not_slower(data: dict, a: str, b: str, at=None) -> tuple[bool, str]:
    """a is no slower than b: a's range of process medians does not lie wholly above b's."""
    holds, parts = True, []
    for w in at or widths(data):
        ra, rb = row(data, w, a), row(data, w, b)
        holds &= not ra["min"] > rb["max"]
        parts.append(f"d={w}: {ms(ra)} vs {ms(rb)} ms")
    return holds, "; ".join(parts)


def indistinguishable(data: dict, a: str, b: str, at=None) -> tuple[bool, str]:
    holds, parts = True, []
    for w in at or widths(data):
        ra, rb = row(data, w, a), row(data, w, b)
        holds &= not separated(ra, rb)
        parts.append(f"d={w}: {ms(ra)} vs {ms(rb)} ms")
    return holds, "; ".join(parts)


def rms_slower_than_ln(data: dict) -> tuple[bool, str]:
    holds, evidence = faster(data, "norm_ln", "norm_rms")
    return holds, f"LayerNorm vs RMSNorm, {evidence}; operators: LayerNorm {len(data['kernels']['ln'])}, RMSNorm {len(data['kernels']['rms'])}"


def norm_share(data: dict) -> tuple[bool, str]:
    worst = max(((row(data, w, f"norm_{n}")["max"] / row(data, w, "block_ln")["min"], w, n)
                 for w in widths(data) for n in ["bn", "bn_view", "ln", "rms", "dyt"]))
    return worst[0] < 0.10, f"largest share: {worst[2]} at d={worst[1]}, {worst[0]:.1%} of the LayerNorm block"


CLAIMS = [
    Claim("layout", "Alone, BatchNorm on a contiguous (B·T, C) view is faster than BatchNorm written as transpose → BatchNorm1d → transpose, at every width.",
          "单独计时，在连续的 (B·T, C) 视图上做 BatchNorm，在每种宽度下都比写成转置 → BatchNorm1d → 转置的 BatchNorm 快。",
          lambda d: faster(d, "norm_bn_view", "norm_bn")),
    Claim("layout_block", "In a whole block at width 256, BatchNorm on the view is faster than the transposed BatchNorm, whose output the next linear layer must copy.",
          "宽度为 256 时，在整个块里，视图上的 BatchNorm 比转置写法快；转置写法的输出要先被下一个线性层复制一遍。",
          lambda d: faster(d, "block_bn_view", "block_bn", at=[256])),
    Claim("folded_is_free", "The block with BatchNorm folded into its linear layers is no slower than the block without normalization, at every width.",
          "把 BatchNorm 折叠进线性层后，块在每种宽度下都不比不做归一化的块慢。",
          lambda d: not_slower(d, "block_bn_folded", "block_none")),
    Claim("folding_beats_ln_small", "At width 256, the folded-BatchNorm block is faster than the LayerNorm block.",
          "宽度为 256 时，折叠 BatchNorm 的块比 LayerNorm 块快。",
          lambda d: faster(d, "block_bn_folded", "block_ln", at=[256])),
    Claim("folding_lost_in_noise_large", "At width 1024, the folded-BatchNorm and LayerNorm blocks cannot be told apart (their process ranges overlap).",
          "宽度为 1024 时，折叠 BatchNorm 的块和 LayerNorm 块分不出快慢（各进程结果的范围重叠）。",
          lambda d: indistinguishable(d, "block_bn_folded", "block_ln", at=[1024])),
    Claim("ln_affine_fold", "Folding LayerNorm's γ and β into the next linear layer makes no measurable difference to the block at any width.",
          "把 LayerNorm 的 γ 和 β 折叠进下一个线性层，在任何宽度下都测不出块的耗时有差别。",
          lambda d: indistinguishable(d, "block_ln_folded", "block_ln")),
    Claim("ln_without_affine_slower", "Alone, LayerNorm without γ and β (what folding them leaves) is slower than LayerNorm with them, at every width.",
          "单独计时，去掉 γ 和 β 的 LayerNorm（折叠后剩下的部分）在每种宽度下都比带 γ 和 β 的 LayerNorm 慢。",
          lambda d: faster(d, "norm_ln", "norm_ln_folded")),
    Claim("rms_slower_eager", "Alone and in eager mode, nn.RMSNorm is slower than nn.LayerNorm at every width, although it computes less: it runs as several operators, LayerNorm as one.",
          "单独计时、在 eager 模式下，nn.RMSNorm 在每种宽度下都比 nn.LayerNorm 慢，尽管它的计算更少：它由好几个算子组成，LayerNorm 只有一个。",
          rms_slower_than_ln),
    Claim("dyt_slower_eager", "Alone and in eager mode, DyT is slower than LayerNorm at every width.",
          "单独计时、在 eager 模式下，DyT 在每种宽度下都比 LayerNorm 慢。",
          lambda d: faster(d, "norm_ln", "norm_dyt")),
    Claim("compile_fixes_rms", "Compiled with torch.compile, RMSNorm alone is faster than eager RMSNorm at every width.",
          "用 torch.compile 编译后，单独的 RMSNorm 在每种宽度下都比 eager 模式的 RMSNorm 快。",
          lambda d: faster(d, "norm_rms_compiled", "norm_rms")),
    Claim("compiled_rms_vs_ln", "Compiled, RMSNorm alone is no slower than LayerNorm compiled, at every width.",
          "编译后，单独的 RMSNorm 在每种宽度下都不比编译后的 LayerNorm 慢。",
          lambda d: not_slower(d, "norm_rms_compiled", "norm_ln_compiled")),
    Claim("dyt_compile_slower", "Compiled with torch.compile, DyT alone is slower than eager DyT at every width.",
          "用 torch.compile 编译后，单独的 DyT 在每种宽度下都比 eager 模式的 DyT 慢。",
          lambda d: faster(d, "norm_dyt", "norm_dyt_compiled")),
    Claim("norm_is_small", "Each normalization alone (eager) takes less than 10% of the LayerNorm block's time, at every width.",
          "单独的每种归一化（eager）在每种宽度下都不到 LayerNorm 块耗时的 10%。",
          norm_share),
]


def report(data: dict) -> str:
    lines = ["largest output difference, folded or rewritten vs original block: "
             + ", ".join(f"{k} {v:.1e}" for k, v in data["fold_errors"].items()),
             "operators run by each normalization (eager, CPU profile):"]
    lines += [f"  {k:<10} {len(v)}: {', '.join(n.removeprefix('aten::') for n in v)}" for k, v in data["kernels"].items()]
    lines.append("layout copies in one block: " + ", ".join(f"{k} {v}" for k, v in data["layout_copies"].items()))
    if data["mode"] == "smoke":  # timings differ run to run; the smoke run prints none
        lines.append(f"smoke run: timed {len({r['variant'] for r in data['rows']})} variants in {data['processes']} process{'es' if data['processes'] > 1 else ''} (timings not shown)")
        return "\n".join(lines)
    c = data["compile"]
    lines.append(f"{data['processes']} processes, {data['cpu']['model']}, torch {data['torch_version']}; torch.compile "
                 + ("works" if c["works"] else f"failed: {c['errors']}") + f", {c['seconds_per_process']} s per process")
    lines.append("width  variant                CPU ms [min - max over processes]      wall-clock ms [min - max]")
    for r in data["rows"]:
        lines.append(f"{r['width']:>5}  {r['variant']:<21}  {r['median_ms']:>9.3f} [{r['min_ms']:.3f} - {r['max_ms']:.3f}]"
                     f"   {r['wall_median_ms']:>9.3f} [{r['wall_min_ms']:.3f} - {r['wall_max_ms']:.3f}]")
    return "\n".join(lines)


if __name__ == "__main__":
    main("inference_cost", run, check, report, CLAIMS)
