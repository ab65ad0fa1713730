"""`cyd people ...`: the people of the programme, as loaded by `cyd init`.

Notification channels are secrets (apprise URLs with tokens and passwords): only
how many a person has is ever shown. `cyd people code` is the one command that prints
a sign-in code: an admin's, for a person who cannot get messages.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli.output import console, fail, print_json

app = typer.Typer(help="The people of the programme.", no_args_is_help=True)

# The order roles are listed in.
_ROLE_ORDER = ("chair", "board-member", "lead", "reviewer", "co-producer", "admin")


@app.command("list")
def list_people(
    everyone: Annotated[
        bool, typer.Option("--all", help="Also people no longer in the programme file.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List people: roles, lived experience, language, format, whom they support, and
    when their messages come (quiet hours, a daily digest)."""
    from cli import context
    from models.db import read_session

    engine = context.engine()
    try:
        with read_session(engine) as session:
            people = _people(session, everyone)
    finally:
        engine.dispose()
    if as_json:
        print_json(people)
        return
    _table(people, everyone)


def _people(session: Any, everyone: bool) -> list[dict[str, Any]]:
    from sqlmodel import col, func, select

    from models.tables import Channel, Person, PersonRole
    from services.programme_import import message_languages

    statement = select(Person).order_by(col(Person.email))
    if not everyone:
        statement = statement.where(col(Person.active))
    persons = list(session.exec(statement))
    emails = {p.id: p.email for p in session.exec(select(Person))}
    roles: dict[int, list[str]] = {}
    for person_id, role in session.exec(select(PersonRole.person_id, PersonRole.role)):
        roles.setdefault(person_id, []).append(role)
    channels = dict(
        session.exec(
            select(Channel.person_id, func.count())
            .where(col(Channel.active))
            .group_by(col(Channel.person_id))
        ).all()
    )
    rank = {role: n for n, role in enumerate(_ROLE_ORDER)}
    return [
        {
            "email": p.email,
            "name": p.name,
            "active": p.active,
            "roles": sorted(roles.get(p.id, []), key=lambda r: (rank.get(r, len(rank)), r)),
            "lived_experience": p.lived_experience,
            "language": p.language if p.language_asked_on is not None else None,
            "language_asked_on": (
                p.language_asked_on.isoformat() if p.language_asked_on is not None else None
            ),
            "message_languages": list(message_languages(p)),
            "format": p.format,
            "supports": emails.get(p.supports_person_id) if p.supports_person_id else None,
            "channels": int(channels.get(p.id, 0)),
            "quiet_hours": (
                {"from": p.quiet_hours_from, "to": p.quiet_hours_to}
                if p.quiet_hours_from and p.quiet_hours_to
                else None
            ),
            "digest": "daily" if p.daily_digest else None,
        }
        for p in persons
    ]


@app.command("code")
def code(
    email: Annotated[str, typer.Argument(help="The person who will sign in with it.")],
    by: Annotated[str, typer.Option("--by", help="The admin who gives it to them.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Print a one-time sign-in code for a person who cannot get messages, to give them
    in person: with their email, it works once, for 24 hours. Only admins."""
    from cli import context
    from cli.output import safe as escape
    from governance.sign_in import PRINTED_CODE_LIFETIME
    from models.db import utcnow
    from notifications.relay import local_zone
    from services.commands import CommandError
    from services.sign_in import issue_printed_code

    engine = context.engine()
    now = utcnow()
    try:
        printed = issue_printed_code(engine, by, email, now)
    except CommandError as error:
        fail(str(error))
    finally:
        engine.dispose()
    until = now + PRINTED_CODE_LIFETIME
    if as_json:
        print_json({"person": email.strip().lower(), "code": printed, "expires_at": until})
        return
    out = console()
    out.print(f"Sign-in code for {escape(email.strip().lower())}: [bold]{printed}[/bold]")
    out.print(
        f"It works once, until {until.astimezone(local_zone()):%A %d %B %Y at %H:%M}, typed"
        " with their email on the sign-in page. Give it to them in person."
    )


WIDE_ENOUGH = 170  # columns a terminal needs for one column per field


def _table(people: list[dict[str, Any]], everyone: bool) -> None:
    from rich.table import Table

    from cli.output import safe as escape

    out = console()
    table = Table(title=f"People ({len(people)})", title_justify="left")
    fields = ["roles", "lived experience", "language", "format", "supports", "channels"]
    fields += ["quiet hours", "digest"]
    fields += ["active"] if everyone else []
    wide = out.width >= WIDE_ENOUGH
    # Fold rather than cut: an email with its end cut off is a wrong email.
    table.add_column("person", overflow="fold")
    if wide:
        for name in fields:
            table.add_column(
                name, overflow="fold", justify="right" if name == "channels" else "left"
            )
    else:  # a narrow terminal: each person's details one under another
        table.add_column("details", overflow="fold")
    for p in people:
        values = [
            ", ".join(p["roles"]) or "-",
            "yes" if p["lived_experience"] else "no",
            p["language"] or "cy + en (not asked)",
            "Easy Read" if p["format"] == "easy-read" else "standard",
            p["supports"] or "-",
            str(p["channels"]),
            f"{p['quiet_hours']['from']}–{p['quiet_hours']['to']}" if p["quiet_hours"] else "-",
            p["digest"] or "-",
        ]
        values += ["yes" if p["active"] else "no"] if everyone else []
        who = f"{escape(p['name'])}\n[dim]{escape(p['email'])}[/dim]"
        if wide:
            table.add_row(who, *(escape(v) for v in values))
        else:
            lines = (f"{name}: {escape(v)}" for name, v in zip(fields, values, strict=True))
            table.add_row(who, "\n".join(lines), end_section=True)
    out.print(table)
