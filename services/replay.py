"""Replay the audit log into an empty database, by the rules, and compare the two.

`replay(source, target, library)` reads the source's log in `seq` order and does
again, on an empty migrated `target`, what each entry records, with the clock
fixed at the entry's `at`:

- A person's action (`venture.started`, `answer.recorded`, `venture.submitted`,
  `review.recorded`, `interest.declared`, `vote.recorded`, `vote.closed`,
  `deadline.extended`, `venture.withdrawn`, `venture.resumed`) runs through the
  same command, with the logged arguments, and without advancing
  (`Cyd(advance_after=False)`).
- `programme.imported`: the log carries only the file's sha256 (the file holds
  secret channel URLs); its text is taken from the source's `ProgrammeVersion`: the
  file as loaded (`as_loaded`, kept sealed), not the stored copy, whose channels are
  masked (models.sealed).
- `denied`: the refused action is tried again and must be refused again, with the
  same code and reason. The log keeps who, what and why, not the arguments, so
  the action is tried with arguments that reach the same check (see `_try_again`).
- A person's own settings (`person.preferences-changed`) are set again through
  `services.people_settings.set_preferences`.
- People admin (`person.added`, `person.changed`, `person.deactivated`) runs through
  the same admin commands (`services.people_admin`), people named by email.
- Channels (`channel.added`, `channel.replaced`, `channel.removed`): the log holds
  only the channel's row id and masked form, never its URL (a secret). The URL is
  taken from the source's `Channel` row the entry names, as a programme's text is
  taken from its `ProgrammeVersion` (the file holds the same secrets), and the
  command runs again with it: the admin rule is asked again and the target's
  channels can send, as the source's can. `channel.tested` is kept as logged (naming
  the target's row of the channel), like signing in: sending again would message
  the person for real, and whether it was sent depended on the channel's far end at
  that moment, which nothing replays; nothing the rules read depends on it. Its
  `test` message is not compared.
- Assisted actions: `assisted.recorded` runs `services.assisted.record_vote_for` or
  `record_answer_for` again, `assisted.declined` runs `decline`; a vote or an answer
  that confirms one (`assisted` and `recorded_by` in its payload) is the person's
  own vote or answer, given again with the target's recorded action (matched by what
  it is, not by row id).
- Signing in (`sign-in.*`) is kept as logged, not done again: its links, codes and
  sessions are random and stored only as hashes, so nothing could make them again,
  and nothing the rules read depends on them. Its tables and its messages are not
  compared. A refused printed code (`denied`) is tried again like any refusal.
- `venture.advanced` is not applied as logged: one round of advancing runs at the
  logged time (the same unit of work `advance_venture` runs per round; other
  entries may sit between two rounds of one call) and the effects the rules plan
  must be exactly the effects logged. The log must be reproducible from the rules.

Each entry replayed must add exactly one entry to the target's log, the same as
the original (fields and payload), else it is listed in `ReplayResult.problems`;
replay goes on, so that `compare` can show where the stored states part.

`compare(source, target)` lists the differences in stored state: people,
workstreams, ventures, gate runs, answers, reviews, interests, ballots, votes,
decisions, deadlines, denials, outbox messages (not sign-in messages) and the audit
log.

Ids generated at run time. Venture ids (v-0001, …) are counted, so they match.
Row ids (answers, reviews, votes, programme versions, people) come from the
database's counters, which differ between databases (PostgreSQL does not give back
numbers used by a rolled-back transaction, nor reset them when rows are deleted).
So rows are compared by what they are, people by email, never by row id; and the
few row ids the log carries (a programme version's id, the reviews and votes an
answer made stale, a recorded action's id, a channel's id) are read as what they
name before comparing. On two fresh
databases the ids match as well, and so does every hash of the audit chain.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from checklists.loader import Library
from governance import advance as plan
from governance.permissions import (
    Actor,
    Denied,
    Permission,
    VentureFacts,
    may_answer_item,
    may_record_answer_for,
    may_record_vote_for,
)
from models import audit, queries
from models import tables as t
from models.db import read_session, unit_of_work
from notifications.relay import SIGN_IN_EVENT
from notifications.relay.jobs import ANCHOR_EVENT, TEST_EVENT
from services import assisted, ideas
from services import easy_read_summaries as summaries
from services import people_admin as admin
from services.advance import apply_effects, current_gate_run, load_snapshot, pinned_checklists
from services.commands import (
    CommandError,
    Cyd,
    PermissionDenied,
    answer,
    close_vote,
    declare_interest,
    extend,
    record_review,
    resume,
    sign_off,
    start_in,
    start_venture,
    submit,
    vote,
    withdraw,
    withdraw_interest,
)
from services.people import actor_for, venture_facts, workstream_people
from services.people_settings import PREFERENCES_CHANGED, set_preferences
from services.programme_import import (
    AUDIT_ACTION,
    IMPORT_ACTION,
    import_programme,
    latest_version,
    parse_programme,
)
from services.review_view import REVIEW_VIEW, review_of
from services.rule_values import venture_interests
from services.sign_in import ACTIONS as SIGN_IN_ACTIONS
from services.sign_in import PRINT_CODE, issue_printed_code

SHOWN = 5  # differences shown per table and side


class _Problem(Exception):
    """The entry could not be reproduced; the message says how it differs."""


@dataclass
class ReplayResult:
    entries: int = 0  # entries replayed
    problems: list[str] = field(default_factory=list)  # entries not reproduced, in order

    @property
    def ok(self) -> bool:
        return not self.problems


# --- replay ------------------------------------------------------------------------------


def replay(source: Engine, target: Engine, library: Library) -> ReplayResult:
    """Rebuild `target` (empty, migrated) from the audit log of `source`."""
    result = ReplayResult()
    with read_session(source) as session:
        log = list(audit.entries(session))
    for entry in log:
        result.entries += 1
        before = _last_seq(target)
        try:
            _replay_entry(source, target, library, entry)
            _check_logged(source, target, entry, before)
        except _Problem as problem:
            result.problems.append(f"entry {entry.seq} ({entry.action}): {problem}")
        except Exception as error:  # a command that failed where the original did not
            result.problems.append(
                f"entry {entry.seq} ({entry.action}): {type(error).__name__}: {error}"
            )
    return result


def _replay_entry(source: Engine, target: Engine, library: Library, entry: t.AuditEntry) -> None:
    at = entry.at
    cyd = Cyd(target, library, clock=lambda: at, advance_after=False)
    if entry.action == AUDIT_ACTION:
        _import(source, target, library, entry)
    elif entry.action == "venture.advanced":
        _advance_round(target, library, entry)
    elif entry.action == "denied":
        _try_again(cyd, entry)
    elif entry.action in _FROM_SOURCE:
        _FROM_SOURCE[entry.action](source, cyd, entry)
    elif entry.action in _ACTIONS:
        _ACTIONS[entry.action](cyd, entry)
    else:
        raise _Problem("no way to replay this action")


def _import(source: Engine, target: Engine, library: Library, entry: t.AuditEntry) -> None:
    digest = entry.payload["sha256"]
    with read_session(source) as session:
        version = session.exec(
            select(t.ProgrammeVersion).where(t.ProgrammeVersion.sha256 == digest).limit(1)
        ).first()
    if version is None:
        raise _Problem(f"no programme version with sha256 {digest} in the source")
    loaded = version.as_loaded  # the file as loaded, channels and all (sealed at rest)
    programme = parse_programme(loaded, f"programme {digest[:12]}", library=library)
    if not import_programme(target, programme, loaded, entry.actor, at=entry.at).changed:
        raise _Problem("importing the programme again changed nothing")


def _advance_round(target: Engine, library: Library, entry: t.AuditEntry) -> None:
    """One round of `advance_venture` at the logged time; its effects must be the logged ones."""
    logged = entry.payload.get("effects", [])
    with unit_of_work(target) as session:
        venture = session.get(t.Venture, entry.venture_id)
        if venture is None:
            raise _Problem(f"no venture '{entry.venture_id}' to advance")
        snapshot = load_snapshot(session, venture, library, entry.at)
        effects = plan.plan_advance(snapshot)
        if not effects:
            raise _Problem(f"the rules plan nothing now; the log says {_names(logged)}")
        planned = apply_effects(session, venture, snapshot, effects, library, entry.at)
    if planned.payload["effects"] != logged:
        raise _Problem(
            f"the rules plan {_names(planned.payload['effects'])}, the log says"
            f" {_names(logged)}; first difference at"
            f" {_first_difference(planned.payload['effects'], logged)}"
        )


def _names(effects: list[dict[str, Any]]) -> str:
    return "[" + ", ".join(e.get("effect", "?") for e in effects) + "]"


def _first_difference(planned: list[dict[str, Any]], logged: list[dict[str, Any]]) -> str:
    where, mine, theirs = _where_differs(planned, logged, "effects")
    return f"{where}: {_short(mine)} vs {_short(theirs)}"


def _where_differs(mine: Any, theirs: Any, path: str) -> tuple[str, Any, Any]:
    """The first place where two JSON values differ, as a path, and the values there."""
    if isinstance(mine, dict) and isinstance(theirs, dict):
        for key in sorted({*mine, *theirs}):
            if mine.get(key) != theirs.get(key):
                return _where_differs(mine.get(key), theirs.get(key), f"{path}.{key}")
    if isinstance(mine, list) and isinstance(theirs, list) and len(mine) == len(theirs):
        for n, (a, b) in enumerate(zip(mine, theirs, strict=True)):
            if a != b:
                return _where_differs(a, b, f"{path}[{n}]")
    return path, mine, theirs


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _started(cyd: Cyd, entry: t.AuditEntry) -> None:
    p = entry.payload
    if p.get("idea"):  # an idea's adoption: its start, then (next entry) its answer
        with unit_of_work(cyd.engine) as session:
            started, _ = start_in(
                cyd,
                session,
                workstream=p["workstream"],
                title=p["title"],
                lead=p["lead"],
                gate=p["gate"],
                title_lang=p.get("title_lang", "en"),
                title_other=p.get("title_other"),
                now=entry.at,
                idea=p["idea"],
            )
        if started != entry.venture_id:
            raise _Problem(f"the venture started is {started}, not {entry.venture_id}")
        return
    outcome = start_venture(
        cyd,
        workstream=p["workstream"],
        title=p["title"],
        lead=p["lead"],
        gate=p["gate"],
        # Entries from before titles had a language were English.
        title_lang=p.get("title_lang", "en"),
        title_other=p.get("title_other"),
    )
    if outcome.venture_id != entry.venture_id:
        raise _Problem(f"the venture started is {outcome.venture_id}, not {entry.venture_id}")


def _answered(source: Engine, cyd: Cyd, entry: t.AuditEntry) -> None:
    p = entry.payload
    # The value is the typed one: text is kept as written, choices, dates and links
    # as stripped, so reading it again as text gives the same value.
    answer(
        cyd,
        _venture(entry),
        f"{p['checklist']}/{p['item']}",
        p["value"],
        by=entry.actor,
        assisted=_confirmed(source, cyd, entry),
    )


def _signed_off(cyd: Cyd, entry: t.AuditEntry) -> None:
    sign_off(cyd, _venture(entry), by=entry.actor)


def _submitted(cyd: Cyd, entry: t.AuditEntry) -> None:
    submit(cyd, _venture(entry), by=entry.actor)


def _reviewed(cyd: Cyd, entry: t.AuditEntry) -> None:
    p = entry.payload
    record_review(cyd, _venture(entry), by=entry.actor, recommend=p["recommend"], note=p["note"])


def _declared(cyd: Cyd, entry: t.AuditEntry) -> None:
    declare_interest(cyd, _venture(entry), member=entry.actor, interest=entry.payload["interest"])


def _undeclared(cyd: Cyd, entry: t.AuditEntry) -> None:
    withdraw_interest(cyd, _venture(entry), member=entry.actor, reason=entry.payload["reason"])


def _voted(source: Engine, cyd: Cyd, entry: t.AuditEntry) -> None:
    p = entry.payload
    vote(
        cyd,
        _venture(entry),
        member=entry.actor,
        choice=p["choice"],
        reason=p["reason"],
        supported_by=p["supported_by"],
        assisted=_confirmed(source, cyd, entry),
    )


def _confirmed(source: Engine, cyd: Cyd, entry: t.AuditEntry) -> int | None:
    """The target's recorded action that this vote or answer confirms, if it confirms one."""
    recorded = entry.payload.get("assisted")
    return None if recorded is None else _same_assisted(source, cyd.engine, recorded)


def _closed(cyd: Cyd, entry: t.AuditEntry) -> None:
    close_vote(cyd, _venture(entry), by=entry.actor)


def _extended(cyd: Cyd, entry: t.AuditEntry) -> None:
    p = entry.payload
    until = dt.datetime.fromisoformat(p["until"]).date()  # the command gives the day's end
    extend(cyd, _venture(entry), until=until, by=entry.actor, reason=p["reason"])


def _translated(cyd: Cyd, entry: t.AuditEntry) -> None:
    """The same translation, found by what it is of (the two databases' ids may differ)."""
    from services.translations import give_translation

    p = entry.payload
    query = (
        select(t.Translation.id)
        .where(t.Translation.venture_id == _venture(entry))
        .where(t.Translation.subject == p["subject"])
        .where(col(t.Translation.done_at).is_(None))
    )
    if "source" in p:  # a free text (a title's entry names none: one title a venture)
        query = query.where(t.Translation.source_text == p["source"])
        query = query.where(t.Translation.target_lang == p["language"])
    with read_session(cyd.engine) as session:
        found = session.exec(query.order_by(col(t.Translation.id))).first()
    if found is None:
        raise _Problem(f"no translation of the {p['subject']} of {_venture(entry)} waits")
    give_translation(cyd, found, p["text"], by=entry.actor)


def _withdrawn(cyd: Cyd, entry: t.AuditEntry) -> None:
    withdraw(cyd, _venture(entry), by=entry.actor, reason=entry.payload["reason"])


def _resumed(cyd: Cyd, entry: t.AuditEntry) -> None:
    resume(cyd, _venture(entry), by=entry.actor)


_ACTIONS: dict[str, Callable[[Cyd, t.AuditEntry], None]] = {
    "venture.started": _started,
    "checklist.signed-off": _signed_off,
    "venture.submitted": _submitted,
    "review.recorded": _reviewed,
    "interest.declared": _declared,
    "interest.withdrawn": _undeclared,
    "vote.closed": _closed,
    "deadline.extended": _extended,
    "venture.withdrawn": _withdrawn,
    "venture.resumed": _resumed,
    "translation.given": _translated,
}


def _reminded(cyd: Cyd, entry: t.AuditEntry) -> None:
    """A reminder sweep's unit of work for one venture: the rules, asked again at the
    logged time, must find the same reminders due (the entries are compared)."""
    from services.reminders import local_zone, remind_venture

    remind_venture(cyd.engine, _venture(entry), entry.at, tz=local_zone())


def _papers_sent(cyd: Cyd, entry: t.AuditEntry) -> None:
    """Board papers queued for a meeting: the same members, files and agenda."""
    from services.board_pack import FiledPack, load_agenda, record_sent

    p = entry.payload
    meeting = dt.date.fromisoformat(p["meeting"])
    files = set(p["files"])
    filed = []
    for email in p["members"]:
        html, pdf = (f for f in sorted(files) if f.rsplit("/", 1)[-1].startswith(f"{email}."))
        filed.append(FiledPack(email, html, pdf, 0))
    agenda = [a for a in load_agenda(cyd.engine, cyd.library) if a.venture_id in p["agenda"]]
    record_sent(cyd.engine, meeting, agenda, filed, entry.at)


def _preferences(cyd: Cyd, entry: t.AuditEntry) -> None:
    p = entry.payload
    if not set_preferences(cyd, by=entry.actor, language=p["language"], format=p["format"]):
        raise _Problem("setting the person's preferences again changed nothing")


def _copied(cyd: Cyd, entry: t.AuditEntry) -> None:
    """Signing in: the entry as logged (see the module's description)."""
    with unit_of_work(cyd.engine) as session:
        audit.append(
            session, entry.actor, entry.action, entry.venture_id, dict(entry.payload), at=entry.at
        )


_ACTIONS["reminders.sent"] = _reminded
_ACTIONS["board-papers.sent"] = _papers_sent
_ACTIONS[PREFERENCES_CHANGED] = _preferences
_ACTIONS.update(dict.fromkeys(SIGN_IN_ACTIONS, _copied))


# --- people admin --------------------------------------------------------------------------


def _person_id(engine: Engine, email: str) -> int:
    with read_session(engine) as session:
        person = queries.person_by_email(session, email)
        if person is None or person.id is None:
            raise _Problem(f"no person {email} in the target")
        return person.id


def _person_added(cyd: Cyd, entry: t.AuditEntry) -> None:
    p = entry.payload
    admin.add_person(
        cyd,
        by=entry.actor,
        email=p["person"],
        name=p["name"],
        roles=p["roles"],
        language=p["language"],
        format=p["format"],
        lived_experience=p["lived_experience"],
    )


def _person_changed(cyd: Cyd, entry: t.AuditEntry) -> None:
    p, by = entry.payload, entry.actor
    person, now = _person_id(cyd.engine, p["person"]), p["now"]
    changes: dict[str, Callable[[], bool]] = {
        "name": lambda: admin.change_name(cyd, by=by, person_id=person, name=now),
        "roles": lambda: admin.change_roles(cyd, by=by, person_id=person, roles=now),
        "language": lambda: admin.change_language(cyd, by=by, person_id=person, language=now),
        "format": lambda: admin.change_format(cyd, by=by, person_id=person, format=now),
        "lived_experience": lambda: admin.change_lived_experience(
            cyd, by=by, person_id=person, lived_experience=now
        ),
        # Supporters are logged by email (ids differ between databases).
        "supporters": lambda: admin.change_supporters(
            cyd, by=by, person_id=person, supporters=[_person_id(cyd.engine, e) for e in now]
        ),
        "workstreams": lambda: admin.change_workstreams(cyd, by=by, person_id=person, places=now),
        "quiet_hours": lambda: admin.change_quiet_hours(
            cyd,
            by=by,
            person_id=person,
            start=now[0] if now else None,
            end=now[1] if now else None,
        ),
        "daily_digest": lambda: admin.change_digest(cyd, by=by, person_id=person, daily=now),
    }
    change = changes.get(p["field"])
    if change is None:
        raise _Problem(f"no way to change '{p['field']}' again")
    if not change():
        raise _Problem(f"changing {p['field']} again changed nothing")


def _person_deactivated(cyd: Cyd, entry: t.AuditEntry) -> None:
    person = _person_id(cyd.engine, entry.payload["person"])
    if not admin.deactivate(cyd, by=entry.actor, person_id=person):
        raise _Problem("deactivating the person again changed nothing")


def _source_channel(source: Engine, channel_id: int) -> t.Channel:
    with read_session(source) as session:
        channel = session.get(t.Channel, channel_id)
    if channel is None:
        raise _Problem(f"no channel {channel_id} in the source to take its URL from")
    return channel


def _same_channel(source: Engine, target: Engine, channel_id: int, email: str) -> int:
    """The target's active channel of `email` with the URL of the source's `channel_id`."""
    url = _source_channel(source, channel_id).url
    person = _person_id(target, email)
    # Compared in Python: a sealed URL differs at each sealing (models.sealed), so SQL
    # cannot match it; a person has a few channels.
    with read_session(target) as session:
        found = next(
            (
                c.id
                for c in session.exec(
                    select(t.Channel)
                    .where(t.Channel.person_id == person, col(t.Channel.active))
                    .order_by(col(t.Channel.id))
                )
                if c.url == url
            ),
            None,
        )
    if found is None:
        raise _Problem(f"no such channel of {email} in the target")  # never the URL
    return found


def _channel_added(source: Engine, cyd: Cyd, entry: t.AuditEntry) -> None:
    p = entry.payload
    channel = _source_channel(source, p["channel"])
    admin.add_channel(
        cyd,
        by=entry.actor,
        person_id=_person_id(cyd.engine, p["person"]),
        url=channel.url,
        label=channel.label,
    )


def _channel_replaced(source: Engine, cyd: Cyd, entry: t.AuditEntry) -> None:
    p = entry.payload
    admin.replace_channel(
        cyd,
        by=entry.actor,
        person_id=_person_id(cyd.engine, p["person"]),
        channel_id=_same_channel(source, cyd.engine, p["replaces"], p["person"]),
        url=_source_channel(source, p["channel"]).url,
    )


def _channel_removed(source: Engine, cyd: Cyd, entry: t.AuditEntry) -> None:
    p = entry.payload
    admin.remove_channel(
        cyd,
        by=entry.actor,
        person_id=_person_id(cyd.engine, p["person"]),
        channel_id=_same_channel(source, cyd.engine, p["channel"], p["person"]),
    )


def _channel_tested(source: Engine, cyd: Cyd, entry: t.AuditEntry) -> None:
    """Kept as logged (see the module's description), naming the target's row of the
    channel; `message` stays the source's outbox row, which is not replayed."""
    p = entry.payload
    channel = _same_channel(source, cyd.engine, p["channel"], p["person"])
    with unit_of_work(cyd.engine) as session:
        audit.append(
            session,
            entry.actor,
            entry.action,
            entry.venture_id,
            {**p, "channel": channel},
            at=entry.at,
        )


_ACTIONS[admin.PERSON_ADDED] = _person_added
_ACTIONS[admin.PERSON_CHANGED] = _person_changed
_ACTIONS[admin.PERSON_DEACTIVATED] = _person_deactivated


# --- assisted actions ----------------------------------------------------------------------


def _outbox_payload(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """A message's payload without the hash of its record, with the recorded action its
    confirmation link names read as what it is (the link carries the row id, which
    differs between databases), and the venture without its translated title: a message
    not yet sent when the translation came takes it, one already sent does not, and what
    the relay had sent is not in the log (services.translations)."""
    # The record's hash is left out: `audit_seq` names the same entry, whose content is
    # compared with the log, and a hash covers row ids that differ between databases.
    payload = {k: v for k, v in payload.items() if k != "audit_head"}
    venture = payload.get("venture")
    if isinstance(venture, dict):
        kept = {k: v for k, v in venture.items() if k not in ("title_other", "held_until")}
        payload = {**payload, "venture": kept}
    payload = _untranslated(payload)  # so too the texts it quotes (services.free_text)
    link = payload.get("link")
    if not isinstance(link, str) or "/confirm/" not in link:
        return payload
    site, _, tail = link.rpartition("/confirm/")
    if not tail.isdigit():
        return payload
    return {**payload, "link": f"{site}/confirm/[{_assisted_name(session, int(tail))}]"}


def _untranslated(value: Any) -> Any:
    """`value` with each free text it quotes ({free, lang, ...}) as written, without the
    translation (or the hold) it had by the time it was sent."""
    if isinstance(value, dict):
        if "free" in value:
            return {k: v for k, v in value.items() if k not in ("other", "held_until")}
        return {k: _untranslated(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_untranslated(v) for v in value]
    return value


def _assisted_name(session: Session, recorded_id: int) -> str:
    """A recorded action by what it is, not by its row id."""
    row = session.get(t.AssistedAction, recorded_id)
    if row is None:
        return f"missing assisted_action {recorded_id}"
    person, clerk = session.get(t.Person, row.for_id), session.get(t.Person, row.recorded_by_id)
    return (
        f"{row.kind} on {row.venture_id} at {row.gate_id}"
        f" ({row.ballot or ''}{row.checklist_id or ''}/{row.item_id or ''})"
        f" for {person.email if person else row.for_id}"
        f" by {clerk.email if clerk else row.recorded_by_id} at {audit.iso(row.recorded_at)}"
    )


def _same_assisted(source: Engine, target: Engine, recorded_id: int) -> int:
    """The target's recorded action that is the source's `recorded_id`."""
    with read_session(source) as session:
        wanted = _assisted_name(session, recorded_id)
        row = session.get(t.AssistedAction, recorded_id)
    if row is None:
        raise _Problem(f"no recorded action {recorded_id} in the source")
    with read_session(target) as session:
        found = [
            r.id
            for r in session.exec(
                select(t.AssistedAction)
                .where(t.AssistedAction.venture_id == row.venture_id)
                .where(t.AssistedAction.recorded_at == row.recorded_at)
            )
            if r.id is not None and _assisted_name(session, r.id) == wanted
        ]
    if len(found) != 1:
        raise _Problem(f"{len(found)} recorded actions in the target are {wanted}")
    return found[0]


def _assisted_recorded(cyd: Cyd, entry: t.AuditEntry) -> None:
    p, venture = entry.payload, _venture(entry)
    if p["kind"] == "vote":
        assisted.record_vote_for(
            cyd, venture, by=entry.actor, member=p["person"], choice=p["choice"], reason=p["reason"]
        )
    else:
        # The value is the typed one, as for an answer (see `_answered`).
        assisted.record_answer_for(
            cyd,
            venture,
            by=entry.actor,
            person=p["person"],
            item_ref=f"{p['checklist']}/{p['item']}",
            value=p["value"],
        )


def _assisted_declined(source: Engine, cyd: Cyd, entry: t.AuditEntry) -> None:
    recorded = _same_assisted(source, cyd.engine, entry.payload["id"])
    assisted.decline(cyd, recorded, by=entry.actor)


_ACTIONS[assisted.RECORDED] = _assisted_recorded


def _summary_written(cyd: Cyd, entry: t.AuditEntry) -> None:
    p = entry.payload
    summaries.write_summary(cyd, _venture(entry), p["text"], by=entry.actor, lang=p["lang"])


def _summary_checked(cyd: Cyd, entry: t.AuditEntry) -> None:
    p = entry.payload
    agreed = p["verdict"] == "agreed"
    summaries.check_summary(cyd, _venture(entry), agreed, p.get("note"), by=entry.actor)


_ACTIONS[summaries.WRITTEN] = _summary_written
_ACTIONS[summaries.CHECKED] = _summary_checked

# Actions whose replay reads the source too: a row the log names by id only (a
# recorded action; a channel, whose URL the log never holds).
# --- ideas (services.ideas) ----------------------------------------------------------------


def _idea_received(source: Engine, cyd: Cyd, entry: t.AuditEntry) -> None:
    """The contact details are not in the log (personal data): taken from the source's
    idea, as a channel's URL is taken from its row."""
    with read_session(source) as session:
        row = session.get(t.Idea, entry.payload["idea"])
        contact = (row.contact_name, row.contact_email, row.contact_phone) if row else (None,) * 3
        files = list(row.files) if row else []
    ideas.replay_received(cyd, entry, contact, files)


def _idea_answered(cyd: Cyd, entry: t.AuditEntry) -> None:
    p = entry.payload
    adopted = p["outcome"] == "adopted"
    ideas.answer_idea(
        cyd,
        p["idea"],
        by=entry.actor,
        outcome=p["outcome"],
        reason=p["reason"],
        what_next=p["what_next"],
        venture=None if adopted else p["venture"],
        started=p["venture"] if adopted else None,
    )


_ACTIONS[ideas.SENT_TO] = lambda cyd, e: ideas.send_to(
    cyd, e.payload["idea"], workstream=e.payload["workstream"], by=e.actor
)
_ACTIONS[ideas.ANSWERED] = _idea_answered
_ACTIONS[ideas.MODERATED] = lambda cyd, e: ideas.moderate(
    cyd,
    e.payload["idea"],
    by=e.actor,
    publish=e.payload["publication"] == "published",
    note=e.payload["note"],
)
_ACTIONS[ideas.SUPPORTED] = lambda cyd, e: void(ideas.support(cyd, e.payload["idea"], by=e.actor))
_ACTIONS[ideas.WITHDRAWN] = ideas.replay_withdrawn
_ACTIONS.update(
    dict.fromkeys((ideas.REMINDED, ideas.UPDATED, ideas.CONTACT_ERASED), ideas.replay_swept)
)


def void(_: Any) -> None:
    """A command's result not needed by the replay."""


_FROM_SOURCE: dict[str, Callable[[Engine, Cyd, t.AuditEntry], None]] = {
    "answer.recorded": _answered,
    "vote.recorded": _voted,
    assisted.DECLINED: _assisted_declined,
    admin.CHANNEL_ADDED: _channel_added,
    admin.CHANNEL_REPLACED: _channel_replaced,
    admin.CHANNEL_REMOVED: _channel_removed,
    admin.CHANNEL_TESTED: _channel_tested,
    ideas.RECEIVED: _idea_received,
}


def _venture(entry: t.AuditEntry) -> str:
    if entry.venture_id is None:
        raise _Problem("the entry names no venture")
    return entry.venture_id


def _any_workstream(cyd: Cyd) -> str:
    with read_session(cyd.engine) as session:
        return session.exec(select(t.Workstream.id).order_by(col(t.Workstream.id))).first() or ""


def _try_again(cyd: Cyd, entry: t.AuditEntry) -> None:
    """Try the refused action again: it must be refused with the same code and reason.

    Every command checks who may act before it looks at its other arguments, so the
    arguments below reach the same check as the ones refused; the one exception is
    the workstream a venture was started in, which is any workstream the person is
    not a member of, and the supporter of a vote, which is anyone but the member's
    own supporter (the member themself).
    """
    p, who, venture = entry.payload, entry.actor, entry.venture_id or ""
    attempts: dict[str, Callable[[], object]] = {
        "venture.start": lambda: start_venture(
            cyd, workstream=_not_their_workstream(cyd, who), title="(replayed)", lead=who
        ),
        # An item for the lead is refused for anyone else whichever it is: the first.
        "venture.answer": lambda: answer(
            cyd,
            venture,
            _lead_item(cyd, venture) if p["code"] == "item-for-lead" else "(replayed)",
            "",
            by=who,
        ),
        "venture.submit": lambda: submit(cyd, venture, by=who),
        "checklist.sign-off": lambda: sign_off(cyd, venture, by=who),
        "venture.extend": lambda: extend(
            cyd,
            venture,
            until=(entry.at + dt.timedelta(days=2)).date(),
            by=who,
            reason="(replayed)",
        ),
        "review.record": lambda: record_review(cyd, venture, by=who, recommend="go"),
        # Reading the review page: refused by the same rules, and recorded the same way.
        REVIEW_VIEW: lambda: review_of(cyd.engine, cyd.library, venture, who, entry.at),
        "board.declare": lambda: declare_interest(cyd, venture, member=who, interest="(replayed)"),
        "board.withdraw-interest": lambda: withdraw_interest(cyd, venture, member=who),
        "board.vote": lambda: vote(
            cyd,
            venture,
            member=who,
            choice="abstain",
            supported_by=who if p["code"] == "not-their-supporter" else None,
        ),
        "board.close": lambda: close_vote(cyd, venture, by=who),
        # Who may write or check a summary is asked before anything of what they wrote.
        summaries.WRITE: lambda: summaries.write_summary(cyd, venture, "(replayed)", by=who),
        summaries.CHECK: lambda: summaries.check_summary(cyd, venture, True, by=who),
        "venture.withdraw": lambda: withdraw(cyd, venture, by=who, reason="(replayed)"),
        # Ideas: the refusal names the idea; who may is asked before the rest.
        ideas.RECORD: lambda: (
            ideas.withdraw_for(cyd, p["subject"], by=who)
            if p.get("subject")
            else ideas.record_idea(cyd, ideas.NewIdea(what="(replayed)", route="phone"), by=who)
        ),
        ideas.TRIAGE: lambda: ideas.send_to(
            cyd, p["subject"], workstream=_any_workstream(cyd), by=who
        ),
        ideas.MODERATE: lambda: ideas.moderate(
            cyd, p["subject"], by=who, publish=True, note="(replayed)"
        ),
        ideas.SUPPORT: lambda: ideas.support(cyd, p["subject"], by=who),
        "board.resume": lambda: resume(cyd, venture, by=who),
        # Who may print is checked before whom it is for.
        PRINT_CODE: lambda: issue_printed_code(cyd.engine, who, who, entry.at),
        # Every people admin command and read asks the admin rule first.
        admin.ADMINISTER: lambda: admin.list_people(cyd, by=who),
        IMPORT_ACTION: lambda: _import_again(cyd, who, entry.at),
        "assisted.record": lambda: _record_again(cyd, venture, who, p["code"], p["reason"]),
        "assisted.desk": lambda: assisted.clerk_desk(cyd, venture, by=who),
        # Confirming, declining and reading ask whose the recorded action is, and only
        # that (`may_confirm`), or first whether a receipt's reader is a clerk.
        "assisted.confirm": lambda: assisted.confirm(cyd, _someone_elses(cyd, who), by=who),
        "assisted.decline": lambda: assisted.decline(cyd, _someone_elses(cyd, who), by=who),
        "assisted.view": lambda: (
            assisted.recorded_by_me if p["code"] == "not-clerk" else assisted.pending_action
        )(cyd, _someone_elses(cyd, who), by=who),
    }
    attempt = attempts.get(p["action"])
    if attempt is None:
        raise _Problem(f"no way to try '{p['action']}' again")
    try:
        attempt()
    except PermissionDenied as denied:
        if (denied.code, str(denied)) != (p["code"], p["reason"]):
            raise _Problem(
                f"refused again as {denied.code!r} ({denied}), logged as {p['code']!r}"
            ) from None
        return
    except CommandError as error:
        raise _Problem(f"not refused by the rules this time: {error}") from None
    raise _Problem("allowed this time; the log says it was refused")


def _import_again(cyd: Cyd, who: str, at: dt.datetime) -> object:
    """A changed import, as the refused one was (an unchanged one is never refused): the
    programme in force with a comment added, which changes its sha256 and nothing else."""
    with read_session(cyd.engine) as session:
        latest = latest_version(session)
        if latest is None:
            raise _Problem("no programme yet, so nothing refuses an import")
        text = latest.as_loaded + "\n# (replayed: a changed file, to be refused again)\n"
    programme = parse_programme(text, "programme (replayed)", library=cyd.library)
    return import_programme(cyd.engine, programme, text, who, at=at)


def _record_again(cyd: Cyd, venture: str, who: str, code: str, reason: str) -> object:
    """Recording for someone: refused for the clerk (not a clerk; recording for
    themself), or by the person's own rule, about someone the log does not name. Then
    it is tried for the first person (by email) whom the rules refuse the same way, as
    a vote, an answer, or else an answer to an item only the lead may give."""
    if code in ("not-clerk", "clerk-own-record"):
        return assisted.record_vote_for(cyd, venture, by=who, member=who, choice="abstain")
    with read_session(cyd.engine) as session:
        row = session.get(t.Venture, venture)
        clerk = queries.person_by_email(session, who)
        if row is None or clerk is None:
            raise _Problem("the venture or the clerk is not in the target")
        facts, interests = venture_facts(session, row), venture_interests(session, row.id)
        clerk_actor = actor_for(session, clerk)
        found = None
        for person in session.exec(
            select(t.Person).where(col(t.Person.active)).order_by(col(t.Person.email))
        ):
            them = actor_for(session, person)
            for kind, permission in (
                ("vote", may_record_vote_for(clerk_actor, them, facts, interests)),
                ("answer", may_record_answer_for(clerk_actor, them, facts)),
                ("lead-item", _their_lead_item(clerk_actor, them, facts)),
            ):
                if isinstance(permission, Denied) and (permission.code, permission.reason) == (
                    code,
                    reason,
                ):
                    found = (kind, person.email)
                    break
            if found:
                break
    if found is None:
        raise _Problem(f"nobody the rules refuse as {code!r} now, so nothing is refused")
    kind, email = found
    if kind == "vote":
        return assisted.record_vote_for(cyd, venture, by=who, member=email, choice="abstain")
    item_ref = _lead_item(cyd, venture) if kind == "lead-item" else "(replayed)"
    return assisted.record_answer_for(
        cyd, venture, by=who, person=email, item_ref=item_ref, value=""
    )


def _their_lead_item(clerk: Actor, them: Actor, facts: VentureFacts) -> Permission:
    """Whether the clerk may record `them`'s answer to an item only the lead may give:
    the clerk's rule first, then the person's own, as `assisted.record_answer_for`."""
    allowed = may_record_answer_for(clerk, them, facts)
    return may_answer_item(them, facts, "lead") if allowed else allowed


def _lead_item(cyd: Cyd, venture: str) -> str:
    """An item of the venture's current checklists only its lead may answer
    (`audience: lead`), as 'checklist/item': the log names none, as the refusal is the
    same whichever it was."""
    with read_session(cyd.engine) as session:
        row = session.get(t.Venture, venture)
        if row is None:
            raise _Problem("the venture is not in the target")
        for checklist in pinned_checklists(session, current_gate_run(session, row)):
            for item in checklist.items():
                if item.audience == "lead":
                    return f"{checklist.id}/{item.id}"
    raise _Problem("no item only the lead answers now, so nothing is refused as for the lead")


def _someone_elses(cyd: Cyd, who: str) -> int:
    """A recorded action that is not for `who` (the first, by id)."""
    with read_session(cyd.engine) as session:
        for row in session.exec(select(t.AssistedAction).order_by(col(t.AssistedAction.id))):
            person = session.get(t.Person, row.for_id)
            if row.id is not None and (person is None or person.email != who):
                return row.id
    raise _Problem(f"no recorded action for anyone but {who}, so nothing is refused")


def _not_their_workstream(cyd: Cyd, email: str) -> str:
    with read_session(cyd.engine) as session:
        for stream in session.exec(select(t.Workstream).order_by(col(t.Workstream.id))):
            if email not in {p.email for p in workstream_people(session, stream.id)}:
                return stream.id
    raise _Problem(f"{email} is a member of every workstream, so nothing refuses them")


def _last_seq(engine: Engine) -> int:
    with read_session(engine) as session:
        last = audit.last_entry(session)
        return last.seq if last is not None else 0


def _check_logged(source: Engine, target: Engine, entry: t.AuditEntry, before: int) -> None:
    """The replay logged one entry, the same as the original up to row ids (and up to
    its place, should an earlier entry have gone wrong: `compare` reports that)."""
    with read_session(target) as session:
        last = audit.last_entry(session)
        written = (last.seq if last is not None else 0) - before
        if last is None or written != 1:
            raise _Problem(f"the replay logged {written} entries for it, not 1")
        mine = _document(session, last)
    with read_session(source) as session:
        theirs = _document(session, entry)
    mine.pop("seq")
    theirs.pop("seq")
    if mine != theirs:
        where, a, b = _where_differs(mine, theirs, "entry")
        raise _Problem(f"the replay logged a different entry: {where}: {_short(a)} vs {_short(b)}")


# --- compare -----------------------------------------------------------------------------


def compare(source: Engine, target: Engine) -> list[str]:
    """The differences between the stored states of two databases; [] if none."""
    with read_session(source) as a, read_session(target) as b:
        mine, theirs = _state(a), _state(b)
        differences = [
            line
            for table in mine
            for line in _differ(table, Counter(mine[table]), Counter(theirs[table]))
        ]
        for name, session in (("source", a), ("target", b)):
            verified = audit.verify(session)
            if not verified.ok:
                differences.append(f"audit: the {name}'s chain is broken: {verified.message()}")
    return differences


def _differ(table: str, source: Counter[str], target: Counter[str]) -> list[str]:
    lines = []
    for side, rows in (("source", source - target), ("target", target - source)):
        listed = sorted(rows.elements())
        lines += [f"{table}: only in the {side}: {row}" for row in listed[:SHOWN]]
        if len(listed) > SHOWN:
            lines.append(f"{table}: and {len(listed) - SHOWN} more only in the {side}")
    return lines


def _state(session: Session) -> dict[str, list[str]]:
    """Every stored row that a replay rebuilds, as canonical JSON, without row ids."""
    email = {p.id: p.email for p in session.exec(select(t.Person))}

    def who(person_id: int | None) -> str | None:
        return email.get(person_id) if person_id is not None else None

    def rows(model: Any, render: Callable[[Any], dict[str, Any]]) -> list[str]:
        return [audit.canonical_json(_plain(render(r))) for r in session.exec(select(model))]

    roles: dict[int, list[str]] = {}
    for role in session.exec(select(t.PersonRole).order_by(col(t.PersonRole.role))):
        roles.setdefault(role.person_id, []).append(role.role)
    return {
        "people": rows(
            t.Person,
            lambda p: (
                _fields(p, "email name lived_experience language language_asked_on format active")
                | {"roles": roles.get(p.id, []), "supports": who(p.supports_person_id)}
            ),
        ),
        "workstreams": rows(t.Workstream, lambda w: _fields(w, "id name")),
        "workstream members": rows(
            t.WorkstreamMember,
            lambda m: _fields(m, "workstream_id is_lead") | {"person": who(m.person_id)},
        ),
        "programme versions": rows(
            t.ProgrammeVersion, lambda v: _fields(v, "sha256 loaded_at loaded_by")
        ),
        "ventures": rows(
            t.Venture,
            lambda v: (
                _fields(
                    v,
                    "id workstream_id title title_lang title_other state gate_id deadline"
                    " created_at updated_at closed_at",
                )
                | {"lead": who(v.lead_id)}
            ),
        ),
        "gate runs": rows(
            t.GateRun,
            lambda g: (
                _fields(
                    g,
                    "venture_id gate_id gate_version decision_rule decision_rule_snapshot"
                    " opened_at submitted_at closed_at",
                )
                | {"checklists": [(c["id"], c["version"], c["sha256"]) for c in g.checklists]}
            ),
        ),
        # Stored once per content: the same pins give the same rows, whole bodies compared.
        "checklist definitions": rows(
            t.StoredDefinition, lambda d: _fields(d, "sha256 checklist_id version body")
        ),
        "answers": rows(
            t.Answer,
            lambda a: (
                _fields(
                    a,
                    "venture_id gate_id checklist_id checklist_version item_id value at is_current",
                )
                | {"by": who(a.by_id)}
            ),
        ),
        "translations": rows(
            t.Translation,
            lambda r: (
                _fields(
                    r,
                    "venture_id subject source_lang source_text target_lang text"
                    " requested_at due_at done_at",
                )
                | {"done_by": who(r.done_by)}
            ),
        ),
        "easy read summaries": rows(
            t.EasyReadSummary,
            lambda r: (
                _fields(r, "venture_id lang text written_at checked_at verdict check_note")
                | {"written_by": who(r.written_by), "checked_by": who(r.checked_by)}
            ),
        ),
        "sign-offs": rows(
            t.SignOff,
            lambda o: _fields(o, "venture_id gate_id at voided_at") | {"person": who(o.person_id)},
        ),
        "reviewer assignments": rows(
            t.ReviewerAssignment,
            lambda r: _fields(r, "venture_id gate_id at") | {"reviewer": who(r.reviewer_id)},
        ),
        "reviews": rows(
            t.Review,
            lambda r: (
                _fields(r, "venture_id gate_id recommend note at stale is_current")
                | {"reviewer": who(r.reviewer_id)}
            ),
        ),
        "interests": rows(
            t.Interest, lambda i: _fields(i, "venture_id text at") | {"member": who(i.member_id)}
        ),
        "ballots": rows(
            t.Ballot,
            lambda b: (
                _fields(b, "venture_id gate_id number opened_at deadline closed_by_chair")
                | {
                    "closed_at": b.closed_at,
                    "closed_by": who(b.closed_by_id),
                    "more_time_granted": sorted(str(who(i)) for i in b.more_time_granted),
                }
            ),
        ),
        "votes": rows(
            t.Vote,
            lambda v: (
                _fields(v, "venture_id gate_id ballot choice reason at stale is_current")
                | {"member": who(v.member_id), "supported_by": who(v.supported_by_id)}
            ),
        ),
        "decisions": rows(
            t.Decision,
            lambda d: _fields(
                d,
                "venture_id gate_id ballot outcome rule reasons tally conditions closed_by"
                " casting_vote_used at",
            ),
        ),
        "deadlines": rows(
            t.Deadline,
            lambda d: (
                _fields(d, "venture_id gate_id kind ballot until is_extension reason at")
                | {"by": who(d.by_id)}
            ),
        ),
        "denials": rows(
            t.Denial, lambda d: _fields(d, "at actor action venture_id reason details")
        ),
        # A channel by its masked form: a difference is printed, and a URL is a secret.
        "channels": rows(
            t.Channel,
            lambda c: (
                {"person": who(c.person_id), "masked": c.masked_url} | _fields(c, "label active")
            ),
        ),
        "assisted actions": rows(
            t.AssistedAction,
            lambda a: (
                _fields(
                    a,
                    "venture_id gate_id kind ballot choice reason checklist_id item_id value"
                    " status recorded_at decided_at",
                )
                | {"for": who(a.for_id), "recorded_by": who(a.recorded_by_id)}
            ),
        ),
        "outbox messages": [
            # created_at is when the row was written (wall time, not the command's clock);
            # sign-in and channel test messages are not replayed (see the module's
            # description), nor the audit head sent for keeping (it is not in the log:
            # anchoring the head must not move it).
            audit.canonical_json(
                _plain(
                    _fields(m, "event venture_id idea_id language format attachments")
                    | {"payload": _outbox_payload(session, m.payload)}
                    | {"person": who(m.person_id)}
                )
            )
            for m in session.exec(
                select(t.OutboxMessage).where(
                    col(t.OutboxMessage.event).not_in([SIGN_IN_EVENT, TEST_EVENT, ANCHOR_EVENT])
                )
            )
            # Sent again with a translation: what the relay had sent by then decides it.
            if not m.payload.get("again_with_translation")
        ],
        # Ideas without the proposer's contact details (not in the log: stand-ins where
        # erased since) nor the reference's hash (random, like a sign-in's).
        "ideas": rows(
            t.Idea,
            lambda i: (
                _fields(
                    i,
                    "id what why who_helps lang route behalf on_behalf_of consent_publish"
                    " reply_language reply_format state workstream_id publication"
                    " moderation_note answer venture_id received_at due_at answered_at"
                    " reminded_at escalated_at told contact_erased_at files",
                )
                | {"recorded_by": who(i.recorded_by_id), "proposer": who(i.proposer_id)}
            ),
        ),
        "idea supports": rows(
            t.IdeaSupport, lambda u: _fields(u, "idea_id at") | {"person": who(u.person_id)}
        ),
        "audit log": [audit.canonical_json(_document(session, e)) for e in audit.entries(session)],
    }


def _fields(row: Any, names: str) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names.split()}


def _plain(value: Any) -> Any:
    """`value` as JSON: times in ISO 8601 UTC, dates as ISO dates, tuples as lists."""
    if isinstance(value, dt.datetime):
        return audit.iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _document(session: Session, entry: t.AuditEntry) -> dict[str, Any]:
    """What an entry's hash covers, with the row ids in its payload read as what they name."""
    payload = dict(entry.payload)
    if entry.action == AUDIT_ACTION and "version" in payload:
        version = session.get(t.ProgrammeVersion, payload["version"])
        payload["version"] = version.sha256 if version is not None else None
    elif entry.action == "answer.recorded" and payload.get("stale"):
        stale = payload["stale"]
        payload["stale"] = {
            "stale_reviews": _named(session, t.Review, stale.get("stale_reviews", [])),
            "stale_votes": _named(session, t.Vote, stale.get("stale_votes", [])),
        }
    if entry.action in ("answer.recorded", "vote.recorded") and payload.get("assisted"):
        payload["assisted"] = _assisted_name(session, payload["assisted"])
    elif entry.action in (assisted.RECORDED, assisted.DECLINED):
        payload["id"] = _assisted_name(session, payload["id"])
        if "replaced" in payload:
            payload["replaced"] = sorted(_assisted_name(session, i) for i in payload["replaced"])
    elif entry.action.startswith("channel.") or entry.action == admin.PERSON_DEACTIVATED:
        for key in ("channel", "replaces"):
            if key in payload:
                payload[key] = _channel_name(session, payload[key])
        if "channels" in payload:
            payload["channels"] = sorted(_channel_name(session, i) for i in payload["channels"])
    return audit.entry_document(
        seq=entry.seq,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        venture_id=entry.venture_id,
        payload=payload,
    )


def _named(session: Session, model: type[t.Review] | type[t.Vote], ids: Iterable[int]) -> list[str]:
    """Reviews or votes by who gave them and when, instead of by row id."""
    named = []
    for row_id in ids:
        row = session.get(model, row_id)
        if not isinstance(row, t.Review | t.Vote):
            named.append(f"missing {model.__tablename__} {row_id}")
            continue
        person_id = row.reviewer_id if isinstance(row, t.Review) else row.member_id
        person = session.get(t.Person, person_id)
        named.append(f"{person.email if person else person_id} at {audit.iso(row.at)}")
    return sorted(named)


def _channel_name(session: Session, channel_id: int) -> str:
    """A channel by whose it is and its masked form, instead of by row id."""
    channel = session.get(t.Channel, channel_id)
    if channel is None:
        return f"missing channel {channel_id}"
    person = session.get(t.Person, channel.person_id)
    return f"{person.email if person else channel.person_id} {channel.masked_url} {channel.label}"
