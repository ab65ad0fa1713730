"""A venture as the Prefect UI shows it: its current state and decision record, in
English and Welsh (a markdown artifact), and the tally of its latest decision (a
table artifact). Plain text from the database; no prefect here.

The Welsh is written whole, not assembled from English slots, and like the
message templates it has not yet been reviewed by a Welsh speaker
(`notifications.render.WELSH_REVIEWED`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from checklists.loader import Library
from models import tables as t
from models.db import read_session
from notifications.words import count
from services.programme_import import current_programme
from services.views import describe_venture

STATES: dict[str, tuple[str, str]] = {
    "draft": ("draft: the checklist is being filled in", "drafft: mae'r rhestr wirio ar y gweill"),
    "submitted": ("submitted", "wedi'i chyflwyno"),
    "returned": (
        "returned to the workstream with reasons",
        "wedi'i dychwelyd i'r ffrwd waith gyda rhesymau",
    ),
    "in_review": ("with the reviewers", "gyda'r adolygwyr"),
    "awaiting_board": ("waiting for the Board's decision", "yn aros am benderfyniad y Bwrdd"),
    "approved": ("approved", "wedi'i chymeradwyo"),
    "approved_with_conditions": (
        "approved with conditions",
        "wedi'i chymeradwyo gydag amodau",
    ),
    "recycled": ("sent back for more work", "wedi'i hanfon yn ôl am ragor o waith"),
    "rejected": ("rejected", "wedi'i gwrthod"),
    "on_hold": ("on hold", "wedi'i gohirio"),
    "withdrawn": ("withdrawn", "wedi'i thynnu'n ôl"),
}
OUTCOMES: dict[str, tuple[str, str]] = {
    "approved": ("approved", "wedi'i chymeradwyo"),
    "approved_with_conditions": ("approved with conditions", "wedi'i chymeradwyo gydag amodau"),
    "recycled": ("sent back for more work", "wedi'i hanfon yn ôl am ragor o waith"),
    "rejected": ("rejected", "wedi'i gwrthod"),
    "on_hold": ("on hold", "wedi'i gohirio"),
}
RECOMMEND: dict[str, tuple[str, str]] = {
    "go": ("go on to the Board", "mynd ymlaen i'r Bwrdd"),
    "recycle": ("more work first", "rhagor o waith yn gyntaf"),
}
# The tally's counts, as the decision message names them.
TALLY: tuple[tuple[str, str, str], ...] = (
    ("members", "Board members", "Aelodau'r Bwrdd"),
    (
        "recused",
        "Left the decision (an interest, or leading the venture)",
        "Wedi gadael y penderfyniad (buddiant, neu'n arwain y fenter)",
    ),
    ("eligible", "Could vote", "Yn gallu pleidleisio"),
    ("quorum_needed", "Needed to take part (quorum)", "Angen cymryd rhan (cworwm)"),
    ("voted", "Took part", "Wedi cymryd rhan"),
    ("lived_experience_voted", "Took part with lived experience", "Wedi cymryd rhan, â phrofiad"),
    ("approve", "Approve", "Cymeradwyo"),
    ("approve_with_conditions", "Approve with conditions", "Cymeradwyo gydag amodau"),
    ("recycle", "Send back for more work", "Anfon yn ôl am ragor o waith"),
    ("reject", "Reject", "Gwrthod"),
    ("hold", "Hold", "Gohirio"),
    ("abstain", "Abstain", "Ymatal"),
    ("set_aside", "Votes not counted", "Pleidleisiau heb eu cyfrif"),
)


@dataclass
class Record:
    venture_id: str
    programme_id: str
    markdown: str
    state: str
    gate_id: str
    decision: str | None = None  # "<gate>-<ballot> of <when>": the latest decision
    tally: list[dict[str, Any]] = field(default_factory=list)  # its table rows

    @property
    def key(self) -> str:
        return artifact_key(self.programme_id, self.venture_id)

    @property
    def tally_key(self) -> str:
        return tally_key(self.programme_id, self.venture_id)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")


def artifact_key(programme_id: str, venture_id: str) -> str:
    """`<programme>-venture-<id>`: artifact keys are lowercase letters, digits and
    dashes, and one Prefect server may serve several programmes (each its own Cyd
    database), whose venture ids can be the same: the programme's id keeps them apart."""
    return f"{_slug(programme_id)}-venture-{_slug(venture_id)}"


def tally_key(programme_id: str, venture_id: str) -> str:
    return artifact_key(programme_id, venture_id) + "-tally"


def venture_record(engine: Engine, venture_id: str, library: Library, now: dt.datetime) -> Record:
    with read_session(engine) as session:
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            raise KeyError(f"no venture '{venture_id}'")
        data = describe_venture(session, venture, library, now)
        programme_id = current_programme(session).id
    latest = data["decisions"][-1] if data["decisions"] else None
    return Record(
        venture_id=venture_id,
        programme_id=programme_id,
        markdown=markdown(data, library),
        state=data["state"],
        gate_id=data["gate"],
        decision=f"{latest['gate']}-{latest['ballot']} of {latest['at']}" if latest else None,
        tally=tally_rows(latest["tally"]) if latest else [],
    )


def tally_rows(tally: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"count": key, "English": en, "Cymraeg": cy, "n": tally[key]}
        for key, en, cy in TALLY
        if key in tally
    ]


def _gate(library: Library, gate_id: str, lang: str) -> str:
    try:
        title = library.gate(gate_id).title
    except KeyError:
        return gate_id
    return str(title.cy if lang == "cy" else title.en)


def _day(value: str | None) -> str:
    return value[:10] if value else ""


def _esc(text: Any) -> str:
    """Text from people, made safe to put in markdown (no markup of its own)."""
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", " ".join(str(text).split()))


def markdown(data: dict[str, Any], library: Library) -> str:
    title = _esc(data["title"])
    lines = [f"# {data['id']}: {title}", ""]
    for lang in ("en", "cy"):
        lines += _section(data, library, lang)
    return "\n".join(lines).rstrip() + "\n"


def _section(data: dict[str, Any], library: Library, lang: str) -> list[str]:
    cy = lang == "cy"
    state = STATES.get(data["state"], (data["state"], data["state"]))[cy]
    gate = _gate(library, data["gate"], lang)
    lines = ["## Cymraeg" if cy else "## English", ""]
    lines.append(f"- **{'Nawr' if cy else 'Now'}:** {state} ({gate})")
    lines.append(
        f"- **{'Ffrwd waith' if cy else 'Workstream'}:** {_esc(data['workstream'])}; "
        f"**{'arweinydd' if cy else 'lead'}:** {_esc(data['lead'])}"
    )
    for checklist in data["checklists"]:
        missing = len(checklist["missing_required"])
        answered, shown = checklist["answered"], checklist["shown"]
        if cy:
            text = f"{answered} o {shown} wedi'u hateb; {missing} eitem hanfodol heb eu hateb"
        else:
            text = f"{answered} of {shown} answered; {missing} must-meet missing"
        lines.append(f"- **{'Rhestr wirio' if cy else 'Checklist'} {checklist['id']}:** {text}")
    if data["deadline"]:
        lines.append(f"- **{'Dyddiad cau' if cy else 'Deadline'}:** {_day(data['deadline'])}")
    if data["reviews"]:
        said = "; ".join(
            f"{_esc(r['reviewer'])}: {RECOMMEND.get(r['recommend'], (r['recommend'],) * 2)[cy]}"
            + (" (" + ("hen" if cy else "stale") + ")" if r["stale"] else "")
            for r in data["reviews"]
        )
        lines.append(f"- **{'Adolygiadau' if cy else 'Reviews'}:** {said}")
    ballot = data["ballot"]
    if ballot and "count_so_far" in ballot:
        so_far = ballot["count_so_far"]
        votes = count(lang, so_far["voted"], "member")
        lines.append(
            f"- **{'Pleidlais' if cy else 'Vote'} {ballot['number']}:** "
            + (
                f"{votes} wedi pleidleisio hyd yma; yn cau {_day(ballot['deadline'])}"
                if cy
                else f"{votes} voted so far; closes {_day(ballot['deadline'])}"
            )
        )
    lines.append("")
    if data["decisions"]:
        lines += [f"### {'Cofnod penderfyniadau' if cy else 'Decision record'}", ""]
        for decision in reversed(data["decisions"]):
            lines += _decision(decision, library, lang)
    return lines


def _decision(decision: dict[str, Any], library: Library, lang: str) -> list[str]:
    cy = lang == "cy"
    outcome = OUTCOMES.get(decision["outcome"], (decision["outcome"],) * 2)[cy]
    gate = _gate(library, decision["gate"], lang)
    when = _day(decision["at"])
    lines = [f"#### {gate}: {outcome} ({when})", ""]
    tally = decision["tally"]
    took_part = count(lang, int(tally.get("voted", 0)), "member")
    if cy:
        lines.append(f"- Cymerodd {took_part} ran (pleidlais {decision['ballot']}).")
    else:
        lines.append(f"- {took_part} took part (ballot {decision['ballot']}).")
    counts = " · ".join(
        f"{cy_label if cy else en}: {tally[key]}"
        for key, en, cy_label in TALLY[6:12]
        if key in tally
    )
    lines.append(f"- {counts}")
    if decision["conditions"]:
        heading = "Amodau, fel yr ysgrifennodd aelodau'r Bwrdd nhw" if cy else "Conditions"
        lines.append(f"- {heading}:")
        lines += [f"  - {_esc(c)}" for c in decision["conditions"]]
    if decision["casting_vote_used"]:
        lines.append(
            "- Pleidlais fwrw'r cadeirydd a benderfynodd."
            if cy
            else "- The chair's casting vote decided."
        )
    if decision["closed_by"] == "chair":
        lines.append("- Caeodd y cadeirydd y bleidlais." if cy else "- The chair closed the vote.")
    if not cy and decision["reasons"]:
        lines.append("- Reasons:")
        lines += [f"  - {_esc(r['text'])}" for r in decision["reasons"]]
    lines.append("")
    return lines
