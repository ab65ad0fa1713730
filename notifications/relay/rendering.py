"""Rendering a claimed message to send: in its person's language(s) and format as they
are now, with the files it carries or where they are filed; a digest with each
message it carries; each ending with the programme's contact in force (`Job.contact`).
A template that fails fails that message, never the relay."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from notifications.relay.jobs import ALERT_EVENT, DIGEST_EVENT, Job

if TYPE_CHECKING:
    from notifications.compose import Addressee
    from notifications.render import Rendered


def with_attached(payload: dict[str, Any], files: tuple[str, ...], carries: bool) -> dict[str, Any]:
    """The payload a message with files is rendered from: `attached` says whether
    the files go with it (else the message says where they are filed)."""
    return {**payload, "attached": carries} if files else payload


def render(
    job: Job, carries: bool = False
) -> tuple[Rendered | None, tuple[int, ...], dict[int, str]]:
    """The message to send, the digest items it carries, and what failed to render
    (message id → reason). A message that cannot be rendered gives None.
    `carries`: whether the channel sends files with a message."""
    from notifications.compose import render_alert, render_for

    if job.event == DIGEST_EVENT:
        return render_digest(job, carries)
    try:
        if job.event == ALERT_EVENT:
            return render_alert(job.person, job.payload, contact=job.contact), (), {}
        payload = with_attached(job.payload, job.attachments, carries)
        return render_for(job.person, job.event, payload, contact=job.contact), (), {}
    except Exception as error:  # a template bug fails this message, never the relay
        return None, (), {job.message_id: template_problem(job.event, job.person, error)}


def render_digest(
    job: Job, carries: bool
) -> tuple[Rendered | None, tuple[int, ...], dict[int, str]]:
    from notifications.compose import compose_digest, render_for

    rendered: list[Rendered] = []
    carried: list[int] = []
    unrendered: dict[int, str] = {}
    with_files = False
    for message_id, event, payload, files in job.items:
        try:
            carried_payload = with_attached(payload, files, carries)
            rendered.append(render_for(job.person, event, carried_payload, contact=job.contact))
            carried.append(message_id)
            with_files = with_files or bool(files)
        except Exception as error:
            unrendered[message_id] = template_problem(event, job.person, error)
    if not rendered:
        unrendered[job.message_id] = "the digest has no message that could be rendered"
        return None, (), unrendered
    assert job.digest_day is not None
    try:
        # The cover says whether the files of what it carries go with it.
        digest = compose_digest(
            job.person,
            job.digest_day,
            rendered,
            attached=carries if with_files else None,
            contact=job.contact,
        )
    except Exception as error:  # the cover's template: the digest fails, not the relay
        unrendered[job.message_id] = template_problem(job.event, job.person, error)
        return None, (), unrendered
    return digest, tuple(carried), unrendered


def template_problem(event: str, person: Addressee, error: Exception) -> str:
    languages = "+".join(person.languages)
    return (
        f"template error: '{event}' in {languages}, {person.format}: "
        f"{type(error).__name__}: {error}"
    )
