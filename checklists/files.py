"""Which definition files a set of paths means. Light: no pydantic, no YAML parsing.

Both the loader and the validation cache use this, so they always agree on the
files that a check covers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parent / "definitions"
SUFFIXES = (".yaml", ".yml")
MAX_FILES = 2000


@dataclass
class Expanded:
    files: list[Path] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)
    empty_dirs: list[Path] = field(default_factory=list)
    too_many: Path | None = None

    @property
    def clean(self) -> bool:
        return not (self.missing or self.empty_dirs or self.too_many)


def expand(paths: Iterable[Path]) -> Expanded:
    """Files and folders → definition files, in a stable order."""
    result = Expanded()
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
            if not found:
                result.empty_dirs.append(path)
            result.files.extend(found)
        elif path.exists():
            result.files.append(path)
        else:
            result.missing.append(path)
        if len(result.files) > MAX_FILES:
            result.too_many = path
            break
    return result


def context(files: Iterable[Path]) -> set[Path]:
    """The definitions beside the given files, against which references are resolved."""
    return {p.resolve() for f in files for p in f.parent.glob("*") if p.suffix in SUFFIXES}
