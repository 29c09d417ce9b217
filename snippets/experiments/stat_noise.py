"""Experiment 3: how noisy are a batch's mean and variance, as the batch shrinks?

For independent values, the batch mean of n values scatters around the true mean with
standard deviation sigma / sqrt(n). Tokens of real text are not independent: neighbours
and whole sequences share content, so a batch of B sequences of T tokens carries far less
information than B * T independent values. The sequences here are windows of corpus.txt
(English and Chinese prose), with two kinds of per-character features.
"""

# --8<-- [start:experiment]
from pathlib import Path

import torch

from lab import main, seeded

T, C = 32, 16
SIZES = {"smoke": [1, 8], "full": [1, 2, 4, 8, 16, 32, 64, 128]}
DRAWS = {"smoke": 100, "full": 1000}


def standardized(f: torch.Tensor) -> torch.Tensor:
    return (f - f.mean(0)) / f.std(0)


def corpus_features(g: torch.Generator) -> dict:
    """Two kinds of per-character features of the corpus, each channel standardized:
    a random embedding (every character its own random vector), and the character's class
    (Latin letter, Chinese character, digit, space, punctuation), the kind of feature a
    first layer picks up at once and that stays the same along a sentence."""
    text = (Path(__file__).parent / "data" / "corpus.txt").read_text(encoding="utf-8")
    ids = torch.tensor([ord(ch) for ch in text]) % 4096
    embedding = torch.randn(4096, C, generator=g)[ids]
    classes = torch.tensor(
        [[ch.isascii() and ch.isalpha(), "\u4e00" <= ch <= "\u9fff", ch.isdigit(), ch.isspace(), not (ch.isalnum() or ch.isspace())] for ch in text],
        dtype=torch.float,
    )
    return {"embedding": standardized(embedding), "classes": standardized(classes)}


def spread(draw_batch, b: int, draws: int) -> tuple[float, float]:
    """Std (over draws) of the batch mean and of the batch variance, averaged over channels."""
    means, variances = [], []
    for _ in range(draws):
        x = draw_batch(b)
        x = x.reshape(-1, x.shape[-1])
        means.append(x.mean(0))
        variances.append(x.var(0, unbiased=False))
    return torch.stack(means).std(0).mean().item(), torch.stack(variances).std(0).mean().item()


def run(mode: str, device) -> dict:
    g = seeded(0)
    features = {name: f.to(device) for name, f in corpus_features(g).items()}

    def iid(b):  # independent standard normal values: sigma = 1
        return torch.randn(b * T, C, generator=g).to(device)

    def windows(feats):
        def draw(b):  # b windows of T consecutive characters at random places
            starts = torch.randint(0, feats.shape[0] - T, (b,), generator=g)
            return feats[(starts[:, None] + torch.arange(T)).to(device)]

        return draw

    rows = []
    for b in SIZES[mode]:
        n = b * T
        iid_mean, iid_var = spread(iid, b, DRAWS[mode])
        emb_mean, _ = spread(windows(features["embedding"]), b, DRAWS[mode])
        cls_mean, cls_var = spread(windows(features["classes"]), b, DRAWS[mode])
        rows.append({
            "batch": b, "tokens": n,
            "expected_mean_std": n ** -0.5,  # sigma / sqrt(n), sigma = 1
            "expected_var_std": (2 / n) ** 0.5,  # for normal values, std of the variance ~ sigma^2 sqrt(2 / n)
            "iid_mean_std": iid_mean, "iid_var_std": iid_var,
            "embedding_mean_std": emb_mean, "embedding_effective_n": emb_mean ** -2,
            "classes_mean_std": cls_mean, "classes_var_std": cls_var,
            "classes_effective_n": cls_mean ** -2,  # independent values that would scatter as much
        })
    return {"seed": 0, "mode": mode, "T": T, "C": C, "draws": DRAWS[mode], "rows": rows}
# --8<-- [end:experiment]


# --8<-- [start:check]
def check(data: dict, mode: str) -> None:
    tolerance = 0.25 if mode == "smoke" else 0.1  # fewer draws, rougher estimate of a spread
    for r in data["rows"]:
        assert abs(r["iid_mean_std"] / r["expected_mean_std"] - 1) < tolerance, "independent values follow sigma/sqrt(n)"
        assert r["classes_mean_std"] > 2 * r["expected_mean_std"], "correlated tokens scatter more than sigma/sqrt(n)"
        assert r["classes_effective_n"] < r["tokens"] / 4, "a batch of text carries under a quarter of its tokens' worth"
        assert r["embedding_effective_n"] > r["tokens"] / 2, "random per-character features are nearly independent"
# --8<-- [end:check]


def report(data: dict) -> str:
    lines = ["std of the batch mean (effective n: independent values that scatter as much)",
             "batch  tokens   sigma/sqrt(n)   i.i.d.    embedding (n_eff)   classes (n_eff)"]
    for r in data["rows"]:
        lines.append(
            f"{r['batch']:>5}  {r['tokens']:>6}   {r['expected_mean_std']:>13.4f}   {r['iid_mean_std']:.4f}"
            f"   {r['embedding_mean_std']:.4f} ({r['embedding_effective_n']:>4.0f})    {r['classes_mean_std']:.4f} ({r['classes_effective_n']:>4.0f})"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main("stat_noise", run, check, report)
