"""Keep the build log to the lines that matter: drop the INFO lines that every build repeats.

- mkdocs-static-i18n logs each per-language setting it applies ("Overriding 'en' config …");
- git-revision-date-localized logs each page that has no commit yet and each copy of the
  project without .git (it falls back to the build date, as configured);
- MkDocs logs "Template skipped" for the 404 template of the second language, which
  hooks/per_language_templates.py writes itself;
- jieba (the search plugin's Chinese segmenter) prints its dictionary loading to stderr.

Warnings and errors always pass; `mkdocs build --verbose` shows everything."""

from __future__ import annotations

import logging

NOISE = (
    "Overriding '",
    "has no git logs",
    "Unable to find a git directory",
    "Template skipped:",
)


class DropNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        message = record.getMessage()
        return not any(noise in message for noise in NOISE)


def on_startup(command, dirty) -> None:
    if logging.getLogger("mkdocs").getEffectiveLevel() < logging.INFO:  # --verbose: keep all
        return
    for handler in logging.getLogger("mkdocs").handlers:
        if not any(isinstance(f, DropNoise) for f in handler.filters):
            handler.addFilter(DropNoise())
    logging.getLogger("jieba").setLevel(logging.WARNING)
