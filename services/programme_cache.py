"""The programme in force, kept parsed in the cache folder between short-lived commands.

Every command that counts working days (a vote, a declaration, the chair's close, an
extension) reads the programme in force. Parsing its stored text means importing the
YAML reader and walking the text with positions: about 50 ms of a command's start,
nearly all of it the imports. Kept as the model's own JSON under a fingerprint of the
text and of the code that reads it, reading it back is one pydantic validation from
JSON.

What is kept is the programme's masked text as parsed: its channels are masked in
that text (models/sealed.py keeps them sealed apart), so no secret reaches the cache.
Its people's names and emails do, so the file is written readable by its owner only,
as the definitions cache is. Anything unexpected (an unreadable or damaged file, a
folder that cannot be written) simply means the text is parsed as before.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from governance.programme import Programme

FORMAT = 1
_CODE = (
    Path(__file__).resolve().parents[1] / "governance" / "programme.py",
    Path(__file__).resolve(),
)


def cache_path(cache_dir: Path) -> Path:
    return cache_dir / "programme.json"


def fingerprint(source: str) -> str:
    digest = hashlib.sha256(f"{FORMAT}\0".encode())
    digest.update(source.encode("utf-8"))
    for path in _CODE:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def parsed(source: str, cache_dir: Path, parse: Callable[[str], Programme]) -> Programme:
    """The programme of `source`: read back from `cache_dir` if kept there for exactly
    this text, else parsed by `parse` and kept."""
    try:
        key = fingerprint(source)
    except OSError:
        return parse(source)
    target = cache_path(cache_dir)
    kept = _kept(target, key)
    if kept is not None:
        return kept
    programme = parse(source)
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(json.dumps({"key": key, "programme": programme.model_dump_json()}))
        os.replace(temporary, target)
    except OSError:
        temporary.unlink(missing_ok=True)
    return programme


def _kept(target: Path, key: str) -> Programme | None:
    """The programme kept in `target` for exactly the text of `key`; None if there is none,
    it is another text's, or it cannot be read back."""
    try:
        kept = json.loads(target.read_bytes())
        if isinstance(kept, dict) and kept.get("key") == key:
            return Programme.model_validate_json(kept["programme"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return None
