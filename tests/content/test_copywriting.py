"""Prose follows the copywriting conventions: Chinese spacing and punctuation (autocorrect)
and English spelling (codespell), over the pages and the snippets' comments."""

from __future__ import annotations

import subprocess
import sys

import autocorrect_py as autocorrect

from tests.conftest import ROOT

ZH_PAGES = sorted((ROOT / "docs" / "zh").rglob("*.md"))
autocorrect.load_config((ROOT / ".autocorrectrc").read_text(encoding="utf-8"))


def autocorrect_problems(paths, root=ROOT) -> list[str]:
    problems = []
    for path in paths:
        result = autocorrect.lint_for(path.read_text(encoding="utf-8"), str(path))
        for line in result.lines:
            problems.append(f"{path.relative_to(root)}:{line.line}: {line.old.strip()!r} -> {line.new.strip()!r}")
    return problems


def test_chinese_pages_follow_copywriting_conventions():
    problems = autocorrect_problems(ZH_PAGES)
    assert not problems, "\n".join(problems)


def test_english_spelling():
    targets = [str(ROOT / "docs" / "en"), str(ROOT / "snippets"), str(ROOT / "README.md"), str(ROOT / "hooks")]
    # Names that look like misspellings: Nam H. Nguyen (PatchTST). The experiments' data files
    # are others' text (Shakespeare's spelling is his own), not ours to correct.
    skip = ["--skip", str(ROOT / "snippets" / "experiments" / "data" / "*.txt")]
    done = subprocess.run([sys.executable, "-m", "codespell_lib", "-L", "nam", *skip, *targets], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# --- planted faults -------------------------------------------------------------------


def test_missing_space_between_chinese_and_latin_is_named(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("# 标题\n\n使用PyTorch训练。\n", encoding="utf-8")
    result = autocorrect.lint_for(page.read_text(encoding="utf-8"), str(page))
    assert [(line.line, line.new.strip()) for line in result.lines] == [(3, "使用 PyTorch 训练。")]


def test_misspelling_is_named(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("# Title\n\nThe layer normalizes teh activations.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "codespell_lib", str(page)], capture_output=True, text=True)
    assert done.returncode != 0 and "p.md:3: teh ==> the" in done.stdout
