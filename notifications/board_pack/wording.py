"""Words the papers share in both formats and both layouts: dates and times in
Welsh and English, the papers' title, and the languages a member reads them in.

The Welsh is written whole and, like the message templates, not yet reviewed by a
Welsh speaker.
"""

from __future__ import annotations

import datetime as dt

from governance.board_pack import BoardPack, Words
from governance.catalogue import CatalogueError, Language
from governance.catalogue import text as catalogue_text
from governance.reasons import Reason
from notifications.render import local_zone
from notifications.words import deadline_by, weekday_date


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(local_zone())


def day(value: dt.date | dt.datetime, lang: str) -> str:
    """'Thursday 10 December 2026' / 'dydd Iau 10 Rhagfyr 2026' (mid-sentence)."""
    date = _local(value).date() if isinstance(value, dt.datetime) else value
    return weekday_date(date, lang)


def clock(value: dt.datetime, lang: str) -> str:
    moment = _local(value)
    hour, minute = moment.hour, moment.minute
    if (hour, minute) == (12, 0):
        return "hanner dydd" if lang == "cy" else "midday"
    if (hour, minute) == (0, 0):
        return "hanner nos" if lang == "cy" else "midnight"
    twelve = hour % 12 or 12
    shown = f"{twelve}" if minute == 0 else f"{twelve}:{minute:02d}"
    if lang == "cy":
        return f"{shown} {'y bore' if hour < 12 else 'y prynhawn' if hour < 18 else 'yr hwyr'}"
    return f"{shown}{'am' if hour < 12 else 'pm'}"


def when(value: dt.datetime, lang: str) -> str:
    return f"{day(value, lang)} {'am' if lang == 'cy' else 'at'} {clock(value, lang)}"


def by(value: dt.datetime, lang: str, *, easy_read: bool) -> str:
    """'by 5pm on Thursday 24 December 2026' / 'erbyn 5 y.h. ddydd Iau 24 Rhagfyr 2026';
    Easy Read: the day and date only ('by Thursday 24 December 2026')."""
    return deadline_by(_local(value), lang, easy_read=easy_read)


def reason_words(reason: Reason, lang: str, easy_read: bool) -> str | None:
    """A rule's reason as the messages write it (notifications.render's `reason_text`):
    the recorded English in the English standard papers, else the catalogue's text for
    its code and params in this language and format; None when the catalogue cannot
    write it (a reason recorded before reasons kept their params)."""
    if lang == "en" and not easy_read:
        return reason.text
    try:
        language: Language = "cy" if lang == "cy" else "en"
        return catalogue_text(reason.code, language, reason.params, easy_read, local_zone())
    except (CatalogueError, KeyError, TypeError, ValueError):
        return None


def advice(recommend: str, lang: str) -> str:
    words_ = {
        "go": Words("go on to the Board", "mynd ymlaen i'r Bwrdd"),
        "recycle": Words("more work first", "rhagor o waith yn gyntaf"),
    }
    return words_.get(recommend, Words.same(recommend)).get(lang)


def title(pack: BoardPack, lang: str) -> str:
    if pack.member.easy_read:
        return Words(
            f"Papers for the Board meeting on {day(pack.meeting, 'en')}",
            f"Papurau ar gyfer cyfarfod y Bwrdd ({day(pack.meeting, 'cy')})",
        ).get(lang)
    return Words(
        f"Board papers: meeting on {day(pack.meeting, 'en')}",
        f"Papurau'r Bwrdd: y cyfarfod ({day(pack.meeting, 'cy')})",
    ).get(lang)


def languages(pack: BoardPack) -> tuple[str, ...]:
    return pack.member.languages


def pack_title(pack: BoardPack) -> str:
    return " / ".join(title(pack, lang) for lang in languages(pack))
