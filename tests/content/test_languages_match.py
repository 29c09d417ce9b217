"""Chinese and English are twins: the same pages, including the same snippets in the same
order (so code can never differ between languages)."""

from __future__ import annotations

from tests.conftest import ROOT
from hooks import source_checks as checks
from tests.content.test_code_comes_from_snippets import SNIPPET, make_tree

DOCS = ROOT / "docs"


def test_every_page_has_its_twin():
    problems = checks.pages_without_twin(DOCS, ROOT)
    assert not problems, "\n".join(problems)


def test_twins_include_the_same_snippets_in_the_same_order():
    problems = checks.include_mismatches(DOCS, ROOT)
    assert not problems, "\n".join(problems)


def test_both_languages_have_pages():
    names = checks.pages_by_language(DOCS)
    assert all(names.values()), names


# --- planted faults -------------------------------------------------------------------


def test_page_in_one_language_only_is_named(tmp_path):
    docs, _ = make_tree(tmp_path, {"zh/a.md": "# A\n", "en/a.md": "# A\n", "zh/only.md": "# 只有中文\n"}, {})
    assert checks.pages_without_twin(docs, tmp_path) == [
        "docs/zh/only.md:1: no en twin (expected docs/en/only.md)"
    ]


def test_twin_with_other_includes_is_named(tmp_path):
    zh = '# A\n\n```python\n--8<-- "snippets/a/x.py:part"\n```\n'
    en = '# A\n\nText.\n\n```python\n--8<-- "snippets/a/x.py"\n```\n'
    docs, _ = make_tree(tmp_path, {"zh/a.md": zh, "en/a.md": en}, {"a/x.py": SNIPPET})
    (problem,) = checks.include_mismatches(docs, tmp_path)
    assert problem.startswith("docs/en/a.md:6: include #1 differs from docs/zh/a.md")


def test_twins_have_the_same_headings_and_formulas():
    problems = checks.structure_mismatches(DOCS, ROOT)
    assert not problems, "\n".join(problems)


def test_heading_in_one_language_only_is_named(tmp_path):
    zh = "# 标题\n\n## 第一节\n\n公式 $a$ 与 $$b$$。\n\n## 第二节\n"
    en = "# Title\n\n## First\n\nFormulas $a$ and $$b$$.\n"
    docs, _ = make_tree(tmp_path, {"zh/a.md": zh, "en/a.md": en}, {})
    assert checks.structure_mismatches(docs, tmp_path) == [
        "docs/en/a.md:3: heading #3 does not match docs/zh/a.md (there: '第二节'); "
        "twins need the same headings at the same levels"
    ]


def test_missing_formula_is_named(tmp_path):
    zh = "# 标题\n\n$x$ 和 $y$，以及 `$not math$`。\n"
    en = "# Title\n\n$x$ only, and `$not math$`.\n"
    docs, _ = make_tree(tmp_path, {"zh/a.md": zh, "en/a.md": en}, {})
    assert checks.structure_mismatches(docs, tmp_path) == ["docs/en/a.md:1: 1 formulas, but docs/zh/a.md has 2"]


def test_every_cited_paper_is_in_the_references():
    import re

    for language in ("zh", "en"):
        references = (DOCS / language / "references.md").read_text(encoding="utf-8")
        listed = set(re.findall(r"arxiv\.org/abs/(\d{4}\.\d{4,5})", references))
        for page in sorted((DOCS / language).rglob("*.md")):
            cited = set(re.findall(r"arxiv\.org/abs/(\d{4}\.\d{4,5})", page.read_text(encoding="utf-8")))
            assert cited <= listed, f"{page.relative_to(ROOT)} cites {sorted(cited - listed)}, missing from references.md"
