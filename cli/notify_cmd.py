"""`cyd notify ...`: preview a message, send what is due, the outbox's state, a test.

Channel URLs (apprise) are secrets: every command shows them masked
(`mailto://***`), errors included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.output import console, fail, print_json

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

app = typer.Typer(
    help="Notifications: preview, send what is due, status, a test message.",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
PersonOpt = Annotated[str, typer.Option("--person", help="The person's email.")]


@app.command("preview")
def preview(
    event: Annotated[str, typer.Argument(help="The event, e.g. returned or venture.decision.")],
    person: PersonOpt,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="en or cy (default: the person's; both if never asked)."),
    ] = None,
    easy_read: Annotated[
        bool | None,
        typer.Option("--easy-read/--standard", help="The format (default: the person's)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Render a message as the person would get it, without sending it.

    The payload is the person's latest message of that event, else a realistic sample
    (a digest carries the messages it carried, else a sample reminder and decision).
    """
    from notifications.compose import template_name
    from notifications.render import EVENTS, TemplateMissing

    name = template_name(event.strip())
    known = EVENTS  # the digest and the admins' alert (delivery-failed) among them
    if name not in known:
        fail(f"unknown event '{event}': one of {', '.join(known)}")
    if lang is not None and lang not in ("en", "cy"):
        fail("--lang is en or cy")
    engine = _engine()
    try:
        addressee, payload, source = _preview_input(engine, person, name)
        contact = _contact(engine)
    finally:
        engine.dispose()
    try:
        rendered = _render(addressee, name, payload, lang, easy_read, contact)
    except TemplateMissing as error:
        fail(f"no template for '{name}': {error}")
    except Exception as error:
        fail(f"the template for '{name}' failed: {type(error).__name__}: {error}")
    if as_json:
        print_json(
            {
                "event": name,
                "person": addressee.email,
                "payload_from": source,
                "subject": rendered.subject,
                "languages": list(rendered.languages),
                "format": rendered.format,
                "text": rendered.text,
                "html": rendered.html,
            }
        )
        return
    from cli.output import safe as escape

    out = console()
    out.print(f"[dim]To {escape(addressee.to)} · {source}[/dim]")
    out.print(
        f"[dim]{' + '.join(rendered.languages)} · "
        f"{'Easy Read' if rendered.format == 'easy-read' else 'standard'}[/dim]"
    )
    out.print(f"[bold]{escape(rendered.subject)}[/bold]\n")
    out.print(escape(rendered.text.rstrip()))
    out.print(
        f"\n[dim](and an HTML version, {len(rendered.html)} characters: --json shows it)[/dim]"
    )


# What a preview of the daily digest carries when the person has had no digest yet.
_DIGEST_SAMPLES = ("venture.reminder", "venture.decision")


def _contact(engine: Engine) -> Any:
    """The programme's contact, as the relay would name it at the end of the message."""
    from models.db import read_session
    from notifications.contact import programme_contact

    with read_session(engine) as session:
        return programme_contact(session)


def _render(
    addressee: Any,
    name: str,
    payload: dict[str, Any],
    lang: str | None,
    easy_read: bool | None,
    contact: Any = None,
) -> Any:
    from notifications.compose import DIGEST_EVENT, compose_digest, render_for

    if name == DIGEST_EVENT:
        import datetime as dt

        from notifications.samples import sample_payload

        carried = payload.get("carried") or [(e, sample_payload(e)) for e in _DIGEST_SAMPLES]
        items = [
            render_for(addressee, event, each, language=lang, easy_read=easy_read, contact=contact)
            for event, each in carried
        ]
        import settings

        today = dt.datetime.now(settings.current().timezone).date()  # the programme's day
        day = dt.date.fromisoformat(str(payload.get("day") or today.isoformat()))
        return compose_digest(
            addressee, day, items, language=lang, easy_read=easy_read, contact=contact
        )
    return render_for(addressee, name, payload, language=lang, easy_read=easy_read, contact=contact)


def _preview_input(engine: Engine, email: str, name: str) -> tuple[Any, dict[str, Any], str]:
    from sqlmodel import col, select

    from models.db import read_session
    from models.tables import OutboxMessage, Person, normalize_email
    from notifications.compose import DIGEST_EVENT, SIGN_IN_EVENT, VENTURE_PREFIX, addressee
    from notifications.samples import sample_payload

    with read_session(engine) as session:
        person = session.exec(select(Person).where(Person.email == normalize_email(email))).first()
        if person is None:
            fail(f"no person with email '{email}' (see 'cyd people list')")
        latest = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.person_id == person.id)
            .where(col(OutboxMessage.event).in_([name, f"{VENTURE_PREFIX}{name}"]))
            .order_by(col(OutboxMessage.id).desc())
            .limit(1)
        ).first()
        who = addressee(person)
        carried = (
            session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.digest_id == latest.id)
                .order_by(col(OutboxMessage.created_at), col(OutboxMessage.id))
            ).all()
            if latest is not None and name == DIGEST_EVENT
            else []
        )
    if name == SIGN_IN_EVENT:  # its link and code are never stored: made-up ones
        return (
            who,
            sample_payload(name),
            "a sample payload (a sign-in's link and code are never kept)",
        )
    if latest is not None:
        payload = dict(latest.payload)
        if carried:  # a digest: the messages it carried
            payload["carried"] = [(m.event, dict(m.payload)) for m in carried]
        return who, payload, f"the payload of outbox message {latest.id}"
    return who, sample_payload(name), "a sample payload"


def _engine() -> Engine:
    from cli import context

    return context.engine()


@app.command("send-due")
def send_due(
    limit: Annotated[int, typer.Option(help="Send at most this many messages.", min=1)] = 100,
    as_json: JsonOpt = False,
) -> None:
    """Send the messages that are due, one at a time, and say what happened."""
    from notifications.relay import send_due as relay

    engine = _engine()
    try:
        report = relay(engine, limit=limit)
    finally:
        engine.dispose()
    if as_json:
        print_json(report.as_json())
        return
    from cli.output import safe as escape

    out = console()
    out.print(
        f"Sent {report.sent}, failed {report.failed} (will retry), gave up on {report.dead};"
        f" {report.deferred} waiting (quiet hours or digest), {report.digests} digest(s) made,"
        f" {report.alerts} alert(s) to admins queued."
    )
    for problem in report.problems:
        what = "gave up" if problem.dead else "will retry"
        out.print(
            f"  • message {problem.message_id} ({escape(problem.event)}) to "
            f"{escape(problem.person)} on {escape(problem.channel)}, {what}: "
            f"{escape(problem.reason)}"
        )


@app.command("status")
def status(as_json: JsonOpt = False) -> None:
    """Count pending, sent and dead messages; name the failing channels (masked)."""
    from notifications.relay import status as outbox_status

    engine = _engine()
    try:
        state = outbox_status(engine)
    finally:
        engine.dispose()
    if as_json:
        print_json(state)
        return
    from cli.output import safe as escape

    out = console()
    held = f" ({state['held_in_digests']} in digests)" if state["held_in_digests"] else ""
    out.print(
        f"Outbox: {state['pending']} pending{held}, {state['sent']} sent, {state['dead']} dead."
    )
    failing = state["failing_channels"]
    if not failing:
        out.print("No channel is failing.")
        return
    out.print("Failing channels:")
    for channel in failing:
        gone = "" if channel["active"] else " (removed from the programme)"
        out.print(
            f"  • {escape(channel['channel'])}{escape(gone)} of {escape(channel['person'])}: "
            f"{channel['dead']} dead, {channel['retrying']} retrying; last error: "
            f"{escape(channel['last_error'] or '-')}"
        )


@app.command("dead")
def dead(as_json: JsonOpt = False) -> None:
    """List the messages given up on (newest first), with why (masked)."""
    from notifications.relay import dead_messages

    engine = _engine()
    try:
        rows = dead_messages(engine)
    finally:
        engine.dispose()
    if as_json:
        print_json(rows)
        return
    from cli.output import safe as escape

    out = console()
    if not rows:
        out.print("No message was given up on.")
        return
    for row in rows:
        carried = f", in digest {row['in_digest']}" if row["in_digest"] else ""
        out.print(
            f"  • {row['id']}: {escape(row['event'])} to {escape(row['person'])} on "
            f"{escape(row['channel'])}, {row['attempts']} attempt(s){carried}: "
            f"{escape(row['reason'] or '-')}"
        )
    out.print("Offer them again with `cyd notify retry ID...` or `cyd notify retry --all`.")


@app.command("retry")
def retry(
    messages: Annotated[
        list[int] | None, typer.Argument(help="Message ids (from `cyd notify dead`).")
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Every message given up on.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Offer messages given up on again, from a first attempt, at the next send."""
    from notifications.relay import retry_messages

    if bool(messages) == every:
        fail("name the messages to offer again (ids from `cyd notify dead`), or --all", code=2)
    engine = _engine()
    try:
        again, unknown = retry_messages(engine, None if every else list(messages or []))
    finally:
        engine.dispose()
    if as_json:
        print_json({"offered_again": again, "not_given_up": unknown})
    else:
        console().print(f"{again} message(s) offered again: they go at the next send.")
    if unknown:
        fail(f"not given-up messages: {', '.join(str(i) for i in unknown)}")


@app.command("test")
def send_test_message(person: PersonOpt, as_json: JsonOpt = False) -> None:
    """Send a test message now to each of the person's channels; report each (masked)."""
    from notifications.relay import send_test

    engine = _engine()
    try:
        results = send_test(engine, person)
    except LookupError as error:
        fail(str(error))
    finally:
        engine.dispose()
    if not results:
        fail(f"'{person}' has no notification channel in the programme file")
    if as_json:
        print_json([r.as_json() for r in results])
    else:
        from cli.output import safe as escape

        out = console()
        for result in results:
            label = f" ({result.label})" if result.label else ""
            if result.sent:
                out.print(f"  ✓ {escape(result.channel)}{escape(label)}: sent")
            else:
                out.print(
                    f"  ✗ {escape(result.channel)}{escape(label)}: not sent: "
                    f"{escape(result.reason or 'unknown')}"
                )
    if not all(r.sent for r in results):
        raise typer.Exit(1)
