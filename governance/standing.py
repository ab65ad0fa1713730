"""Whose vote counts on a venture: said once, for the decision, the reminders, the
Board's notices and the pages.

A member leaves the Board's decision on a venture when they declared an interest in
it; the venture's lead leaves it whatever their roles (a lead never decides on their
own venture). Everyone else on the Board stands: their vote counts, they are asked
and reminded to vote, and they are told when the vote runs on.
"""

from __future__ import annotations

from collections.abc import Iterable

from governance.ballots import Interest


def declared(interests: Iterable[Interest]) -> frozenset[str]:
    """The members who declared an interest in the venture."""
    return frozenset(i.member_id for i in interests)


def recused(interests: Iterable[Interest], lead: str | None) -> frozenset[str]:
    """Everyone who leaves the decision: those who declared an interest, and the lead."""
    return declared(interests) | ({lead} if lead is not None else frozenset())


def standing_votes(
    board: Iterable[str], interests: Iterable[Interest], lead: str | None
) -> frozenset[str]:
    """The members of the Board whose vote counts on the venture."""
    return frozenset(board) - recused(interests, lead)
