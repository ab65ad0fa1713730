"""`cyd checklist validate`, shared by the Typer command and the start-up fast path."""

from __future__ import annotations

import sys
from pathlib import Path

import settings
from checklists import validcache
from checklists.files import DEFAULT_DIR


def run(paths: list[Path], *, use_cache: bool = True) -> int:
    """Validate; print problems on stderr. Returns the exit code (0 valid, 1 not)."""
    targets = paths or [DEFAULT_DIR]
    cache_dir = settings.current().cache_dir
    key = validcache.fingerprint(targets) if use_cache else None
    counts = validcache.lookup(key, cache_dir=cache_dir) if key else None
    if counts is None:
        from checklists.loader import load_paths

        library, problems = load_paths(targets)
        if problems:
            for problem in problems:
                sys.stderr.write(f"{problem}\n")
            n_files = len({p.file for p in problems})
            sys.stderr.write(f"{len(problems)} problem(s) in {n_files} file(s)\n")
            return 1
        counts = (len(library.checklists), len(library.gates), len(library.principle_sets))
        if key:
            validcache.remember(key, *counts, cache_dir=cache_dir)
    sets = f", {counts[2]} principles set(s)" if counts[2] else ""
    sys.stdout.write(f"valid: {counts[0]} checklist(s), {counts[1]} gate(s){sets}\n")
    return 0
