"""`cyd venture show`, shared by the Typer command and the start-up fast path (cli.main).

Nothing here needs Typer; rich is imported for the text form only.
"""

from __future__ import annotations

from typing import Any

from cli.output import console, fail, print_json


def show(venture: str, as_json: bool) -> None:
    """Everything about a venture, as text or (`as_json`) as JSON on stdout."""
    from cli.app_context import cyd_context
    from models import tables as t
    from models.db import read_session
    from services.views import describe_venture

    cyd = cyd_context()
    try:
        with read_session(cyd.engine) as session:
            row = session.get(t.Venture, venture)
            if row is None:
                fail(f"no venture '{venture}'")
            data = describe_venture(session, row, cyd.library, cyd.clock())
    finally:
        # Close the connections now, not whenever the objects holding them are freed
        # (on SQLite, closing the last one also folds the WAL file into the database).
        cyd.engine.dispose()
    if as_json:
        print_json(data)
        return
    _show(data)


def _show(data: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    out = console()
    out.print(f"[bold]{escape(data['id'])}[/bold] {escape(data['title'])}")
    out.print(
        f"  {escape(data['state'])} at gate {escape(data['gate'])} · workstream "
        f"{escape(data['workstream'])} · lead {escape(data['lead'] or '-')}"
        + (f" · deadline {escape(data['deadline'][:10])}" if data["deadline"] else "")
    )
    for c in data["checklists"]:
        status = "complete" if c["complete"] else "not complete"
        out.print(
            f"  Checklist {escape(c['id'])} v{c['version']}: {c['answered']}/{c['shown']} "
            f"answered, {status}"
        )
        if c["missing_required"]:
            out.print(f"    must-meet still to answer: {escape(', '.join(c['missing_required']))}")
        for item, reason in c["invalid"].items():
            out.print(f"    {escape(item)}: {escape(reason['en'])}")
    if data["reviews"]:
        table = Table(
            "reviewer", "recommends", "note", "stale", title="Reviews", title_justify="left"
        )
        for r in data["reviews"]:
            table.add_row(
                r["reviewer"], r["recommend"], r["note"] or "", "yes" if r["stale"] else ""
            )
        out.print(table)
    elif data["reviewers"]:
        out.print(f"  Reviewers: {escape(', '.join(data['reviewers']))}")
    for i in data["interests"]:
        out.print(f"  Interest declared by {escape(i['member'])}: {escape(i['interest'])}")
    ballot = data["ballot"]
    if ballot:
        out.print(f"  Vote {ballot['number']}, closes {escape((ballot['deadline'] or '')[:10])}")
        for v in ballot["votes"]:
            helper = f" (helped by {v['supported_by']})" if v["supported_by"] else ""
            stale = " [stale]" if v["stale"] else ""
            out.print(f"    {escape(v['member'])}: {escape(v['choice'])}{escape(helper + stale)}")
    for d in data["decisions"]:
        out.print(f"  Decision at {escape(d['gate'])}: [bold]{escape(d['outcome'])}[/bold]")
        for reason in d["reasons"]:
            out.print(f"    • {escape(reason['text'])}")
