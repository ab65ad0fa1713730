"""`cyd demo`: for now, validate and show the shipped checklists and the gate chain.

The full main path (ventures, reviews, Board votes through Prefect flows) joins
this command as the governance and flow issues land.
"""

from __future__ import annotations

import typer

from checklists.loader import DEFAULT_DIR, load_paths
from cli.output import console


def demo() -> None:
    """Run the demonstration of Cyd on the shipped definitions."""
    from rich.markup import escape
    from rich.table import Table

    from checklists.evaluate import evaluate

    out = console()
    out.rule("[bold]Cyd demo[/bold]")
    library, problems = load_paths([DEFAULT_DIR])
    if problems:
        for problem in problems:
            out.print(f"[red]{escape(str(problem))}[/red]")
        raise typer.Exit(1)
    out.print(
        f"Validated {len(library.checklists)} checklists and {len(library.gates)} gates "
        f"in {escape(str(DEFAULT_DIR))}."
    )
    chain = library.gate_chain()
    out.print("Gate chain: " + " → ".join(f"[bold]{g.id}[/bold]" for g in chain))
    table = Table(title="Shipped checklists", title_justify="left")
    for col in ("gate", "checklist", "v", "items", "must", "should", "cond"):
        table.add_column(col, no_wrap=True)
    for gate in chain:
        for checklist_id in gate.checklists:
            c = library.checklist(checklist_id)
            items = c.items()
            table.add_row(
                gate.id,
                c.id,
                str(c.version),
                str(len(items)),
                str(sum(i.required for i in items)),
                str(sum(not i.required for i in items)),
                str(sum(i.show_if is not None for i in items)),
            )
    out.print(table)
    unreviewed = [c.id for c in library.latest_checklists() if not c.welsh_reviewed]
    if unreviewed:
        out.print(
            "[yellow]Welsh text awaiting review by a Welsh speaker:[/yellow] "
            + ", ".join(unreviewed)
        )
    first = library.checklist(chain[0].checklists[0]) if chain else None
    if first is not None:
        result = evaluate(first, {})
        out.print(
            f"A new venture at gate [bold]{chain[0].id}[/bold] starts with "
            f"{len(result.missing_required)} must-meet items to answer "
            f"({len(result.shown)} shown, {len(result.hidden)} shown only when they apply)."
        )
        sample = next((i for i in first.items() if i.answer.type == "number"), None)
        if sample is not None:
            reason = evaluate(first, {sample.id: -1}).invalid.get(sample.id)
            if reason is not None:
                out.print(f"Answering '{sample.id}' with -1 is refused, in both languages:")
                out.print(f"  en: {escape(reason.en)}\n  cy: {escape(reason.cy)}")
        out.print(f"See one: [bold]cyd checklist show {first.id} --lang cy --easy-read[/bold]")
