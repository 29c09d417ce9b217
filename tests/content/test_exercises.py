"""Every core page ends with exercises: 3 to 5 questions in collapsed blocks, with worked
answers, at least one of them checked by a snippet that the answer includes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hooks.snippets_lib import INCLUDE
from tests.conftest import ROOT

CORE = [
    "basics", "bn-vs-ln", "batchnorm", "layernorm-family", "gradients-and-geometry",
    "why-layernorm", "bn-in-transformers", "scenarios", "beyond", "llm-practice",
]
HEADING = {"en": "## Exercises", "zh": "## 练习"}
QUESTION = re.compile(r'^\?\?\? question "(?P<n>\d+)\. .+"$')


def exercise_problems(page: Path, language: str) -> list[str]:
    lines = page.read_text(encoding="utf-8").split("\n")
    where = page.relative_to(page.parents[2]).as_posix()
    if HEADING[language] not in lines:
        return [f"{where}: no '{HEADING[language]}' section"]
    start = lines.index(HEADING[language])
    section = lines[start + 1:]
    later = [i for i, line in enumerate(section) if line.startswith("## ")]
    if later:
        return [f"{where}:{start + 2 + later[0]}: a section after the exercises; they end the page"]
    numbers = [int(m["n"]) for line in section if (m := QUESTION.match(line))]
    problems = []
    if not 3 <= len(numbers) <= 5:
        problems.append(f"{where}:{start + 1}: {len(numbers)} questions; a page has 3 to 5")
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"{where}:{start + 1}: questions numbered {numbers}, not 1, 2, 3, ...")
    checked = [line for line in section if (m := INCLUDE.match(line)) and m["indent"] == "    "]
    if not checked:
        problems.append(f"{where}:{start + 1}: no answer includes a snippet that checks it")
    return problems


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("page", CORE)
def test_core_page_ends_with_checked_exercises(page, language):
    problems = exercise_problems(ROOT / "docs" / language / f"{page}.md", language)
    assert not problems, "\n".join(problems)


def test_a_page_without_a_checked_answer_or_with_two_questions_is_named(tmp_path):
    page = tmp_path / "docs" / "en" / "p.md"
    page.parent.mkdir(parents=True)
    page.write_text(
        "# P\n\n## Exercises\n\n??? question \"1. Why?\"\n\n    Because.\n\n??? question \"2. How?\"\n\n    So.\n",
        encoding="utf-8",
    )
    assert exercise_problems(page, "en") == [
        "docs/en/p.md:3: 2 questions; a page has 3 to 5",
        "docs/en/p.md:3: no answer includes a snippet that checks it",
    ]
