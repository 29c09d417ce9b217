"""Experiment 3: how noisy are a batch's mean and variance, for the hidden states of a
trained character model on English text?

For independent values, the mean of a batch of n values scatters around the population mean
with variance sigma^2 / n. Tokens of text are not independent, so a batch of B sequences of
T tokens is worth fewer values than B * T. We measure how many: the effective sample size
n_eff = sigma^2 / Var(batch mean), for batches of B = 1 to 128 windows of T = 64 characters
of Tiny Shakespeare, at the input of every normalization layer of char_lm's LayerNorm model
(nanoGPT's CPU configuration, trained here), for a fixed random embedding of the characters,
and for independent normal values. On a log scale, n_eff = B * T^e: the exponent e is 0 when
a sequence is worth one value and 1 when every token counts.
"""

# --8<-- [start:experiment]
import contextlib
import hashlib
import math

import torch

import char_lm
from lab import main, run_grid

SIZES = {"smoke": [1, 2, 4, 8], "full": [1, 2, 4, 8, 16, 32, 64, 128]}
BATCHES_AT_LARGEST = {"smoke": 64, "full": 100}  # batches of the largest size; smaller sizes get more
DRAW_SETS = {"smoke": [1], "full": [1, 2]}  # independent sets of windows per trained model
MODEL_SEEDS = {"smoke": [1], "full": [1, 2]}
CHARS = 128  # channels of the random character embedding (the model's width in the full run)


@contextlib.contextmanager
def keeping_models():
    """char_lm.train returns numbers, not its model: keep every CharGPT it builds."""
    kept, original = [], char_lm.CharGPT

    class Kept(original):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            kept.append(self)

    char_lm.CharGPT = Kept
    try:
        yield kept
    finally:
        char_lm.CharGPT = original


class Moments:
    """Per channel: each sequence's sum of x and of x^2 (what any batch's statistics are made
    of), and the population's first four moments over every token seen."""

    def __init__(self):
        self.seq1, self.seq2, self.pop, self.count = [], [], 0.0, 0

    def add(self, x: torch.Tensor) -> None:  # x: (sequences, T, C)
        x = x.double()
        self.seq1.append(x.sum(1))
        self.seq2.append((x * x).sum(1))
        flat = x.flatten(0, 1)
        self.pop = self.pop + torch.stack([flat.sum(0), (flat**2).sum(0), (flat**3).sum(0), (flat**4).sum(0)])
        self.count += flat.shape[0]

    def noise(self, b: int, t: int) -> dict:
        """Split the sequences into disjoint batches of b and compare the spread of their
        statistics across batches with what b * t independent values would give."""
        e1, e2, e3, e4 = self.pop / self.count
        var = e2 - e1**2
        mu4 = e4 - 4 * e1 * e3 + 6 * e1**2 * e2 - 3 * e1**4  # central fourth moment
        s1, s2 = torch.cat(self.seq1), torch.cat(self.seq2)
        n = s1.shape[0] // b * b
        mean = s1[:n].view(-1, b, s1.shape[1]).sum(1) / (b * t)  # (batches, C)
        batch_var = s2[:n].view(-1, b, s2.shape[1]).sum(1) / (b * t) - mean**2
        n_eff = var / mean.var(0)  # per channel: independent values that scatter as much
        n_eff_var = (mu4 - var**2) / batch_var.var(0)  # the same for the batch variance
        exponent = (n_eff / b).log() / math.log(t)
        exponent_var = (n_eff_var / b).log() / math.log(t)
        q = torch.tensor([0.25, 0.75], dtype=exponent.dtype)
        return {
            "batch": b, "tokens": b * t, "batches": n // b,
            "mean_std": (mean.std(0) / var.sqrt()).mean().item(),  # std of the batch mean, in population stds
            "var_std": (batch_var.std(0) / var).mean().item(),  # std of the batch variance / population variance
            "n_eff": math.exp(n_eff.log().mean().item()),  # geometric mean over channels
            "n_eff_arithmetic": n_eff.mean().item(),
            "exponent": exponent.mean().item(),  # = log(n_eff / B) / log(T) of the geometric mean
            "exponent_quartiles": exponent.quantile(q).tolist(),  # across channels
            "n_eff_var": math.exp(n_eff_var.log().mean().item()),
            "exponent_var": exponent_var.mean().item(),
        }


def measure(cfg: dict, device: str) -> dict:
    """Train char_lm's LayerNorm model, then measure the noise of batch statistics at the
    input of each of its normalization layers, of a random character embedding and of
    independent normal values, on independent sets of random windows of the training text."""
    torch.manual_seed(cfg["train"]["seed"])
    with keeping_models() as kept:
        trained = char_lm.train(cfg["train"], device)
    model = kept[0].eval()
    train_ids, _, vocab = char_lm.load_text()
    t, sizes = cfg["train"]["context"], cfg["sizes"]
    layers = [(name.replace("blocks.", "block").replace(".norm1", "_attn").replace(".norm2", "_ffn"), m)
              for name, m in model.named_modules() if isinstance(m, char_lm.Wrap)]
    captured = {}
    for name, m in layers:
        m.register_forward_pre_hook(lambda module, args, name=name: captured.__setitem__(name, args[0]))
    runs = []
    for draw in cfg["draw_sets"]:
        g = torch.Generator().manual_seed(1000 * cfg["train"]["seed"] + draw)
        embedding = torch.randn(vocab, cfg["chars"], generator=g)  # a fixed random vector per character
        stats = {name: Moments() for name in ["chars", "iid"] + [n for n, _ in layers]}
        sequences = max(sizes) * cfg["batches_at_largest"]
        for x, _ in char_lm.batches(train_ids, sequences // 256 or 1, min(256, sequences), t, g):  # random windows
            with torch.no_grad():
                model(x.to(device))
            for name, _ in layers:
                stats[name].add(captured[name].cpu())
            stats["chars"].add(embedding[x])
            stats["iid"].add(torch.randn(x.shape[0], t, cfg["chars"], generator=g))
        rows = {name: [s.noise(b, t) for b in sizes] for name, s in stats.items()}
        runs.append({"model_seed": cfg["train"]["seed"], "draw_set": draw, "rows": rows})
    return {"val_loss": trained["val_loss"], "layers": [n for n, _ in layers], "runs": runs}


def char_lm_code() -> str:
    """What the trained model depends on, for the cache key: char_lm.py above its results-only
    line, and lab.py, whose parts char_lm uses."""
    here = char_lm.DATA.parent.parent
    text = (here / "char_lm.py").read_text(encoding="utf-8").split("# Below this line")[0] + (here / "lab.py").read_text(encoding="utf-8")
    return hashlib.sha256(text.encode()).hexdigest()[:16]
# --8<-- [end:experiment]


# Below this line: planning, reporting and claims, which do not change a run's results.
# --8<-- [start:plan]
def configs(mode: str) -> list[dict]:
    """One configuration per trained model: char_lm's anchor run (nanoGPT's CPU configuration
    with LayerNorm, 2000 iterations), with a different seed each; both run at once."""
    anchor = char_lm.configs("anchor", mode)[0]
    return [{"train": {**anchor, "seed": s}, "sizes": SIZES[mode], "batches_at_largest": BATCHES_AT_LARGEST[mode],
             "draw_sets": DRAW_SETS[mode], "chars": CHARS if mode == "full" else anchor["width"], "char_lm": char_lm_code()}
            for s in MODEL_SEEDS[mode]]


def run(mode: str, device) -> dict:
    results = run_grid("stat_noise", measure, configs(mode), device, mode)
    runs = [r for result in results for r in result["runs"]]
    layers = results[0]["layers"]
    sources = ["iid", "chars"] + layers
    data = {"seed": 1, "mode": mode, "T": results[0]["train"]["context"], "C": results[0]["train"]["width"], "sizes": SIZES[mode],
            "sources": sources, "layers": layers, "val_loss": [r["val_loss"] for r in results],
            "train": results[0]["train"], "runs": runs}
    data["summary"] = summary(data)
    return data
# --8<-- [end:plan]


def summary(data: dict) -> dict:
    """Per source and batch size: mean, min and max over every (model, set of windows)."""
    from lab import spread

    out = {}
    for source in data["sources"]:
        rows = []
        for i, b in enumerate(data["sizes"]):
            at = [run["rows"][source][i] for run in data["runs"]]
            row = {"batch": b, "tokens": at[0]["tokens"]}
            for key in ("n_eff", "exponent", "mean_std", "var_std", "n_eff_var", "exponent_var"):
                row[key] = spread([r[key] for r in at])
            rows.append(row)
        out[source] = rows
    return out


# --8<-- [start:check]
def check(data: dict, mode: str) -> None:
    """Smoke: the measurement is right where the answer is known, and the hidden states of
    text are worth fewer values than their tokens."""
    for row in data["summary"]["iid"]:
        ratio = row["n_eff"]["mean"] / row["tokens"]
        assert 0.85 < ratio < 1.15, f"independent values: n_eff = {row['n_eff']['mean']:.0f} for {row['tokens']} tokens"
        assert abs(row["exponent_var"]["mean"] - 1) < 0.1, "independent values: the batch variance scatters as theory says"
    deeper = [name for name in data["layers"] if not name.startswith("block0")]  # after the first block's attention and FFN
    for name in deeper:
        for row in data["summary"][name]:
            assert row["n_eff"]["max"] < row["tokens"], f"{name}: hidden states are worth fewer values than their tokens (B = {row['batch']})"
# --8<-- [end:check]


def report(data: dict) -> str:
    s = data["summary"]
    lines = [f"n_eff = sigma^2 / Var(batch mean), geometric mean over channels; exponent e: n_eff = B * T^e, T = {data['T']}",
             f"{len(data['runs'])} measurement(s) (trained models x sets of windows); model validation loss {', '.join(f'{v:.3f}' for v in data['val_loss'])}",
             "source       " + "".join(f"  B={b:<5}" for b in data["sizes"]) + "  exponent at B=1 and at B=" + str(data["sizes"][-1]) + "   variance's exponent"]
    for source in data["sources"]:
        rows = s[source]
        line = f"{source:<12} " + "".join(f"{r['n_eff']['mean']:>8.0f}" for r in rows)
        first, last = rows[0]["exponent"], rows[-1]["exponent"]
        line += f"  {first['mean']:.2f} [{first['min']:.2f}, {first['max']:.2f}]  {last['mean']:.2f} [{last['min']:.2f}, {last['max']:.2f}]"
        line += f"   {rows[-1]['exponent_var']['mean']:.2f}"
        lines.append(line)
    lines.append("B * T        " + "".join(f"{b * data['T']:>8}" for b in data["sizes"]))
    return "\n".join(lines)


# --8<-- [start:claims]
from lab import Claim  # noqa: E402


def exponents(data: dict, source: str, key: str = "exponent") -> dict:
    """{batch size: [the value in every measurement]}, read from the runs."""
    return {b: [run["rows"][source][i][key] for run in data["runs"]] for i, b in enumerate(data["sizes"])}


def iid_matches(data):
    worst = max(abs(run["rows"]["iid"][i]["n_eff"] / (b * data["T"]) - 1) for run in data["runs"] for i, b in enumerate(data["sizes"]))
    return worst < 0.1, f"largest |n_eff / (B*T) - 1| over every batch size and measurement: {worst:.3f}"


def chars_near_tokens(data):
    values = [v for vs in exponents(data, "chars").values() for v in vs]
    return 0.9 < min(values) and max(values) < 1.1, f"random character embedding: exponent from {min(values):.3f} to {max(values):.3f}"


def attention_correlates(data):
    first, later = data["layers"][0], data["layers"][1:]
    before = exponents(data, first)
    highest = {b: max(max(exponents(data, name)[b]) for name in later) for b in data["sizes"]}
    holds = all(highest[b] < min(before[b]) for b in data["sizes"])
    return holds, "per B, lowest exponent before attention vs highest after it: " + ", ".join(f"{b}: {min(before[b]):.2f} vs {highest[b]:.2f}" for b in data["sizes"])


def closer_to_tokens(data):
    lowest = min((v, name, b) for name in data["layers"] for b, vs in exponents(data, name).items() for v in vs)
    return lowest[0] > 0.5, f"lowest exponent: {lowest[0]:.3f} ({lowest[1]}, B = {lowest[2]})"


def proportional_to_b(data):
    first, last = data["sizes"][0], data["sizes"][-1]
    changes = [(abs(run["rows"][name][-1]["exponent"] - run["rows"][name][0]["exponent"]), name) for name in data["layers"] for run in data["runs"]]
    worst = max(changes)
    return worst[0] < 0.1, f"largest change of the exponent from B = {first} to B = {last}: {worst[0]:.3f} ({worst[1]})"


def variance_less_correlated(data):
    pairs = [(run["rows"][name][i]["exponent_var"] - run["rows"][name][i]["exponent"], name, b)
             for name in data["layers"][1:] for run in data["runs"] for i, b in enumerate(data["sizes"])]
    worst = min(pairs)
    return worst[0] > 0, f"smallest (variance's exponent - mean's exponent) after the first attention: {worst[0]:+.3f} ({worst[1]}, B = {worst[2]})"


def depth_decorrelates(data):
    shallow, deep = exponents(data, data["layers"][1]), exponents(data, data["layers"][-1])
    holds = all(min(deep[b]) > max(shallow[b]) for b in data["sizes"])
    return holds, f"{data['layers'][-1]} vs {data['layers'][1]}, per B (lowest vs highest): " + ", ".join(f"{b}: {min(deep[b]):.2f} vs {max(shallow[b]):.2f}" for b in data["sizes"])


CLAIMS = [
    Claim("iid_matches", "For independent normal values the measurement gives n_eff within 10% of B·T at every batch size: the method is sound.",
          "对相互独立的正态值，测得的 n_eff 在每个批大小下都与 B·T 相差不到 10%：测量方法可靠。", iid_matches),
    Claim("chars_near_tokens", "A fixed random embedding of the characters is nearly as good as independent values: its exponent lies between 0.9 and 1.1.",
          "字符的固定随机嵌入几乎与独立值一样：它的指数在 0.9 到 1.1 之间。", chars_near_tokens),
    Claim("attention_correlates", "Attention makes the tokens of a sequence alike: at every normalization after the first attention, the exponent is below the first normalization's (embeddings only) at every batch size.",
          "注意力让一条序列里的 token 变得相似：第一个注意力之后的每个归一化层，在每个批大小下指数都低于第一个归一化层（只有嵌入）。", attention_correlates),
    Claim("closer_to_tokens", "Still, in every layer n_eff is closer to B·T than to B on a log scale: the exponent is above 0.5 at every batch size.",
          "尽管如此，在对数尺度上每一层的 n_eff 都更接近 B·T 而不是 B：每个批大小下指数都大于 0.5。", closer_to_tokens),
    Claim("proportional_to_b", "n_eff grows in proportion to the number of sequences: in every layer the exponent changes by less than 0.1 from B = 1 to B = 128.",
          "n_eff 与序列条数成正比：每一层的指数从 B = 1 到 B = 128 变化不到 0.1。", proportional_to_b),
    Claim("variance_less_correlated", "The batch variance suffers less than the batch mean: after the first attention, its exponent is higher than the mean's in every layer, at every batch size.",
          "批方差受的影响比批均值小：第一个注意力之后，每一层、每个批大小下，方差的指数都高于均值的指数。", variance_less_correlated),
    Claim("depth_decorrelates", "Deeper layers are less correlated again: the final normalization's exponent is above that of block 1's feed-forward normalization at every batch size, with ranges apart.",
          "更深的层相关性又变弱：在每个批大小下，最后一个归一化层的指数都高于第 1 块前馈网络的归一化层，且区间不重叠。", depth_decorrelates),
]
# --8<-- [end:claims]


if __name__ == "__main__":
    main("stat_noise", run, check, report, CLAIMS)
