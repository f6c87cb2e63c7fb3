"""The extractor compiled to C with mypyc, used only where the build matches the sources.

The modules of this package are plain, type-checked Python. ``build()`` compiles them with
mypyc (the compiler that ships with mypy) into a folder named after a fingerprint of their
exact text and of the interpreter; ``activate()`` puts that folder first on the package's
path when it exists. Edit one module and the fingerprint changes: the old build is ignored
and the package runs as plain Python, with the same results, until it is built again
(``./dev`` builds it; ``python -m orchestration.compile`` by hand). Set
``WAREHOUSE_PURE_PYTHON=1`` to run plain Python regardless.

Why: extraction is pure Python over many small strings, and compiled it runs about 1.5 times
as fast (``benchmarks/bench_extract.py`` prints which one it measured). Nothing else changes:
``tests/test_native.py`` checks that both give the same tables, cells, problems, accounting
and statements.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
BUILDS = PACKAGE / "_native_build"
GROUP = "warehouse_extract"  # the name of the shared library mypyc makes for the modules
PURE_ENV = "WAREHOUSE_PURE_PYTHON"
_BUILT = "BUILT"  # written last: a folder without it is an unfinished build


def modules(package: Path = PACKAGE) -> list[str]:
    """The modules compiled: all but the package's __init__ (it activates the build) and this."""
    return sorted(p.stem for p in package.glob("*.py") if p.stem not in ("__init__", "native"))


def fingerprint(package: Path = PACKAGE) -> str:
    """What a build is valid for: the name and text of every compiled module, and the
    interpreter (its version and the file suffix of its extension modules)."""
    h = hashlib.sha256()
    h.update(f"{sys.implementation.cache_tag} {sysconfig.get_config_var('EXT_SUFFIX')}".encode())
    for name in modules(package):
        h.update(name.encode() + b"\0" + (package / f"{name}.py").read_bytes() + b"\0")
    return h.hexdigest()[:20]


def build_folder(package: Path = PACKAGE) -> Path:
    return package / BUILDS.name / fingerprint(package)


def activate(package_path: list[str], package: Path = PACKAGE) -> bool:
    """Use the compiled modules if a build for these exact sources exists (and plain Python
    is not asked for). Called by the package's __init__ before it imports any module."""
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return False
    folder = build_folder(package)
    if not (folder / _BUILT).is_file():
        return False
    package_path.insert(0, str(folder / "orchestration" / "extract"))
    if str(folder) not in sys.path:
        sys.path.append(str(folder))  # the shared library the compiled modules import
    return True


_SETUP = """
from setuptools import setup
from mypyc.build import mypycify
setup(name="warehouse-extract-native", script_args=["build_ext", "--inplace"],
      ext_modules=mypycify({files!r}, opt_level="3", group_name={group!r}))
"""


def build(quiet: bool = True) -> Path:
    """Compile the modules (about 30 s on 2 cores) unless a build for these sources exists.
    Returns the build's folder; raises RuntimeError with the compiler's output on failure."""
    if (build_folder() / _BUILT).is_file():
        return build_folder()
    with tempfile.TemporaryDirectory(prefix="extract-native-") as tmp:
        work = Path(tmp)
        pkg = work / "orchestration" / "extract"
        pkg.mkdir(parents=True)
        for init in (work / "orchestration" / "__init__.py", pkg / "__init__.py"):
            init.write_text("")
        names = modules()
        for name in names:
            shutil.copy2(PACKAGE / f"{name}.py", pkg / f"{name}.py")
        # named after the copies it compiles: a module edited meanwhile gets a build of its own
        built_from = fingerprint(pkg)
        folder = BUILDS / built_from
        files = [f"orchestration/extract/{name}.py" for name in names]
        done = subprocess.run(
            [sys.executable, "-c", _SETUP.format(files=files, group=GROUP)], cwd=work, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"mypyc could not compile orchestration/extract:\n{done.stdout[-4000:]}{done.stderr[-4000:]}"
            )
        staged = Path(tempfile.mkdtemp(prefix=".building-", dir=_builds()))
        for lib in work.rglob(f"*{sysconfig.get_config_var('EXT_SUFFIX')}"):
            if "build" in lib.relative_to(work).parts[:1]:
                continue  # setuptools' intermediate copies
            target = staged / lib.relative_to(work)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(lib, target)
        (staged / _BUILT).write_text(built_from + "\n")
    try:
        staged.rename(folder)
    except OSError:  # another build of the same sources finished first
        shutil.rmtree(staged, ignore_errors=True)
        if not (folder / _BUILT).is_file():
            raise
    for old in BUILDS.iterdir():  # builds of sources that no longer exist
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)
    if not quiet:
        print(f"compiled {len(names)} modules of orchestration/extract with mypyc into {folder}")
    return folder


def _builds() -> Path:
    BUILDS.mkdir(exist_ok=True)
    return BUILDS


def main(args: list[str]) -> int:
    if args[:1] == ["build"]:
        try:
            build(quiet=False)
        except (RuntimeError, OSError) as exc:
            print(f"{exc}\nthe extractor runs as plain Python (same results, slower)", file=sys.stderr)
            return 1
        return 0
    if args[:1] == ["status"]:
        built = (build_folder() / _BUILT).is_file()
        print(f"{'built' if built else 'not built'}: {build_folder()}")
        return 0 if built else 1
    print("usage: python -m orchestration.compile [--status]", file=sys.stderr)
    return 2
