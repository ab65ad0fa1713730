"""The `prepare_board_pack` flow: each Board member's papers, days before a meeting.

Given no meeting, it prepares the next meeting on the programme's calendar whose
papers day has come, `reminders.board_pack_days_before` working days before it (run
daily, it acts on that day and then finds the papers sent). For each member not sent the papers
yet: their pack in their language and format (`governance.board_pack`, rendered by
`notifications.board_pack`) is filed as HTML and PDF under the data folder, then one
task queues every member's `board-papers` message, with their PDF and HTML attached,
and a copy for each of their supporters, with one audit entry, keyed by the meeting
(and the member, for a supporter's copy), so the papers go once (`services.board_pack`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.config import engine, library
from governance.board_pack import AgendaItem, AuditMark, Member, pack_for
from models.db import data_dir, utcnow
from services import board_pack as packs
from services.local_time import local_day
from services.sign_in import pages_url


@task(name="board-pack-agenda", cache_policy=NO_CACHE, persist_result=False)
def load(meeting: dt.date | None, today: dt.date) -> dict[str, Any]:
    """The meeting, its agenda, and the members still to be sent their papers."""
    chosen = meeting or packs.meeting_to_prepare(engine(), today)
    if chosen is None:
        return {"meeting": None, "agenda": [], "members": [], "done": []}
    done = packs.already_sent(engine(), chosen)
    members = packs.board_members(engine())
    return {
        "meeting": chosen,
        "agenda": packs.load_agenda(engine(), library()),
        # Read after the agenda, so the head printed in the papers covers what they show.
        "audit": packs.audit_mark(engine()),
        "members": [m for m in members if m.email not in done],
        "done": sorted(done),
    }


@task(
    name="board-pack-file",
    task_run_name="board-pack-{member.email}",
    cache_policy=NO_CACHE,
    persist_result=False,
)
def file_pack(
    member: Member, meeting: dt.date, agenda: list[AgendaItem], audit: AuditMark | None
) -> packs.FiledPack:
    """Compose, render and file one member's papers (HTML and PDF), as `prepare_packs`."""
    return packs.write_pack(
        data_dir(), pack_for(member, meeting, agenda, site=pages_url(), audit=audit)
    )


@task(name="board-pack-send", cache_policy=NO_CACHE, persist_result=False)
def send(
    meeting: dt.date, agenda: list[AgendaItem], filed: list[packs.FiledPack], now: dt.datetime
) -> int:
    """Queue the papers for each member, once per meeting, with one audit entry."""
    return packs.record_sent(engine(), meeting, agenda, filed, now)


@flow(name="prepare-board-pack", log_prints=False, persist_result=False)
async def prepare_board_pack(
    meeting: dt.date | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Prepare and send each Board member's papers for `meeting` (default: the one due)."""
    at = now or utcnow()
    found = load(meeting, local_day(at))
    chosen: dt.date | None = found["meeting"]
    report = packs.PackReport(chosen.isoformat() if chosen else None)
    report.already_sent = found["done"]
    report.agenda = [a.venture_id for a in found["agenda"]]
    logger = get_run_logger()
    if chosen is None:
        report.reason = "no Board meeting is due for papers"
    elif not found["agenda"]:
        report.reason = "nothing awaits the Board"
    else:
        filed = [file_pack(m, chosen, found["agenda"], found["audit"]) for m in found["members"]]
        report.members = len(filed)
        report.files = [path for f in filed for path in (f.html, f.pdf)]
        report.messages = send(chosen, found["agenda"], filed, at)
    logger.info(
        "Board papers for %s: %d venture(s) on the agenda, %d pack(s) made, %d message(s) queued%s",
        report.meeting or "no meeting",
        len(report.agenda),
        report.members,
        report.messages,
        f" ({report.reason})" if report.reason else "",
    )
    return report.as_json()
