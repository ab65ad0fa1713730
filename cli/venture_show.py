"""`cyd venture show`, shared by the Typer command and the start-up fast path (cli.main).

Nothing here needs Typer; rich is imported for the text form only.
"""

from __future__ import annotations

from typing import Any

from cli.output import console, fail, print_json


def show(venture: str, as_json: bool, *, lang: str | None = None, by: str | None = None) -> None:
    """Everything about a venture, as text or (`as_json`) as JSON on stdout.

    The text speaks `lang` ("en" or "cy"), else the language the person `by` chose,
    else English; the JSON is the same in every language (its texts carry both)."""
    from cli.app_context import cyd_context
    from models import tables as t
    from models.db import read_session
    from services.people import language_of
    from services.views import describe_venture

    cyd = cyd_context()
    try:
        language = lang or language_of(cyd.engine, by) or "en"
        with read_session(cyd.engine) as session:
            row = session.get(t.Venture, venture)
            if row is None:
                fail(_LABELS[language]["no-venture"].format(venture=venture))
            data = describe_venture(session, row, cyd.library, cyd.clock())
    finally:
        # Close the connections now, not whenever the objects holding them are freed
        # (on SQLite, closing the last one also folds the WAL file into the database).
        cyd.engine.dispose()
    if as_json:
        print_json(data)
        return
    _show(data, language)


# The labels of the text form, by language. The Welsh is not yet reviewed by a Welsh
# speaker (as all of Cyd's Welsh); states, outcomes and reasons come from the catalogue.
_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "no-venture": "no venture '{venture}'",
        "at": "{state} at gate {gate} · workstream {workstream} · lead {lead}",
        "deadline": " · deadline {day}",
        "checklist": "Checklist {id} v{version}: {answered}/{shown} answered, {status}",
        "complete": "complete",
        "not-complete": "not complete",
        "missing": "must-meet still to answer: {items}",
        "reviews": "Reviews",
        "reviewer": "reviewer",
        "recommends": "recommends",
        "note": "note",
        "stale": "stale",
        "yes": "yes",
        "reviewers": "Reviewers: {people}",
        "interest": "Interest declared by {member}: {interest}",
        "ballot": "Vote {number}, closes {day}",
        "helped": " (helped by {supporter})",
        "stale-vote": " [stale]",
        "decision": "Decision at {gate}: [bold]{outcome}[/bold]",
        "idea": "Started from the idea {idea}, put forward by {who}",
        "local": "a local person",
        "summary": "Summary, in the words of the idea",
    },
    "cy": {
        "no-venture": "does dim menter '{venture}'",
        "at": "Mae'r fenter {state}, wrth y porth {gate} · ffrwd waith {workstream}"
        " · arweinydd {lead}",
        "deadline": " · dyddiad cau {day}",
        "checklist": "Rhestr wirio {id} f{version}: {answered}/{shown} wedi'u hateb, {status}",
        "complete": "yn gyflawn",
        "not-complete": "heb ei chwblhau",
        "missing": "eitemau hanfodol i'w hateb o hyd: {items}",
        "reviews": "Adolygiadau",
        "reviewer": "adolygydd",
        "recommends": "yn argymell",
        "note": "nodyn",
        "stale": "hen",
        "yes": "ie",
        "reviewers": "Adolygwyr: {people}",
        "interest": "Datganodd {member} fuddiant: {interest}",
        "ballot": "Pleidlais {number}, yn cau {day}",
        "helped": " (gyda help {supporter})",
        "stale-vote": " [hen]",
        "decision": "Penderfyniad yn y porth {gate}: [bold]{outcome}[/bold]",
        "idea": "Dechreuodd o'r syniad {idea}, a gynigiwyd gan {who}",
        "local": "berson lleol",
        "summary": "Crynodeb, yng ngeiriau'r syniad",
    },
}
# What a reviewer recommends and how a member voted, as stored (codes) -> words.
_CHOICES: dict[str, dict[str, str]] = {
    "en": {"recycle": "send back for more work"},
    "cy": {
        "go": "mynd ymlaen",
        "recycle": "anfon yn ôl am ragor o waith",
        "approve": "cymeradwyo",
        "approve-with-conditions": "cymeradwyo gydag amodau",
        "reject": "gwrthod",
        "hold": "gohirio",
        "abstain": "ymatal",
        "more-time": "angen mwy o amser",
    },
}


def _state(code: str, language: str) -> str:
    from governance.catalogue import catalogue

    word = catalogue().words["state"].get(code)
    return word[language] if word else code


def _reason(reason: dict[str, Any], language: str) -> str:
    """A recorded reason in `language`: the English as recorded; the Welsh written from
    its code and params (the recorded English when the catalogue cannot write it)."""
    if language == "en":
        return str(reason.get("text", ""))
    from governance.catalogue import CatalogueError, text

    try:
        return text(str(reason.get("code")), "cy", reason.get("params") or {})
    except (CatalogueError, KeyError, TypeError, ValueError):
        return str(reason.get("text", ""))


def _show(data: dict[str, Any], language: str = "en") -> None:
    from rich.table import Table

    from cli.output import safe as escape

    words = _LABELS[language]
    choice = _CHOICES[language]
    out = console()
    out.print(f"[bold]{escape(data['id'])}[/bold] {escape(data['title'])}")
    state = data["state"] if language == "en" else _state(data["state"], language)
    at = words["at"].format(
        state=state, gate=data["gate"], workstream=data["workstream"], lead=data["lead"] or "-"
    )
    if data["deadline"]:
        at += words["deadline"].format(day=data["deadline"][:10])
    out.print(f"  {escape(at)}")
    if data.get("idea"):
        idea = data["idea"]
        credit = words["idea"].format(idea=idea["id"], who=idea["from"] or words["local"])
        out.print(f"  {escape(credit)}")
        out.print(f"  {escape(words['summary'])}: {escape(idea['what'])}")
    for c in data["checklists"]:
        status = words["complete"] if c["complete"] else words["not-complete"]
        line = words["checklist"].format(
            id=c["id"],
            version=c["version"],
            answered=c["answered"],
            shown=c["shown"],
            status=status,
        )
        out.print(f"  {escape(line)}")
        if c["missing_required"]:
            missing = words["missing"].format(items=", ".join(c["missing_required"]))
            out.print(f"    {escape(missing)}")
        for item, reason in c["invalid"].items():
            out.print(f"    {escape(item)}: {escape(reason[language])}")
    if data["reviews"]:
        table = Table(
            words["reviewer"],
            words["recommends"],
            words["note"],
            words["stale"],
            title=words["reviews"],
            title_justify="left",
        )
        for r in data["reviews"]:
            recommends = choice.get(r["recommend"], r["recommend"])
            table.add_row(
                escape(r["reviewer"]),
                escape(recommends),
                escape(r["note"] or ""),
                words["yes"] if r["stale"] else "",
            )
        out.print(table)
    elif data["reviewers"]:
        out.print(f"  {escape(words['reviewers'].format(people=', '.join(data['reviewers'])))}")
    for i in data["interests"]:
        said = words["interest"].format(member=i["member"], interest=i["interest"])
        out.print(f"  {escape(said)}")
    ballot = data["ballot"]
    if ballot:
        closes = words["ballot"].format(
            number=ballot["number"], day=(ballot["deadline"] or "")[:10]
        )
        out.print(f"  {escape(closes)}")
        for v in ballot["votes"]:
            helper = (
                words["helped"].format(supporter=v["supported_by"]) if v["supported_by"] else ""
            )
            stale = words["stale-vote"] if v["stale"] else ""
            voted = choice.get(v["choice"], v["choice"])
            out.print(f"    {escape(v['member'])}: {escape(voted)}{escape(helper + stale)}")
    for d in data["decisions"]:
        outcome = d["outcome"] if language == "en" else _state(d["outcome"], language)
        out.print("  " + words["decision"].format(gate=escape(d["gate"]), outcome=escape(outcome)))
        for reason in d["reasons"]:
            out.print(f"    • {escape(_reason(reason, language))}")
