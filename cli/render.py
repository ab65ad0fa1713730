"""Rich rendering of definitions for people at a terminal.

Items are printed one after another rather than in a table: long questions stay
readable in a narrow terminal and read in order with a screen reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from checklists.describe import bounds, condition_text, met_text, options, pick
from checklists.spec import ChecklistDefinition, Item

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


# The answer types and their bounds, in Welsh; English shows them as the definition
# files write them (what an admin types).
_TYPES_CY = {
    "yes-no": "ie neu na",
    "text": "testun",
    "single-choice": "un dewis",
    "multiple-choice": "sawl dewis",
    "number": "rhif",
    "date": "dyddiad",
    "link": "dolen",
    "people": "pobl",
}
_BOUNDS_CY = {
    "min_words": "lleiafswm geiriau",
    "max_words": "uchafswm geiriau",
    "min": "lleiaf",
    "max": "mwyaf",
    "earliest": "cynharaf",
    "latest": "hwyraf",
    "not_in_future": "dim yn y dyfodol",
    "within_days": "o fewn hyn o ddiwrnodau",
    "within_days_ahead": "o fewn hyn o ddiwrnodau i ddod",
    "min_selected": "lleiafswm dewisiadau",
    "max_selected": "uchafswm dewisiadau",
    "min_people": "lleiafswm pobl",
    "max_people": "uchafswm pobl",
}


def answer_kind(item: Item, lang: str) -> str:
    """The answer's type and bounds, e.g. `text (max_words=50)` / `testun (uchafswm
    geiriau=50)`."""
    given = {k: v for k, v in bounds(item).items() if v is not None}
    if lang != "cy":
        limits = ", ".join(f"{k}={v}" for k, v in given.items())
        return item.answer.type + (f" ({limits})" if limits else "")
    limits = ", ".join(f"{_BOUNDS_CY[k]}={_value_cy(v)}" for k, v in given.items())
    return _TYPES_CY[item.answer.type] + (f" ({limits})" if limits else "")


def _value_cy(value: object) -> str:
    return ("ie" if value else "na") if isinstance(value, bool) else str(value)


def render_checklist(
    out: Console, definition: ChecklistDefinition, lang: str, easy_read: bool
) -> None:
    from cli.output import safe as escape

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
            kind = answer_kind(item, lang)
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
                cond = escape(condition_text(item.show_if, lang))
                out.print(f"  [magenta]{words['shown_when']}: {cond}[/magenta]")
            met = item.met_when
            if met is not None:
                out.print(
                    f"  [green]{words['met_when']}: {escape(met_text(item, lang) or '')}[/green]"
                )
                why = pick(met.easy_read if easy_read else met.reason, lang)
                out.print(f"  [dim]{words['not_met']}: {escape(why)}[/dim]")
                if met.justification and met.justification_easy_read:
                    ask = met.justification_easy_read if easy_read else met.justification
                    # (A label that is a question, "Os na, pam?", takes no colon.)
                    label = words["justify"] + ("" if words["justify"].endswith("?") else ":")
                    out.print(f"  [dim]{label} {escape(pick(ask, lang))}[/dim]")
