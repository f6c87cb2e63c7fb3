"""The extractor compiled with mypyc (orchestration/extract/native.py) gives exactly what plain
Python gives, and a build is used only for the exact sources it was compiled from."""

from __future__ import annotations

import ast
import gc
import json
import os
import shutil
import subprocess
import sys

from conftest import KKR, ROOT, SOURCES
from editions import next_edition

from orchestration.extract import native

#: a digest of everything extraction produces for each file, printed as JSON by a child process
_DIGEST = r"""
import dataclasses, hashlib, json, sys
from orchestration.extract import COMPILED, extract_document
out = {"compiled": COMPILED, "files": {}}
for path in sys.argv[1:]:
    r = extract_document(path)
    h = hashlib.sha256()
    for t in r.tables:
        h.update(repr((t.table_id, t.status, t.columns, t.stub, t.caption, t.unit, t.end_line)).encode())
        for c in t.cells:
            h.update(repr(dataclasses.astuple(c)).encode())
    for item in [*r.problems, r.accounting, *r.statements]:
        h.update(repr(item).encode())
    out["files"][path] = {"sha": h.hexdigest(), "cells": sum(len(t.cells) for t in r.tables),
                          "numbers": r.accounting.total}
print(json.dumps(out))
"""


def _digest(paths: list[str], pure: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != native.PURE_ENV}
    if pure:
        env[native.PURE_ENV] = "1"
    done = subprocess.run(
        [sys.executable, "-c", _DIGEST, *paths], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_compiled_and_plain_python_extract_the_same(tmp_path):
    native.build()  # ./dev has built it already; a no-op then
    edition = tmp_path / "next_edition_003.txt"
    edition.write_text(next_edition(SOURCES / KKR), encoding="utf-8")
    paths = [str(p) for p in sorted(SOURCES.glob("*.txt"))] + [str(edition)]
    compiled, plain = _digest(paths, pure=False), _digest(paths, pure=True)
    assert compiled["compiled"] is True and plain["compiled"] is False
    assert compiled["files"] == plain["files"]
    # and what they agree on is the documents' content: Bilag 1 of the practice plan is there
    kkr = compiled["files"][str(SOURCES / KKR)]
    assert kkr["cells"] > 2500 and compiled["files"][str(edition)]["cells"] == kkr["cells"]


def test_a_build_is_used_only_for_the_sources_it_was_compiled_from(tmp_path, monkeypatch):
    package = tmp_path / "extract"
    shutil.copytree(native.PACKAGE, package, ignore=shutil.ignore_patterns("_native_build", "__pycache__"))
    before = native.fingerprint(package)
    assert native.fingerprint(package) == native.fingerprint(native.PACKAGE)  # same text, same build
    path: list[str] = []
    assert not native.activate(path, package) and path == []  # no build in the copy
    # a build for these sources, as build() leaves it
    (native.build_folder(package) / "orchestration" / "extract").mkdir(parents=True)
    (native.build_folder(package) / "BUILT").write_text(before)
    assert native.activate(path, package) and path[0].startswith(str(native.build_folder(package)))
    # one character changed in one module: another fingerprint, and that build is not used
    lines = package / "lines.py"
    lines.write_text(
        lines.read_text(encoding="utf-8").replace("_TAIL_CHARS = 240", "_TAIL_CHARS = 241"), encoding="utf-8"
    )
    assert native.fingerprint(package) != before
    path = []
    assert not native.activate(path, package) and path == []
    # and plain Python can be asked for even where a build matches
    lines.write_text((native.PACKAGE / "lines.py").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv(native.PURE_ENV, "1")
    assert not native.activate(path, package)


def _init_mirrors_fields(cls: ast.ClassDef) -> list[str]:
    """What differs between a dataclass's fields and the ``__init__`` written out for it."""
    fields = [s for s in cls.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
    init = next(s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "__init__")
    args = init.args
    params = args.posonlyargs + args.args[1:] + args.kwonlyargs
    defaults = [None] * (len(args.args) - 1 - len(args.defaults)) + list(args.defaults) + list(args.kw_defaults)
    diffs = []
    if [p.arg for p in params] != [f.target.id for f in fields]:
        diffs.append(f"parameters {[p.arg for p in params]} != fields {[f.target.id for f in fields]}")
    for f, p, d in zip(fields, params, defaults):
        name = p.arg
        if ast.unparse(p.annotation) != ast.unparse(f.annotation):
            diffs.append(f"{name}: annotation {ast.unparse(p.annotation)} != {ast.unparse(f.annotation)}")
        field_default = ast.unparse(f.value) if f.value is not None else None
        if (ast.unparse(d) if d is not None else None) != field_default:
            diffs.append(f"{name}: default {ast.unparse(d) if d else None} != {field_default}")
    assigned = [
        (s.targets[0].attr, s.value.id)
        for s in init.body
        if isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Attribute) and isinstance(s.value, ast.Name)
    ]
    if assigned != [(p.arg, p.arg) for p in params]:
        diffs.append(f"__init__ assigns {assigned}")
    kw_only = any(
        k.arg == "kw_only" and ast.literal_eval(k.value)
        for d in cls.decorator_list
        if isinstance(d, ast.Call)
        for k in d.keywords
    )
    if kw_only != (len(args.kwonlyargs) == len(params)):
        diffs.append("kw_only=True needs every parameter keyword-only, and only then")
    return diffs


def test_written_out_inits_take_exactly_the_dataclass_fields():
    """Cell and RawCell write their ``__init__`` out for mypyc (model.Cell says why): the
    parameters, their order, annotations and defaults, and the assignments must be the fields."""
    checked = []
    for path in sorted((ROOT / "orchestration" / "extract").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            init_false = any(
                isinstance(d, ast.Call)
                and any(k.arg == "init" and ast.literal_eval(k.value) is False for k in d.keywords)
                for d in node.decorator_list
            )
            if init_false:
                checked.append(node.name)
                assert _init_mirrors_fields(node) == [], f"{path.name}: {node.name}"
    assert {"Cell", "RawCell"} <= set(checked)


def test_extraction_leaves_no_reference_cycles():
    """Everything extraction builds is freed by reference counting when the result is dropped:
    a cycle (a reader holding its own bound methods, a nested function calling itself) left the
    readers, their rows and cells to the cyclic collector, a tenth of extraction's time."""
    from orchestration.extract import extract_document

    gc.collect()
    gc.disable()  # no automatic collection in between: gc.collect() sees every cycle
    try:
        for path in sorted(SOURCES.glob("*.txt")):
            result = extract_document(path)
            assert result.cells or path.name.startswith("002")
            del result
            assert gc.collect() == 0, path.name
    finally:
        gc.enable()
