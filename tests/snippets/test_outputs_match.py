"""Where a page shows what a snippet prints, the built page holds exactly what a fresh run
on CPU prints now (the build caches runs; a stale cache would show here)."""

from __future__ import annotations

import html

import pytest
from bs4 import BeautifulSoup

from hooks import snippet_output
from hooks.snippets_lib import ROOT
from hooks.source_checks import markdown_pages, page_includes

OUTPUTS = [i for page in markdown_pages(ROOT / "docs") for i in page_includes(page) if i.output]


def built_path(include) -> str:
    relative = include.page.relative_to(ROOT / "docs")
    language, *rest = relative.parts
    name = "/".join(rest)[: -len(".md")]
    if name == "index" or name.endswith("/index"):  # a folder's index.md is the folder's page
        name = name[: -len("index")].rstrip("/")
    url = name + "/" if name else ""
    return url if language == "zh" else f"en/{url}"


def code_blocks(soup: BeautifulSoup) -> set[str]:
    return {pre.get_text().strip("\n") for pre in soup.select("pre")}


SHOWN: dict = {}  # page -> its code blocks, read once: a page shows up to 30 outputs


def mismatch(blocks: set[str], expected: str, include) -> str | None:
    if expected.strip("\n") in blocks:
        return None
    return f"{include.where}: the page does not show what {include.path} prints now:\n{expected}"


@pytest.mark.parametrize("include", OUTPUTS, ids=[i.where for i in OUTPUTS])
def test_shown_output_equals_a_fresh_run(built_site, include, cpu_runs):
    # The last run: where the build shows this session's first run (an output the cache did
    # not hold), a comparison with it could not fail, and the session made a second one, in a
    # process forked anew (tests/conftest.py, CpuRuns); elsewhere the page shows an earlier
    # session's run and the first run is fresh.
    fresh = cpu_runs[ROOT / include.path][-1]
    assert fresh.returncode == 0, fresh.stderr[-2000:]
    page = built_path(include)
    if page not in SHOWN:
        SHOWN[page] = code_blocks(built_site.soup(page))
    problem = mismatch(SHOWN[page], fresh.stdout, include)
    assert problem is None, problem


def test_some_page_shows_an_output():
    assert OUTPUTS


SHOWN_SNIPPETS = sorted({(ROOT / include.path).resolve() for include in OUTPUTS})


@pytest.mark.parametrize("path", SHOWN_SNIPPETS, ids=[p.relative_to(ROOT / "snippets").as_posix() for p in SHOWN_SNIPPETS])
def test_shown_outputs_print_the_same_twice(path, cpu_runs):
    """What a page shows is deterministic on CPU, or a fresh run could never match it: two runs
    of the session, or, where the output cache held the snippet's output when the session began,
    this session's run and that earlier one (tests/conftest.py, CpuRuns)."""
    runs = cpu_runs[path]
    first, second = (runs[0].stdout, runs[1].stdout) if len(runs) == 2 else (snippet_output.cached_stdout(path), runs[0].stdout)
    assert first is not None, f"{path.relative_to(ROOT)}: run once, for the cache held its output, which is gone now"
    assert first == second, nondeterminism_report(path, first, second)


def nondeterminism_report(path, first: str, second: str) -> str:
    import difflib

    diff = "\n".join(difflib.unified_diff(first.splitlines(), second.splitlines(), "run 1", "run 2", lineterm="", n=1))
    return (
        f"{path.relative_to(ROOT)} printed different text in two runs; seed what it draws "
        "(torch.manual_seed(0), and random / numpy if it uses them), do not print times or "
        f"addresses, and round what varies in the last digits:\n{diff}"
    )


# --- planted faults -------------------------------------------------------------------


def test_a_snippet_left_to_chance_is_reported_with_a_hint_and_a_diff():
    path = ROOT / "snippets" / "planted.py"
    report = nondeterminism_report(path, "mean 0.12\nsame\n", "mean 0.57\nsame\n")
    assert report.startswith("snippets/planted.py printed different text in two runs; seed what it draws")
    assert "-mean 0.12\n+mean 0.57" in report


def test_a_stale_output_is_reported(built_site, cpu_runs):
    include = OUTPUTS[0]
    page = built_site.page(built_path(include))
    fresh = cpu_runs[ROOT / include.path][0].stdout
    shown = html.escape(fresh.splitlines()[0], quote=False)
    assert shown in page
    stale = page.replace(shown, shown + " (from an older run)", 1)
    assert mismatch(code_blocks(BeautifulSoup(stale, "html.parser")), fresh, include).startswith(f"{include.where}: the page does not show what")


@pytest.mark.parametrize("front_matter", ["", "---\ndescription: A page.\n---\n\n"], ids=["bare", "front-matter"])
def test_a_raising_snippet_fails_the_build_naming_every_page_line(tmp_path, front_matter):
    from mkdocs.utils.meta import get_data

    snippet = tmp_path / "raises.py"
    snippet.write_text("raise SystemExit('planted: no output')\n", encoding="utf-8")
    docs = tmp_path / "docs"
    text = front_matter + f'# P\n\n```text\n--8<-- "{snippet}" output\n```\n'
    for language in ("en", "zh"):
        (docs / language).mkdir(parents=True)
        (docs / language / "p.md").write_text(text, encoding="utf-8")
    line = text.split("\n").index(f'--8<-- "{snippet}" output') + 1

    class Stub:
        pass

    page, config = Stub(), Stub()
    page.file = Stub()
    page.file.src_uri = "en/p.md"
    config.docs_dir = str(docs)
    markdown, _ = get_data(text)  # what MkDocs hands the hook: no front matter, and
    markdown = "<p>a formula another hook rendered</p>\n" + markdown.replace("# P\n\n", "# P\n")  # reshaped
    with pytest.raises(Exception) as failure:
        snippet_output.on_page_markdown(markdown, page, config, None)
    message = str(failure.value)
    assert message.startswith(f"{docs / 'en' / 'p.md'}:{line}: ")
    assert "exited with status 1" in message and "planted: no output" in message
    assert f"(shown on: {docs / 'en' / 'p.md'}:{line}, {docs / 'zh' / 'p.md'}:{line})" in message


def test_a_publishing_build_runs_nothing_the_tests_did_not_run(tmp_path, monkeypatch, after_session_build):
    # after_session_build: this patches hooks.snippet_output, which the session's build thread uses until then
    snippet = ROOT / "snippets" / "bn-vs-ln" / "never-run-by-the-tests.py"
    monkeypatch.setattr(snippet_output, "cache_key", lambda path: "no-such-entry")
    monkeypatch.setattr(snippet_output, "_run_into_cache", lambda path: pytest.fail("a snippet was run"))
    monkeypatch.setenv("REQUIRE_CACHED_OUTPUTS", "1")
    with pytest.raises(Exception, match="docs/en/p.md:4: no verified output of snippets/bn-vs-ln/never-run-by-the-tests.py"):
        snippet_output.snippet_stdout(snippet, "docs/en/p.md:4")


def test_a_cached_output_goes_stale_with_what_the_snippet_imports_or_reads(tmp_path):
    """The cache key covers the snippet, the modules it imports from its folder (and theirs),
    and the data files under the folder; not a neighbour it does not import."""
    (tmp_path / "data").mkdir()
    files = {
        "shown.py": "from helper import value\nprint(value())\n",
        "helper.py": "import deeper\ndef value():\n    return deeper.N\n",
        "deeper.py": "N = 1\n",
        "neighbour.py": "print('unrelated')\n",
        "data/table.txt": "1 2 3\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    shown = tmp_path / "shown.py"
    assert [p.name for p in snippet_output.inputs_of(shown)] == ["shown.py", "deeper.py", "helper.py", "table.txt"]

    keys = [snippet_output.cache_key(shown)]
    for name, text in [("neighbour.py", "print('edited')\n"), ("deeper.py", "N = 2\n"), ("data/table.txt", "4\n")]:
        (tmp_path / name).write_text(text, encoding="utf-8")
        keys.append(snippet_output.cache_key(shown))
    assert keys[1] == keys[0], "a neighbour the snippet does not import leaves its output valid"
    assert len(set(keys[1:])) == 3, "an imported module or a data file changes the key"


def test_a_module_imported_from_a_folder_put_on_sys_path_is_an_input(tmp_path, monkeypatch, after_session_build):
    # after_session_build: this patches hooks.snippet_output, which the session's build thread uses until then
    """powernorm_backward.py imports lab and powernorm after sys.path.insert(0, "snippets/experiments")."""
    monkeypatch.setattr(snippet_output, "ROOT", tmp_path)
    (tmp_path / "snippets" / "page").mkdir(parents=True)
    (tmp_path / "snippets" / "shared").mkdir()
    shown = tmp_path / "snippets" / "page" / "shown.py"
    shown.write_text('import sys\nsys.path.insert(0, "snippets/shared")\nfrom helper import N\nprint(N)\n', encoding="utf-8")
    helper = tmp_path / "snippets" / "shared" / "helper.py"
    helper.write_text("N = 1\n", encoding="utf-8")
    assert helper in snippet_output.inputs_of(shown)
    before = snippet_output.cache_key(shown)
    helper.write_text("N = 2\n", encoding="utf-8")
    assert snippet_output.cache_key(shown) != before, "a change to the imported module makes the output stale"
