"""Reviewers' recommendations. They are advice to the Board, not a gate of their own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Recommendation(StrEnum):
    GO = "go"
    RECYCLE = "recycle"


@dataclass(frozen=True, slots=True)
class Review:
    id: str
    reviewer_id: str
    recommendation: Recommendation
    given_at: dt.datetime
    note: str = ""
    stale: bool = False  # an answer changed after it was given
