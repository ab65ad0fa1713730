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
