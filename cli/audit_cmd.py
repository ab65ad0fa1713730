"""`cyd audit ...`: check the hash-chained audit log, and print its head for the minutes."""

from __future__ import annotations

import sys
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
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Recompute the chain; exit 0 if intact, else name the first entry that breaks it."""
    from cli import context
    from models import audit
    from models.db import read_session

    engine = context.engine()
    try:
        with read_session(engine) as session:
            try:
                result = audit.verify(session, expected_head=expected_head)
            except Exception:  # a row too damaged to load
                session.rollback()
                result = _unreadable(session)
    finally:
        engine.dispose()
    if as_json:
        print_json(
            {
                "ok": result.ok,
                "entries": result.entries,
                "first_bad_seq": result.first_bad_seq,
                "reason": result.reason,
                "head": result.head,
            }
        )
    if not result.ok:
        fail(result.message())
    if not as_json:
        sys.stdout.write(result.message() + "\n")


def _unreadable(session: Any) -> Any:
    """The result for a log with an entry that cannot even be loaded (its time or its
    payload is not what Cyd writes): the first such entry, by seq."""
    from sqlalchemy import text

    from models import audit
    from models.tables import AuditEntry

    seqs = [row[0] for row in session.execute(text("SELECT seq FROM audit_entry ORDER BY seq"))]
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
