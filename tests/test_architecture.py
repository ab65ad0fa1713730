"""Every layer imports only what lies inside it (see DESIGN.md and the README).

    checklists/  governance/          pure: no I/O, no other layer (governance may
                                      use checklists)
    models/                           storage: the core, never the use cases above it
    notifications/                    rendering and delivery: storage and the core
    services/                         the use cases: storage, notifications, the core;
                                      never Prefect, Typer or FastAPI
    flows/  web/  cli/                the outer layers, the only callers of services;
                                      nothing inside imports them

`LAYERS` says, for each top-level package, which of Cyd's packages it may import and
which third-party packages it must not; the scan reads every import (top level,
inside functions, under TYPE_CHECKING, relative, and `import_module` with a literal).
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
OUTER_LAYERS = frozenset({"models", "services", "flows", "web", "cli", "notifications"})
CYD_PACKAGES = frozenset(
    {"checklists", "governance", "settings", "models", "notifications", "services"}
    | {"flows", "web", "cli"}
)
# The frameworks of the outer layers: a use case that imported one could be called
# by one kind of caller only.
FRAMEWORKS = frozenset({"prefect", "typer", "fastapi", "starlette", "uvicorn"})

# For each layer: the Cyd packages it may import (besides itself), and the
# third-party packages it must not.
LAYERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "checklists": (frozenset(), IO_PACKAGES),
    "governance": (frozenset({"checklists"}), IO_PACKAGES),
    "settings": (frozenset(), FRAMEWORKS),
    "models": (frozenset({"checklists", "governance", "settings"}), FRAMEWORKS),
    "notifications": (
        frozenset({"checklists", "governance", "settings", "models"}),
        FRAMEWORKS,
    ),
    "services": (
        frozenset({"checklists", "governance", "settings", "models", "notifications"}),
        FRAMEWORKS,
    ),
    # The outer layers: flows run the services; the pages may hand a venture to
    # Prefect the way the CLI does (flows.trigger); the CLI starts the flows and pages.
    "flows": (
        frozenset({"checklists", "governance", "settings", "models", "notifications"})
        | {"services"},
        frozenset({"typer", "fastapi", "starlette"}),
    ),
    "web": (
        frozenset({"checklists", "governance", "settings", "models", "notifications"})
        | {"services", "flows"},
        frozenset({"typer"}),
    ),
    "cli": (CYD_PACKAGES, frozenset({"fastapi", "starlette"})),
}
FORBIDDEN: dict[str, frozenset[str]] = {
    layer: (CYD_PACKAGES - allowed - {layer}) | banned
    for layer, (allowed, banned) in LAYERS.items()
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
            why = "must stay pure" if top in CORE else "imports only what lies inside it"
            found.append(f"{where}:{line}: imports '{target}' ({top} {why})")
    return found


def core_files() -> list[Path]:
    files = [p for pkg in CORE for p in sorted((ROOT / pkg).rglob("*.py"))]
    assert files, "found no Python files under checklists/ or governance/"
    return files


def test_core_files_import_nothing_with_io() -> None:
    problems = [v for path in core_files() for v in violations(path)]
    assert not problems, "forbidden imports in the pure core:\n" + "\n".join(problems)


def layer_files() -> list[Path]:
    return [p for layer in LAYERS for p in sorted((ROOT / layer).rglob("*.py"))]


def test_every_layer_imports_only_what_lies_inside_it() -> None:
    files = layer_files()
    assert {p.relative_to(ROOT).parts[0] for p in files} >= {
        "models",
        "services",
        "notifications",
        "flows",
        "cli",
    }
    problems = [v for path in files for v in violations(path)]
    assert not problems, "imports against the layers:\n" + "\n".join(problems)


def test_every_top_level_package_has_its_place_in_the_layers() -> None:
    # A new package must be placed in LAYERS (and in the README) before it lands.
    packages = {
        p.parent.name
        for p in ROOT.glob("*/__init__.py")
        if p.parent.name not in {"tests", "benchmarks", "scripts"}
    }
    assert packages <= set(LAYERS), sorted(packages - set(LAYERS))


@pytest.mark.parametrize(
    ("file", "source", "named"),
    [
        ("models/audit.py", "from services.commands import Cyd\n", "services.commands"),
        ("models/tables.py", "from ..notifications import render\n", "notifications"),
        ("models/db.py", "def f():\n    import flows.trigger\n", "flows.trigger"),
        ("models/outbox.py", "import cli.output\n", "cli.output"),
        ("models/queries.py", "from web import app\n", "web"),
        ("notifications/render.py", "from services import advance\n", "services"),
        ("services/commands.py", "import prefect\n", "prefect"),
        ("services/advance.py", "from typer import Typer\n", "typer"),
        ("services/views.py", "from fastapi import Request\n", "fastapi"),
        ("services/views.py", "from flows.trigger import advancer\n", "flows.trigger"),
        ("services/views.py", "from cli.output import fail\n", "cli.output"),
        ("flows/sweep.py", "from cli import context\n", "cli"),
        ("flows/sweep.py", "import web\n", "web"),
    ],
)
def test_the_layer_scan_names_file_and_import(file: str, source: str, named: str) -> None:
    found = violations(ROOT / file, source)
    assert len(found) == 1, found
    assert found[0].startswith(f"{file}:")
    assert f"'{named}'" in found[0]


@pytest.mark.parametrize(
    ("file", "source"),
    [
        ("services/commands.py", "from models import audit\nfrom governance import rules\n"),
        ("services/board_pack.py", "from notifications.board_pack import render_html\n"),
        ("notifications/relay.py", "from models.outbox import due\n"),
        ("flows/sweep.py", "from services.advancing import waiting_ventures\n"),
        ("cli/serve_cmd.py", "from flows import trigger\n"),
    ],
)
def test_the_layer_scan_allows_inward_imports(file: str, source: str) -> None:
    assert violations(ROOT / file, source) == []


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
