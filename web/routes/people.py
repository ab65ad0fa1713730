"""People admin in the browser (role `admin`), calling services.people_admin.

    GET  /people                      everyone, filtered by role (?role=reviewer)
    GET  /people/new                  add a person: the form
    POST /people/new                    checked, then the check-and-confirm page
    POST /people/new/confirm            added; to the person's page (the receipt)
    GET  /people/{id}                 a summary list, a change link for each field
    GET  /people/{id}/channels        channels, shown masked; add, replace whole, remove,
    POST /people/{id}/channels/...      send a test message
    GET  /people/{id}/deactivate      confirm; POST deactivates
    GET  /people/{id}/{field}         one field's own form; POST changes it

Every page asks the services, which check the admin rule: anyone else gets "Page not
found" (the services record the refusal), as for a person that does not exist. A
channel URL is never put in a page: not in a field's value, not in a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from models import tables as t
from services import people_admin as pa
from services.commands import CommandError, NotFound, PermissionDenied
from web.access import Member
from web.i18n import LANGUAGE_NAMES
from web.page import PageContext

router = APIRouter()
T = TypeVar("T")

PEOPLE = "/people"
FIELDS = (
    "name",
    "roles",
    "language",
    "format",
    "lived-experience",
    "supporters",
    "workstreams",
    "quiet-hours",
    "digest",
)


def _email(page: PageContext) -> str:
    assert page.person is not None
    return page.person.email


def _call(page: PageContext, command: Callable[..., T], **kwargs: Any) -> T:
    """A service call as the signed-in person; a refusal (recorded by the services) or
    an unknown person or channel is "Page not found": nothing says who exists."""
    try:
        return command(page.cyd, by=_email(page), **kwargs)
    except (PermissionDenied, NotFound):
        raise HTTPException(status_code=404) from None


def role_names(page: PageContext) -> dict[str, str]:
    return {
        "lead": page.gettext("Lead"),
        "co-producer": page.gettext("Co-producer"),
        "reviewer": page.gettext("Reviewer"),
        "board-member": page.gettext("Board member"),
        "chair": page.gettext("Chair"),
        "admin": page.gettext("Admin"),
        "clerk": page.gettext("Clerk"),
        "translator": page.gettext("Translator"),
        "triage": page.gettext("Triage of ideas"),
        "moderator": page.gettext("Moderator of ideas"),
    }


def _words(page: PageContext) -> dict[str, Any]:
    return {
        "role_names": role_names(page),
        "language_names": LANGUAGE_NAMES,
        "format_names": {
            "standard": page.gettext("Standard"),
            "easy-read": page.gettext("Easy Read"),
        },
    }


def _say(page: PageContext, error: CommandError) -> str:
    return error.say(page.language, page.easy_read)


# --- the list ------------------------------------------------------------------------------


@router.get(PEOPLE, response_class=HTMLResponse)
def people_list(page: Member, role: str | None = None) -> Response:
    chosen = role if role in t.ROLES else None
    people = _call(page, pa.list_people, role=chosen)
    return page.render("people.html", people=people, role=chosen, roles=t.ROLES, **_words(page))


# --- adding --------------------------------------------------------------------------------


@router.get(PEOPLE + "/new", response_class=HTMLResponse)
def new_person(page: Member) -> Response:
    _call(page, pa.workstreams)  # the admin check
    return page.render("person_new.html", values={}, errors={}, **_words(page))


def _new_values(form: Any) -> dict[str, Any]:
    return {
        "email": str(form.get("email", "")),
        "name": str(form.get("name", "")),
        "roles": [str(r) for r in form.getlist("roles")],
        "language": str(form.get("language", "")),
        "format": str(form.get("format", "standard")),
        "lived_experience": form.get("lived_experience") == "yes",
    }


def _new_errors(page: PageContext, values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    checks: list[tuple[str, Callable[[], object]]] = [
        ("email", lambda: pa.valid_email(values["email"])),
        ("name", lambda: pa.valid_name(values["name"])),
        ("roles", lambda: pa.valid_roles(values["roles"])),
        ("format", lambda: pa.valid_format(values["format"])),
    ]
    if values["language"]:
        checks.append(("language", lambda: pa.valid_language(values["language"])))
    for name, check in checks:
        try:
            check()
        except CommandError as error:
            errors[name] = _say(page, error)
    return errors


@router.post(PEOPLE + "/new", response_class=HTMLResponse)
async def check_new_person(page: Member, request: Request) -> Response:
    values = _new_values(await request.form())
    return await _run(page, lambda: _check_new(page, values))


def _check_new(page: PageContext, values: dict[str, Any]) -> Response:
    _call(page, pa.workstreams)
    errors = _new_errors(page, values)
    if errors:
        return page.render(
            "person_new.html", values=values, errors=errors, status_code=400, **_words(page)
        )
    return page.render("person_check.html", values=values, **_words(page))


@router.post(PEOPLE + "/new/confirm", response_class=HTMLResponse)
async def add_new_person(page: Member, request: Request) -> Response:
    values = _new_values(await request.form())
    return await _run(page, lambda: _add(page, values))


def _add(page: PageContext, values: dict[str, Any]) -> Response:
    try:
        new_id = _call(
            page,
            pa.add_person,
            email=values["email"],
            name=values["name"],
            roles=values["roles"],
            language=values["language"] or None,
            format=values["format"],
            lived_experience=values["lived_experience"],
        )
    except CommandError as error:
        errors = {"email" if "email" in error.code else "roles": _say(page, error)}
        return page.render(
            "person_new.html", values=values, errors=errors, status_code=400, **_words(page)
        )
    return page.redirect(f"{PEOPLE}/{new_id}?added=1")


async def _run(page: PageContext, work: Callable[[], Response]) -> Response:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(work)


# --- one person ----------------------------------------------------------------------------


@router.get(PEOPLE + "/{person_id}", response_class=HTMLResponse)
def person_page(page: Member, person_id: int) -> Response:
    view = _call(page, pa.person_view, person_id=person_id)
    query = page.request.query_params
    changed = query.get("changed") if query.get("changed") in FIELDS else None
    return page.render(
        "person.html",
        who=view,
        added=query.get("added") == "1",
        changed=changed,
        deactivated=query.get("deactivated") == "1",
        fields=FIELDS,
        **_words(page),
    )


# --- channels ------------------------------------------------------------------------------


def _channels_page(
    page: PageContext,
    person_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    done: str | None = None,
    tested: pa.TestResult | None = None,
) -> Response:
    view = _call(page, pa.person_view, person_id=person_id)
    if not view.active:
        raise HTTPException(status_code=404)
    return page.render(
        "person_channels.html",
        who=view,
        errors=errors or {},
        done=done,
        tested=tested,
        status_code=status_code,
        **_words(page),
    )


@router.get(PEOPLE + "/{person_id}/channels", response_class=HTMLResponse)
def channels_page(page: Member, person_id: int) -> Response:
    done = page.request.query_params.get("done")
    return _channels_page(page, person_id, done=done if done in DONE else None)


DONE = ("added", "replaced", "removed")


@router.post(PEOPLE + "/{person_id}/channels/add", response_class=HTMLResponse)
def add_channel(
    page: Member,
    person_id: int,
    url: Annotated[str, Form()] = "",
    label: Annotated[str, Form()] = "",
) -> Response:
    try:
        _call(page, pa.add_channel, person_id=person_id, url=url, label=label)
    except CommandError as error:
        return _channels_page(
            page, person_id, status_code=400, errors={"new-url": _say(page, error)}
        )
    return page.redirect(f"{PEOPLE}/{person_id}/channels?done=added")


@router.post(PEOPLE + "/{person_id}/channels/{channel_id}/replace", response_class=HTMLResponse)
def replace_channel(
    page: Member, person_id: int, channel_id: int, url: Annotated[str, Form()] = ""
) -> Response:
    try:
        _call(page, pa.replace_channel, person_id=person_id, channel_id=channel_id, url=url)
    except CommandError as error:
        return _channels_page(
            page, person_id, status_code=400, errors={f"url-{channel_id}": _say(page, error)}
        )
    return page.redirect(f"{PEOPLE}/{person_id}/channels?done=replaced")


@router.post(PEOPLE + "/{person_id}/channels/{channel_id}/remove", response_class=HTMLResponse)
def remove_channel(page: Member, person_id: int, channel_id: int) -> Response:
    _call(page, pa.remove_channel, person_id=person_id, channel_id=channel_id)
    return page.redirect(f"{PEOPLE}/{person_id}/channels?done=removed")


@router.post(PEOPLE + "/{person_id}/channels/{channel_id}/test", response_class=HTMLResponse)
def test_channel(page: Member, person_id: int, channel_id: int) -> Response:
    result = _call(page, pa.send_test_message, person_id=person_id, channel_id=channel_id)
    return _channels_page(page, person_id, tested=result)


# --- deactivating --------------------------------------------------------------------------


@router.get(PEOPLE + "/{person_id}/deactivate", response_class=HTMLResponse)
def deactivate_page(page: Member, person_id: int) -> Response:
    view = _call(page, pa.person_view, person_id=person_id)
    return page.render("person_deactivate.html", who=view, error=None, **_words(page))


@router.post(PEOPLE + "/{person_id}/deactivate", response_class=HTMLResponse)
def deactivate(page: Member, person_id: int) -> Response:
    try:
        _call(page, pa.deactivate, person_id=person_id)
    except CommandError as error:
        view = _call(page, pa.person_view, person_id=person_id)
        return page.render(
            "person_deactivate.html",
            who=view,
            error=_say(page, error),
            status_code=400,
            **_words(page),
        )
    return page.redirect(f"{PEOPLE}/{person_id}?deactivated=1")


# --- one field, one form -------------------------------------------------------------------


def _field_page(
    page: PageContext,
    person_id: int,
    field: str,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    if field not in FIELDS:
        raise HTTPException(status_code=404)
    view = _call(page, pa.person_view, person_id=person_id)
    if not view.active:
        raise HTTPException(status_code=404)
    context: dict[str, Any] = {}
    if field == "supporters":
        context["candidates"] = [
            p
            for p in _call(page, pa.list_people)
            if p.active
            and p.id != view.id
            and not set(p.roles) & {"board-member", "chair"}
            and p.supports in (None, view.email)
        ]
    if field == "workstreams":
        context["streams"] = _call(page, pa.workstreams)
    return page.render(
        "person_field.html",
        who=view,
        field=field,
        error=error,
        status_code=status_code,
        **context,
        **_words(page),
    )


@router.get(PEOPLE + "/{person_id}/{field}", response_class=HTMLResponse)
def field_page(page: Member, person_id: int, field: str) -> Response:
    return _field_page(page, person_id, field)


@router.post(PEOPLE + "/{person_id}/{field}", response_class=HTMLResponse)
async def change_field(page: Member, request: Request, person_id: int, field: str) -> Response:
    form = await request.form()
    return await _run(page, lambda: _change(page, person_id, field, form))


def _change(page: PageContext, person_id: int, field: str, form: Any) -> Response:
    if field not in FIELDS:
        raise HTTPException(status_code=404)
    value = str(form.get("value", ""))
    changes: dict[str, Callable[[], object]] = {
        "name": lambda: _call(page, pa.change_name, person_id=person_id, name=value),
        "roles": lambda: _call(
            page,
            pa.change_roles,
            person_id=person_id,
            roles=[str(r) for r in form.getlist("value")],
        ),
        "language": lambda: _call(page, pa.change_language, person_id=person_id, language=value),
        "format": lambda: _call(page, pa.change_format, person_id=person_id, format=value),
        "lived-experience": lambda: _call(
            page, pa.change_lived_experience, person_id=person_id, lived_experience=value == "yes"
        ),
        "supporters": lambda: _call(
            page,
            pa.change_supporters,
            person_id=person_id,
            supporters=_ids(form.getlist("value")),
        ),
        "workstreams": lambda: _call(
            page,
            pa.change_workstreams,
            person_id=person_id,
            places={str(s): str(form.get(f"lead-{s}")) == "yes" for s in form.getlist("value")},
        ),
        "quiet-hours": lambda: _call(
            page,
            pa.change_quiet_hours,
            person_id=person_id,
            start=str(form.get("start", "")).strip() or None,
            end=str(form.get("end", "")).strip() or None,
        ),
        "digest": lambda: _call(
            page, pa.change_digest, person_id=person_id, daily=value == "daily"
        ),
    }
    try:
        changes[field]()
    except CommandError as error:
        return _field_page(page, person_id, field, error=_say(page, error), status_code=400)
    return page.redirect(f"{PEOPLE}/{person_id}?changed={field}")


def _ids(values: list[Any]) -> list[int]:
    try:
        return [int(v) for v in values]
    except ValueError:
        raise HTTPException(status_code=400) from None
