"""The linters and the type check pass (CI runs them here, in the fast tier): ruff (lint, with a
complexity limit, and format), mypy on orchestration/extract (which mypyc compiles), and
sqlfluff on the dbt models, tests and macros. Their settings: pyproject.toml and
dbt_project/.sqlfluff. The same commands run from .pre-commit-config.yaml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    ("name", "command", "cwd"),
    [
        ("ruff check", [BIN / "ruff", "check", "."], ROOT),
        ("ruff format", [BIN / "ruff", "format", "--check", "."], ROOT),
        ("mypy", [BIN / "mypy"], ROOT),
        ("sqlfluff", [BIN / "sqlfluff", "lint", "models", "tests", "macros"], ROOT / "dbt_project"),
    ],
)
def test_passes(name, command, cwd):
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"{name} found problems:\n{done.stdout[-6000:]}{done.stderr[-2000:]}"
