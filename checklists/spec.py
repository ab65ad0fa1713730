"""The definition language: what a programme admin writes in YAML.

Every model forbids unknown keys, so a misspelt key is an error rather than
something silently ignored. Cross-references (conditions naming other items,
principles, gates naming checklists) are checked by `checklists.semantics`,
which works on the raw data so that it can report problems even in a file that
also has structural errors.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

SCHEMA_VERSION = 1

ID_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
Identifier = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, max_length=64),
    Field(description="Lower-case words joined by hyphens, e.g. 'lived-experience-count'."),
]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Text(Strict):
    """A text a person reads, written whole in English and in Welsh."""

    en: NonEmpty = Field(description="English text.")
    cy: NonEmpty = Field(description="Welsh text, written as Welsh (not translated word by word).")


class Principle(Strict):
    """A principle or theme that items serve (e.g. 'share power')."""

    id: Identifier
    label: Text


class Option(Strict):
    id: Identifier
    label: Text
    easy_read: Text | None = Field(
        default=None, description="Easy Read label, when the plain label is not already easy."
    )


# --- answer types -------------------------------------------------------------------------


class YesNoAnswer(Strict):
    type: Literal["yes-no"]


class TextAnswer(Strict):
    type: Literal["text"]
    max_words: int = Field(ge=1, le=5000, description="Most words an answer may have.")
    min_words: int = Field(default=0, ge=0, le=5000)

    @model_validator(mode="after")
    def _bounds(self) -> TextAnswer:
        if self.min_words > self.max_words:
            raise ValueError("min_words is larger than max_words")
        return self


def _unique_option_ids(options: list[Option]) -> None:
    seen: set[str] = set()
    for option in options:
        if option.id in seen:
            raise ValueError(f"option id '{option.id}' is used twice")
        seen.add(option.id)


class SingleChoiceAnswer(Strict):
    type: Literal["single-choice"]
    options: list[Option] = Field(min_length=2)

    @model_validator(mode="after")
    def _unique(self) -> SingleChoiceAnswer:
        _unique_option_ids(self.options)
        return self


class MultipleChoiceAnswer(Strict):
    type: Literal["multiple-choice"]
    options: list[Option] = Field(min_length=2)
    min_selected: int = Field(default=1, ge=0)
    max_selected: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _check(self) -> MultipleChoiceAnswer:
        _unique_option_ids(self.options)
        if self.max_selected is not None and self.min_selected > self.max_selected:
            raise ValueError("min_selected is larger than max_selected")
        if self.min_selected > len(self.options):
            raise ValueError("min_selected is larger than the number of options")
        return self


class NumberAnswer(Strict):
    """A whole number, e.g. how many people with lived experience take part."""

    type: Literal["number"]
    min: int | None = None
    max: int | None = None

    @model_validator(mode="after")
    def _bounds(self) -> NumberAnswer:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is larger than max")
        return self


class DateAnswer(Strict):
    """A date. Fixed bounds (`earliest`, `latest`) and bounds counted from the day the
    answer is checked (the programme's local day): `not_in_future`, `within_days` (at
    most N days before it, not after it), `within_days_ahead` (not before it, at most N
    days after it). Where several apply, the tightest holds."""

    type: Literal["date"]
    earliest: dt.date | None = None
    latest: dt.date | None = None
    not_in_future: Literal[True] | None = Field(
        default=None, description="The date is not after the day it is checked."
    )
    within_days: int | None = Field(
        default=None, ge=1, le=36600, description="At most this many days before the day."
    )
    within_days_ahead: int | None = Field(
        default=None, ge=1, le=36600, description="At most this many days after the day."
    )

    @model_validator(mode="after")
    def _bounds(self) -> DateAnswer:
        if self.earliest and self.latest and self.earliest > self.latest:
            raise ValueError("earliest is after latest")
        if self.within_days_ahead is not None and (
            self.not_in_future or self.within_days is not None
        ):
            raise ValueError("within_days_ahead asks for a date ahead; the other bounds forbid one")
        return self


class LinkAnswer(Strict):
    """A link to evidence (a web address)."""

    type: Literal["link"]
    schemes: list[Literal["https", "http"]] = Field(default=["https"], min_length=1)


class PeopleAnswer(Strict):
    """A list of people, by name or email."""

    type: Literal["people"]
    min_people: int = Field(default=1, ge=0)
    max_people: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _bounds(self) -> PeopleAnswer:
        if self.max_people is not None and self.min_people > self.max_people:
            raise ValueError("min_people is larger than max_people")
        return self


AnswerSpec = Annotated[
    YesNoAnswer
    | TextAnswer
    | SingleChoiceAnswer
    | MultipleChoiceAnswer
    | NumberAnswer
    | DateAnswer
    | LinkAnswer
    | PeopleAnswer,
    Field(discriminator="type"),
]
ANSWER_TYPES = (
    "yes-no",
    "text",
    "single-choice",
    "multiple-choice",
    "number",
    "date",
    "link",
    "people",
)

# --- conditions ---------------------------------------------------------------------------


def _scalar(value: object) -> bool | int | str:
    # One clear error instead of one per member of a plain union.
    if isinstance(value, bool | int | str):
        return value
    raise ValueError("must be true, false, a whole number or a word")


Scalar = Annotated[
    bool | int | str,
    PlainValidator(_scalar),
    WithJsonSchema({"type": ["boolean", "integer", "string"]}),
]
OPERATORS = ("equals", "not_equals", "one_of", "includes", "at_least", "at_most", "answered")
COMBINATORS = ("all", "any", "not")


class Condition(Strict):
    """When an item is shown. Either a test on one other item, or all/any/not of conditions.

    A test on an item that is unanswered (or itself hidden) is false, except
    `answered: false`, which is true.
    """

    item: Identifier | None = Field(default=None, description="The item whose answer is tested.")
    gate: Identifier | None = Field(
        default=None,
        description="The item is one of an earlier gate's, answered there: the answer that "
        "stood when the venture passed that gate. Needs 'checklist'.",
    )
    checklist: Identifier | None = Field(
        default=None, description="With 'gate': the checklist of that gate the item is in."
    )
    equals: Scalar | None = None
    not_equals: Scalar | None = None
    one_of: list[Scalar] | None = Field(default=None, min_length=1)
    includes: Identifier | None = Field(
        default=None, description="A multiple-choice answer includes this option."
    )
    at_least: int | None = None
    at_most: int | None = None
    answered: bool | None = None
    all: list[Condition] | None = Field(default=None, min_length=1)
    any: list[Condition] | None = Field(default=None, min_length=1)
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        combinators = [n for n in COMBINATORS if getattr(self, _attr(n)) is not None]
        operators = [n for n in OPERATORS if getattr(self, n) is not None]
        if combinators:
            if len(combinators) > 1 or self.item is not None or operators or self.gate:
                raise ValueError(
                    "a condition is either one of all/any/not, or 'item' with one test"
                )
            return self
        if self.item is None:
            raise ValueError("a condition needs 'item' (or all/any/not)")
        if (self.gate is None) != (self.checklist is None):
            raise ValueError("'gate' and 'checklist' go together: an earlier gate's item")
        if len(operators) != 1:
            raise ValueError(
                f"a condition on item '{self.item}' needs exactly one test: " + ", ".join(OPERATORS)
            )
        return self

    @property
    def operator(self) -> str:
        """The form of this condition: a combinator or the test it applies to `item`."""
        for name in (*COMBINATORS, *OPERATORS):
            if getattr(self, _attr(name)) is not None:
                return name
        raise AssertionError("validated condition has no form")

    @property
    def key(self) -> str | None:
        """Where the tested answer is found: the item's id, or, for an earlier gate's
        item, 'gate/checklist/item' (`ChecklistDefinition.earlier_answers`)."""
        if self.item is None or self.gate is None:
            return self.item
        return earlier_key(self.gate, self.checklist or "", self.item)

    def referenced_items(self) -> set[str]:
        """The items of this checklist the condition tests (not an earlier gate's)."""
        refs: set[str] = set()
        if self.item is not None and self.gate is None:
            refs.add(self.item)
        for child in (self.all or []) + (self.any or []):
            refs |= child.referenced_items()
        if self.not_ is not None:
            refs |= self.not_.referenced_items()
        return refs

    def earlier_items(self) -> set[tuple[str, str, str]]:
        """The earlier gates' items the condition tests: (gate, checklist, item)."""
        refs: set[tuple[str, str, str]] = set()
        if self.item is not None and self.gate is not None and self.checklist is not None:
            refs.add((self.gate, self.checklist, self.item))
        for child in (self.all or []) + (self.any or []):
            refs |= child.earlier_items()
        if self.not_ is not None:
            refs |= self.not_.earlier_items()
        return refs


def earlier_key(gate: str, checklist: str, item: str) -> str:
    # Identifiers have no '/': these keys never meet an item's own id.
    return f"{gate}/{checklist}/{item}"


def _attr(name: str) -> str:
    return "not_" if name == "not" else name


# --- acceptance: what counts as met --------------------------------------------------------

MET_TESTS = (
    "at_least",
    "one_of",
    "equals",
    "includes",
    "min_words",
    "not_in_future",
    "within_days",
)


class MetWhen(Strict):
    """What counts as met for a must-meet item, beyond being answered.

    One test on the item's own answer: `at_least` (a number, or how many options or
    people), `one_of` (a single choice among these options), `equals` (yes: true),
    `includes` (a multiple choice that includes every one of these options),
    `min_words` (text), `not_in_future` or `within_days` (a date not after today, or
    within that many days before it). When the answer does not meet it, the person
    reads `reason` (or `easy_read`). With `justification`, a person may instead say
    why it cannot be met yet: the reviewers and the Board see that as an exception,
    never as met.
    """

    at_least: int | None = Field(default=None, ge=0)
    one_of: list[Scalar] | None = Field(default=None, min_length=1)
    equals: Scalar | None = None
    includes: list[Identifier] | None = Field(default=None, min_length=1)
    min_words: int | None = Field(default=None, ge=1, le=5000)
    not_in_future: Literal[True] | None = None
    within_days: int | None = Field(
        default=None, ge=1, le=36600, description="A date at most this many days before today."
    )
    reason: Text = Field(description="Why the answer does not count as met, whole sentences.")
    easy_read: Text = Field(description="The reason in Easy Read.")
    justification: Text | None = Field(
        default=None,
        description="If set, the question asking why it cannot be met yet; "
        "an answer to it reaches the reviewers and the Board as an exception.",
    )
    justification_easy_read: Text | None = None

    @model_validator(mode="after")
    def _one_test(self) -> MetWhen:
        tests = [n for n in MET_TESTS if getattr(self, n) is not None]
        if len(tests) != 1:
            raise ValueError("met_when needs exactly one test: " + ", ".join(MET_TESTS))
        if (self.justification is None) != (self.justification_easy_read is None):
            raise ValueError("justification and justification_easy_read go together")
        return self

    @property
    def test(self) -> str:
        return next(n for n in MET_TESTS if getattr(self, n) is not None)


# --- checklists and gates -----------------------------------------------------------------

Level = Literal["must-meet", "should-meet"]
# Who answers an item: its lead (what only the organisation knows, e.g. a web address),
# the co-producers (what only they can say, e.g. how taking part felt), or anyone in
# the workstream. The lead may answer every item: they submit the checklist.
Audience = Literal["lead", "co-producers", "anyone"]
AUDIENCES: tuple[str, ...] = ("lead", "co-producers", "anyone")


class Item(Strict):
    id: Identifier = Field(description="Stable id, unique in its checklist. Never reuse one.")
    principle: Identifier = Field(
        description="Id of a principle declared in 'principles' or in a set named in "
        "'shared_principles'."
    )
    level: Level = Field(description="must-meet items are required; should-meet are advisory.")
    question: Text
    easy_read: Text = Field(description="The question in Easy Read: short sentences, one idea.")
    hint: Text | None = None
    hint_easy_read: Text | None = Field(default=None, description="The hint in Easy Read.")
    audience: Audience = Field(
        default="anyone",
        description="Who answers it: the lead, the co-producers, or anyone in the workstream "
        "(the lead may answer every item).",
    )
    answer: AnswerSpec
    show_if: Condition | None = Field(
        default=None, description="Show this item only when the condition holds."
    )
    evidence: Text | None = Field(default=None, description="What a reviewer expects to see.")
    evidence_easy_read: Text | None = Field(
        default=None, description="What a reviewer expects to see, in Easy Read."
    )
    met_when: MetWhen | None = Field(
        default=None, description="What counts as met (must-meet items only), beyond answered."
    )

    @model_validator(mode="after")
    def _met_only_if_required(self) -> Item:
        if self.met_when is not None and self.level != "must-meet":
            raise ValueError("met_when is for must-meet items only")
        return self

    @property
    def required(self) -> bool:
        return self.level == "must-meet"

    def for_co_producers(self) -> bool:
        """Whether a co-producer (a workstream member who is not the lead) answers it."""
        return self.audience != "lead"


class Section(Strict):
    id: Identifier
    title: Text
    easy_read: Text | None = None
    items: list[Item] = Field(min_length=1)


class ChecklistDefinition(Strict):
    """A checklist: sections of items, each answered by the people of a venture."""

    # What `_some_principles` checks, for editors that read the schema.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["principles"], "properties": {"principles": {"minItems": 1}}},
                {"required": ["shared_principles"]},
            ]
        }
    )

    schema_version: Literal[1]
    kind: Literal["checklist"]
    id: Identifier
    version: int = Field(ge=1)
    title: Text
    easy_read: Text = Field(description="What this checklist is for, in Easy Read.")
    welsh_reviewed: bool = Field(
        default=False, description="True once a Welsh speaker has reviewed every Welsh text."
    )
    principles: list[Principle] = Field(
        default_factory=list,
        description="The principles its items serve. Once loaded, also every principle of "
        "the sets named in 'shared_principles' (after its own), so that a copy stands alone.",
    )
    shared_principles: list[Identifier] | None = Field(
        default=None,
        min_length=1,
        description="Ids of principles sets (kind: principles) whose principles its items "
        "may name too, instead of or beside its own.",
    )
    sections: list[Section] = Field(min_length=1)
    earlier_answers: dict[str, Any] | None = Field(
        default=None,
        description="Written by Cyd, never by hand: when a venture's gate pins the "
        "checklist, the answers given at earlier gates that its conditions test, by "
        "'gate/checklist/item'.",
    )

    # The evaluator's compiled form of this definition, made on first use.
    _compiled: object = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _some_principles(self) -> ChecklistDefinition:
        if not self.principles and not self.shared_principles:
            raise ValueError(
                "principles are missing: declare them under 'principles', "
                "or name shared sets in 'shared_principles'"
            )
        return self

    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    def item(self, item_id: str) -> Item:
        for item in self.items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)


class PrinciplesDefinition(Strict):
    """Principles declared once, which checklists share by naming its id in their
    `shared_principles` (e.g. the Co-production Network for Wales's values)."""

    schema_version: Literal[1]
    kind: Literal["principles"]
    id: Identifier
    version: int = Field(ge=1)
    title: Text
    welsh_reviewed: bool = Field(
        default=False, description="True once a Welsh speaker has reviewed every Welsh text."
    )
    principles: list[Principle] = Field(min_length=1)

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)


class SignOffRule(Strict):
    """Before a venture is submitted at this gate, this many of its co-producers with
    lived experience (members of its workstream) confirm "this checklist says what we
    agreed". A later change to any answer voids the sign-offs given."""

    lived_experience: int = Field(
        ge=1, le=20, description="How many co-producers with lived experience sign off."
    )


class GateDefinition(Strict):
    """A gate in a venture's life: its checklist(s), reviewers, decision rule and next gate."""

    schema_version: Literal[1]
    kind: Literal["gate"]
    id: Identifier
    version: int = Field(ge=1)
    title: Text
    easy_read: Text
    welsh_reviewed: bool = False
    checklists: list[Identifier] = Field(min_length=1, description="Ids of checklists.")
    reviewers: list[Identifier] = Field(
        min_length=1, description="Roles that review the gate, e.g. 'reviewer'."
    )
    decision_rule: Identifier = Field(description="Name of a decision rule of the Board.")
    next_gate: Identifier | None = Field(default=None, description="The gate an approval opens.")
    sign_off: SignOffRule | None = Field(
        default=None,
        description="Co-producers with lived experience confirm the checklist before submission.",
    )

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)


Definition = Annotated[
    ChecklistDefinition | GateDefinition | PrinciplesDefinition, Field(discriminator="kind")
]
