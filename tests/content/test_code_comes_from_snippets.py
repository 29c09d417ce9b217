"""Every code block on a page is an include of a file in snippets/, every include resolves,
and every snippet is shown somewhere. Each check also runs on a planted fault, so that it
is known to fail, naming the file and the line."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.conftest import ROOT
from hooks import source_checks as checks

DOCS, SNIPPETS = ROOT / "docs", ROOT / "snippets"


def report(problems: list[str]) -> str:
    return "\n".join(problems)


def test_no_code_typed_into_pages():
    problems = checks.code_typed_into_pages(DOCS, ROOT)
    assert not problems, report(problems)


def test_every_include_resolves():
    problems = checks.broken_includes(DOCS, ROOT)
    assert not problems, report(problems)


def test_every_snippet_is_shown_on_a_page():
    problems = checks.unused_snippets(DOCS, SNIPPETS, ROOT)
    assert not problems, report(problems)


# --- planted faults -------------------------------------------------------------------


def make_tree(tmp_path, pages: dict[str, str], snippets: dict[str, str]):
    for name, text in pages.items():
        (tmp_path / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "docs" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    for name, text in snippets.items():
        (tmp_path / "snippets" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "snippets" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path / "docs", tmp_path / "snippets"


SNIPPET = """\
    # --8<-- [start:part]
    print("hi")
    # --8<-- [end:part]
    """


def test_typed_code_block_is_named_with_file_and_line(tmp_path):
    docs, _ = make_tree(tmp_path, {"zh/page.md": """\
        # Title

        ```python
        --8<-- "snippets/page/a.py"
        ```

        ```python
        import torch
        ```
        """}, {"page/a.py": SNIPPET})
    assert checks.code_typed_into_pages(docs, tmp_path) == [
        "docs/zh/page.md:8: code typed into the page; put it in snippets/ and include it with "
        '--8<-- "snippets/…" (block opened at line 7)'
    ]


def test_tilde_fence_and_indented_fence_are_checked_too(tmp_path):
    docs, _ = make_tree(tmp_path, {"en/page.md": """\
        !!! note

            ~~~
            x = 1
            ~~~
        """}, {})
    (problem,) = checks.code_typed_into_pages(docs, tmp_path)
    assert problem.startswith("docs/en/page.md:4: code typed into the page")


def test_missing_file_and_missing_section_are_named(tmp_path):
    docs, _ = make_tree(tmp_path, {"zh/page.md": """\
        ```python
        --8<-- "snippets/page/gone.py"
        ```

        ```python
        --8<-- "snippets/page/a.py:nope"
        ```

        ```python
        --8<-- "snippets/page/a.py:part"
        ```
        """}, {"page/a.py": SNIPPET})
    problems = checks.broken_includes(docs, tmp_path)
    assert problems == [
        "docs/zh/page.md:2: include of a missing file 'snippets/page/gone.py'",
        "docs/zh/page.md:6: snippets/page/a.py has no section 'nope' "
        "(its sections: part; a section needs '# --8<-- [start:nope]' and '# --8<-- [end:nope]')",
    ]


def test_unused_snippet_is_named(tmp_path):
    docs, snippets = make_tree(
        tmp_path,
        {"zh/page.md": '```text\n--8<-- "snippets/page/b.py" output\n```\n'},
        {"page/a.py": SNIPPET, "page/b.py": SNIPPET},
    )
    # b.py's output is shown but its code is not; a.py is not used at all.
    assert checks.unused_snippets(docs, snippets, tmp_path) == [
        "snippets/page/a.py:1: no page includes this snippet; show it on its page or delete it",
        "snippets/page/b.py:1: no page includes this snippet; show it on its page or delete it",
    ]


def test_every_snippet_on_an_article_page_shows_its_output():
    """Articles show what their code prints (notebook pages show it by executing the cells)."""
    missing = []
    for page in checks.markdown_pages(DOCS):
        if "notebooks" in page.parts:
            continue
        includes = checks.page_includes(page)
        shown = {i.path for i in includes if not i.output}
        printed = {i.path for i in includes if i.output}
        missing += [f"{page.relative_to(ROOT)}: shows {path} but not its output" for path in sorted(shown - printed)]
    assert not missing, "\n".join(missing)
