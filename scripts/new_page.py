"""`python3 dev.py new NAME`: scaffold a page that builds and passes the tests as it stands.

It writes the two language twins (front matter with `description:`, a heading, a formula, the
include and output blocks), a snippet folder with one runnable, seeded, device-aware snippet
that asserts what it prints and is shown in two sections, and the nav entry (before `faq.md`;
move it where the page belongs). Nothing is overwritten. Needs only the standard library.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

PAGE = {
    "en": """\
---
description: {title}: one sentence on what this page explains, for search results and link previews.
---

# {title}

Replace this paragraph with the page's first point. A formula is plain TeX between dollar
signs, rendered while the site builds; the mean that BatchNorm subtracts from channel $c$ is

$$
\\mu_c = \\frac{{1}}{{m}} \\sum_{{i=1}}^{{m}} x_{{i,c}}
$$

The code below is `snippets/{name}/{module}.py`, shown in two sections; the output under it
comes from running that file while the site builds.

```python title="snippets/{name}/{module}.py"
--8<-- "snippets/{name}/{module}.py:setup"
```

```python title="snippets/{name}/{module}.py"
--8<-- "snippets/{name}/{module}.py:check"
```

```text title="Output"
--8<-- "snippets/{name}/{module}.py" output
```
""",
    "zh": """\
---
description: {title}：用一句话说明本页讲什么，供搜索结果和链接预览使用。
---

# {title}

把这一段换成本页的第一个要点。公式写在美元符号之间，是普通的 TeX，构建站点时渲染；BatchNorm 从通道 $c$ 减去的均值是

$$
\\mu_c = \\frac{{1}}{{m}} \\sum_{{i=1}}^{{m}} x_{{i,c}}
$$

下面的代码是 `snippets/{name}/{module}.py`，分两节展示；其下的输出由构建站点时运行该文件得到。

```python title="snippets/{name}/{module}.py"
--8<-- "snippets/{name}/{module}.py:setup"
```

```python title="snippets/{name}/{module}.py"
--8<-- "snippets/{name}/{module}.py:check"
```

```text title="输出"
--8<-- "snippets/{name}/{module}.py" output
```
""",
}

SNIPPET = '''\
"""{title}: after BatchNorm in training mode, every channel has mean 0 over the batch.

Replace this with what the page claims; keep the device line, the seed and the assertion."""

# --8<-- [start:setup]
import os

import torch

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
x = 3.0 + 2.0 * torch.randn(16, 4, device=device)  # 16 samples, 4 channels
# --8<-- [end:setup]

# --8<-- [start:check]
bn = torch.nn.BatchNorm1d(4, affine=False).to(device)
means = bn(x).mean(dim=0)
print("channel means before:", [round(v, 2) for v in x.mean(dim=0).tolist()])
print("channel means after: ", [abs(round(v, 2)) for v in means.tolist()])
assert torch.allclose(means, torch.zeros_like(means), atol=1e-5), "BatchNorm centres every channel"
# --8<-- [end:check]
'''


def add_to_nav(config: Path, entry: str) -> str:
    """Insert `- entry` into nav: before `- faq.md`, or at its end; returns where it went."""
    lines = config.read_text(encoding="utf-8").split("\n")
    start = lines.index("nav:")
    end = next((i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith(" ")), len(lines))
    faq = next((i for i in range(start, end) if lines[i].strip() == "- faq.md"), None)
    at = faq if faq is not None else end
    lines.insert(at, f"  - {entry}")
    config.write_text("\n".join(lines), encoding="utf-8")
    return "before faq.md" if faq is not None else "at the end of nav:"


def main(argv: list[str], root: Path = ROOT) -> int:
    if len(argv) != 1 or not NAME.match(argv[0]):
        print("usage: python3 dev.py new NAME   (NAME in lower case with hyphens, e.g. group-norm)")
        return 2
    name = argv[0]
    module = name.replace("-", "_")
    title = name.replace("-", " ").capitalize()
    targets = {
        **{root / "docs" / language / f"{name}.md": PAGE[language] for language in ("en", "zh")},
        root / "snippets" / name / f"{module}.py": SNIPPET,
    }
    existing = [path for path in targets if path.exists()]
    if existing:
        print("not overwriting: " + ", ".join(p.relative_to(root).as_posix() for p in existing))
        return 1
    for path, template in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(name=name, module=module, title=title), encoding="utf-8")
        print(f"wrote {path.relative_to(root).as_posix()}")
    where = add_to_nav(root / "mkdocs.yml", f"{name}.md")
    print(f"added {name}.md to nav: in mkdocs.yml, {where}; move it where the page belongs")
    print(f"next: python3 dev.py serve, then python3 dev.py check {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
