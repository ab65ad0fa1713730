"""A venture's history and a person's next actions, in words: English, Welsh, Easy Read.

Every text is the catalogue's (governance/catalogue.yaml: kinds `event` and
`action`), written whole in the language asked for; this module only gathers each
text's parameters and puts whole sentences one after another.

- An event (`services.history.AuditEvent`): its own text, with `{who}` the person
  who acted and every person it names by email written by their name; then each
  reason the rules gave, written from its code and parameters; for a refusal, the
  refusal's own text, when the English sentence the log recorded shows with which
  parameters it was written (`catalogue.params_for`: the log keeps the refusal's
  code and sentence, not its parameters).
- A next action (`services.next_actions.NextAction`): what to do (its kind, with the
  venture's title), why (its reason and parameters), by when (`action-due`, once it
  has a deadline) and, for a supporter, whom it is for (`on-behalf-of`).

Days are written in `zone`, the programme's (`CYD_TIMEZONE`; the catalogue's UK
time by default).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from governance.catalogue import TIMEZONE, CatalogueError, Language, Param, params_for, text
from governance.reasons import Reason

if TYPE_CHECKING:  # the types only: history and next_actions call this module
    from services.history import AuditEvent
    from services.next_actions import NextAction

REFUSED = "action-refused"  # services.history: a refusal's event


def event_words(
    event: AuditEvent, language: Language, easy_read: bool = False, zone: dt.tzinfo = TIMEZONE
) -> str:
    """The event in `language` (Easy Read if asked): see the module."""
    params: dict[str, Any] = {
        name: event.names.get(value, value) if isinstance(value, str) else value
        for name, value in event.params.items()
    }
    params["who"] = event.actor_name or event.actor
    sentences = [_text(event.code, language, params, easy_read, zone)]
    refusal = event.params.get("code")
    if event.code == REFUSED and isinstance(refusal, str) and event.summary:
        found = params_for(refusal, event.summary)
        if found is not None:
            sentences.append(_text(refusal, language, found, easy_read, zone))
    sentences += [_reason(r, language, easy_read, zone) for r in event.reasons]
    return " ".join(s for s in sentences if s)


def action_words(
    action: NextAction, language: Language, easy_read: bool = False, zone: dt.tzinfo = TIMEZONE
) -> str:
    """The next action in `language` (Easy Read if asked): see the module."""
    title = {"title": action.venture_title}
    code = action.kind
    if code == "translate" and action.params.get("subject"):  # a text someone wrote
        code = "translate-text"
        title = title | {"subject": action.params["subject"]}
    sentences = [
        _text(code, language, title, easy_read, zone),
        _text(action.reason, language, action.params, easy_read, zone),
    ]
    if action.deadline is not None:
        due = {
            "when": "overdue" if action.overdue else "due",
            "deadline": action.deadline.isoformat(),
        }
        sentences.append(text("action-due", language, due, easy_read, zone))
    if action.on_behalf_of is not None:
        person = {"person": action.on_behalf_of_name or action.on_behalf_of}
        sentences.append(text("on-behalf-of", language, person, easy_read, zone))
    return " ".join(s for s in sentences if s)


def _text(
    code: str, language: Language, params: Mapping[str, Any], easy_read: bool, zone: dt.tzinfo
) -> str:
    # The parameters are plain JSON from the log or the rules; the catalogue checks
    # each one it writes (a count must be a whole number, a word must be in its table).
    return text(code, language, cast(Mapping[str, Param], params), easy_read, zone)


def _reason(reason: Reason, language: Language, easy_read: bool, zone: dt.tzinfo) -> str:
    """A reason the rules gave, from its code. One stored before reasons kept their
    parameters cannot be written again: its recorded English sentence stands in the
    English text, and it is left out of the others rather than shown in English."""
    try:
        return _text(reason.code, language, reason.params, easy_read, zone)
    except CatalogueError:
        return reason.text if (language, easy_read) == ("en", False) else ""
