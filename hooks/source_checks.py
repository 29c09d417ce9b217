"""Checks of the Markdown sources. Each returns a list of problems, 'path:line: what'.

They take the folders to look at as arguments, so the tests run them on the real tree
(expecting no problem) and on temporary trees with a planted fault (expecting it named);
the build runs the cheap ones too (hooks/refuse_mistakes.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from hooks.snippets_lib import LANGUAGES, SECTION_MARK, includes_in, parse_include

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>`{3,}|~{3,})(?P<info>.*)$")


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def markdown_pages(docs: Path) -> list[Path]:
    return sorted(docs.rglob("*.md"))


def fenced_blocks(text: str):
    """Yield (line number of the opening fence, [(line number, line), ...]) for each fenced block."""
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        start, mark = index + 1, opening["mark"]
        closing = re.compile(r"^[ \t]*" + re.escape(mark[0]) + "{" + str(len(mark)) + r",}[ \t]*$")
        body = []
        index += 1
        while index < len(lines) and not closing.match(lines[index]):
            body.append((index + 1, lines[index]))
            index += 1
        yield start, body
        index += 1


def code_typed_into_pages(docs: Path, root: Path) -> list[str]:
    """Fenced blocks with anything but include lines in them: code must come from snippets/."""
    problems = []
    for page in markdown_pages(docs):
        for start, body in fenced_blocks(page.read_text(encoding="utf-8")):
            for lineno, line in body:
                if line.strip() and parse_include(line, page, lineno) is None:
                    problems.append(
                        f"{_rel(page, root)}:{lineno}: code typed into the page; put it in snippets/ "
                        f'and include it with --8<-- "snippets/…" (block opened at line {start})'
                    )
                    break
    return problems


# Include lines of a page, in order (also those outside fences: pymdownx expands those too).
page_includes = includes_in


def sections_of(snippet: Path) -> set[str]:
    starts, ends = set(), set()
    for match in SECTION_MARK.finditer(snippet.read_text(encoding="utf-8")):
        (starts if match["kind"] == "start" else ends).add(match["name"])
    return starts & ends


def broken_includes(docs: Path, root: Path) -> list[str]:
    """Includes of a file or a section that does not exist."""
    problems = []
    for page in markdown_pages(docs):
        for include in page_includes(page):
            where = f"{_rel(page, root)}:{include.line}"
            target = root / include.path
            if not include.path.startswith("snippets/"):
                problems.append(f"{where}: include {include.path!r} is outside snippets/")
            elif not target.is_file():
                problems.append(f"{where}: include of a missing file {include.path!r}")
            elif include.output and include.section:
                problems.append(f"{where}: an output line shows a whole snippet, not the section {include.section!r}")
            elif include.section and include.section not in (found := sections_of(target)):
                has = ", ".join(sorted(found)) if found else "none"
                problems.append(
                    f"{where}: {include.path} has no section {include.section!r} (its sections: {has}; "
                    f"a section needs '# --8<-- [start:{include.section}]' and '# --8<-- [end:{include.section}]')"
                )
    return problems


def unused_snippets(docs: Path, snippets: Path, root: Path) -> list[str]:
    """Snippet files that no page shows (showing only a snippet's output does not count)."""
    shown = {
        (root / include.path).resolve()
        for page in markdown_pages(docs)
        for include in page_includes(page)
        if not include.output
    }
    return [
        f"{_rel(snippet, root)}:1: no page includes this snippet; show it on its page or delete it"
        for snippet in sorted(snippets.rglob("*.py"))
        if snippet.resolve() not in shown
    ]


FRONT_MATTER = re.compile(r"\A---\n(?P<body>.*?)\n---\n", re.S)


def missing_descriptions(docs: Path, root: Path) -> list[str]:
    """Every page has its own front matter `description:` (for search engines and link previews)."""
    problems = []
    for page in markdown_pages(docs):
        match = FRONT_MATTER.match(page.read_text(encoding="utf-8"))
        if not match or not re.search(r"^[ \t]*description:[ \t]*\S", match["body"], re.M):
            problems.append(
                f"{_rel(page, root)}:1: no `description:` in the front matter; start the page with\n"
                "---\ndescription: One sentence on what the page explains, in the page's language.\n---"
            )
    return problems


def pages_by_language(docs: Path) -> dict[str, set[str]]:
    return {
        language: {_rel(page, docs / language) for page in markdown_pages(docs / language)}
        for language in LANGUAGES
    }


def pages_without_twin(docs: Path, root: Path) -> list[str]:
    by_language = pages_by_language(docs)
    problems = []
    for language, names in by_language.items():
        for other, other_names in by_language.items():
            for name in sorted(names - other_names):
                problems.append(
                    f"{_rel(docs / language / name, root)}:1: no {other} twin "
                    f"(expected {_rel(docs / other / name, root)})"
                )
    return problems


def include_mismatches(docs: Path, root: Path) -> list[str]:
    """A page and its twin must include the same snippets, sections and outputs, in order."""
    problems = []
    first, *others = LANGUAGES
    for name in sorted(pages_by_language(docs)[first]):
        reference = docs / first / name
        expected = [(i.path, i.section, i.output) for i in page_includes(reference)]
        for language in others:
            twin = docs / language / name
            if not twin.exists():
                continue  # reported by pages_without_twin
            found = page_includes(twin)
            got = [(i.path, i.section, i.output) for i in found]
            if got == expected:
                continue
            position = next((k for k, (a, b) in enumerate(zip(expected, got)) if a != b), min(len(expected), len(got)))
            line = found[position].line if position < len(found) else len(twin.read_text(encoding="utf-8").split("\n"))
            want = expected[position] if position < len(expected) else "nothing more"
            problems.append(
                f"{_rel(twin, root)}:{line}: include #{position + 1} differs from {_rel(reference, root)} "
                f"(expected {want}, found {got[position] if position < len(got) else 'nothing'})"
            )
    return problems


HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
FORMULA = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$[^$\n]+?\$", re.S)


def _prose_lines(text: str):
    """(line number, line) outside fenced blocks and front matter."""
    lines = text.split("\n")
    inside = {n for _, body in fenced_blocks(text) for n, _ in body}
    fences = {start for start, _ in fenced_blocks(text)}
    start = 0
    if lines and lines[0].strip() == "---":  # front matter
        start = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0) + 1
    for number, line in enumerate(lines[start:], start + 1):
        if number not in inside and number not in fences and not FENCE.match(line):
            yield number, line


def headings(page: Path) -> list[tuple[int, int, str]]:
    """(line, level, text) of each Markdown heading outside code."""
    return [
        (number, len(m[1]), m[2])
        for number, line in _prose_lines(page.read_text(encoding="utf-8"))
        if (m := HEADING.match(line))
    ]


def formula_count(page: Path) -> int:
    prose = "\n".join(line for _, line in _prose_lines(page.read_text(encoding="utf-8")))
    prose = re.sub(r"`[^`\n]*`", "", prose)  # inline code is not math
    return len(FORMULA.findall(prose))


def structure_mismatches(docs: Path, root: Path) -> list[str]:
    """Twins have the same heading outline (levels, in order) and the same number of formulas."""
    problems = []
    first, *others = LANGUAGES
    for name in sorted(pages_by_language(docs)[first]):
        reference = docs / first / name
        outline = [level for _, level, _ in headings(reference)]
        for language in others:
            twin = docs / language / name
            if not twin.exists():
                continue
            found = headings(twin)
            got = [level for _, level, _ in found]
            if got != outline:
                position = next((k for k, (a, b) in enumerate(zip(outline, got)) if a != b), min(len(outline), len(got)))
                ours = headings(reference)
                line = found[position][0] if position < len(found) else found[-1][0] if found else 1
                near = ours[position][2] if position < len(ours) else "(no more headings)"
                problems.append(
                    f"{_rel(twin, root)}:{line}: heading #{position + 1} does not match {_rel(reference, root)} "
                    f"(there: {near!r}); twins need the same headings at the same levels"
                )
            a, b = formula_count(reference), formula_count(twin)
            if a != b:
                problems.append(f"{_rel(twin, root)}:1: {b} formulas, but {_rel(reference, root)} has {a}")
    return problems


COVERAGE_IDS = [f"A{i}" for i in range(1, 19)] + [f"B{i}" for i in range(1, 15)] + [f"D{i}" for i in range(1, 10)]


def coverage_problems(coverage: dict, docs: Path, root: Path, expected: list[str]) -> list[str]:
    """Every coverage ID maps to a page and a heading that exist in both languages."""
    problems = [f"docs/coverage.yml: {key} is not mapped to a page and heading" for key in expected if key not in coverage]
    problems += [f"docs/coverage.yml: {key} is not a coverage ID" for key in coverage if key not in expected]
    for key, entry in coverage.items():
        if not isinstance(entry, dict) or "page" not in entry:
            problems.append(f"docs/coverage.yml: {key} needs page, zh and en")
            continue
        for language in LANGUAGES:
            page = docs / language / entry["page"]
            heading = str(entry.get(language, "")).strip()
            if not page.is_file():
                problems.append(f"docs/coverage.yml: {key}: {_rel(page, root)} does not exist")
            elif heading not in {text.strip() for _, _, text in headings(page)}:
                problems.append(f"docs/coverage.yml: {key}: no heading {heading!r} in {_rel(page, root)}")
    return problems
