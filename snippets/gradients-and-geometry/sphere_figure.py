"""Draws the page's figure: 3-D tokens before and after LayerNorm and RMSNorm (C = 3).

    python snippets/gradients-and-geometry/sphere_figure.py          # print each SVG's checksum
    python snippets/gradients-and-geometry/sphere_figure.py --write  # and write the SVGs

Run from the repository root. The SVGs keep their text as text (the browser sets it in the
page's fonts, Chinese included) and carry no date and no random ids, so the same code always
gives the same file. Without --write, a committed SVG that differs from a fresh drawing is an
error: re-draw it with --write.
"""

# --8<-- [start:data]
import hashlib
import io
import math
import os
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # the drawing itself runs on the CPU
gen = torch.Generator().manual_seed(0)
C = 3  # three features, so that a token is a point in space
# 60 tokens around (0.7, 0.3, -0.2), stretched more along some axes than others
x = torch.tensor([0.7, 0.3, -0.2], dtype=torch.float64) + torch.randn(60, C, generator=gen, dtype=torch.float64) * torch.tensor([1.0, 0.7, 0.9], dtype=torch.float64)
ln = nn.LayerNorm(C, eps=0.0, elementwise_affine=False).double()
rms = nn.RMSNorm(C, eps=0.0, elementwise_affine=False).double()
with torch.no_grad():  # CPU numbers in float64, so that every machine draws the same file
    points = {"input": x, "layernorm": ln(x), "rmsnorm": rms(x)}
assert points["layernorm"].sum(-1).abs().max() < 1e-12
for name in ("layernorm", "rmsnorm"):
    assert torch.allclose(points[name].norm(dim=-1), torch.full((60,), math.sqrt(C), dtype=torch.float64))
# --8<-- [end:data]

# --8<-- [start:draw]
TEXT = {
    "input": {"en": "input tokens", "zh": "输入的 token"},
    "layernorm": {"en": "LayerNorm: a circle of radius √3\nin the plane x₁ + x₂ + x₃ = 0", "zh": "LayerNorm：平面 x₁ + x₂ + x₃ = 0 上\n半径为 √3 的圆"},
    "rmsnorm": {"en": "RMSNorm: the sphere\nof radius √3", "zh": "RMSNorm：半径为 √3 的球面"},
}
COLORS = {"input": "#7f7f7f", "layernorm": "#d62728", "rmsnorm": "#ff7f0e"}
OUT = Path("docs/assets/figures/gradients-and-geometry")  # relative to the repository root


def sphere(ax, r):
    u, v = torch.meshgrid(torch.linspace(0, 2 * math.pi, 19), torch.linspace(0, math.pi, 10), indexing="ij")
    ax.plot_wireframe(r * u.cos() * v.sin(), r * u.sin() * v.sin(), r * v.cos(), color="#b0b0b0", linewidth=0.3)


def circle_in_plane(ax, r):
    """The circle where the plane x1 + x2 + x3 = 0 meets the sphere of radius r."""
    a = torch.tensor([1.0, -1.0, 0.0]) / math.sqrt(2)  # two orthonormal vectors in the plane
    b = torch.tensor([1.0, 1.0, -2.0]) / math.sqrt(6)
    t = torch.linspace(0, 2 * math.pi, 121)[:, None]
    c = r * (t.cos() * a + t.sin() * b)
    ax.plot(c[:, 0], c[:, 1], c[:, 2], color=COLORS["layernorm"], linewidth=0.8, alpha=0.6)
    ax.quiver(0, 0, 0, 1, 1, 1, color="#1f2430", linewidth=1.0, arrow_length_ratio=0.2)  # the all-ones vector
    ax.text(1.1, 1.1, 1.25, "1", color="#1f2430")


def draw(lang: str) -> str:
    plt.rcdefaults()
    plt.rcParams.update({
        "svg.fonttype": "none",  # text stays text
        "svg.hashsalt": "gradients-and-geometry",  # stable ids inside the SVG
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans"],  # ships with matplotlib: the same layout everywhere
        "font.size": 9,
    })
    fig = plt.figure(figsize=(9.6, 3.9), facecolor="white")  # white: readable in both palettes
    r = math.sqrt(C)
    for i, name in enumerate(("input", "layernorm", "rmsnorm")):
        ax = fig.add_subplot(1, 3, i + 1, projection="3d")
        p = points[name]
        if name != "input":
            sphere(ax, r)
        if name == "layernorm":
            circle_in_plane(ax, r)
        ax.scatter(p[:, 0], p[:, 1], p[:, 2], s=8, color=COLORS[name], depthshade=False)
        ax.set(xlim=(-3, 3), ylim=(-3, 3), zlim=(-3, 3), xlabel="x₁", ylabel="x₂", zlabel="x₃")
        ax.set_box_aspect((1, 1, 1))
        ax.view_init(elev=28, azim=15)
        ax.set_title(TEXT[name][lang], fontsize=9)
    fig.subplots_adjust(left=0.04, right=0.97, bottom=0.1, top=0.88, wspace=0.18)
    buffer = io.StringIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")  # CJK: the browser draws it
        fig.savefig(buffer, format="svg", facecolor="white", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    # Let the browser fall back to a Chinese font for Chinese labels.
    return buffer.getvalue().replace("font-family:'DejaVu Sans'", "font-family:'DejaVu Sans','Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif")
# --8<-- [end:draw]


# --8<-- [start:write]
write = "--write" in sys.argv[1:]
stale = []
for lang in ("en", "zh"):
    svg = draw(lang)
    path = OUT / f"sphere.{lang}.svg"
    print(f"{path.as_posix()}  sha256 {hashlib.sha256(svg.encode('utf-8')).hexdigest()[:16]}")
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(svg, encoding="utf-8")
    elif path.exists() and path.read_text(encoding="utf-8") != svg:
        stale.append(path.as_posix())
assert not stale, f"differ from a fresh drawing (run with --write): {stale}"
# --8<-- [end:write]
