"""What the Board votes with: members, votes, declarations of interest.

Values only; the counting is in `governance.decisions`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Choice(StrEnum):
    APPROVE = "approve"
    APPROVE_WITH_CONDITIONS = "approve-with-conditions"
    RECYCLE = "recycle"
    REJECT = "reject"
    HOLD = "hold"
    ABSTAIN = "abstain"
    MORE_TIME = "more-time"  # "I need more time": defers, is not an abstention


SUPPORT: frozenset[Choice] = frozenset({Choice.APPROVE, Choice.APPROVE_WITH_CONDITIONS})
AGAINST: frozenset[Choice] = frozenset({Choice.RECYCLE, Choice.REJECT, Choice.HOLD})
# Choices that count as taking part, for quorum.
TAKING_PART: frozenset[Choice] = SUPPORT | AGAINST | {Choice.ABSTAIN}


@dataclass(frozen=True, slots=True)
class Member:
    """A member of the Board."""

    id: str
    lived_experience: bool = False
    is_chair: bool = False


@dataclass(frozen=True, slots=True)
class Vote:
    """One vote as cast. A member may vote again; their latest current vote counts.

    `supported_by` records the supporter who helped the member; the vote is the
    member's own. `stale` is set when an answer changed after the vote was cast.
    """

    id: str
    member_id: str
    choice: Choice
    cast_at: dt.datetime
    reason: str = ""
    supported_by: str | None = None
    stale: bool = False


@dataclass(frozen=True, slots=True)
class Interest:
    """A declaration of interest in one venture: the member leaves that decision."""

    member_id: str
    description: str = ""
