"""A reason given by a governance rule: a stable code and an English sentence.

The code is what templates key on: Welsh and Easy Read texts are written whole
for each code in notifications/, never assembled from the English sentence (Welsh
mutations make assembled sentences wrong). The English sentence is for the CLI,
logs and the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    text: str

    def __str__(self) -> str:
        return self.text


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 member', '3 members' (English only; Welsh plurals live in the templates)."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
