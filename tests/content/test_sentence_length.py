"""English prose reads as plain English: no sentence runs over 55 words.

Words are counted in the prose a reader sees: front matter, code fences, display math
($$ … $$), tables, headings, HTML comments and include lines are left out; a link counts
as its text (not its target), an image as its alt text, a `{{ result }}` marker as one word (it prints a number).
An inline formula counts its space-separated pieces, as a reader reads them out. A
paragraph (or a list item) is split into sentences at ". ", "? " or "! " (a closing **, quote
or parenthesis may follow the mark) followed by a capital letter, a digit, a formula or inline code
(after any opening ** or quote)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT

EN_PAGES = sorted((ROOT / "docs" / "en").rglob("*.md"))
LIMIT = 55

FENCE = re.compile(r"^\s*(```|~~~)")
BLOCKQUOTE = re.compile(r"^\s*(?:>\s?)+")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")
ADMONITION = re.compile(r'^\s*(?:!!!|\?\?\?\+?)\s*\w[\w-]*(?:\s+"(.*)")?\s*$')
SENTENCE_END = re.compile(r'(?<=[.?!])(?:\*\*|["”’)])*\s+(?=(?:\*\*|["“‘(\[])*[A-Z0-9$`])')


def _inline_prose(line: str) -> str:
    """The text a reader sees on one line: links by their text, a result marker as one word."""
    line = re.sub(r"!\[(.*?)\]\([^)\s]*\)", r"\1", line)  # an image by its alt text
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)  # [text](target) -> text
    line = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", line)  # [text][ref] -> text
    line = re.sub(r"\{\{.*?\}\}", "N", line)  # a result marker prints one number
    line = re.sub(r"\{%.*?%\}", " ", line)
    line = re.sub(r"<[^>]+>", " ", line)  # HTML tags
    line = re.sub(r"\{[#.:][^}]*\}", " ", line)  # attribute lists {#id .class}
    return line


def paragraphs(text: str):
    """Yield (first line number, prose) for each paragraph or list item of the page."""
    lines = text.split("\n")
    i = 0
    if lines and lines[0].strip() == "---":  # front matter
        i = 1
        while i < len(lines) and lines[i].strip() != "---":
            i += 1
        i += 1
    fence = None
    in_math = False
    in_comment = False
    current: list[str] = []
    start = 0

    def flush():
        nonlocal current
        if current:
            yield start, " ".join(current)
        current = []

    for number in range(i, len(lines)):
        raw = BLOCKQUOTE.sub("", lines[number])
        stripped = raw.strip()
        if fence:
            if stripped.startswith(fence):
                fence = None
            continue
        if (match := FENCE.match(raw)):
            yield from flush()
            fence = match.group(1)
            continue
        if in_comment:
            in_comment = "-->" not in stripped
            continue
        if stripped.startswith("<!--"):
            yield from flush()
            in_comment = "-->" not in stripped
            continue
        if in_math:
            in_math = not stripped.endswith("$$")
            continue
        if stripped.startswith("$$"):
            yield from flush()
            in_math = not (len(stripped) > 2 and stripped.endswith("$$"))
            continue
        if not stripped or stripped.startswith(("#", "|", "--8<--")) or set(stripped) <= set("-=*_"):
            yield from flush()
            continue
        if (match := ADMONITION.match(raw)):
            yield from flush()
            if match.group(1):
                yield number + 1, match.group(1)
            continue
        if LIST_ITEM.match(raw):
            yield from flush()
            stripped = LIST_ITEM.sub("", raw).strip()
        if not current:
            start = number + 1
        current.append(_inline_prose(stripped))
    yield from flush()


def sentences(text: str):
    """Yield (line number, sentence) for the English prose of a page."""
    for line, paragraph in paragraphs(text):
        for sentence in SENTENCE_END.split(paragraph):
            if sentence.strip():
                yield line, sentence.strip()


def word_count(sentence: str) -> int:
    return sum(1 for word in sentence.split() if re.search(r"\w", word))


def long_sentences(paths, root: Path = ROOT, limit: int = LIMIT) -> list[str]:
    problems = []
    for path in paths:
        for line, sentence in sentences(path.read_text(encoding="utf-8")):
            if (words := word_count(sentence)) > limit:
                problems.append(f"{path.relative_to(root).as_posix()}:{line}: {words} words: {sentence[:80]}…")
    return problems


def test_english_sentences_are_at_most_55_words():
    problems = long_sentences(EN_PAGES)
    assert not problems, "\n".join(problems)


# --- planted faults -------------------------------------------------------------------


def test_long_sentence_is_named_with_page_line_and_count(tmp_path):
    long = " ".join(["word"] * 56)
    page = tmp_path / "docs" / "en" / "p.md"
    page.parent.mkdir(parents=True)
    page.write_text(
        "---\ndescription: A page.\n---\n\n# Title\n\n"
        f"A short one. Words {' '.join(['word'] * 54)}.\n\n"  # 55 words: allowed
        f"Short again. The [link](a/very/long/target.md) counts as its text: {long}.\n",
        encoding="utf-8",
    )
    (problem,) = long_sentences([page], root=tmp_path)
    assert problem.startswith("docs/en/p.md:9: 62 words: The link counts as its text: word"), problem


def test_code_math_tables_and_headings_are_not_prose(tmp_path):
    long = " ".join(["word"] * 60)
    page = tmp_path / "p.md"
    page.write_text(
        f"# {long}\n\n```python\n# {long}\n```\n\n$$\n{long}\n$$\n\n| {long} |\n| --- |\n\n<!-- {long} -->\n\nFine.\n",
        encoding="utf-8",
    )
    assert long_sentences([page], root=tmp_path) == []


def test_bold_lead_in_ends_a_sentence_and_quoted_lists_are_prose(tmp_path):
    page = tmp_path / "p.md"
    page.write_text(
        f"> 1. **A lead-in of six words here.** Then {' '.join(['word'] * 50)}.\n"
        f"> 2. **Second.** Then {' '.join(['word'] * 55)} (in parentheses).\n",
        encoding="utf-8",
    )
    (problem,) = long_sentences([page], root=tmp_path)
    assert problem.startswith("p.md:2: 58 words: Then word"), problem
