"""A strict build refuses the cheap authoring mistakes, each named by page and line, with no
traceback: a page left out of nav:, a page without its twin, a page without `description:`,
code typed into the Markdown, an include of a missing file or section (hooks/refuse_mistakes.py,
and MkDocs' own nav validation). Each is planted, first in the checks, then in a real build of
a small copy of the project."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from hooks.refuse_mistakes import problems_in
from tests.conftest import ROOT, build_site, copy_project

GOOD = """\
---
description: {what}
---

# {title}

```python title="snippets/planted/shown.py"
--8<-- "snippets/planted/shown.py:part"
```
"""


def small_project(tmp_path: Path, pages: dict[str, str], nav: list[str], with_cache: bool = False) -> Path:
    """A copy of the project whose docs are only ``pages`` (path under docs/ -> text) and whose
    nav lists only ``nav``; it builds in seconds, a notebook page among them too ``with_cache``
    (the executed notebooks; see copy_project)."""
    project = copy_project(tmp_path / "project", with_cache=with_cache)
    for language in ("en", "zh"):
        for child in (project / "docs" / language).iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
    for name, text in pages.items():
        target = project / "docs" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    (project / "snippets" / "planted").mkdir()
    (project / "snippets" / "planted" / "shown.py").write_text(
        "# --8<-- [start:part]\nprint('hello')\n# --8<-- [end:part]\n", encoding="utf-8"
    )
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    entries = "".join(f"  - {entry}\n" for entry in nav)
    config = re.sub(r"^nav:\n(?:[ ]+.*\n)+", "nav:\n" + entries, config, count=1, flags=re.M)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    return project


def both(name: str, title: str = "Page") -> dict[str, str]:
    return {f"{language}/{name}": GOOD.format(what="A planted page.", title=title) for language in ("en", "zh")}


def test_the_real_pages_have_none_of_these_mistakes():
    problems = problems_in(ROOT / "docs", ROOT)
    assert not problems, "\n".join(problems)


@pytest.fixture
def tree(tmp_path):
    """A docs tree and its root, with a snippet that has one section, 'part'."""
    root = tmp_path
    (root / "snippets" / "planted").mkdir(parents=True)
    (root / "snippets" / "planted" / "shown.py").write_text(
        "# --8<-- [start:part]\nprint('hello')\n# --8<-- [end:part]\n", encoding="utf-8"
    )

    def make(pages: dict[str, str]) -> list[str]:
        for name, text in pages.items():
            path = root / "docs" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return problems_in(root / "docs", root)

    return make


def test_each_mistake_is_named_by_page_and_line(tree):
    pages = {**both("index.md"), **both("fine.md")}
    pages["en/orphan.md"] = GOOD.format(what="Only in English.", title="Orphan")
    pages["en/no_description.md"] = "# No description\n"
    pages["zh/no_description.md"] = GOOD.format(what="有描述。", title="无描述")
    pages["en/typed.md"] = GOOD.format(what="Typed code.", title="Typed") + "\n```python\nprint('typed')\n```\n"
    pages["zh/typed.md"] = GOOD.format(what="有描述。", title="代码")
    pages["en/section.md"] = GOOD.format(what="A section.", title="S").replace(":part", ":missing")
    pages["zh/section.md"] = GOOD.format(what="有描述。", title="节")
    pages["en/file.md"] = GOOD.format(what="A file.", title="F").replace("shown.py:part", "gone.py")
    pages["zh/file.md"] = GOOD.format(what="有描述。", title="文件")
    problems = tree(pages)
    expected = [
        "docs/en/orphan.md:1: no zh twin (expected docs/zh/orphan.md)",
        "docs/en/no_description.md:1: no `description:` in the front matter",
        "docs/en/typed.md:12: code typed into the page",
        "docs/en/section.md:8: snippets/planted/shown.py has no section 'missing' (its sections: part;",
        "docs/en/file.md:8: include of a missing file 'snippets/planted/gone.py'",
    ]
    for start in expected:
        assert sum(problem.startswith(start) for problem in problems) == 1, (start, problems)
    assert len(problems) == len(expected), problems


@pytest.mark.slow
def test_a_build_refuses_them_in_one_message_without_a_traceback(tmp_path):
    pages = {**both("index.md", "Home")}
    pages["en/typed.md"] = GOOD.format(what="Typed code.", title="Typed") + "\n```python\nprint('typed')\n```\n"
    pages["zh/typed.md"] = GOOD.format(what="有描述。", title="代码").replace(":part", ":missing")
    project = small_project(tmp_path, pages, ["index.md", "typed.md"])
    done = build_site(project, tmp_path / "site")
    log = done.stdout + done.stderr
    assert done.returncode != 0, log[-3000:]
    assert "the pages have 2 problems:" in log, log[-3000:]
    assert "docs/en/typed.md:12: code typed into the page" in log
    assert "docs/zh/typed.md:8: snippets/planted/shown.py has no section 'missing' (its sections: part;" in log
    assert "Traceback" not in log, log[-3000:]


@pytest.mark.slow
def test_a_build_refuses_a_page_left_out_of_the_nav(tmp_path):
    pages = {**both("index.md", "Home"), **both("forgotten.md", "Forgotten")}
    project = small_project(tmp_path, pages, ["index.md"])
    done = build_site(project, tmp_path / "site")
    log = done.stdout + done.stderr
    assert done.returncode != 0, log[-3000:]
    assert re.search(r'WARNING .*not included in the "nav" configuration:\n\s+- (zh|en)/forgotten\.md', log), log[-3000:]
    # and with it in the nav, the same small project builds: the refusal was the nav's
    fixed = small_project(tmp_path / "fixed", pages, ["index.md", "forgotten.md"])
    done = build_site(fixed, tmp_path / "fixed-site")
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
