"""The papers as blocks (headings, paragraphs, lists, Easy Read points beside a
picture): what the HTML page and the PDF both lay out, so they say the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["h1", "h2", "h3", "p", "ul", "point"]


@dataclass(frozen=True, slots=True)
class Block:
    kind: Kind
    text: str = ""
    items: tuple[str, ...] = ()  # for "ul"
    picture: str | None = None  # for "point": a pictogram's name
    lang: str | None = None  # the text's language, when not the papers' (a person wrote it)


class Marked(str):
    """A text with parts in another language than the papers' (what someone wrote, not
    translated yet): the same string as its parts joined, so the PDF and every check of
    the words read it as any text, and the HTML marks each such part with its `lang`."""

    parts: tuple[tuple[str, str | None], ...]

    def __new__(cls, *parts: tuple[str, str | None]) -> Marked:
        made = super().__new__(cls, "".join(text for text, _ in parts))
        made.parts = parts
        return made


def free_text(before: str, shown: tuple[str, str | None], after: str = "") -> str:
    """`before` + a text someone wrote (`AgendaItem.free`: the text, and its language
    when not the papers') + `after`: Marked when that text is in another language."""
    text, lang = shown
    if lang is None:
        return before + text + after
    return Marked((before, None), (text, lang), (after, None))
