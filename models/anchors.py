"""Audit heads anchored outside the database: `cyd audit anchor --file F` appends the
head (with its entry number and the time) to an append-only file kept away from the
data folder; `cyd audit verify --anchors F` checks that every head written there is
still the hash of its entry in today's chain.

The chain alone proves only itself: someone able to write the database can rewrite
every entry after an edit so that the chain is consistent again, or cut its end off.
A head copied elsewhere earlier catches both, as long as the copy is out of their
reach (another machine, a Board secretary's mailbox, the minutes).

Each line is `<time, UTC, ISO 8601> <entry number> <hash>`; blank lines and lines
starting with `#` are skipped, so the file can carry notes."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

_LINE = re.compile(r"^(?P<at>\S+) (?P<seq>\d+) (?P<hash>[0-9a-f]{64})$")


class AnchorError(ValueError):
    """An anchors file that cannot be read or written: the message says where and why."""


@dataclass(frozen=True)
class Anchor:
    at: dt.datetime
    seq: int  # the entry whose hash it is (0: the empty log)
    head: str

    def line(self) -> str:
        return f"{self.at.astimezone(dt.UTC).isoformat()} {self.seq} {self.head}\n"


def read_anchors(path: Path) -> list[Anchor]:
    """Every anchor in the file, in order; AnchorError naming the line of a bad one."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AnchorError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise AnchorError(f"{path}: cannot be read ({error})") from None
    anchors = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        found = _LINE.match(line)
        at = None
        if found:
            try:
                at = dt.datetime.fromisoformat(found["at"])
            except ValueError:
                at = None
        if found is None or at is None or at.tzinfo is None:
            raise AnchorError(
                f"{path}:{number}: not an anchor (expected '<time> <entry> <hash>', "
                "as `cyd audit anchor` writes)"
            )
        anchors.append(Anchor(at, int(found["seq"]), found["hash"]))
    return anchors


def append_anchor(path: Path, anchor: Anchor, *, data_dir: Path | None) -> None:
    """Append `anchor` to the file (made 0600 if new), on disk before this returns.
    Refused inside the data folder: a copy beside the database is in the same hands."""
    target = path.expanduser().resolve()
    if data_dir is not None and target.is_relative_to(data_dir.expanduser().resolve()):
        raise AnchorError(
            f"{path}: inside the data folder; keep the anchors where whoever can write "
            "the database cannot (another disk or machine, a mailbox, the minutes)"
        )
    if target.exists():
        read_anchors(target)  # appending to something that is not an anchors file is wrong
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, anchor.line().encode("ascii"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
