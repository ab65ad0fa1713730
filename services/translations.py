"""Translations: what someone wrote in English or Welsh, given in the other language by
a person with the role `translator`, so that a Welsh reader is told as much as anyone.

Today a venture's title: its lead writes it in one language (the one they chose, or
says which), may give the other too, and if not, starting the venture asks the
translators for it (`request_title`), due `translations.days` working days later
(programme policy, 3 by default: 17:00 local, bank holidays skipped). So too a Board
member's conditions, a reviewer's note and a free-text answer, asked for when they are
recorded, in their writer's language (services.free_text: a payload carries each as
{free, lang, other}); only a title's translation becomes the venture's `title_other`.

    venture_ref(session, venture) -> dict     the `venture` a message's payload carries
    open_translations(engine, by) -> [...]    what is waiting for a translator
    give_translation(cyd, id, text, by=...)   the other language, recorded and audited

Messages (`venture_ref` carries what the renderer needs, notifications.render
`venture_in`): a reader of the other language reads the title as written until the
translation exists, with a line saying it is on its way. Then, by the programme's
`translations.messages`:

- `resend` (the default): the message goes now; once the translation is given, each
  message about the venture sent since it was asked for goes again, with the title in
  the reader's language, to the people who read that language; messages not yet sent
  go with the translation.
- `wait`: a message to a reader of the other language is held (its `not_before`)
  until the translation is given, or at the latest until it is due; giving it sends
  them at once, with the title.

Who reads which language is the person as they are when a message is queued or sent
again: their chosen language, or both for a person never asked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from governance.permissions import Denied, deny, may_translate
from models import audit
from models import tables as t
from models.db import read_session, unit_of_work
from services.commands import CommandError, Cyd, NotFound, Outcome, record_denial
from services.free_text import ANSWER, CONDITION, MOST, NOTE, SUMMARY
from services.people import actor_for
from services.programme_import import message_languages
from services.titles import TITLE, TITLE_MAX

GIVEN = "translation.given"  # the audit action
LANGUAGES = ("en", "cy")

# What kind of text each task is, as a translator's list names it. The Welsh has not
# yet been reviewed by a Welsh speaker (as notifications.render.WELSH_REVIEWED says).
KINDS: dict[str, dict[str, str]] = {
    TITLE: {"en": "the venture's title", "cy": "teitl y fenter"},
    CONDITION: {"en": "a Board member's conditions", "cy": "amodau aelod o'r Bwrdd"},
    NOTE: {"en": "a reviewer's note", "cy": "nodyn adolygydd"},
    ANSWER: {"en": "an answer to a checklist question", "cy": "ateb i gwestiwn ar y rhestr wirio"},
    SUMMARY: {"en": "its Easy Read summary", "cy": "ei chrynodeb Hawdd ei Ddeall"},
}


@dataclass(frozen=True)
class TranslationTask:
    """A translation, as a translator sees it."""

    id: int
    venture_id: str
    subject: str
    source_lang: str
    source_text: str
    target_lang: str
    requested_at: dt.datetime
    due_at: dt.datetime
    text: str | None
    done_at: dt.datetime | None
    done_by: str | None  # name

    def kind(self, lang: str) -> str:
        """What kind of text this is, in `lang` ('the venture's title', ...)."""
        return KINDS.get(self.subject, {}).get(lang, self.subject)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "venture": self.venture_id,
            "subject": self.subject,
            "kind": KINDS.get(self.subject, {"en": self.subject, "cy": self.subject}),
            "from": self.source_lang,
            "to": self.target_lang,
            "text": self.source_text,
            "due": self.due_at.isoformat(),
            "translation": self.text,
            "done": self.done_at.isoformat() if self.done_at else None,
            "done_by": self.done_by,
        }


def _check_translator(engine: Engine, action: str, by: str, now: dt.datetime) -> None:
    with read_session(engine) as session:
        person = session.exec(select(t.Person).where(t.Person.email == by)).first()
        if person is None or not person.active:
            raise NotFound("person-not-found", email=by)
        permission = may_translate(actor_for(session, person))
    if isinstance(permission, Denied):
        record_denial(engine, action, by, None, permission, now)


def open_translations(
    engine: Engine, *, by: str, now: dt.datetime, done: bool = False
) -> list[TranslationTask]:
    """The translations waiting (soonest due first), or with `done` those given too
    (newest first): for translators and admins only."""
    _check_translator(engine, "translation.list", by, now)
    with read_session(engine) as session:
        query = select(t.Translation)
        if not done:
            query = query.where(col(t.Translation.done_at).is_(None))
        rows = session.exec(query.order_by(col(t.Translation.due_at), col(t.Translation.id)))
        names = dict(session.exec(select(t.Person.id, t.Person.name)).all())
        tasks = [
            TranslationTask(
                id=r.id or 0,
                venture_id=r.venture_id,
                subject=r.subject,
                source_lang=r.source_lang,
                source_text=r.source_text,
                target_lang=r.target_lang,
                requested_at=r.requested_at,
                due_at=r.due_at,
                text=r.text,
                done_at=r.done_at,
                done_by=names.get(r.done_by) if r.done_by is not None else None,
            )
            for r in rows
        ]
    if done:
        tasks.sort(key=lambda task: (task.done_at is not None, task.done_at), reverse=True)
    return tasks


def give_translation(cyd: Cyd, translation_id: int, text: str, *, by: str) -> Outcome:
    """Record the other language of a text, audited; then the messages (see the module).
    Only a title's translation is the venture's `title_other`; the other texts' stay in
    their row, where messages and pages look them up (services.free_text)."""
    now = cyd.clock()
    _check_translator(cyd.engine, "translation.give", by, now)
    with read_session(cyd.engine) as session:
        found = session.get(t.Translation, translation_id)
        if found is None:
            raise NotFound("translation-not-found", translation=translation_id)
        given, venture_id, subject = found.done_at is not None, found.venture_id, found.subject
    text = _tidied(subject, text)
    if not text:
        raise CommandError("translation-missing")
    most = MOST.get(subject, TITLE_MAX)
    if len(text) > most:
        raise CommandError("title-too-long" if subject == TITLE else "text-too-long", most=most)
    if given:  # one translation: a second would silently replace what people have read
        denied = deny("translation-given-already")
        record_denial(cyd.engine, "translation.give", by, venture_id, denied, now)
    with unit_of_work(cyd.engine) as session:
        row = session.get(t.Translation, translation_id)
        assert row is not None
        if row.done_at is not None:  # given meanwhile, by someone else
            raise CommandError("translation-given-already")
        person = session.exec(select(t.Person).where(t.Person.email == by)).one()
        row.text, row.done_at, row.done_by = text, now, person.id
        venture = session.get(t.Venture, row.venture_id)
        assert venture is not None
        if row.subject == TITLE:
            venture.title_other = text
        venture.updated_at = now
        session.add_all([row, venture])
        session.flush()
        resent = _after_translation(session, venture, row, now)
        audit.append(
            session,
            by,
            GIVEN,
            venture.id,
            # No row id: the venture, the subject and the text translated name it (ids
            # differ between a database and its replay); nor how many messages went
            # again, which depends on what the relay had sent, not on what was decided.
            {
                "subject": row.subject,
                "language": row.target_lang,
                "text": text,
                **({"source": row.source_text} if row.subject != TITLE else {}),
            },
            at=now,
        )
        venture_id = venture.id
    return Outcome(
        venture_id,
        f"translation {translation_id} given",
        details={"translation": translation_id, "sent_again": resent},
    )


def _tidied(subject: str, text: str) -> str:
    """A title is one line; a note, conditions or an answer keep their lines."""
    if subject == TITLE:
        return " ".join(text.split())
    return "\n".join(" ".join(line.split()) for line in text.strip().splitlines()).strip()


def _reads(person: t.Person, lang: str) -> bool:
    return lang in message_languages(person)


def _after_translation(
    session: Session, venture: t.Venture, row: t.Translation, now: dt.datetime
) -> int:
    """Messages about the venture queued without the translation (a title's: its
    `venture` names the title's language and not yet the other; a free text's: the
    text, in its language, somewhere in the payload without its other: queued while it
    was being translated; a row's created_at is the wall clock's, not the commands', so
    it is not compared; one a daily digest carried was sent, and goes again like any,
    in the next digest): those not sent yet take the translation (and a held one goes
    now); those sent to readers of its language go again with it. How many went again."""
    from models import outbox
    from models.tables import OutboxMessage

    messages = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.venture_id == venture.id)
        .order_by(col(OutboxMessage.id))
    ).all()
    people = {p.id: p for p in session.exec(select(t.Person))}
    title = row.subject == TITLE
    again = 0
    for message in messages:
        payload = dict(message.payload)
        if payload.get("again_with_translation"):
            continue
        if title:
            ref = payload.get("venture")
            if (
                not isinstance(ref, dict)
                or ref.get("id") != venture.id
                or ref.get("title_lang") != row.source_lang
                or ref.get("title_other")
            ):
                continue
            given = {k: v for k, v in ref.items() if k != "held_until"}
            given["title_other"] = venture.title_other
            payload["venture"] = given
            held = bool(ref.get("held_until"))
            marker: Any = True
        else:
            found = _with_text(payload, row)
            if found is None:
                continue
            payload, held = found
            marker = "text"
        if message.status == "pending":
            message.payload = payload
            if message.next_attempt_at > now and held:
                message.next_attempt_at = now  # held for the translation: it is here
            session.add(message)
            continue
        if message.person_id is None or message.channel_id is None:
            continue  # a reply to an idea's proposer: not about a venture's title
        person = people.get(message.person_id)
        if message.status != "sent" or person is None or not _reads(person, row.target_lang):
            continue
        _, queued = outbox.enqueue(
            session,
            event=message.event,
            person_id=message.person_id,
            channel_id=message.channel_id,
            language=person.language,
            format=person.format,
            payload=payload | {"again_with_translation": marker},
            venture_id=message.venture_id,
            discriminator=f"translation:{row.id}:{message.id}",
        )
        again += int(queued)
    return again


def _with_text(payload: dict[str, Any], row: t.Translation) -> tuple[dict[str, Any], bool] | None:
    """The payload with each of its refs to the row's text given the translation, and
    whether one of them held the message; None when it carries none without it."""
    changed = False
    held = False

    def walk(value: Any) -> Any:
        nonlocal changed, held
        if isinstance(value, dict):
            if (
                "free" in value
                and value.get("free") == row.source_text
                and value.get("lang") == row.source_lang
                and not value.get("other")
            ):
                changed = True
                held = held or bool(value.get("held_until"))
                given = {k: v for k, v in value.items() if k != "held_until"}
                return given | {"other": row.text}
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    walked = walk(payload)
    return (walked, held) if changed else None
