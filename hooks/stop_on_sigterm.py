"""`mkdocs serve` stopped with SIGTERM (`kill PID`) cleans up as it does on Ctrl-C.

MkDocs' serve command builds into a temporary folder and removes it, and stops its server,
in a `try … except KeyboardInterrupt … finally` block; SIGTERM's default action ends the
process without running either, leaving the folder behind (and, before dev.py exec'd the
tool, the server running). This hook turns SIGTERM into the KeyboardInterrupt that Ctrl-C
raises, once, when serve starts."""

from __future__ import annotations

import signal


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def on_startup(command, dirty) -> None:
    if command == "serve":
        signal.signal(signal.SIGTERM, _interrupt)
