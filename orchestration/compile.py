"""Compile the extractor with mypyc: ``python -m orchestration.compile`` (``./dev`` runs it).
See ``orchestration.extract.native``; ``--status`` says whether a build matches the sources."""

import sys

from orchestration.extract.native import main

if __name__ == "__main__":
    sys.exit(main(["status" if "--status" in sys.argv[1:] else "build"]))
