"""docs/coverage.yml maps every point of the source articles (and every defect the site
fixes) to the page and heading that answers it, and those headings exist in both languages."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import ROOT
from hooks import source_checks as checks
from tests.content.test_code_comes_from_snippets import make_tree

COVERAGE = ROOT / "docs" / "coverage.yml"
SHARED_MAP = ROOT.parent / "shared" / "coverage.md"  # the project's source map, where it is checked out


def load() -> dict:
    return yaml.safe_load(COVERAGE.read_text(encoding="utf-8"))


def test_every_coverage_id_is_answered_in_both_languages():
    problems = checks.coverage_problems(load(), ROOT / "docs", ROOT, checks.COVERAGE_IDS)
    assert not problems, "\n".join(problems)


def test_id_list_matches_the_source_map():
    if not SHARED_MAP.exists():
        pytest.skip("the source articles' map is not checked out beside the repository; hooks/source_checks.COVERAGE_IDS is its copy")
    ids = re.findall(r"^\| ([ABD]\d+) \|", SHARED_MAP.read_text(encoding="utf-8"), re.M)
    assert sorted(ids) == sorted(checks.COVERAGE_IDS)


# --- planted faults -------------------------------------------------------------------


def test_unmapped_id_and_missing_heading_are_named(tmp_path):
    docs, _ = make_tree(tmp_path, {"zh/p.md": "# 页\n\n## 有的标题\n", "en/p.md": "# Page\n\n## A heading\n"}, {})
    coverage = {"A1": {"page": "p.md", "zh": "有的标题", "en": "Another heading"}}
    assert checks.coverage_problems(coverage, docs, tmp_path, ["A1", "A2"]) == [
        "docs/coverage.yml: A2 is not mapped to a page and heading",
        "docs/coverage.yml: A1: no heading 'Another heading' in docs/en/p.md",
    ]
