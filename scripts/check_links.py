"""Check the external links of every page (needs the network; not part of the test suite).

    python3 dev.py links              # report every external link that does not answer 2xx/3xx
    python3 dev.py links --timeout 20

Internal links and anchors are checked by every strict build (see mkdocs.yml `validation`);
external ones change on their own, so they are checked here, on demand. Without network access
the script says so and exits 0: nothing can be concluded about the links.
"""

from __future__ import annotations

import argparse
import re
import socket
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\]\((https?://[^)\s]+)\)")


def external_links(docs: Path) -> dict[str, list[str]]:
    """url -> ['docs/…:line', …] for every Markdown link to another site."""
    found: dict[str, list[str]] = {}
    for page in sorted(docs.rglob("*.md")):
        for number, line in enumerate(page.read_text(encoding="utf-8").split("\n"), 1):
            for url in LINK.findall(line):
                found.setdefault(url, []).append(f"{page.relative_to(ROOT)}:{number}")
    return found


def status(url: str, timeout: float) -> str | None:
    """None when the link works, else what went wrong."""
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "link-check"})
    try:
        with urllib.request.urlopen(request, timeout=timeout):
            return None
    except urllib.error.HTTPError as error:
        if error.code in {403, 405, 429}:  # servers that refuse HEAD or robots: try a GET
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": "link-check"}), timeout=timeout):
                    return None
            except urllib.error.HTTPError as again:
                return f"HTTP {again.code}"
            except OSError as again:
                return str(again)
        return f"HTTP {error.code}"
    except OSError as error:
        return str(error)


def online(timeout: float) -> bool:
    try:
        socket.create_connection(("arxiv.org", 443), timeout=timeout).close()
        return True
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timeout", type=float, default=10)
    options = parser.parse_args()
    links = external_links(ROOT / "docs")
    print(f"{len(links)} distinct external links")
    if not online(options.timeout):
        print("no network access: external links not checked")
        return 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(zip(links, pool.map(lambda url: status(url, options.timeout), links)))
    broken = {url: problem for url, problem in results.items() if problem}
    for url, problem in sorted(broken.items()):
        print(f"{', '.join(links[url])}: {url}: {problem}")
    print(f"{len(broken)} broken of {len(links)}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
