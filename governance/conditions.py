"""The Board's conditions, carried forward: an approval with conditions opens the next
gate with a checklist of its own, one must-meet question a condition ("how was this
condition met?"), pinned beside the gate's checklists so that it is answered, checked,
returned, reviewed and put in the Board's papers exactly as any other item is.

Pure: built from the conditions' texts alone. A condition is a Board member's own
words (in the language they wrote it in); it is quoted inside whole sentences written
in each language, never translated or pieced together.
"""

from __future__ import annotations

from collections.abc import Sequence

from checklists.spec import ChecklistDefinition

CHECKLIST_ID = "board-conditions"
PRINCIPLE = "accountability"
MAX_WORDS = 300


def conditions_checklist(conditions: Sequence[str], from_gate: str) -> ChecklistDefinition | None:
    """The checklist of `conditions` set at `from_gate` (None: there are none)."""
    texts = [" ".join(c.split()) for c in conditions if c and c.strip()]
    if not texts:
        return None
    items = [
        _item(n, text, "" if text[-1] in ".!?" else ".") for n, text in enumerate(texts, start=1)
    ]
    return _checklist(items, from_gate)


def _item(n: int, text: str, stop: str) -> dict[str, object]:
    # `stop` ends the quoted condition's sentence when it has no full stop of its own.
    return {
        "id": f"condition-{n}",
        "principle": PRINCIPLE,
        "level": "must-meet",
        "question": {
            "en": f"The Board's condition: “{text}”{stop} How was this condition met?",
            "cy": f"Amod y Bwrdd: “{text}”{stop} Sut cafodd yr amod hwn ei fodloni?",
        },
        "easy_read": {
            "en": f"The Board asked for this: “{text}”{stop} What did you do about it?",
            "cy": f"Gofynnodd y Bwrdd am hyn: “{text}”{stop} Beth wnaethoch chi am hyn?",
        },
        "hint": {
            "en": "Say what was done, by whom and when, and how the people with lived"
            " experience took part in it.",
            "cy": "Dywedwch beth gafodd ei wneud, gan bwy a phryd, a sut y cymerodd y bobl"
            " â phrofiad bywyd ran ynddo.",
        },
        "hint_easy_read": {
            "en": "Say what you did, who did it and when. Say how people who use services helped.",
            "cy": "Dywedwch beth wnaethoch chi, pwy wnaeth e a phryd. Dywedwch sut helpodd"
            " pobl sy'n defnyddio gwasanaethau.",
        },
        "evidence": {
            "en": "What shows the condition is met: a record, a payment, a changed plan.",
            "cy": "Beth sy'n dangos bod yr amod wedi'i fodloni: cofnod, taliad, cynllun wedi'i"
            " newid.",
        },
        "evidence_easy_read": {
            "en": "Something that shows you did it. For example, notes or a new plan.",
            "cy": "Rhywbeth sy'n dangos eich bod wedi'i wneud. Er enghraifft, nodiadau neu"
            " gynllun newydd.",
        },
        "answer": {"type": "text", "max_words": MAX_WORDS, "min_words": 1},
    }


def _checklist(items: list[dict[str, object]], from_gate: str) -> ChecklistDefinition:
    return ChecklistDefinition.model_validate(
        {
            "schema_version": 1,
            "kind": "checklist",
            "id": CHECKLIST_ID,
            "version": 1,
            "title": {
                "en": f"The Board's conditions from the {from_gate} gate",
                "cy": f"Amodau'r Bwrdd o'r porth {from_gate}",
            },
            "easy_read": {
                "en": "The Board said yes, if you did some things. Say what you did.",
                "cy": "Dywedodd y Bwrdd ie, os oeddech chi'n gwneud rhai pethau. Dywedwch beth"
                " wnaethoch chi.",
            },
            "principles": [
                {
                    "id": PRINCIPLE,
                    "label": {"en": "Accountability", "cy": "Atebolrwydd"},
                }
            ],
            "sections": [
                {
                    "id": "conditions",
                    "title": {"en": "The Board's conditions", "cy": "Amodau'r Bwrdd"},
                    "easy_read": {
                        "en": "What the Board asked for",
                        "cy": "Beth ofynnodd y Bwrdd amdano",
                    },
                    "items": items,
                }
            ],
        }
    )
