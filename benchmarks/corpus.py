"""A synthetic corpus of N times the documents of sources/, for the scaling benchmark.

    .venv/bin/python benchmarks/corpus.py --scale 10 /tmp/corpus-10

Copy 0 of each document is the document as it is. Copy k > 0 is a reissue of it: a first
line naming the copy (so every line number moves on by one) and ``FIGURES_PER_COPY`` figures
of its tables changed by one in their last digit (chosen at random, seeded by k, among the
whole numbers of 1.000 and more outside total rows: the change is far inside what the checks
call a slip, so every copy publishes, and the marts get figures that differ between copies).
"""

from __future__ import annotations

import argparse
import random
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from orchestration.extract import extract_document  # noqa: E402
from orchestration.settings import source_files  # noqa: E402

FIGURES_PER_COPY = 3


def _danish(value: Decimal) -> str:
    """A whole number as the documents print it: 2851115 -> "2.851.115"."""
    return f"{int(value):,}".replace(",", ".")


def _candidates(path: Path) -> list:
    """Cells a copy may change: whole numbers of 1.000 and more, not totals, printed plainly."""
    out = []
    for c in extract_document(path).cells:
        if (
            c.value is not None
            and c.value >= 1000
            and c.value == int(c.value)
            and not c.is_total
            and c.col_start >= 0
            and c.raw.startswith(_danish(c.value))
        ):
            out.append(c)
    return out


def copy_text(text: str, name: str, k: int, candidates: list) -> str:
    """Copy k of a document's text (k = 0: the text itself)."""
    if k == 0:
        return text
    lines = text.split("\n")
    rng = random.Random(f"{name}:{k}")
    for c in rng.sample(candidates, min(FIGURES_PER_COPY, len(candidates))):
        line = lines[c.line - 1]
        old = _danish(c.value)
        if line[c.col_start : c.col_start + len(old)] == old:
            lines[c.line - 1] = line[: c.col_start] + _danish(c.value + 1) + line[c.col_start + len(old) :]
    return "\n".join([f"Kopi {k} af {name}", *lines])


def make_corpus(scale: int, out: Path, sources: Path = ROOT / "sources") -> list[Path]:
    """Write ``scale`` copies of every document of ``sources`` into ``out``; returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in source_files(sources):
        text = path.read_text(encoding="utf-8")
        candidates = _candidates(path) if scale > 1 else []
        for k in range(scale):
            target = out / f"{path.stem}_k{k:03d}{path.suffix}"
            target.write_text(copy_text(text, path.name, k, candidates), encoding="utf-8")
            written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10, help="copies of each document")
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    files = make_corpus(args.scale, args.out)
    size = sum(f.stat().st_size for f in files)
    print(f"{len(files)} documents, {size / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
