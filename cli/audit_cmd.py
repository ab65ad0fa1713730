"""`cyd audit ...`: check the hash-chained audit log, and print its head for the minutes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.output import fail, print_json

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@app.command()
def verify(
    expected_head: Annotated[
        str | None,
        typer.Option(
            "--head",
            metavar="HASH",
            help="A head recorded earlier (e.g. in the minutes): the log must still contain it.",
        ),
    ] = None,
    anchors: Annotated[
        Path | None,
        typer.Option(
            "--anchors",
            metavar="FILE",
            help="Heads anchored earlier (`cyd audit anchor`): each must still be in the log.",
        ),
    ] = None,
    chain_only: Annotated[
        bool,
        typer.Option(
            "--chain-only", help="Check the chain alone, not the state it describes (quicker)."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Recompute the chain, then rebuild the state from the log and compare it with the
    stored one; exit 0 if both hold, else name the first entry or difference."""
    import re

    from cli import context
    from models import audit
    from models.backup import integrity_problem
    from models.db import read_session

    if expected_head is not None:
        expected_head = expected_head.strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", expected_head):
            # A typing mistake is not tampering: say so, with a usage error's code.
            fail(
                "--head: not a head (a head is 64 hexadecimal characters, "
                "as `cyd audit head` prints it)",
                code=2,
            )
    anchored = _anchored(anchors) if anchors is not None else None
    engine = context.engine()
    problem = integrity_problem(engine)
    if problem is not None:
        engine.dispose()
        fail(
            f"the database is damaged ({problem}): do not write to it; "
            "restore the last backup (`cyd restore FILE`)"
        )
    try:
        with read_session(engine) as session:
            try:
                result = audit.verify(session, expected_head=expected_head, anchored=anchored)
            except Exception:  # a row too damaged to load
                session.rollback()
                result = _unreadable(session)
    finally:
        engine.dispose()
    # The chain proves the log; the tables beside it could still have been edited (a
    # decision, a vote): the log is replayed by the rules and the result compared.
    state = None if chain_only or not result.ok else _replayed(None)
    if as_json:
        report: dict[str, Any] = {
            "ok": result.ok and (state is None or state.ok),
            "entries": result.entries,
            "first_bad_seq": result.first_bad_seq,
            "reason": result.reason,
            "head": result.head,
        }
        if state is not None:
            report["state"] = state.as_json()
        print_json(report)
    if not result.ok:
        fail(result.message())
    if state is not None and not state.ok:
        first = [*state.problems, *state.differences][0]
        more = len(state.problems) + len(state.differences) - 1
        fail(
            f"the audit log is intact, but the stored state is not what it says: {first}"
            + (f" (and {more} more: `cyd audit replay` lists them)" if more else "")
        )
    if not as_json:
        sys.stdout.write(result.message() + "\n")
        if state is not None:
            sys.stdout.write(
                f"the stored state is what the audit log says ({state.entries} entries replayed)\n"
            )


class _State:
    """What replaying the log and comparing its result with the stored state found."""

    def __init__(self, entries: int, problems: list[str], differences: list[str]) -> None:
        self.entries, self.problems, self.differences = entries, problems, differences
        self.ok = not problems and not differences

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "problems": self.problems,
            "differences": self.differences,
        }


def _replayed(into: str | None) -> _State:
    """Rebuild a database from the log (into `into`, else a temporary SQLite file),
    by the rules, and compare it with the stored one."""
    import tempfile

    import settings
    from checklists.library import DefinitionError
    from checklists.validcache import load_library
    from cli import context
    from models import audit
    from models.db import make_engine, read_session
    from models.migrate import upgrade
    from services.replay import compare
    from services.replay import replay as rebuild

    try:
        library = load_library(cache_dir=settings.current().cache_dir)
    except DefinitionError as exc:
        fail(f"the checklist definitions have {len(exc.problems)} problem(s): {exc.problems[0]}")
    source = context.engine()
    with tempfile.TemporaryDirectory(prefix="cyd-replay-") as folder:
        target = make_engine(into or f"sqlite:///{Path(folder) / 'replayed.db'}")
        try:
            upgrade(target)
            with read_session(target) as session:
                if audit.head(session) != audit.GENESIS_HASH:
                    fail("the database given with --into is not empty: give an empty one")
            try:
                result = rebuild(source, target, library)
                differences = compare(source, target)
            except Exception as error:  # a log or table Cyd could not have written
                fail(f"the audit log could not be replayed ({type(error).__name__}: {error})")
        finally:
            target.dispose()
            source.dispose()
    return _State(result.entries, list(result.problems), list(differences))


def _anchored(path: Path) -> dict[int, str]:
    """Entry number → anchored hash, from the file; one clear line if it cannot serve."""
    from models.anchors import AnchorError, read_anchors

    try:
        found = read_anchors(path)
    except AnchorError as error:
        fail(str(error), code=2)
    anchored: dict[int, str] = {}
    for anchor in found:
        if anchored.setdefault(anchor.seq, anchor.head) != anchor.head:
            fail(
                f"{path}: entry {anchor.seq} is anchored with two different hashes: "
                "the log was rewritten between them (or the file was edited)"
            )
    return anchored


@app.command()
def anchor(
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            metavar="FILE",
            help="The anchors file (appended to; outside the data folder).",
        ),
    ] = None,
    send_to: Annotated[
        list[str] | None,
        typer.Option(
            "--send-to",
            metavar="EMAIL",
            help="Also send the head to this person (e.g. the Board secretary), on each "
            "of their channels; repeat for more.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Append today's head to an anchors file outside the data folder, and/or send it to
    people to keep, for `cyd audit verify --anchors FILE` or `--head` to check later."""
    from cli import context
    from models import audit
    from models.anchors import Anchor, AnchorError, append_anchor
    from models.db import read_session, utcnow
    from services.audit_anchor import UnknownRecipient, send_anchor
    from settings import current

    if file is None and not send_to:
        fail("say where the head goes: --file FILE, --send-to EMAIL, or both")
    engine = context.engine()
    try:
        with read_session(engine) as session:
            result = audit.verify(session)
        if not result.ok:  # anchoring a broken log would vouch for it
            fail(f"not anchored: {result.message()}")
        made = Anchor(utcnow(), result.entries, result.head)
        queued = 0
        if send_to:
            # Queued before the file is written: an unknown email leaves both untouched.
            try:
                queued = send_anchor(engine, made, send_to)
            except UnknownRecipient as error:
                fail(str(error))
        if file is not None:
            try:
                append_anchor(file, made, data_dir=current().data_dir)
            except AnchorError as error:
                fail(f"{error}{'; the head was queued to send' if queued else ''}")
    finally:
        engine.dispose()
    if as_json:
        print_json(
            {
                "file": str(file) if file is not None else None,
                "at": made.at.isoformat(),
                "entry": made.seq,
                "head": made.head,
                "sent_to": sorted(send_to or []),
                "messages": queued,
            }
        )
        return
    where = [f"in {file}"] if file is not None else []
    if send_to:
        where.append(
            f"queued to {', '.join(sorted(send_to))} ({queued} message(s); "
            "`cyd notify send-due` or `cyd serve` sends them)"
        )
    sys.stdout.write(f"anchored entry {made.seq}, head {made.head}, {'; '.join(where)}\n")


def _unreadable(session: Any) -> Any:
    """The result for a log with an entry that cannot even be loaded (its time or its
    payload is not what Cyd writes): the first such entry, by seq."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from models import audit
    from models.tables import AuditEntry

    try:
        found = session.execute(text("SELECT seq FROM audit_entry ORDER BY seq"))
        seqs = [row[0] for row in found]
    except DBAPIError as error:  # no table, or one that is not the log's
        session.rollback()
        reason = (
            f"the audit log cannot be read at all ({type(error.orig).__name__}): "
            "its table was dropped or damaged"
        )
        return audit.VerifyResult(False, 0, None, reason, audit.GENESIS_HASH)
    checked = 0
    prev_hash = audit.GENESIS_HASH
    for seq in seqs:
        try:
            entry = session.get(AuditEntry, seq)
        except Exception as error:
            reason = f"the entry cannot be read ({type(error).__name__}): it was changed"
            return audit.VerifyResult(False, checked, seq, reason, prev_hash)
        if entry is not None:
            prev_hash = entry.hash
        checked += 1
    reason = "an entry cannot be read: it was changed"
    return audit.VerifyResult(False, checked, seqs[-1] if seqs else None, reason, prev_hash)


@app.command()
def head(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Print the hash of the last audit entry, to write into the Board's minutes."""
    from sqlmodel import func, select

    from cli import context
    from models import audit
    from models.db import read_session
    from models.tables import AuditEntry

    engine = context.engine()
    try:
        with read_session(engine) as session:
            last = audit.head(session)
            count = session.exec(select(func.count()).select_from(AuditEntry)).one()
    finally:
        engine.dispose()
    if as_json:
        print_json({"head": last, "entries": count})
        return
    sys.stdout.write(last + "\n")


@app.command()
def replay(
    into: Annotated[
        str | None,
        typer.Option(
            "--into",
            metavar="URL",
            help="An empty database to rebuild into (default: a temporary SQLite file).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Rebuild a database from the audit log, by the rules, and compare it with this one.

    Exit 0 only if every entry is reproduced and every stored row (ventures, answers,
    reviews, votes, decisions, messages, ...) is what the log says: a row changed in
    the tables behind the log's back is found here, as `verify` finds it, with every
    difference listed (`verify` names the first).
    """
    state = _replayed(into)
    if as_json:
        print_json(state.as_json())
    if not state.ok:
        lines = [*state.problems, *state.differences]
        shown = "\n".join(f"  {line}" for line in lines[:40])
        more = f"\n  and {len(lines) - 40} more" if len(lines) > 40 else ""
        fail(
            f"the stored state is not what the audit log says "
            f"({len(state.problems)} entries not reproduced, "
            f"{len(state.differences)} differences):\n{shown}{more}"
        )
    if not as_json:
        sys.stdout.write(
            f"replayed {state.entries} entries: the stored state is what the audit log says\n"
        )
