"""Remember definition sets already found valid, so re-checking them is instant.

Validation needs pydantic's model machinery, whose start-up cost dominates a
`cyd checklist validate` run. Like a linter's cache, we key a "valid" verdict by
a fingerprint of everything the verdict depends on: the Python version, the
source of the modules that validate, and the path and bytes of every definition
file read (the given ones and their folders' other definitions). Only valid
verdicts are stored; problems are always recomputed, so their positions are
fresh. Anything unexpected (unreadable files, a cache that cannot be written)
simply means no cache.

This module must stay light: no pydantic, no YAML.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from checklists import files

_CODE = ("spec.py", "loader.py", "semantics.py", "yamlsource.py", "files.py", "validcache.py")
_HERE = Path(__file__).resolve().parent
_KEEP = 64  # fingerprints remembered


def cache_path() -> Path:
    base = os.environ.get("CYD_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    sub = "" if os.environ.get("CYD_CACHE_DIR") else "cyd"
    return root / sub / "validated.json"


def fingerprint(paths: Sequence[Path]) -> str | None:
    found = files.expand(paths)
    if not found.clean or not found.files:
        return None
    digest = hashlib.sha256(sys.version.encode())
    try:
        for name in _CODE:
            digest.update((_HERE / name).read_bytes())
        for path in sorted({p.resolve() for p in found.files} | files.context(found.files)):
            digest.update(b"\0" + str(path).encode() + b"\0")
            if path.stat().st_size > 1_000_000:
                return None
            digest.update(path.read_bytes())
    except OSError:
        return None
    digest.update(b"\0given\0" + "\0".join(str(p.resolve()) for p in found.files).encode())
    return digest.hexdigest()


def _read() -> dict[str, list[int]]:
    try:
        data = json.loads(cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def lookup(key: str) -> tuple[int, int] | None:
    """(checklists, gates) counted when this exact set was last found valid."""
    entry = _read().get(key)
    if isinstance(entry, list) and len(entry) == 2 and all(isinstance(n, int) for n in entry):
        return entry[0], entry[1]
    return None


def remember(key: str, checklists: int, gates: int) -> None:
    data = _read()
    data.pop(key, None)
    data[key] = [checklists, gates]
    while len(data) > _KEEP:
        data.pop(next(iter(data)))
    target = cache_path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=target.parent, delete=False, suffix=".tmp", encoding="utf-8"
        ) as tmp:
            json.dump(data, tmp)
        os.replace(tmp.name, target)
    except OSError:
        return
