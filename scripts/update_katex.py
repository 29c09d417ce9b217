"""Vendor a KaTeX release into vendor/katex/.

Usage:  python scripts/update_katex.py 0.19.1

Fetches the release with `npm pack katex@VERSION` (npm's configured registry, no
other host), and keeps only what the site needs:

- katex.min.js   used at build time only, by hooks/katex_render.py (never shipped);
- auto-render.min.js  used only by benchmarks/bench.py, to build the client-side baseline;
- katex.min.css  shipped to readers, rewritten to reference the woff2 fonts alone
                 (every browser the site supports reads woff2, so the woff/ttf
                 fallbacks would be dead weight);
- fonts/*.woff2  shipped to readers;
- LICENSE, VERSION.

Run the test suite afterwards: tests/site/test_math.py renders formulas with the
new release and checks the CSS's font references resolve.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

DEST = Path(__file__).resolve().parent.parent / "vendor" / "katex"


def strip_legacy_fonts(css: str) -> str:
    """Keep only the woff2 source of each @font-face rule."""
    return re.sub(
        r'src:\s*url\((fonts/[^)]+\.woff2)\)\s*format\("woff2"\)[^;}]*',
        r'src:url(\1) format("woff2")',
        css,
    )


def main(version: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"katex@{version}", "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        (tarball,) = Path(tmp).glob("katex-*.tgz")
        data = tarball.read_bytes()
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        members = {m.name.removeprefix("package/"): m for m in tar.getmembers() if m.isfile()}

        def read(name: str) -> bytes:
            return tar.extractfile(members[name]).read()

        if DEST.exists():
            shutil.rmtree(DEST)
        (DEST / "fonts").mkdir(parents=True)
        (DEST / "katex.min.js").write_bytes(read("dist/katex.min.js"))
        (DEST / "auto-render.min.js").write_bytes(read("dist/contrib/auto-render.min.js"))
        css = strip_legacy_fonts(read("dist/katex.min.css").decode())
        (DEST / "katex.min.css").write_text(css, encoding="utf-8")
        for name in members:
            if name.startswith("dist/fonts/") and name.endswith(".woff2"):
                (DEST / "fonts" / Path(name).name).write_bytes(read(name))
        (DEST / "LICENSE").write_bytes(read("LICENSE"))
    (DEST / "VERSION").write_text(version + "\n", encoding="utf-8")
    print(f"KaTeX {version} vendored into {DEST.relative_to(Path.cwd()) if DEST.is_relative_to(Path.cwd()) else DEST}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
