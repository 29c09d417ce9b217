"""Chinese uses one set of terms and one voice (docs/zh/glossary.md and the Chinese technical
copywriting conventions):
批 / 微批 / 批大小 for batch, micro-batch and batch size, never 批次 or 小批次 (the glossary may
give 批次 once, in the column of other renderings); 本站, never 我们; a ratio of steps as
"只用 1/14 的步数", not "少 14 倍"."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT

# Every page of both languages (the English glossary spells out the Chinese terms too) and the
# explorer's strings, which show Chinese labels on the Chinese pages.
PAGES = sorted((ROOT / "docs").rglob("*.md")) + [ROOT / "overrides" / "assets" / "javascripts" / "explorer.js"]

RULES = [  # (pattern, where it applies, what to write instead)
    (re.compile(r"小批次"), "all", "a small batch is 小批 (docs/zh/glossary.md)"),
    (re.compile(r"批次"), "all", "a batch is 批, a micro-batch 微批"),
    (re.compile(r"我们"), "zh", "the site's voice is 本站"),
    (re.compile(r"少\s*\d+(?:\.\d+)?\s*倍"), "all", "write the ratio as 只用 1/N (e.g. 只用 1/14 的步数)"),
]


def _variant_cell(path: Path, line: str) -> tuple[int, int] | None:
    """The span of the 'other renderings' column of a glossary table row, if ``line`` is one."""
    if path.name != "glossary.md" or not line.lstrip().startswith("|"):
        return None
    bars = [i for i, ch in enumerate(line) if ch == "|"]
    return (bars[2], bars[3]) if len(bars) >= 5 else None  # | term | other language | variants | meaning |


def _language(path: Path, root: Path) -> str:
    parts = path.relative_to(root).parts
    if "zh" in parts:
        return "zh"
    return "js" if path.suffix == ".js" else "en"


def term_problems(paths, root: Path = ROOT) -> list[str]:
    problems = []
    for path in paths:
        language = _language(path, root)
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            for pattern, where, advice in RULES:
                if where == "zh" and language == "en":
                    continue
                for match in pattern.finditer(line):
                    if pattern.pattern == "批次":
                        if line[max(0, match.start() - 1)] == "小" and match.start() > 0:
                            continue  # named once already, as 小批次
                        cell = _variant_cell(path, line)
                        if cell and cell[0] < match.start() < cell[1]:
                            continue  # the glossary lists it as another rendering
                    problems.append(f"{path.relative_to(root).as_posix()}:{number}: {match.group(0)!r}: {advice}")
    return problems


def test_chinese_terms_voice_and_ratios():
    problems = term_problems(PAGES)
    assert not problems, "\n".join(problems)


# --- planted faults -------------------------------------------------------------------


def _page(tmp_path: Path, relative: str, text: str) -> Path:
    page = tmp_path / relative
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(text, encoding="utf-8")
    return page


def test_each_wrong_term_is_named_with_page_and_line(tmp_path):
    page = _page(
        tmp_path,
        "docs/zh/p.md",
        "# 标题\n\n在一个小批次上计算。\n\nBN 依赖批次。\n\n我们用 CPU 训练。\n\n它以少 14 倍的步数达到同样的准确率。\n\n它只用 1/14 的步数，批很小，用小批量估计，本站用微批。\n",
    )
    assert term_problems([page], root=tmp_path) == [
        "docs/zh/p.md:3: '小批次': a small batch is 小批 (docs/zh/glossary.md)",
        "docs/zh/p.md:5: '批次': a batch is 批, a micro-batch 微批",
        "docs/zh/p.md:7: '我们': the site's voice is 本站",
        "docs/zh/p.md:9: '少 14 倍': write the ratio as 只用 1/N (e.g. 只用 1/14 的步数)",
    ]


def test_glossary_may_list_the_variant_but_not_use_it(tmp_path):
    glossary = _page(
        tmp_path,
        "docs/zh/glossary.md",
        "| 本站译法 | English | 其他译法 | 说明 |\n| --- | --- | --- | --- |\n"
        "| 批 | batch | 批次 | 一组样本 |\n"
        "| 数据并行 | data parallelism | | 每个设备处理一部分批次 |\n",
    )
    assert term_problems([glossary], root=tmp_path) == ["docs/zh/glossary.md:4: '批次': a batch is 批, a micro-batch 微批"]
    # The same row outside the glossary is a use, not a listing; English pages may say "we".
    other = _page(tmp_path, "docs/zh/faq.md", "| 批 | batch | 批次 | 一组样本 |\n")
    english = _page(tmp_path, "docs/en/faq.md", "We count the values (我们 in a quotation).\n")
    assert term_problems([other, english], root=tmp_path) == ["docs/zh/faq.md:1: '批次': a batch is 批, a micro-batch 微批"]
