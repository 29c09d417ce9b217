"""Figures are drawn from the committed results only, and the committed SVGs are exactly what
a fresh drawing gives; every figure appears on a page in each language."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from hooks.snippets_lib import DOCS, LANGUAGES, ROOT

sys.path.insert(0, str(ROOT / "snippets" / "experiments"))
import figures  # noqa: E402
import lab  # noqa: E402


def test_committed_figures_match_a_fresh_drawing(capsys):
    assert figures.main([]) == 0, capsys.readouterr().err


def test_changed_data_makes_its_figure_stale(tmp_path, monkeypatch, capsys):
    results = tmp_path / "results"
    shutil.copytree(lab.RESULTS, results)
    data = json.loads((results / "padding.cpu.json").read_text(encoding="utf-8"))
    data["rows"][-1]["bn_change"] *= 2
    (results / "padding.cpu.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(lab, "RESULTS", results)
    assert figures.main(["padding", "stat_noise"]) == 1  # two of them: every figure is drawn above
    err = capsys.readouterr().err
    assert "docs/assets/figures/experiments/padding.zh.svg" in err and "padding.en.svg" in err
    assert "stat_noise" not in err


def test_an_unknown_figure_is_refused_by_name(capsys):
    assert figures.main(["--write", "no_such_figure"]) == 2
    assert "no figure named no_such_figure" in capsys.readouterr().err


def test_figures_have_no_date_and_keep_text_as_text():
    for path in sorted(figures.OUT.glob("*.svg")):
        text = path.read_text(encoding="utf-8")
        assert "<dc:date>" not in text, path.name
        assert "<text" in text, f"{path.name}: labels were turned into paths"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(figures.FIGURES))
def test_every_figure_is_shown_in_its_language(name, lang):
    target = f"assets/figures/experiments/{name}.{lang}.svg"
    pages = [p for p in (DOCS / lang).rglob("*.md") if target in p.read_text(encoding="utf-8")]
    assert pages, f"no docs/{lang}/ page shows {target}"
