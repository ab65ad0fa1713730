"""The shipped catalogue of texts, kept checked and compiled in the cache folder.

Reading `catalogue.yaml` with positions and checking every text of every code (each
example written in four forms) costs about 100 ms: most of what a vote, a declaration
or the chair's close spends beyond its imports, since each writes a sentence. As the
checklist definitions are (`checklists/validcache.py`), the catalogue once checked is
kept as plain JSON data under a fingerprint of everything the verdict depends on: the
file's bytes, the code that reads and checks it, the Python version and the Babel
release that gives the plural categories. Reading it back is one `json.loads` and
building the frozen dataclasses; nothing is checked again, because nothing it was
checked against has changed.

JSON, not pickle: a cache folder is writable by the person, and reading it must never
run code. Anything unexpected (an unreadable or damaged cache, a folder that cannot be
written) simply means no cache: the file is read and checked as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping
from importlib.util import find_spec
from pathlib import Path
from typing import Any, cast

from governance.catalogue import (
    LANGUAGES,
    Catalogue,
    Choose,
    Entry,
    Node,
    Parts,
    small_plurals,
    use_small_plurals,
)

FORMAT = 1  # raise when the data's shape below changes
_READER = Path(__file__).resolve().parent / "catalogue.py"


def cache_path(cache_dir: Path) -> Path:
    """Where the checked catalogue is kept (one: a release ships one catalogue)."""
    return cache_dir / "catalogue.json"


def fingerprint(source: bytes) -> str:
    """What a kept catalogue must have been checked against to be used."""
    digest = hashlib.sha256()
    digest.update(f"{FORMAT}\0{sys.version}\0".encode())
    digest.update(source)
    digest.update(_READER.read_bytes())
    digest.update(_babel_release().encode())
    return digest.hexdigest()


def _babel_release() -> str:
    """Babel's release, by its installed files (importing it costs ~15 ms, and most
    commands that write a sentence never need its plural rules)."""
    spec = find_spec("babel")
    origin = spec.origin if spec else None
    if origin is None:
        return "none"
    state = os.stat(origin)
    return f"{origin}:{state.st_size}:{state.st_mtime_ns}"


def lookup(key: str, cache_dir: Path) -> Catalogue | None:
    """The catalogue kept under `key`, if there is one and it reads back whole."""
    try:
        kept = json.loads(cache_path(cache_dir).read_bytes())
        if not isinstance(kept, dict) or kept.get("key") != key:
            return None
        catalogue = from_data(kept["catalogue"])
        plurals = kept["plurals"]
        if set(plurals) != set(LANGUAGES) or not all(
            isinstance(p, list) and all(isinstance(c, str) for c in p) for p in plurals.values()
        ):
            return None
        use_small_plurals(plurals)
        return catalogue
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def remember(key: str, catalogue: Catalogue, cache_dir: Path) -> None:
    """Keep a checked catalogue under `key` (atomically: a reader never sees half)."""
    target = cache_path(cache_dir)
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        temporary.write_text(
            json.dumps(
                {
                    "key": key,
                    "catalogue": to_data(catalogue),
                    "plurals": {language: small_plurals(language) for language in LANGUAGES},
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        os.replace(temporary, target)
    except OSError:
        temporary.unlink(missing_ok=True)


# --- the catalogue as JSON data ------------------------------------------------------------


def to_data(catalogue: Catalogue) -> dict[str, Any]:
    return {
        "welsh_reviewed": catalogue.welsh_reviewed,
        "nouns": catalogue.nouns,
        "words": catalogue.words,
        "entries": [
            {
                "code": e.code,
                "kind": e.kind,
                "texts": {form: _node_data(node) for form, node in e.texts.items()},
                "example": dict(e.example),
            }
            for e in catalogue.entries.values()
        ],
    }


def from_data(data: Mapping[str, Any]) -> Catalogue:
    entries = {
        e["code"]: Entry(
            code=e["code"],
            kind=e["kind"],
            texts={form: _node(node) for form, node in e["texts"].items()},
            example=e["example"],
        )
        for e in data["entries"]
    }
    return Catalogue(bool(data["welsh_reviewed"]), entries, data["nouns"], data["words"])


def _node_data(node: Node) -> Any:
    if isinstance(node, str):
        return node
    if isinstance(node, Parts):
        return [_node_data(part) for part in node.parts]
    return {
        "how": node.how,
        "by": node.by,
        "options": {k: _node_data(v) for k, v in node.options.items()},
    }


def _node(data: Any) -> Node:
    if isinstance(data, str):
        return data
    if isinstance(data, list):
        return Parts(tuple(_node(part) for part in data))
    if isinstance(data, dict) and data["how"] in ("plural", "select"):
        return Choose(
            how=data["how"],
            by=str(data["by"]),
            options={str(k): _node(v) for k, v in cast(dict[str, Any], data["options"]).items()},
        )
    raise ValueError(f"not a catalogue text: {data!r}")
