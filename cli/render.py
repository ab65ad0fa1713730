"""Rich rendering of definitions for people at a terminal.

Items are printed one after another rather than in a table: long questions stay
readable in a narrow terminal and read in order with a screen reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from checklists.describe import bounds, condition_text, met_text, options, pick
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
        "met_when": "Met when",
        "not_met": "If not met",
        "justify": "Or say why not",
        "lead": "for the lead",
        "co-producers": "for the co-producers",
    },
    "cy": {
        "must": "rhaid ei fodloni",
        "should": "dylid ei fodloni",
        "shown_when": "Dangosir pan",
        "evidence": "Tystiolaeth",
        "hint": "Awgrym",
        "unreviewed": "Nid yw siaradwr Cymraeg wedi adolygu'r testun Cymraeg eto.",
        "met_when": "Wedi'i fodloni pan",
        "not_met": "Os nad yw wedi'i fodloni",
        "justify": "Os na, pam?",
        "lead": "i'r arweinydd",
        "co-producers": "i'r cydgynhyrchwyr",
    },
}


def render_checklist(
    out: Console, definition: ChecklistDefinition, lang: str, easy_read: bool
) -> None:
    from rich.markup import escape

    words = _WORDS[lang]
    out.print(
        f"[bold]{escape(pick(definition.title, lang))}[/bold] "
        f"[dim]({escape(definition.id)} v{definition.version})[/dim]"
    )
    if easy_read:
        out.print(escape(pick(definition.easy_read, lang)))
    if not definition.welsh_reviewed:
        out.print(f"[yellow]{escape(words['unreviewed'])}[/yellow]")
    for section in definition.sections:
        out.print()
        out.rule(f"[bold]{escape(pick(section.title, lang))}[/bold]", align="left")
        for item in section.items:
            level = f"[bold]{words['must']}[/bold]" if item.required else words["should"]
            limits = ", ".join(f"{k}={v}" for k, v in bounds(item).items() if v is not None)
            kind = item.answer.type + (f" ({limits})" if limits else "")
            who = "" if item.audience == "anyone" else f" · {words[item.audience]}"
            out.print(f"\n[cyan]{escape(item.id)}[/cyan] · {level} · {escape(kind)}{who}")
            text = pick(item.easy_read if easy_read else item.question, lang)
            out.print(f"  {escape(text)}")
            for option in options(item):
                label = option["easy_read" if easy_read else "label"][lang]
                out.print(f"    • {escape(label)} [dim]({escape(option['id'])})[/dim]")
            # Easy Read shows an item's Easy Read hint and evidence, and the standard
            # ones only where the item has no Easy Read form (as the pages do).
            hint = (item.hint_easy_read if easy_read else None) or item.hint
            if hint:
                out.print(f"  [dim]{words['hint']}: {escape(pick(hint, lang))}[/dim]")
            evidence = (item.evidence_easy_read if easy_read else None) or item.evidence
            if evidence:
                ev = escape(pick(evidence, lang))
                out.print(f"  [dim]{words['evidence']}: {ev}[/dim]")
            if item.show_if:
                cond = escape(condition_text(item.show_if))
                out.print(f"  [magenta]{words['shown_when']}: {cond}[/magenta]")
            met = item.met_when
            if met is not None:
                out.print(f"  [green]{words['met_when']}: {escape(met_text(item) or '')}[/green]")
                why = pick(met.easy_read if easy_read else met.reason, lang)
                out.print(f"  [dim]{words['not_met']}: {escape(why)}[/dim]")
                if met.justification and met.justification_easy_read:
                    ask = met.justification_easy_read if easy_read else met.justification
                    out.print(f"  [dim]{words['justify']}: {escape(pick(ask, lang))}[/dim]")
