"""Draws the experiments' figures from their committed results, in both languages.

    python snippets/experiments/figures.py          # re-draw and compare with the committed SVGs
    python snippets/experiments/figures.py --write  # re-draw and write them (after a full run)
    python snippets/experiments/figures.py --write padding   # only these experiments' figures

Figures are drawn from results/<name>.<device>.json only, never from a run, so drawing takes
seconds. The SVGs keep their text as text (the browser sets it in the page's fonts, Chinese
included), carry no date and no random ids, so the same data always gives the same file.
Their background is transparent; the site's stylesheet inverts them in the dark palette.
"""

from __future__ import annotations

import io
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402

from lab import load_results  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "docs" / "assets" / "figures" / "experiments"
LANGUAGES = ("zh", "en")
COLORS = {"bn_ffn": "#bcbd22", "powernorm": "#aec7e8", "bn": "#1f77b4", "bn_eval": "#17becf", "masked_bn": "#9467bd", "ln": "#d62728", "rms": "#ff7f0e",
          "dyt": "#2ca02c", "dyt_0.5": "#8c564b", "none": "#7f7f7f", "bn_folded": "#e377c2", "iid": "#7f7f7f"}

FIGURES: dict = {}


def figure(fn):
    """Registers a figure: `name(lang)` draws results/<name>.cpu.json as <name>.<lang>.svg."""
    FIGURES[fn.__name__] = fn
    return fn


# --8<-- [start:labels]
TEXT = {
    "batch": {"zh": "批大小（序列数）", "en": "batch size (sequences)"},
    "micro": {"zh": "微批大小（一次前向的序列数）", "en": "micro-batch (sequences per forward pass)"},
    "bn_train": {"zh": "BN（训练模式）", "en": "BN (training mode)"},
    "bn_eval": {"zh": "BN（推理模式）", "en": "BN (eval mode)"},
    "bn": {"zh": "BN", "en": "BN"},
    "masked_bn": {"zh": "掩码 BN", "en": "masked BN"},
    "ln": {"zh": "LN", "en": "LN"},
    "rms": {"zh": "RMSNorm", "en": "RMSNorm"},
    "dyt": {"zh": "DyT（α₀ = 2）", "en": "DyT (α₀ = 2)"},
    "dyt_0.5": {"zh": "DyT（α₀ = 0.5）", "en": "DyT (α₀ = 0.5)"},
    "none": {"zh": "不归一化", "en": "no normalization"},
    "bn_folded": {"zh": "BN（折叠进线性层）", "en": "BN folded into the linear layer"},
    "sample_spread": {"zh": "样本 0 输出的标准差", "en": "std of sample 0's output"},
    "padding_share": {"zh": "填充占比", "en": "share of padding"},
    "output_change": {"zh": "真实 token 输出的平均变化", "en": "mean change of real tokens' outputs"},
    "mean_drift": {"zh": "均值偏移（以真实标准差为单位）", "en": "mean drift (in real-token stds)"},
    "std_ratio": {"zh": "标准差之比（含填充 / 真实）", "en": "std ratio (with padding / real)"},
    "iid": {"zh": "独立同分布的值", "en": "i.i.d. values"},
    "sn_chars": {"zh": "随机字符嵌入", "en": "random character embedding"},
    "sn_attn": {"zh": "第 {} 块，注意力之前", "en": "block {}, before attention"},
    "sn_ffn": {"zh": "第 {} 块，FFN 之前", "en": "block {}, before the FFN"},
    "sn_final": {"zh": "最后的归一化之前", "en": "before the final norm"},
    "sn_tokens": {"zh": "n_eff = B·T：每个 token 都算数", "en": "n_eff = B·T: every token counts"},
    "sn_sequences": {"zh": "n_eff = B：每条序列只算一个值", "en": "n_eff = B: one value per sequence"},
    "sn_n_eff": {"zh": "n_eff（各通道的几何平均）", "en": "n_eff (geometric mean over channels)"},
    "sn_tokens_axis": {"zh": "批中的 token 数 B·T（T = {}）", "en": "tokens in the batch, B·T (T = {})"},
    "sn_exponent": {"zh": "指数 e，n_eff = B·Tᵉ", "en": "exponent e, n_eff = B·Tᵉ"},
    "sn_mean_at": {"zh": "批均值，B = {}", "en": "batch mean, B = {}"},
    "sn_var_at": {"zh": "批方差，B = {}", "en": "batch variance, B = {}"},
    "sn_every_token": {"zh": "每个 token 都算数", "en": "every token counts"},
    "sn_halfway": {"zh": "对数尺度上的中点", "en": "halfway on a log scale"},
    "sn_one_value": {"zh": "每条序列一个值", "en": "one value per sequence"},
    "sn_note": {"zh": "误差棒：{models} 个训练好的模型 × {draws} 组窗口，最小–最大", "en": "bars: min–max over {models} trained models × {draws} sets of windows"},
    "train_mode": {"zh": "训练模式（批统计量）", "en": "training mode (batch statistics)"},
    "step": {"zh": "训练步数", "en": "training step"},
    "train_loss": {"zh": "训练损失（训练模式）", "en": "training loss (training mode)"},
    "chance": {"zh": "随机猜测的下限 ln V", "en": "chance level ln V"},
    "width": {"zh": "宽度 d", "en": "width d"},
    "ms": {"zh": "中位时延（毫秒）", "en": "median latency (ms)"},
    "block": {"zh": "整个 Transformer 块", "en": "whole Transformer block"},
    "norm_alone": {"zh": "仅归一化层", "en": "normalization alone"},
    "ic_bn": {"zh": "BN：转置 → BatchNorm1d → 转置", "en": "BN: transpose → BatchNorm1d → transpose"},
    "ic_bn_view": {"zh": "BN：(B·T, C) 视图", "en": "BN on a (B·T, C) view"},
    "ic_ln_folded": {"zh": "LN，γ、β 已折叠", "en": "LN, γ and β folded"},
    "ic_dyt": {"zh": "DyT", "en": "DyT"},
    "ic_compiled": {"zh": "空心：torch.compile", "en": "hollow: torch.compile"},
    "ic_ms": {"zh": "CPU 时间，毫秒（对数轴）", "en": "CPU time, ms (log scale)"},
    "ic_relative": {"zh": "CPU 时间 / 不归一化的块（eager）", "en": "CPU time / block without normalization (eager)"},
    "ic_note": {"zh": "点：{n} 个进程中位数的中位数；竖线：各进程的最小–最大", "en": "dots: median of {n} process medians; bars: min–max over processes"},
    "eval_short": {"zh": "推理模式", "en": "eval mode"},
    "train_short": {"zh": "训练模式", "en": "training mode"},
    "bn_stats": {"zh": "BN 的统计量（相对真实 token）", "en": "BN's statistics vs real tokens"},
    "val_eval": {"zh": "验证损失（推理模式）", "en": "validation loss (eval mode)"},
    "char_lm_final": {"zh": "各自最佳学习率，2000 步，3 个种子（最小–最大）", "en": "each at its best rate, 2000 iterations, 3 seeds (min–max)"},
    "char_lm_sweep": {"zh": "学习率扫描（500 步，1 个种子）", "en": "learning-rate sweep (500 iterations, 1 seed)"},
    "char_lm_curves": {"zh": "验证损失随步数（3 个种子的均值）", "en": "validation loss over training (mean of 3 seeds)"},
    "lr": {"zh": "峰值学习率", "en": "peak learning rate"},
    "depth_sweep": {"zh": "学习率扫描（短训练，1 个种子）；点线 2 个块，实线 6 个块；× 为发散", "en": "learning-rate sweep (short runs, 1 seed); dotted 2 blocks, solid 6; × diverged"},
    "depth_final": {"zh": "各自最佳学习率，3 个种子（最小–最大）", "en": "each at its best rate, 3 seeds (min–max)"},
    "n_blocks": {"zh": "Transformer 块数", "en": "Transformer blocks"},
    "bn64": {"zh": "BN（64 条序列）", "en": "BN (64 sequences)"},
    "published": {"zh": "nanoGPT 公布值 1.88", "en": "nanoGPT, published 1.88"},
    "bn_ffn": {"zh": "BN + FFN 内 BN", "en": "BN + BN in FFN"},
    "powernorm": {"zh": "PowerNorm", "en": "PowerNorm"},
    "dyt_default": {"zh": "DyT（α₀ = 0.5）", "en": "DyT (α₀ = 0.5)"},
    "bn_group2": {"zh": "BN，2 条序列的统计量", "en": "BN, statistics of 2 sequences"},
    "precise": {"zh": "PreciseBN 之后", "en": "after PreciseBN"},
    "law": {"zh": "∝ √(b−1)/b（样本 0 也在批中）", "en": "∝ √(b−1)/b (sample 0 is in its batch)"},
    "inverse_sqrt": {"zh": "∝ 1/√b（从批大小 2 起）", "en": "∝ 1/√b (from batch size 2)"},
    "channels_grown": {"zh": "方差变大的通道占比", "en": "share of channels whose variance grew"},
    "cl_curves": {"zh": "训练损失：3 个种子的均值，色带为最小–最大", "en": "training loss: mean of 3 seeds, band min–max"},
    "cl_final": {"zh": "训练结束后在留出序列上的损失（3 个种子，最小–最大）", "en": "after training, on held-out sequences (3 seeds, min–max)"},
    "cl_loss": {"zh": "下一个 token 的交叉熵", "en": "next-token cross-entropy"},
    "vit_group": {"zh": "BN 每个统计量取自的图像数", "en": "images per BN statistic"},
    "vit_test_acc": {"zh": "测试准确率", "en": "test accuracy"},
    "vit_final": {"zh": "各自最佳学习率，3 个种子（最小–最大）", "en": "each at its best rate, 3 seeds (min–max)"},
    "vit_sweep": {"zh": "学习率扫描（1 个种子），颜色同左图；\nBN：点线 2 张图像，虚线 8，实线 64", "en": "learning-rate sweep (1 seed), colours as on the left;\nBN: dotted 2 images, dashed 8, solid 64"},
    "vit_val_loss": {"zh": "验证损失（最后 3 次评估的均值）", "en": "validation loss (mean of the last 3 evaluations)"},
    "vit_ln_band": {"zh": "LN（色带：3 个种子的最小–最大）", "en": "LN (band: min–max of 3 seeds)"},
    "vit_bn": {"zh": "朴素 BN", "en": "naive BN"},
    "vit_bn_ffn": {"zh": "BN + FFN 内 BN", "en": "BN + BN in FFN"},
    "vit_precise": {"zh": "空心：PreciseBN 之后", "en": "hollow: after PreciseBN"},
    "tt_micro": {"zh": "微批（每组统计量的序列数）", "en": "micro-batch (sequences per statistic)"},
    "tt_loss": {"zh": "验证损失（推理模式）", "en": "validation loss (eval mode)"},
    "tt_compare": {"zh": "最后 3 次评估的均值；各自最佳学习率，3 个种子：均值与最小–最大", "en": "mean of the last 3 evaluations; each at its best rate, 3 seeds: mean, min–max"},
    "tt_ablation": {"zh": "掩码 BN 的消融（3 个种子）", "en": "masked-BN ablation (3 seeds)"},
    "tt_zero_pad": {"zh": "BN，填充固定为零", "en": "BN, padding held at zero"},
    "tt_count_matched": {"zh": "BN，值的个数与掩码 BN 相同", "en": "BN, as many values as masked BN"},
    "tt_lr": {"zh": "峰值学习率", "en": "peak learning rate"},
    "tt_sweep_loss": {"zh": "选择集上的损失（{} 步，1 个种子）", "en": "loss on the selection set ({} steps, 1 seed)"},
    "tt_sweep": {"zh": "学习率扫描；线型：微批 2 / 4 / 8 / 64 = 点 / 点划 / 虚 / 实", "en": "rate sweep; line style: micro-batch 2 / 4 / 8 / 64 = dotted / dash-dot / dashed / solid"},
    "tt_curves": {"zh": "验证曲线：3 个种子的均值，色带为最小–最大", "en": "validation curves: mean of 3 seeds, band min–max"},
    "teg_trained": {"zh": "训练时的微批（每组统计量的序列数）", "en": "micro-batch in training (sequences per statistic)"},
    "teg_running": {"zh": "推理模式（滑动平均）", "en": "eval mode (running averages)"},
    "teg_precise": {"zh": "推理模式（PreciseBN）", "en": "eval mode (PreciseBN)"},
    "teg_train_mode": {"zh": "训练模式（该微批的统计量）", "en": "training mode (statistics of that micro-batch)"},
    "teg_loss": {"zh": "验证损失（最终权重）", "en": "validation loss (final weights)"},
    "teg_deviation": {"zh": "|组均值 − 总体均值| / 总体标准差", "en": "|group mean − population mean| / population std"},
    "teg_attn": {"zh": "第 {} 块，注意力之前", "en": "block {}, before attention"},
    "teg_ffn": {"zh": "第 {} 块，FFN 之前", "en": "block {}, before the FFN"},
    "teg_final": {"zh": "最后的归一化", "en": "final norm"},
    "teg_note": {"zh": "3 个种子：均值与最小–最大", "en": "3 seeds: mean and min–max"},
}
# --8<-- [end:labels]


def t(key: str, lang: str) -> str:
    return TEXT[key][lang]


def style() -> None:
    plt.rcdefaults()
    plt.rcParams.update({
        "svg.fonttype": "none",  # text stays text: the browser picks the fonts, CJK included
        "svg.hashsalt": "transformer-normalization",  # stable ids inside the SVG
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans"],  # ships with matplotlib: the same layout everywhere
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "legend.frameon": False,
        "figure.facecolor": "none",
        "axes.facecolor": "none",
        "savefig.transparent": True,
    })


def log2_axis(ax, values) -> None:
    ax.set_xscale("log", base=2)
    ax.set_xticks(values, [str(v) for v in values])
    ax.minorticks_off()


@figure
def batch_composition(lang: str):
    data = load_results("batch_composition")
    rows = data["rows"]
    b = [r["batch"] for r in rows]
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot(b, [r["bn_train_std"] for r in rows], "o-", color=COLORS["bn"], label=t("bn_train", lang))
    ax.plot(b, [r["bn_eval_std"] for r in rows], "s--", color=COLORS["bn_eval"], label=t("bn_eval", lang))
    ax.plot(b, [r["ln_std"] for r in rows], "^:", color=COLORS["ln"], label=t("ln", lang))
    first = rows[0]
    dense = [2 ** (k / 8) for k in range(8, 8 * 7 + 1)]
    scale = sum(r["bn_train_std"] * r["batch"] / (r["batch"] - 1) ** 0.5 for r in rows) / len(rows)  # the law's mean factor
    ax.plot(dense, [scale * (x - 1) ** 0.5 / x for x in dense], "-", color="#333333", lw=0.8, label=t("law", lang))
    ax.plot(dense, [first["bn_train_std"] * (first["batch"] / x) ** 0.5 for x in dense], ":", color="#999999", lw=1, label=t("inverse_sqrt", lang))
    log2_axis(ax, b)
    ax.set_xlabel(t("batch", lang))
    ax.set_ylabel(t("sample_spread", lang))
    fig.tight_layout()
    ax.legend(loc="upper right")
    return fig


@figure
def padding(lang: str):
    rows = load_results("padding")["rows"]
    share = [r["padding_share"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.4, 3.4))
    left.plot(share, [r["bn_mean_drift"] for r in rows], "o-", color=COLORS["bn"], label=t("mean_drift", lang))
    left.plot(share, [r["bn_std_ratio"] for r in rows], "s--", color=COLORS["bn_eval"], label=t("std_ratio", lang))
    channels = load_results("padding")["C"]
    left.plot(share, [r["channels_inflated"] / channels for r in rows], "^:", color=COLORS["rms"], label=t("channels_grown", lang))
    left.axhline(1.0, color="#333333", lw=0.6)
    left.set_xlabel(t("padding_share", lang))
    left.set_ylabel(t("bn_stats", lang))
    left.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=8)
    for key, marker in (("bn", "o-"), ("masked_bn", "s--"), ("ln", "^:")):
        right.plot(share, [r[key + "_change"] for r in rows], marker, color=COLORS[key], label=t(key, lang))
    right.set_xlabel(t("padding_share", lang))
    right.set_ylabel(t("output_change", lang))
    right.legend(loc="upper left")
    for ax in (left, right):
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    fig.tight_layout()
    return fig


@figure
def stat_noise(lang: str):
    data = load_results("stat_noise")
    s, T, sizes, layers = data["summary"], data["T"], data["sizes"], data["layers"]
    sources = ["iid", "chars"] + layers
    shade = plt.get_cmap("viridis")
    colour = {"iid": COLORS["iid"], "chars": "#e377c2", **{n: shade(0.9 * i / (len(layers) - 1)) for i, n in enumerate(layers)}}

    def name(source: str) -> str:  # block0_attn -> "block 1, before attention"
        if source in ("iid", "chars", "final"):
            return t("sn_" + source if source != "iid" else "iid", lang)
        block, part = source.removeprefix("block").split("_")
        return t("sn_" + part, lang).format(int(block) + 1)

    def bars(rows, key):
        mean = [r[key]["mean"] for r in rows]
        return mean, [[m - r[key]["min"] for m, r in zip(mean, rows)], [r[key]["max"] - m for m, r in zip(mean, rows)]]

    fig, (left, right) = plt.subplots(1, 2, figsize=(10.4, 5.0), gridspec_kw={"width_ratios": [1, 1.1]})
    left.plot(sizes, [b * T for b in sizes], "-", color="#333333", lw=1, label=t("sn_tokens", lang))
    left.plot(sizes, sizes, ":", color="#333333", lw=1, label=t("sn_sequences", lang))
    for source in sources:
        mean, err = bars(s[source], "n_eff")
        left.errorbar(sizes, mean, yerr=err, fmt="o-" if source in layers else "s--", ms=3, lw=1, capsize=2, color=colour[source], label=name(source))
    log2_axis(left, sizes)
    left.set_yscale("log", base=2)
    left.set_xlabel(t("batch", lang))
    left.set_ylabel(t("sn_n_eff", lang))
    top = left.secondary_xaxis("top", functions=(lambda b: b * T, lambda n: n / T))
    top.set_xticks([b * T for b in sizes[::2]], [str(b * T) for b in sizes[::2]])
    top.set_xlabel(t("sn_tokens_axis", lang).format(T), fontsize=9)
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncols=3, fontsize=6.5)
    x = range(len(sources))
    marks = [("exponent", 0, "o", t("sn_mean_at", lang).format(sizes[0])), ("exponent", -1, "s", t("sn_mean_at", lang).format(sizes[-1])),
             ("exponent_var", -1, "^", t("sn_var_at", lang).format(sizes[-1]))]
    for k, (key, i, marker, label) in enumerate(marks):
        rows = [s[source][i] for source in sources]
        mean, err = bars(rows, key)
        right.errorbar([j + 0.22 * (k - 1) for j in x], mean, yerr=err, fmt=marker, ms=4, capsize=2,
                       color=["#1f77b4", "#08306b", "#d62728"][k], label=label)
    for level, key in ((1.0, "sn_every_token"), (0.5, "sn_halfway"), (0.0, "sn_one_value")):
        right.axhline(level, color="#7f7f7f", lw=0.8, ls="-" if level != 0.5 else "--")
        right.text(len(sources) - 0.5, level + 0.015, t(key, lang), ha="right", va="bottom", fontsize=7, color="#555555")
    right.set_xticks(list(x), [name(src) for src in sources], rotation=40, ha="right", fontsize=7.5)
    right.set_ylim(-0.05, 1.25)
    right.set_ylabel(t("sn_exponent", lang))
    runs = data["runs"]
    note = t("sn_note", lang).format(models=len({r["model_seed"] for r in runs}), draws=len({r["draw_set"] for r in runs}))
    right.set_title(note, loc="left", fontsize=8)
    right.legend(loc="center left", bbox_to_anchor=(0.0, 0.3), fontsize=7)
    fig.tight_layout()
    return fig


@figure
def causal_leakage(lang: str):
    """Left: the training curves, mean over seeds with a min-max band. Right: the held-out
    losses in training and eval mode per configuration, mean with min-max bars."""
    data = load_results("causal_leakage")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.4, 4.0))
    shades = {1: "#08306b", 2: "#2171b5", 4: "#6baed6", 8: "#9ecae1"}
    configs = list(dict.fromkeys((r["norm"], r["batch"]) for r in data["rows"]))
    names = {c: (f"{t('ln', lang)}, B = {c[1]}" if c[0] == "ln" else f"BN, B = {c[1]}") for c in configs}
    for c in configs:
        rows = [r for r in data["rows"] if (r["norm"], r["batch"]) == c]
        color = COLORS["ln"] if c[0] == "ln" else shades[c[1]]
        steps = rows[0]["curve_step"]
        columns = list(zip(*(r["curve"] for r in rows)))
        left.plot(steps, [sum(v) / len(v) for v in columns], "-", color=color, label=names[c])
        left.fill_between(steps, [min(v) for v in columns], [max(v) for v in columns], color=color, alpha=0.2, lw=0)
    right_x = range(len(configs))
    for offset, key, marker, label in ((-0.12, "train_mode_loss", "o", "train_short"), (0.12, "eval_mode_loss", "s", "eval_short")):
        spreads = [[r[key] for r in data["rows"] if (r["norm"], r["batch"]) == c] for c in configs]
        mean = [sum(v) / len(v) for v in spreads]
        err = [[m - min(v) for m, v in zip(mean, spreads)], [max(v) - m for m, v in zip(mean, spreads)]]
        right.errorbar([x + offset for x in right_x], mean, yerr=err, fmt=marker, color=COLORS["bn"] if key == "train_mode_loss" else COLORS["bn_eval"],
                       markerfacecolor="white" if key == "eval_mode_loss" else None, capsize=3, label=t(label, lang))
    right.set_xticks(list(right_x), [names[c] for c in configs], fontsize=8)
    right.grid(axis="x", visible=False)
    for ax in (left, right):
        ax.axhline(data["entropy"], ls="--", color="#333333", lw=1, label=t("chance", lang))
    left.set_xlabel(t("step", lang))
    left.set_ylabel(t("train_loss", lang))
    left.set_title(t("cl_curves", lang), loc="left", fontsize=9)
    left.legend(loc="lower left", ncols=2, fontsize=8)
    right.set_ylabel(t("cl_loss", lang))
    right.set_title(t("cl_final", lang), loc="left", fontsize=9)
    right.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return fig


@figure
def inference_cost(lang: str):
    """Left: the normalization alone, in ms. Right: the whole block, relative to the block
    without normalization. Dots are medians over processes, bars the range across processes;
    hollow markers are torch.compile'd."""
    data = load_results("inference_cost")
    rows = {(r["width"], r["variant"]): r for r in data["rows"]}
    widths = sorted({r["width"] for r in data["rows"]})
    label = {"bn": "ic_bn", "bn_view": "ic_bn_view", "bn_folded": "bn_folded", "ln": "ln", "ln_folded": "ic_ln_folded",
             "rms": "rms", "dyt": "ic_dyt", "none": "none"}
    color = {**COLORS, "bn_view": "#17becf", "ln_folded": "#ff9896"}
    fig, axes = plt.subplots(1, 2, figsize=(10.4, 4.4))
    panels = (
        (axes[0], "norm_", ["bn", "bn_view", "ln", "ln_folded", "rms", "dyt", "ln_compiled", "rms_compiled", "dyt_compiled"], "norm_alone"),
        (axes[1], "block_", ["bn", "bn_view", "bn_folded", "ln", "ln_folded", "rms", "dyt", "none_compiled", "ln_compiled", "rms_compiled"], "block"),
    )
    for ax, prefix, names, title in panels:
        names = [n for n in names if (widths[0], prefix + n) in rows]  # compiled ones only where compile worked
        step = 0.8 / len(names)
        for i, name in enumerate(names):
            base = name.removesuffix("_compiled")
            scale = [rows[(w, "block_none")]["median_ms"] if prefix == "block_" else 1.0 for w in widths]
            picked = [rows[(w, prefix + name)] for w in widths]
            mid = [r["median_ms"] / s for r, s in zip(picked, scale)]
            err = [[m - r["min_ms"] / s for m, r, s in zip(mid, picked, scale)], [r["max_ms"] / s - m for m, r, s in zip(mid, picked, scale)]]
            x = [j + (i - (len(names) - 1) / 2) * step for j in range(len(widths))]
            hollow = name.endswith("_compiled")
            ax.errorbar(x, mid, yerr=err, fmt="D" if hollow else "o", color=color[base], markerfacecolor="white" if hollow else color[base],
                        markersize=5, capsize=2, linewidth=1, label=None if hollow else t(label[base], lang))
        if prefix == "block_":
            ax.axhline(1.0, color=COLORS["none"], linewidth=0.8, linestyle="--", label=t("none", lang))
            ax.set_ylabel(t("ic_relative", lang))
        else:
            ax.set_yscale("log")
            ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1, 2, 5)))
            ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
            ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
            ax.set_ylabel(t("ic_ms", lang))
        ax.set_xticks(range(len(widths)), [str(w) for w in widths])
        ax.set_xlabel(t("width", lang))
        ax.set_title(t(title, lang), loc="left")
        ax.grid(axis="x", visible=False)
    handles, labels = [], []
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="lower center", ncol=5, fontsize=8, frameon=False, title=f"{t('ic_compiled', lang)}; {t('ic_note', lang).format(n=data['processes'])}", title_fontsize=8)
    fig.tight_layout(rect=(0, 0.17, 1, 1))
    return fig


@figure
def char_lm(lang: str):
    data = load_results("char_lm")
    norms = ["ln", "rms", "bn", "bn_ffn", "powernorm", "dyt", "none"]
    label = {n: t("dyt_default" if n == "dyt" else n, lang) for n in norms}
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
    ax = axes[0]  # the comparison: mean and min-max over seeds, eval mode; BN's other modes
    for i, n in enumerate(norms):
        rows = [r for r in data["final"] if r["norm"] == n and r["group"] is None and r["lr"] == data["best_lr"][n]]
        v = [r["val_loss"] for r in rows]
        mean = sum(v) / len(v)
        ax.errorbar([i], [mean], yerr=[[mean - min(v)], [max(v) - mean]], fmt="o", color=COLORS[n], capsize=4)
        if "train_mode_val_loss" in rows[0]:
            tm = [r["train_mode_val_loss"] for r in rows]
            ax.plot([i + 0.2] * len(tm), tm, "v", color=COLORS[n], alpha=0.6, label=t("train_mode", lang) if n == "bn" else None)
        if n == "bn":
            g2 = [r["val_loss"] for r in data["final"] if r["norm"] == "bn" and r["group"] == 2]
            ax.plot([i - 0.2] * len(g2), g2, "x", color=COLORS[n], label=t("bn_group2", lang))
    ax.axhline(data["published_val_loss"], color="#7f7f7f", linestyle="--", linewidth=1, label=t("published", lang))
    ax.set_xticks(range(len(norms)), [label[n] for n in norms], rotation=30, ha="right")
    ax.set_ylabel(t("val_eval", lang))
    ax.set_title(t("char_lm_final", lang), loc="left", fontsize=9)
    ax.legend(loc="upper left", fontsize=7)
    ax = axes[1]  # the learning-rate sweep
    for n in norms:
        rows = sorted((r for r in data["sweep"] if r["norm"] == n), key=lambda r: r["lr"])
        ax.plot([r["lr"] for r in rows], [r["val_loss"] if r["val_loss"] == r["val_loss"] else None for r in rows], "o-", color=COLORS[n], label=label[n])
    ax.set_xscale("log", base=2)
    rates = sorted({r["lr"] for r in data["sweep"]})
    ax.set_xticks(rates, [f"{x:g}" for x in rates])
    ax.minorticks_off()
    ax.set_xlabel(t("lr", lang))
    ax.set_ylabel(t("val_eval", lang))
    ax.set_title(t("char_lm_sweep", lang), loc="left", fontsize=9)
    ax.legend(fontsize=7, ncol=2)
    ax = axes[2]  # the curves of the comparison runs: have they flattened?
    for n in norms:
        rows = [r for r in data["final"] if r["norm"] == n and r["group"] is None and r["lr"] == data["best_lr"][n]]
        steps = rows[0]["curve"]["step"]
        mean = [sum(r["curve"]["val_loss"][k] for r in rows) / len(rows) for k in range(len(steps))]
        ax.plot(steps, mean, color=COLORS[n], label=label[n])
    ax.set_ylim(top=min(3.0, ax.get_ylim()[1]))
    ax.set_xlabel(t("step", lang))
    ax.set_ylabel(t("val_eval", lang))
    ax.set_title(t("char_lm_curves", lang), loc="left", fontsize=9)
    fig.tight_layout()
    return fig


CAP = 10.0  # losses above this (a diverged run) are drawn at it


@figure
def depth(lang: str):
    data = load_results("depth")
    norms = ["ln", "bn", "none"]
    label = {"ln": t("ln", lang), "bn": t("bn64", lang), "none": t("none", lang)}
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    ax = axes[0]
    for n in norms:
        for layers, line in ((2, ":"), (6, "-")):
            rows = sorted((r for r in data["sweep"] if r["norm"] == n and r["layers"] == layers), key=lambda r: r["lr"])
            losses = [min(r["val_loss"], CAP) for r in rows]  # a diverged run is drawn at the cap, as a cross
            ax.plot([r["lr"] for r in rows], losses, "o" + line, color=COLORS[n], label=label[n] if layers == 6 else None)
            ax.plot([r["lr"] for r in rows if r["val_loss"] >= CAP], [CAP for r in rows if r["val_loss"] >= CAP], "x", color=COLORS[n], markersize=10)
    ax.set_yscale("log")
    ax.set_xscale("log", base=2)
    ax.set_xticks(data["rates"], [f"{x:g}" for x in data["rates"]])
    ax.minorticks_off()
    ax.set_xlabel(t("lr", lang))
    ax.set_ylabel(t("val_eval", lang))
    ax.set_title(t("depth_sweep", lang), loc="left", fontsize=8)
    ax.legend(fontsize=8)
    ax = axes[1]
    for i, n in enumerate(norms):
        for j, layers in enumerate((2, 6)):
            s = data["summary"][f"{n}@{layers}"]
            x = j + (i - 1) * 0.12
            ax.errorbar([x], [s["mean"]], yerr=[[s["mean"] - s["min"]], [s["max"] - s["mean"]]], fmt="o", color=COLORS[n], capsize=4,
                        label=label[n] if j == 0 else None)
    ax.set_xticks([0, 1], ["2", "6"])
    ax.set_xlabel(t("n_blocks", lang))
    ax.set_ylabel(t("val_eval", lang))
    ax.set_title(t("depth_final", lang), loc="left", fontsize=8)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


@figure
def vit_digits(lang: str):
    """Left: test accuracy against BN's group for naive BN and BN with the FFN BN (filled: eval
    mode, hollow: after PreciseBN; bars min-max over 3 seeds), LayerNorm as a band. Right: the
    learning-rate sweep, validation loss of seed 1."""
    data = load_results("vit_digits")
    groups = data["groups"]
    color = {"ln": COLORS["ln"], "bn": COLORS["bn"], "bn_ffn": "#9467bd"}
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.6, 4.0))
    ln = [r["test_accuracy"] for r in data["final"] if r["norm"] == "ln"]
    left.axhspan(min(ln), max(ln), color=color["ln"], alpha=0.15, lw=0)
    left.axhline(sum(ln) / len(ln), color=color["ln"], ls="--", lw=1, label=t("vit_ln_band", lang))
    for i, norm in enumerate(("bn", "bn_ffn")):
        for key, hollow in (("test_accuracy", False), ("precise_test_accuracy", True)):
            x, mid, lo, hi = [], [], [], []
            for g in groups:
                values = [r[key] for r in data["final"] if r["norm"] == norm and r["group"] == g]
                m = sum(values) / len(values)
                x.append(g * 2 ** ((i - 0.5) * 0.25 + (0.08 if hollow else -0.08)))
                mid.append(m)
                lo.append(m - min(values))
                hi.append(max(values) - m)
            left.errorbar(x, mid, yerr=[lo, hi], fmt="o" + ("" if hollow else "-"), color=color[norm], mfc="white" if hollow else color[norm],
                          capsize=3, lw=1, label=None if hollow else t(f"vit_{norm}", lang))
    left.plot([], [], "o", mfc="white", color="#333333", label=t("vit_precise", lang))
    log2_axis(left, groups)
    left.set_xlabel(t("vit_group", lang))
    left.set_ylabel(t("vit_test_acc", lang))
    left.yaxis.set_major_locator(matplotlib.ticker.MultipleLocator(0.01))
    left.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    left.set_title(t("vit_final", lang), loc="left", fontsize=9)
    left.legend(loc="lower right", fontsize=8)
    dashes = dict(zip(groups, (":", "--", "-")))
    for norm in ("ln", "bn", "bn_ffn"):
        for g in [None] if norm == "ln" else groups:
            rows = sorted((r for r in data["sweep"] if r["norm"] == norm and r["group"] == g), key=lambda r: r["lr"])
            right.plot([r["lr"] for r in rows], [r["val_loss"] for r in rows], "o" + ("-" if g is None else dashes[g]), color=color[norm], ms=4)
    right.set_xscale("log", base=2)
    right.set_xticks(data["rates"], [f"{r:g}" for r in data["rates"]])
    right.minorticks_off()
    right.set_yscale("log")
    right.yaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1, 2, 3, 5)))
    right.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    right.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    right.set_xlabel(t("lr", lang))
    right.set_ylabel(t("vit_val_loss", lang))
    right.set_title(t("vit_sweep", lang), loc="left", fontsize=9)
    fig.tight_layout()
    return fig


def _bars(rows, key=None):
    get = (lambda r: r[key]) if key else (lambda r: r)
    mean = [get(r)["mean"] for r in rows]
    return mean, [[m - get(r)["min"] for m, r in zip(mean, rows)], [get(r)["max"] - m for m, r in zip(mean, rows)]]


def _plain_log(ax, base=10) -> None:
    """A log y axis labelled 0.01, 0.02, 0.05, ... rather than powers of ten."""
    ax.set_yscale("log", base=base)
    ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(base=base, subs=(1.0, 2.0, 5.0) if base == 10 else (1.0,)))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())


TT_COLORS = {"bn_zero_pad": "#8c6d31", "bn_count_matched": "#393b79"}
TT_DASH = {2: ":", 4: "-.", 8: "--", 64: "-"}


@figure
def train_eval_gap(lang: str):
    data = load_results("train_eval_gap")
    rows = data["rows"]
    micro = [r["micro"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.6, 4.0))
    for key, text, colour, shift, marker in (("final_eval", "teg_running", COLORS["bn_eval"], 0.94, "s--"), ("precise_bn", "teg_precise", COLORS["masked_bn"], 1.0, "^-."),
                                             ("train_mode", "teg_train_mode", COLORS["bn"], 1.06, "o-")):
        mean, err = _bars(rows, key)
        left.errorbar([m * shift for m in micro], mean, yerr=err, fmt=marker, capsize=3, ms=4, color=colour, label=t(text, lang))
    _plain_log(left)
    left.set_ylabel(t("teg_loss", lang))
    left.legend(loc="upper right", fontsize=8)

    def name(layer: str) -> str:
        if layer == "final":
            return t("teg_final", lang)
        _, block, part = layer.split(".")
        return t("teg_attn" if part == "norm1" else "teg_ffn", lang).format(int(block) + 1)

    shade = plt.get_cmap("viridis")
    n_layers = len(rows[0]["layers"])
    for i in range(n_layers):
        mean, err = _bars([r["layers"][i] for r in rows], "mean_shift")
        right.errorbar(micro, mean, yerr=err, fmt="o-", ms=3, capsize=2, lw=1, color=shade(0.9 * i / max(1, n_layers - 1)), label=name(rows[0]["layers"][i]["layer"]))
    _plain_log(right)
    right.set_ylabel(t("teg_deviation", lang))
    right.legend(loc="upper right", fontsize=7)
    for ax in (left, right):
        log2_axis(ax, micro)
        ax.set_xlabel(t("teg_trained", lang))
    right.set_title(t("teg_note", lang), loc="left", fontsize=8)
    fig.tight_layout()
    return fig


@figure
def tiny_transformer(lang: str):
    data = load_results("tiny_transformer")
    s = data["summary"]
    colour = {**COLORS, **TT_COLORS}
    label = {n: t(n, lang) for n in ("ln", "rms", "dyt", "dyt_0.5", "none", "bn", "masked_bn")}
    label.update(bn_zero_pad=t("tt_zero_pad", lang), bn_count_matched=t("tt_count_matched", lang))
    fig, axes = plt.subplots(2, 2, figsize=(10.0, 7.6))
    (compare, ablation), (sweep, curves) = axes
    micro = sorted({r["micro"] for r in s if r["norm"] == "bn"})
    for row in (r for r in s if r["norm"] in ("ln", "rms", "dyt", "dyt_0.5", "none")):
        e = row["eval"]
        compare.axhline(e["mean"], color=colour[row["norm"]], lw=1, ls="--", label=label[row["norm"]])
        compare.axhspan(e["min"], e["max"], color=colour[row["norm"]], alpha=0.12, lw=0)
    for norm, shift in (("bn", 0.97), ("masked_bn", 1.03)):
        rows = [r for r in s if r["norm"] == norm]
        mean, err = _bars(rows, "eval")
        compare.errorbar([r["micro"] * shift for r in rows], mean, yerr=err, fmt="o-", capsize=3, color=colour[norm], label=label[norm])
    log2_axis(compare, micro)
    _plain_log(compare)
    compare.set_xlabel(t("tt_micro", lang))
    compare.set_ylabel(t("tt_loss", lang))
    compare.set_title(t("tt_compare", lang), loc="left", fontsize=8)

    variants = ["bn", "bn_zero_pad", "bn_count_matched", "masked_bn"]
    ablation_micro = sorted({r["micro"] for r in s if r["norm"] == "bn_zero_pad"})
    for k, norm in enumerate(variants):
        rows = [next(r for r in s if r["norm"] == norm and r["micro"] == m) for m in ablation_micro]
        mean, err = _bars(rows, "eval")
        x = [j + 0.18 * (k - 1.5) for j in range(len(ablation_micro))]
        ablation.errorbar(x, mean, yerr=err, fmt="s", ms=6, capsize=3, color=colour[norm], label=None if norm in ("bn", "masked_bn") else label[norm])
    ablation.set_xticks(range(len(ablation_micro)), [str(m) for m in ablation_micro])
    ablation.set_xlim(-0.6, len(ablation_micro) - 0.4)
    _plain_log(ablation)
    ablation.set_xlabel(t("tt_micro", lang))
    ablation.set_ylabel(t("tt_loss", lang))
    ablation.set_title(t("tt_ablation", lang), loc="left", fontsize=8)
    ablation.grid(axis="x", visible=False)

    for (norm, m) in sorted({(r["norm"], r["micro"]) for r in data["sweep"]}):
        rows = sorted((r for r in data["sweep"] if r["norm"] == norm and r["micro"] == m), key=lambda r: r["lr"])
        lr = [r["lr"] for r in rows]
        loss = [r["val_loss"] if r["val_loss"] != float("inf") else float("nan") for r in rows]
        sweep.plot(lr, loss, TT_DASH.get(m, "-") if norm not in ("ln", "rms", "dyt", "dyt_0.5", "none") else "-", marker=".", lw=1, color=colour[norm])
        chosen = data["best_lr"][f"{norm}@{m}"]
        sweep.plot([chosen], [loss[lr.index(chosen)]], "o", mfc="none", ms=7, color=colour[norm])
    sweep.set_xscale("log", base=2)
    rates = data["rates"]
    sweep.set_xticks(rates, [f"{r:g}" for r in rates])
    sweep.minorticks_off()
    _plain_log(sweep)
    sweep.set_xlabel(t("tt_lr", lang))
    sweep.set_ylabel(t("tt_sweep_loss", lang).format(data["steps"]["sweep"]))
    sweep.set_title(t("tt_sweep", lang), loc="left", fontsize=8)

    shown = [("ln", 64), ("none", 64), ("bn", micro[0]), ("bn", micro[-1]), ("masked_bn", 4)]
    for norm, m in shown:
        runs = [r for r in data["final"] if r["norm"] == norm and r["micro"] == m]
        steps = runs[0]["curve"]["step"]
        per_step = list(zip(*(r["curve"]["val_loss"] for r in runs)))
        mean = [sum(v) / len(v) for v in per_step]
        tag = label[norm] + (f" ({m})" if norm in ("bn", "masked_bn") else "")
        curves.plot(steps, mean, TT_DASH.get(m, "-") if norm in ("bn", "masked_bn") else "-", color=colour[norm], lw=1.2, label=tag)
        curves.fill_between(steps, [min(v) for v in per_step], [max(v) for v in per_step], color=colour[norm], alpha=0.15, lw=0)
    _plain_log(curves)
    curves.set_xlabel(t("step", lang))
    curves.set_ylabel(t("val_eval", lang))
    curves.set_title(t("tt_curves", lang), loc="left", fontsize=8)
    curves.legend(loc="upper right", fontsize=7)

    handles, labels = compare.get_legend_handles_labels()
    extra, extra_labels = ablation.get_legend_handles_labels()
    fig.legend(handles + extra, labels + extra_labels, loc="upper center", ncols=5, fontsize=8, bbox_to_anchor=(0.5, 1.0))
    fig.subplots_adjust(top=0.88, hspace=0.42, wspace=0.28, bottom=0.07, left=0.08, right=0.98)
    return fig


def svg(figure_fn, lang: str) -> str:
    style()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")  # CJK: the browser draws it
        fig = figure_fn(lang)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    text = buffer.getvalue()
    # Let the browser fall back to a Chinese font for Chinese labels.
    return text.replace("font-family:'DejaVu Sans'", "font-family:'DejaVu Sans','Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif")


def main(argv: list[str]) -> int:
    write = "--write" in argv
    names = [arg for arg in argv if not arg.startswith("--")] or list(FIGURES)
    unknown = sorted(set(names) - set(FIGURES))
    if unknown:
        print(f"no figure named {', '.join(unknown)}; the figures: {', '.join(FIGURES)}", file=sys.stderr)
        return 2
    stale = []
    for name in names:
        figure_fn = FIGURES[name]
        for lang in LANGUAGES:
            path = OUT / f"{name}.{lang}.svg"
            drawn = svg(figure_fn, lang)
            if write:
                OUT.mkdir(parents=True, exist_ok=True)
                path.write_text(drawn, encoding="utf-8")
            elif not path.exists() or path.read_text(encoding="utf-8") != drawn:
                stale.append(path.relative_to(OUT.parents[3]).as_posix())
    if stale:
        print("figures that differ from a fresh drawing of results/ (run figures.py --write):", *stale, sep="\n  ", file=sys.stderr)
        return 1
    print(f"{len(names) * len(LANGUAGES)} figures ({len(names)} experiments x {len(LANGUAGES)} languages) "
          + ("written" if write else "match a fresh drawing of the committed results"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
