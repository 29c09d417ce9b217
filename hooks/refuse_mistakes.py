"""The build refuses a page with a cheap authoring mistake, before it renders anything.

Without this hook each of these builds silently or fails late: a page in one language only
(`/en/<page>/` would then serve the other language's text under the wrong `lang`), a code
block typed into the Markdown, a page without its `description:`, and an include of a
missing file or section (pymdownx.snippets then stops the build with a long traceback that
names neither the page's line nor the sections the file has). Every problem is listed at
once, one line each, `page:line: what to do`. A page left out of `nav:` is refused by MkDocs
itself (`validation: nav: omitted_files` in mkdocs.yml).

The checks are the same functions the content tests run (hooks/source_checks.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hooks import source_checks  # noqa: E402


def problems_in(docs: Path, root: Path) -> list[str]:
    return [
        *source_checks.pages_without_twin(docs, root),
        *source_checks.missing_descriptions(docs, root),
        *source_checks.code_typed_into_pages(docs, root),
        *source_checks.broken_includes(docs, root),
    ]


def on_pre_build(config):
    docs = Path(config.docs_dir)
    problems = problems_in(docs, Path(config.config_file_path).resolve().parent)
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        raise PluginError(f"the pages have {count}:\n" + "\n".join(problems))
