"""Rich rendering of definitions for people at a terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from checklists.describe import bounds, condition_text, options, pick
from checklists.spec import ChecklistDefinition

if TYPE_CHECKING:
    from rich.console import Console

_WORDS = {
    "en": {
        "must": "must meet",
        "should": "should meet",
        "shown_when": "Shown when",
        "evidence": "Evidence",
        "hint": "Hint",
        "unreviewed": "The Welsh text has not yet been reviewed by a Welsh speaker.",
        "items": "items",
    },
    "cy": {
        "must": "rhaid ei fodloni",
        "should": "dylid ei fodloni",
        "shown_when": "Dangosir pan",
        "evidence": "Tystiolaeth",
        "hint": "Awgrym",
        "unreviewed": "Nid yw siaradwr Cymraeg wedi adolygu'r testun Cymraeg eto.",
        "items": "eitem",
    },
}


def render_checklist(
    out: Console, definition: ChecklistDefinition, lang: str, easy_read: bool
) -> None:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    words = _WORDS[lang]
    intro = pick(definition.easy_read, lang) if easy_read else ""
    header = f"[bold]{escape(pick(definition.title, lang))}[/bold]  "
    header += f"({escape(definition.id)} v{definition.version})"
    if intro:
        header += "\n" + escape(intro)
    if not definition.welsh_reviewed:
        header += f"\n[yellow]{escape(words['unreviewed'])}[/yellow]"
    out.print(Panel(header, expand=False))
    for section in definition.sections:
        table = Table(
            title=escape(pick(section.title, lang)), title_justify="left", show_lines=True
        )
        table.add_column("id", style="cyan", no_wrap=True)
        table.add_column("?", no_wrap=True)
        table.add_column("")
        table.add_column("type", no_wrap=True)
        for item in section.items:
            text = pick(item.easy_read if easy_read else item.question, lang)
            lines = [escape(text)]
            if item.hint and not easy_read:
                lines.append(f"[dim]{words['hint']}: {escape(pick(item.hint, lang))}[/dim]")
            for option in options(item):
                label = option["easy_read" if easy_read else "label"][lang]
                lines.append(f"  • {escape(label)} [dim]({escape(option['id'])})[/dim]")
            if item.show_if:
                lines.append(
                    f"[magenta]{words['shown_when']}: {escape(condition_text(item.show_if))}"
                    "[/magenta]"
                )
            if item.evidence and not easy_read:
                ev = escape(pick(item.evidence, lang))
                lines.append(f"[dim]{words['evidence']}: {ev}[/dim]")
            limits = ", ".join(f"{k}={v}" for k, v in bounds(item).items() if v is not None)
            kind = item.answer.type + (f"\n[dim]{escape(limits)}[/dim]" if limits else "")
            level = f"[bold red]{words['must']}[/bold red]" if item.required else words["should"]
            table.add_row(escape(item.id), level, "\n".join(lines), kind)
        out.print(table)
