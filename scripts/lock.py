"""Regenerate the hash-checked locks from the direct dependencies, with uv:

    pip install uv && python3 scripts/lock.py      # needs the network

requirements/site.in -> site.txt        building the site; torch's CPU build
requirements/test.in -> test.txt        the tests (test.in includes site.in); CPU build
requirements/test.in -> test-cuda.txt   the GPU job: torch's CUDA build with its nvidia-* and
                                        triton wheels (CPython 3.11, Linux x86_64)
requirements/lab.in  -> lab.txt         `dev.py lab`: the tests' environment and JupyterLab

site.txt, test.txt and lab.txt are universal (any OS, CPython 3.11 or newer). Their torch is the
"+cpu" build from PyTorch's CPU wheel index (macOS: the plain wheel, CPU-only already), pinned
in torch-cpu.txt, with the digests that index lists, kept in torch-cpu.sha256: uv sees only
the wheels the machine can reach, and a lock must accept each platform's own. Every package
keeps the version the previous lock had unless a direct dependency asks for another (delete
its line from the lock to let it move). Extra arguments go to every `uv pip compile`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "requirements"
# Where torch's CPU wheels come from: PyTorch's index, or a mirror of it (TORCH_CPU_INDEX, a
# URL or a local folder of wheels).
CPU_INDEX = os.environ.get("TORCH_CPU_INDEX", "https://download.pytorch.org/whl/cpu")
LOCKS = [  # (input, lock, CPU build?)
    ("site.in", "site.txt", True),
    ("test.in", "test.txt", True),
    ("test.in", "test-cuda.txt", False),
    ("lab.in", "lab.txt", True),
]
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")


def previous_pins(lock: Path, keep_torch: bool) -> str:
    """``name==version`` of every package of a previous lock (torch only if kept)."""
    if not lock.exists():
        return ""
    pins = [m[0] for line in lock.read_text(encoding="utf-8").splitlines() if (m := PIN.match(line))]
    return "\n".join(p for p in pins if keep_torch or not p.lower().startswith("torch=="))


def torch_digests() -> dict[bool, list[str]]:
    """torch-cpu.sha256: {+cpu build?: [digest, ...]}."""
    table: dict[bool, list[str]] = {True: [], False: []}
    for line in (HERE / "torch-cpu.sha256").read_text(encoding="utf-8").splitlines():
        digest, name = line.split()
        table["+cpu-" in name].append(digest)
    return table


def with_recorded_torch_hashes(text: str) -> str:
    """Each torch entry of a CPU lock gets the digests of every wheel its pin admits."""
    digests = torch_digests()

    def entry(match: re.Match) -> str:
        hashes = "".join(f" \\\n    --hash=sha256:{d}" for d in digests["+cpu" in match["pin"]])
        return match["pin"] + hashes + "\n"

    return re.sub(r"^(?P<pin>torch==[^\\\n]*?) \\\n(?:    --hash=sha256:\w+(?: \\)?\n)+", entry, text, flags=re.M)


def compile_lock(source: str, lock: str, cpu: bool, extra: list[str]) -> None:
    uv = shutil.which("uv") or sys.exit("uv is needed: pip install uv")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as pins:
        pins.write(previous_pins(HERE / lock, keep_torch=not cpu))
    command = [
        uv, "pip", "compile", source, "--output-file", lock, "--quiet", "--generate-hashes",
        "--no-header", "--no-annotate", "--constraint", pins.name,
    ]
    if cpu:
        source_of_torch = ["--find-links", CPU_INDEX] if Path(CPU_INDEX).is_dir() else ["--extra-index-url", CPU_INDEX]
        command += ["--universal", "--python-version", "3.11.5", "--override", "torch-cpu.txt",
                    *source_of_torch, "--index-strategy", "unsafe-best-match"]
    else:
        command += ["--python-version", "3.11.7", "--python-platform", "x86_64-manylinux_2_28"]
    try:
        subprocess.run([*command, *extra], cwd=HERE, check=True)
    finally:
        Path(pins.name).unlink()
    if cpu:
        path = HERE / lock
        path.write_text(with_recorded_torch_hashes(path.read_text(encoding="utf-8")), encoding="utf-8")


def main(extra: list[str]) -> None:
    for source, lock, cpu in LOCKS:
        compile_lock(source, lock, cpu, extra)
        print(f"wrote requirements/{lock}")


if __name__ == "__main__":
    main(sys.argv[1:])
