"""The pure core stays pure: checklists/ and governance/ import nothing with I/O.

Dependencies point inwards (see DESIGN.md): flows, web and cli may use models,
notifications, governance and checklists; governance may use checklists; neither
of those two imports an I/O library or an outer layer, and checklists does not
import governance.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ("checklists", "governance")

IO_PACKAGES = frozenset(
    {
        "prefect",
        "sqlmodel",
        "sqlalchemy",
        "apprise",
        "fastapi",
        "starlette",
        "httpx",
        "requests",
        "aiosmtpd",
        "smtplib",
        "socket",
        "sqlite3",
        "subprocess",
    }
)
OUTER_LAYERS = frozenset({"models", "flows", "web", "cli", "notifications"})
# The core is given the settings it needs (e.g. the cache folder), never reads them.
SETTINGS = "settings"
CYD_LAYERS = OUTER_LAYERS | {"checklists", "governance", "services", SETTINGS}
FORBIDDEN: dict[str, frozenset[str]] = {
    "checklists": IO_PACKAGES | OUTER_LAYERS | {"governance", SETTINGS},
    "governance": IO_PACKAGES | OUTER_LAYERS | {SETTINGS},
    # The settings are read by every layer, so they import none of them.
    "settings": CYD_LAYERS - {SETTINGS},
}
DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__"})


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(source: str, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in the source, wherever it is.

    Covers `import x`, `from x import y`, relative imports, and calls of
    importlib.import_module / __import__ with a literal name.
    """
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if not node.level:
                yield node.lineno, node.module or ""
                continue
            base = package.split(".")
            base = base[: max(0, len(base) - (node.level - 1))]
            parts = [*base, node.module] if node.module else base
            if node.module:
                yield node.lineno, ".".join(parts)
                continue
            # `from . import x` or `from .. import x`: x may be a module
            for alias in node.names:
                yield node.lineno, ".".join([*parts, alias.name])
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0]
            if (
                name in DYNAMIC_IMPORTERS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                yield node.lineno, first.value


def violations(path: Path, source: str | None = None) -> list[str]:
    """Forbidden imports in one file of the core, as 'file:line: imports x' lines."""
    top = path.relative_to(ROOT).parts[0]
    forbidden = FORBIDDEN[top]
    text = path.read_text(encoding="utf-8") if source is None else source
    found = []
    for line, target in imports(text, module_name(path), path.name == "__init__.py"):
        if target.split(".")[0] in forbidden:
            where = path.relative_to(ROOT).as_posix()
            found.append(f"{where}:{line}: imports '{target}' ({top} must stay pure)")
    return found


def core_files() -> list[Path]:
    files = [p for pkg in CORE for p in sorted((ROOT / pkg).rglob("*.py"))]
    assert files, "found no Python files under checklists/ or governance/"
    return files


def test_core_files_import_nothing_with_io() -> None:
    problems = [v for path in core_files() for v in violations(path)]
    assert not problems, "forbidden imports in the pure core:\n" + "\n".join(problems)


def test_the_settings_import_no_other_layer() -> None:
    files = sorted((ROOT / SETTINGS).rglob("*.py"))
    assert files, "found no Python files under settings/"
    problems = [v for path in files for v in violations(path)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("file", "source", "named"),
    [
        ("checklists/evaluate.py", "import prefect\n", "prefect"),
        ("checklists/evaluate.py", "import os, socket as s\n", "socket"),
        ("checklists/spec.py", "from sqlmodel import SQLModel\n", "sqlmodel"),
        ("checklists/spec.py", "from sqlalchemy.orm import Session\n", "sqlalchemy.orm"),
        ("checklists/loader.py", "def f():\n    import subprocess\n", "subprocess"),
        (
            "checklists/loader.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import httpx\n",
            "httpx",
        ),
        (
            "checklists/loader.py",
            "import importlib\nimportlib.import_module('apprise')\n",
            "apprise",
        ),
        ("checklists/loader.py", "__import__('fastapi')\n", "fastapi"),
        ("checklists/evaluate.py", "from governance import rules\n", "governance"),
        ("checklists/evaluate.py", "from ..governance import rules\n", "governance"),
        ("checklists/evaluate.py", "from .. import models\n", "models"),
        ("checklists/__init__.py", "from .. import cli\n", "cli"),
        ("governance/__init__.py", "from ..flows import gate\n", "flows"),
        ("governance/__init__.py", "import notifications.render\n", "notifications.render"),
        ("governance/__init__.py", "import web\n", "web"),
        ("governance/__init__.py", "import sqlite3\n", "sqlite3"),
        ("governance/__init__.py", "from smtplib import SMTP\n", "smtplib"),
        ("checklists/validcache.py", "import settings\n", "settings"),
        ("governance/__init__.py", "from settings import current\n", "settings"),
        ("settings/__init__.py", "from models.db import data_dir\n", "models.db"),
        ("settings/environment.py", "import checklists.files\n", "checklists.files"),
    ],
)
def test_the_scan_names_file_and_import(file: str, source: str, named: str) -> None:
    found = violations(ROOT / file, source)
    assert len(found) == 1, found
    assert found[0].startswith(f"{file}:")
    assert f"'{named}'" in found[0]


@pytest.mark.parametrize(
    ("file", "source"),
    [
        ("governance/__init__.py", "from checklists.evaluate import evaluate\n"),
        ("governance/__init__.py", "import checklists.spec\n"),
        ("checklists/evaluate.py", "from . import messages\nfrom .spec import Item\n"),
        ("checklists/evaluate.py", "import socketserver_like_name\nimport modelsx\n"),
        ("checklists/evaluate.py", "x = 'import prefect'\n"),
    ],
)
def test_the_scan_allows_inward_imports(file: str, source: str) -> None:
    assert violations(ROOT / file, source) == []


PROBE = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys

    # The allowed third-party dependencies may themselves pull in standard modules
    # (pydantic's plugin discovery loads importlib.metadata, which loads socket):
    # import them first so that only what the core itself brings in is counted.
    import pydantic, yaml

    class _Model(pydantic.BaseModel):
        x: int

    pydantic.TypeAdapter(int)
    forbidden = set(json.loads(sys.argv[1]))

    def loaded():
        return {name for name in sys.modules if name.split(".")[0] in forbidden}

    before = loaded()
    blame = {}
    for top in ("checklists", "governance"):
        package = importlib.import_module(top)
        names = [top] + [
            info.name
            for info in pkgutil.walk_packages(package.__path__, top + ".")
        ]
        for name in names:
            seen = loaded()
            importlib.import_module(name)
            for new in sorted(loaded() - seen):
                blame.setdefault(new, name)
    print(json.dumps({"imported": sorted(sys.modules), "blame": blame,
                      "baseline": sorted(before)}))
    """
)


def test_importing_the_core_loads_no_io_package() -> None:
    forbidden = sorted(IO_PACKAGES | OUTER_LAYERS)
    run = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(forbidden)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    modules = set(report["imported"])
    assert {"checklists.evaluate", "checklists.loader", "checklists.spec"} <= modules
    assert "governance" in modules
    blame = report["blame"]
    assert not blame, "importing the pure core loaded I/O or outer-layer modules:\n" + "\n".join(
        f"{module} (first loaded by importing {by})" for module, by in sorted(blame.items())
    )
    # Nothing forbidden was there before either, except what the allowed
    # dependencies bring from the standard library.
    assert set(report["baseline"]) <= {"socket"}, report["baseline"]
