"""Turn an answer typed as text (on the command line, in a form) into its value.

Pure. The value is then checked by the evaluator's rules (`check_answer`); this
module only decides what the person meant: "yes", "ie" and "true" are a yes, a
comma-separated list is several choices or people, and so on. Text that starts
with `[` is read as a JSON list, for values that themselves contain commas.
"""

from __future__ import annotations

import json
from typing import Any

from checklists.messages import Reason
from checklists.spec import Item

_YES = {"yes", "y", "true", "ie", "do", "oes", "ydy", "ydw"}
_NO = {"no", "n", "false", "na", "naddo", "nac oes", "nac ydy", "nac ydw"}


class AnswerTextError(ValueError):
    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.en)
        self.reason = reason


def parse_answer_text(item: Item, text: str) -> Any:
    """The value meant by `text` for this item's answer type."""
    kind = item.answer.type
    raw = text.strip()
    if kind == "yes-no":
        word = raw.lower()
        if word in _YES:
            return True
        if word in _NO:
            return False
        raise AnswerTextError(Reason("Answer yes or no.", "Atebwch ie neu na."))
    if kind == "number":
        try:
            return int(raw.replace(",", "").replace("_", ""))
        except ValueError:
            raise AnswerTextError(
                Reason("Give a whole number, like 4.", "Rhowch rif cyfan, fel 4.")
            ) from None
    if kind in ("multiple-choice", "people"):
        if raw.startswith("["):
            try:
                value = json.loads(raw)
            except ValueError:
                raise AnswerTextError(
                    Reason(
                        'The list is not valid: write it as ["a", "b"] or a, b.',
                        'Nid yw\'r rhestr yn ddilys: ysgrifennwch hi fel ["a", "b"] neu a, b.',
                    )
                ) from None
            return value
        return [part.strip() for part in raw.split(",") if part.strip()]
    # text, single-choice, date, link: the words as written.
    return raw if kind != "text" else text
