"""Numbers quoted in the prose come from the experiments' committed results, never retyped.

A page writes ``{{ padding.rows.-1.bn_change | .2f }}``: the result file
``snippets/experiments/results/padding.cpu.json`` (``padding@cuda`` for the CUDA run), then
a path into it. A path segment is a key, a list index (``-1`` is the last), or
``field=value`` (or several, ``a=1,b=x``), which picks the first list item whose fields
have those values (``rows.batch=128.gap``). After ``|`` comes a Python format spec (``.2f``, ``.0%``, ``,``);
without one the value is shown as it is.

A reference to a missing file or key stops the build naming the page and line.
``hooks/notebook_pages.py`` applies the same substitution to notebook pages.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "snippets" / "experiments" / "results"
# A path segment: a key or index, or field=value conditions whose values may be decimals (0.5).
SEGMENT = re.compile(r"\w+=[\w-]*(?:\.\d+)?(?:,\w+=[\w-]*(?:\.\d+)?)*|[\w@-]+")
MARKER = re.compile(r"\{\{\s*(?P<ref>[A-Za-z0-9_@.=,\-]+)\s*(?:\|\s*(?P<spec>[^}]*?)\s*)?\}\}")


@functools.lru_cache(maxsize=None)
def _load(name: str, device: str, mtime: float) -> dict:
    return json.loads((RESULTS / f"{name}.{device}.json").read_text(encoding="utf-8"))


def lookup(ref: str):
    head, *path = SEGMENT.findall(ref)
    if ".".join([head, *path]) != ref:
        raise KeyError(f"cannot read the path {ref!r}")
    name, _, device = head.partition("@")
    file = RESULTS / f"{name}.{device or 'cpu'}.json"
    if not file.exists():
        raise KeyError(f"no results file {file.relative_to(ROOT).as_posix()}")
    value = _load(name, device or "cpu", file.stat().st_mtime)
    for i, key in enumerate(path):
        where = ".".join([head, *path[: i + 1]])
        if isinstance(value, list) and "=" in key:
            wanted = dict(condition.partition("=")[::2] for condition in key.split(","))
            matches = [item for item in value if isinstance(item, dict) and all(str(item.get(f)) == v for f, v in wanted.items())]
            if not matches:
                raise KeyError(f"no item with {key} at {where}")
            value = matches[0]
        elif isinstance(value, list) and re.fullmatch(r"-?\d+", key):
            try:
                value = value[int(key)]
            except IndexError:
                raise KeyError(f"index {key} out of range at {where}") from None
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            raise KeyError(f"nothing at {where}")
    return value


def fill(text: str, page: str) -> str:
    """Replace every marker in ``text`` (the Markdown of ``page``, for error messages)."""
    out = []
    for lineno, line in enumerate(text.split("\n"), 1):
        def replace(match: re.Match) -> str:
            try:
                value = lookup(match["ref"])
                return format(value, match["spec"] or "")
            except (KeyError, ValueError, TypeError) as error:
                message = error.args[0] if error.args else str(error)
                raise PluginError(f"{page}:{lineno}: result {match[0]!r}: {message}") from None

        out.append(MARKER.sub(replace, line))
    return "\n".join(out)


VERDICTS = re.compile(r"^\{\{\s*verdicts:\s*(?P<name>[\w@]+)\s*\}\}$")
HEAD = {"en": ("Claim", "Verdict", "Evidence from the published run"), "zh": ("论断", "结论", "依据（公布的运行中的数字）")}
WORD = {"en": {"supported": "✅ supported", "rejected": "❌ rejected"}, "zh": {"supported": "✅ 成立", "rejected": "❌ 不成立"}}


def verdict_table(name: str, lang: str) -> str:
    """A line `{{ verdicts: char_lm }}` becomes the table of that experiment's claims, each with
    the verdict its full run recorded and the numbers behind it, in the page's language."""
    claims = lookup(f"{name}.claims")
    head = HEAD[lang]
    rows = [f"| {head[0]} | {head[1]} | {head[2]} |", "| --- | --- | --- |"]
    for c in claims:
        rows.append(f"| {c[lang]} | {WORD[lang][c['verdict']]} | {c['evidence'].replace('|', '/')} |")
    return "\n".join(rows)


def on_page_markdown(markdown: str, page, config, files) -> str:
    if "{{" not in markdown:
        return markdown
    src = f"docs/{page.file.src_uri}" if not page.file.src_uri.startswith("docs/") else page.file.src_uri
    lang = "en" if "/en/" in f"/{src}" else "zh"
    lines = markdown.split("\n")
    for i, line in enumerate(lines):
        match = VERDICTS.match(line.strip())
        if match:
            try:
                lines[i] = verdict_table(match["name"], lang)
            except KeyError as error:
                raise PluginError(f"{src}:{i + 1}: verdicts of {match['name']!r}: {error.args[0]}") from None
    return fill("\n".join(lines), src)
