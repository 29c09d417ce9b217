"""A fact the site repeats is explained in full on one page, its canonical place; every other
page says it in one sentence and links there.

Each fact below names its canonical page and a pattern per language for its detailed form: a
figure with its paper, a formula, a citation that only the full explanation needs. The pattern
may match on the pages in `allowed` (the canonical page, and references.md where it lists the
source). Anywhere else it may match only inside an exercise answer that links to the canonical
page; any other match is named as page:line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

EXERCISES = {"en": "## Exercises", "zh": "## 练习"}


@dataclass(frozen=True)
class Fact:
    name: str
    canonical: str  # page path under docs/<language>/
    pattern: dict[str, str]  # language -> regex matched against each line
    also_allowed: tuple[str, ...] = ()

    @property
    def allowed(self) -> tuple[str, ...]:
        return (self.canonical, *self.also_allowed)


def both(pattern: str) -> dict[str, str]:
    return {"en": pattern, "zh": pattern}


FACTS = [
    Fact(
        "SyncBatchNorm (what it exchanges and where PyTorch supports it)",
        "why-layernorm.md",
        both(r"all-gather|all-reduce|DistributedDataParallel|convert_sync_batchnorm|torch\.nn\.SyncBatchNorm\.html"),
    ),
    Fact(
        "gradient accumulation does not enlarge BN's batch (the YOLOv5 source)",
        "why-layernorm.md",
        both(r"ultralytics/yolov5"),
        also_allowed=("references.md",),
    ),
    Fact("GroupNorm's 10.6 points at 2 images per GPU", "layernorm-family.md", both(r"10\.6")),
    Fact("Yao et al.'s BN-only ViT, about 20% faster", "bn-in-transformers.md", both(r"(?=.*Yao)(?=.*(?<![\d.])20 ?%)")),
    Fact(
        "folding BN into a linear layer (the formulas)",
        "bn-in-transformers.md",
        both(r"\\operatorname\{diag\}|s_c = \\gamma_c"),
    ),
    Fact(
        "PowerNorm's 'orders of magnitude' (IWSLT14 Transformer vs ResNet20 on CIFAR-10)",
        "gradients-and-geometry.md",
        {
            "en": r"orders of magnitude|IWSLT14.*CIFAR|CIFAR.*IWSLT14",
            "zh": r"数量级|IWSLT14.*CIFAR|CIFAR.*IWSLT14",
        },
    ),
]


def repeated_facts(docs: Path, facts: list[Fact] = FACTS) -> list[str]:
    """page:line for every detailed statement of a fact outside its allowed pages."""
    problems = []
    for language in ("en", "zh"):
        base = docs / language
        for page in sorted(base.rglob("*.md")):
            name = page.relative_to(base).as_posix()
            lines = page.read_text(encoding="utf-8").split("\n")
            start = lines.index(EXERCISES[language]) if EXERCISES[language] in lines else len(lines)
            for number, line in enumerate(lines, 1):
                for fact in facts:
                    if name in fact.allowed or not re.search(fact.pattern[language], line):
                        continue
                    if number > start and f"{fact.canonical}#" in line:
                        continue  # an exercise answer that restates it and links to the canonical place
                    where = page.relative_to(docs.parent).as_posix()
                    problems.append(
                        f"{where}:{number}: {fact.name} is explained in full on {fact.canonical}; "
                        "say it here in one sentence and link there"
                    )
    return problems


def test_each_recurring_fact_is_explained_on_one_page():
    problems = repeated_facts(ROOT / "docs")
    assert not problems, "\n".join(problems)


def test_a_repeated_fact_is_named_and_a_linked_exercise_answer_is_not(tmp_path):
    docs = tmp_path / "docs"
    (docs / "en").mkdir(parents=True)
    (docs / "en" / "layernorm-family.md").write_text(
        "# Family\n\nAt 2 images per GPU GroupNorm's error was 10.6 points lower.\n", encoding="utf-8"
    )
    (docs / "en" / "faq.md").write_text(
        "# FAQ\n\nGroupNorm's error was 10.6 points lower than BatchNorm's.\n\n## Exercises\n\n"
        '??? question "1. Why GroupNorm?"\n\n'
        "    It was 10.6 points better ([GroupNorm](layernorm-family.md#groupnorm)).\n",
        encoding="utf-8",
    )
    (docs / "zh").mkdir()
    assert repeated_facts(docs) == [
        "docs/en/faq.md:3: GroupNorm's 10.6 points at 2 images per GPU is explained in full on "
        "layernorm-family.md; say it here in one sentence and link there"
    ]
