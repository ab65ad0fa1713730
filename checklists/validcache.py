"""Remember definition sets already found valid, so re-checking them is instant.

Validation needs pydantic's model machinery, whose start-up cost dominates a
`cyd checklist validate` run. Like a linter's cache, we key a "valid" verdict by
a fingerprint of everything the verdict depends on: the Python version, the
source of the modules that validate, and the path and bytes of every definition
file read (the given ones and their folders' other definitions). Only valid
verdicts are stored; problems are always recomputed, so their positions are
fresh. Anything unexpected (unreadable files, a cache that cannot be written)
simply means no cache.

The definitions themselves are kept the same way for the commands that need them
(`load_library`): under the same kind of fingerprint, the last valid set is stored
as the data its models were validated from, so that reading it back is one
pydantic validation, without YAML parsing or the loader's checks.

Both live in a cache folder the caller gives (`cache_dir`: Cyd's settings say which,
`CYD_CACHE_DIR` else `~/.cache/cyd`); this module reads no environment.

This module must stay light: no pydantic, no YAML (except in `load_library`, which
returns pydantic models).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checklists import files

if TYPE_CHECKING:
    from checklists.library import Library

_CODE = (
    "spec.py",
    "library.py",
    "loader.py",
    "semantics.py",
    "yamlsource.py",
    "files.py",
    "validcache.py",
)
_HERE = Path(__file__).resolve().parent
_KEEP = 64  # fingerprints remembered


def cache_path(cache_dir: Path) -> Path:
    """Where the verdicts are kept in the cache folder."""
    return cache_dir / "validated.json"


def library_cache_path(cache_dir: Path) -> Path:
    """Where the last valid definition set is kept (one set: a programme runs on one)."""
    return cache_dir / "definitions.json"


def fingerprint(paths: Sequence[Path]) -> str | None:
    return _fingerprint(files.expand(paths))


def _fingerprint(found: files.Expanded, *, labels: bool = False) -> str | None:
    """The key of a verdict on `found`; with `labels`, of the definitions loaded from it,
    which also depend on how the files are named in their `Library.sources`."""
    if not found.clean or not found.files:
        return None
    given = {p.resolve() for p in found.files}
    beside = files.context(found.files)
    digest = hashlib.sha256(sys.version.encode())
    try:
        for name in _CODE:
            digest.update((_HERE / name).read_bytes())
        for path in sorted(given | beside):
            digest.update(b"\0" + str(path).encode() + b"\0")
            if path.stat().st_size > 1_000_000:
                return None
            digest.update(path.read_bytes())
    except OSError:
        return None
    digest.update(b"\0given\0" + "\0".join(str(p.resolve()) for p in found.files).encode())
    if labels:
        # A given file is named as given; any other file, relative to the working folder.
        named = [str(p) for p in found.files]
        if beside - given:
            named.append(os.getcwd())
        digest.update(b"\0labels\0" + b"\0".join(os.fsencode(n) for n in named))
    return digest.hexdigest()


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(target: Path, data: Any) -> None:
    """Replace `target` whole (a reader sees the old or the new file), or do nothing."""
    import tempfile

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=target.parent, delete=False, suffix=".tmp", encoding="utf-8"
        ) as tmp:
            json.dump(data, tmp)
        os.replace(tmp.name, target)
    except OSError:
        return


def _verdicts(cache_dir: Path) -> dict[str, list[int]]:
    data = _read(cache_path(cache_dir))
    return data if isinstance(data, dict) else {}


def lookup(key: str, *, cache_dir: Path) -> tuple[int, int, int] | None:
    """(checklists, gates, principles sets) counted when this exact set was last found
    valid."""
    entry = _verdicts(cache_dir).get(key)
    if isinstance(entry, list) and len(entry) == 3 and all(isinstance(n, int) for n in entry):
        return entry[0], entry[1], entry[2]
    return None


def remember(
    key: str, checklists: int, gates: int, principle_sets: int = 0, *, cache_dir: Path
) -> None:
    data = _verdicts(cache_dir)
    data.pop(key, None)
    data[key] = [checklists, gates, principle_sets]
    while len(data) > _KEEP:
        data.pop(next(iter(data)))
    _write(cache_path(cache_dir), data)


# --- the definitions -------------------------------------------------------------------


def load_library(paths: Sequence[Path] | None = None, *, cache_dir: Path) -> Library:
    """What `checklists.loader.load_library` returns (or raises) for these paths, read
    back from the cache in `cache_dir` when neither the files nor the code changed since."""
    targets = list(paths) if paths else [files.DEFAULT_DIR]
    key = _fingerprint(files.expand(targets), labels=True)
    library = _stored_library(key, cache_dir) if key else None
    if library is None:
        from checklists.loader import load_library as load

        library = load(targets)  # DefinitionError if any is invalid: never stored
        if key:
            _store_library(key, library, cache_dir)
    return library


def _store_library(key: str, library: Library, cache_dir: Path) -> None:
    definitions: list[list[Any]] = []
    tables: dict[str, Any] = {
        "checklist": library.checklists,
        "gate": library.gates,
        "principles": library.principle_sets,
    }
    for (kind, def_id, version), label in library.sources.items():
        # Only the keys the files set: read back, the models are the same, down to
        # which fields were given. A checklist's shared principles are stored in it as
        # loaded (resolved), so reading it back needs no other definition.
        definition = tables[kind][(def_id, version)]
        data = definition.model_dump(mode="json", by_alias=True, exclude_unset=True)
        definitions.append([kind, label, data])
    _write(library_cache_path(cache_dir), {"key": key, "definitions": definitions})


def _stored_library(key: str, cache_dir: Path) -> Library | None:
    stored = _read(library_cache_path(cache_dir))
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    from checklists.library import Library
    from checklists.spec import ChecklistDefinition, GateDefinition, PrinciplesDefinition

    library = Library()
    try:
        for kind, label, data in stored["definitions"]:
            if not isinstance(label, str):
                return None
            if kind == "checklist":
                checklist = ChecklistDefinition.model_validate(data)
                library.checklists[checklist.key] = checklist
                library.sources[(kind, *checklist.key)] = label
            elif kind == "principles":
                principle_set = PrinciplesDefinition.model_validate(data)
                library.principle_sets[principle_set.key] = principle_set
                library.sources[(kind, *principle_set.key)] = label
            else:
                gate = GateDefinition.model_validate(data)
                library.gates[gate.key] = gate
                library.sources[(kind, *gate.key)] = label
    except (KeyError, TypeError, ValueError):  # pydantic's ValidationError is a ValueError
        return None
    return library
