"""A Board decision rule, declared by name in the programme file.

The rule is a pydantic model so that the programme loader can validate it with
precise errors and a venture can pin a JSON snapshot of it (`VenturePins`).
"""

from __future__ import annotations

import math
from enum import StrEnum
from fractions import Fraction
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema

from checklists.spec import Identifier


class Threshold(StrEnum):
    """How much support carries a decision, counted over votes for or against.

    Abstentions are left out of both sides; they still count towards quorum.
    """

    SIMPLE_MAJORITY = "simple-majority"  # more for than against
    TWO_THIRDS = "two-thirds"  # at least two of every three votes for or against
    UNANIMOUS = "unanimous"  # nobody against, somebody for


def _quorum(value: object) -> int | float:
    # One clear sentence instead of one error per member of an int | float union.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("quorum must be a whole number (3) or a fraction between 0 and 1 (0.5)")
    if isinstance(value, int):
        if value < 1:
            raise ValueError("a quorum count must be 1 or more")
        return value
    if 0 < value <= 1:
        return value
    if value > 1 and value.is_integer():
        return int(value)
    raise ValueError("a quorum fraction must be more than 0 and at most 1, like 0.5")


Quorum = Annotated[
    int | float,
    PlainValidator(_quorum),
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "integer", "minimum": 1},
                {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
            ]
        }
    ),
]


class DecisionRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Identifier
    quorum: Quorum = Field(
        description="A whole number of members (3) or a fraction of eligible members (0.5)."
    )
    lived_experience_quorum: int = Field(
        default=0, ge=0, description="At least this many members with lived experience take part."
    )
    chair_must_vote: bool = Field(default=False, description="The chair must take part.")
    threshold: Threshold = Threshold.SIMPLE_MAJORITY
    chair_casting_vote: bool = Field(
        default=False, description="On a simple-majority tie, the chair's own vote decides."
    )
    more_time_days: int = Field(
        default=7,
        ge=1,
        le=90,
        description="Working days a vote is extended when a member needs more time.",
    )
    voting_days: int = Field(
        default=14,
        ge=1,
        le=180,
        description=(
            "Working days members have to vote once the papers go out (the vote closes "
            "by the working day before the meeting it is for)."
        ),
    )

    def quorum_needed(self, eligible: int) -> int:
        """Members who must take part, given how many are eligible (not recused).

        A fraction is rounded up: half of 5 members is 3. It is computed exactly
        (0.7 of 10 is 7, where floating point would give 7.000000000000001 and 8),
        and never less than 1, so that no decision is ever taken by nobody.
        """
        if isinstance(self.quorum, int):
            return self.quorum
        return max(1, math.ceil(Fraction(str(self.quorum)) * eligible))

    def describe_quorum(self) -> str:
        if isinstance(self.quorum, int):
            return f"at least {self.quorum} taking part"
        return f"at least {self.quorum:g} of eligible members taking part, rounded up"
