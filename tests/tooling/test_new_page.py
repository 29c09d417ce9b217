"""`python3 dev.py new NAME` scaffolds a page that passes the source checks, runs, and builds
strictly as it stands; it refuses a bad name and never overwrites."""

from __future__ import annotations

import sys

import pytest

from hooks import source_checks
from hooks.refuse_mistakes import problems_in
from hooks.snippets_lib import includes_in
from tests.conftest import ROOT, build_site, copy_project, pages_config
from tests.content.test_copywriting import autocorrect_problems

sys.path.insert(0, str(ROOT))
from scripts.new_page import main as new_page  # noqa: E402


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("new") / "project", with_cache=False)
    assert new_page(["demo-page"], root=project) == 0
    return project


def test_the_scaffold_passes_the_source_checks(scaffolded):
    docs = scaffolded / "docs"
    problems = [
        *problems_in(docs, scaffolded),
        *source_checks.include_mismatches(docs, scaffolded),
        *source_checks.structure_mismatches(docs, scaffolded),
        *source_checks.unused_snippets(docs, scaffolded / "snippets", scaffolded),
    ]
    assert not problems, "\n".join(problems)
    assert not autocorrect_problems([docs / "zh" / "demo-page.md"], root=scaffolded)
    assert "  - demo-page.md\n  - faq.md" in (scaffolded / "mkdocs.yml").read_text(encoding="utf-8")


def test_the_scaffolded_snippet_runs_and_asserts(scaffolded):
    """Both runs forked from one Python that has imported torch, each as `python FILE` runs
    (hooks/forked_runs.py; tests/snippets/test_forked_runs.py shows that it sees what a script sees)."""
    from hooks.forked_runs import ForkServer

    snippet = scaffolded / "snippets" / "demo-page" / "demo_page.py"
    broken = snippet.read_text(encoding="utf-8").replace("means = bn(x)", "means = x")
    planted = snippet.with_name("planted.py")
    planted.write_text(broken, encoding="utf-8")
    with ForkServer() as server:
        done, failed = server.run(snippet, 120), server.run(planted, 120)
    planted.unlink()
    assert done.returncode == 0, done.stderr
    assert "channel means after:  [0.0, 0.0, 0.0, 0.0]" in done.stdout
    assert failed.returncode != 0 and "BatchNorm centres every channel" in failed.stderr


@pytest.mark.slow
def test_the_scaffold_builds_strictly(scaffolded, tmp_path):
    done = build_site(scaffolded, tmp_path / "site", config=pages_config(["demo-page"], root=scaffolded))
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    for prefix, title in (("", "输出"), ("en/", "Output")):
        html = (tmp_path / "site" / prefix / "demo-page" / "index.html").read_text(encoding="utf-8")
        assert 'class="katex"' in html and "channel means after:" in html and title in html
    # A build of a few pages runs only the snippets those pages show, not the whole site's.
    shown = {include.path for page in scaffolded.glob("docs/*/*.md") if page.stem in {"demo-page", "index"}
             for include in includes_in(page) if include.output}
    ran = list((scaffolded / ".cache" / "snippet-output").glob("*.txt"))
    assert shown and len(ran) == len(shown), (sorted(shown), len(ran))


def test_a_bad_name_or_an_existing_page_is_refused(scaffolded, capsys):
    assert new_page(["Demo Page"], root=scaffolded) == 2
    assert new_page(["demo-page"], root=scaffolded) == 1
    assert "not overwriting: docs/en/demo-page.md" in capsys.readouterr().out
