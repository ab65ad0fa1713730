"""Counted nouns in English and Welsh, by CLDR plural category.

Welsh has six plural categories (CLDR `cy`: zero, one, two, few, many, other) and
the noun after a number mutates: "2 ddiwrnod" (soft mutation after dau/dwy),
"3 chwestiwn" (aspirate after tri), "6 phleidlais" (aspirate after chwe). The noun
after a number stays singular, apart from zero, which takes the plural
("0 cwestiynau"), as in CLDR's own examples. So each Welsh noun is written out for
every category, by hand; nothing is derived from the English.

The Welsh forms have not yet been reviewed by a Welsh speaker (see
`notifications.render.WELSH_REVIEWED`).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from babel import Locale
from babel.dates import format_date

CATEGORIES: tuple[str, ...] = ("zero", "one", "two", "few", "many", "other")


def _cy(zero: str, one: str, two: str, few: str, many: str, other: str) -> dict[str, str]:
    return {"zero": zero, "one": one, "two": two, "few": few, "many": many, "other": other}


def _en(one: str, other: str) -> dict[str, str]:
    return {"one": one, "other": other}


# noun -> language -> plural category -> form
NOUNS: dict[str, dict[str, dict[str, str]]] = {
    # cwestiwn (masculine): dau gwestiwn, tri chwestiwn, chwe chwestiwn
    "question": {
        "en": _en("question", "questions"),
        "cy": _cy("cwestiynau", "cwestiwn", "gwestiwn", "chwestiwn", "chwestiwn", "cwestiwn"),
    },
    # diwrnod (masculine): dau ddiwrnod; tri and chwe leave d alone
    "day": {
        "en": _en("day", "days"),
        "cy": _cy("diwrnodau", "diwrnod", "ddiwrnod", "diwrnod", "diwrnod", "diwrnod"),
    },
    # aelod (masculine, a vowel: no mutation)
    "member": {
        "en": _en("member", "members"),
        "cy": _cy("aelodau", "aelod", "aelod", "aelod", "aelod", "aelod"),
    },
    # person (masculine): dau berson, tri pherson, chwe pherson
    "person": {
        "en": _en("person", "people"),
        "cy": _cy("pobl", "person", "berson", "pherson", "pherson", "person"),
    },
    # nodyn atgoffa (masculine; n does not mutate)
    "reminder": {
        "en": _en("reminder", "reminders"),
        "cy": _cy(
            "nodiadau atgoffa",
            "nodyn atgoffa",
            "nodyn atgoffa",
            "nodyn atgoffa",
            "nodyn atgoffa",
            "nodyn atgoffa",
        ),
    },
    # pleidlais (feminine): un bleidlais, dwy bleidlais, tair pleidlais, chwe phleidlais
    "vote": {
        "en": _en("vote", "votes"),
        "cy": _cy("pleidleisiau", "bleidlais", "bleidlais", "pleidlais", "phleidlais", "pleidlais"),
    },
    # ateb (masculine, a vowel)
    "answer": {
        "en": _en("answer", "answers"),
        "cy": _cy("atebion", "ateb", "ateb", "ateb", "ateb", "ateb"),
    },
    # amod (masculine, a vowel)
    "condition": {
        "en": _en("condition", "conditions"),
        "cy": _cy("amodau", "amod", "amod", "amod", "amod", "amod"),
    },
    # neges (feminine): un neges, dwy neges, tair neges, chwe neges (n does not mutate)
    "message": {
        "en": _en("message", "messages"),
        "cy": _cy("negeseuon", "neges", "neges", "neges", "neges", "neges"),
    },
    # cynnig (masculine): dau gynnig, tri chynnig, chwe chynnig
    "attempt": {
        "en": _en("attempt", "attempts"),
        "cy": _cy("cynigion", "cynnig", "gynnig", "chynnig", "chynnig", "cynnig"),
    },
    # munud (masculine in the south, feminine in the north; either way): dau/dwy funud
    # (soft mutation), tri/tair munud and chwe munud (m takes no aspirate mutation)
    "minute": {
        "en": _en("minute", "minutes"),
        "cy": _cy("munudau", "munud", "funud", "munud", "munud", "munud"),
    },
}

_LOCALES = {"en": "en_GB", "cy": "cy"}


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(_LOCALES[language])


def plural_category(language: str, n: int) -> str:
    """The CLDR plural category of `n` in `language` (Babel's rules)."""
    return str(_locale(language).plural_form(abs(n)))


def noun(language: str, n: int, name: str) -> str:
    """The form of the noun `name` that follows the number `n` in `language`."""
    forms = NOUNS[name][language]
    category = plural_category(language, n)
    return forms.get(category, forms["other"])


def count(language: str, n: int, name: str) -> str:
    """'3 questions' / '3 chwestiwn'."""
    return f"{n} {noun(language, n, name)}"


def weekday_date(day: dt.date, lang: str, pattern: str = "EEEE d MMMM y") -> str:
    """'Thursday 10 December 2026' / 'dydd Iau 10 Rhagfyr 2026'.

    Babel writes the Welsh weekday as at the start of a sentence ("Dydd Iau"); in Welsh
    "dydd" is lower case mid-sentence (only the day's own name, "Iau", keeps its
    capital), and every message and pack puts a date mid-sentence."""
    written = format_date(day, pattern, locale=_LOCALES[lang])
    return written[:1].lower() + written[1:] if lang == "cy" else written


def deadline_by(moment: dt.datetime, lang: str, *, easy_read: bool) -> str:
    """When a deadline falls, with the word for "by": 'by 5pm on Thursday 24 December
    2026' / 'erbyn 5 y.h. ddydd Iau 24 Rhagfyr 2026'; in Easy Read the day and date
    only, 'by Thursday 24 December 2026' / 'erbyn dydd Iau 24 Rhagfyr 2026'.

    `moment` is already in the local zone. Deadlines fall at the end of a working day
    (17:00), so the day is what a reader needs; Easy Read leaves the hour out (one idea
    to hold, not two). The standard Welsh puts the hour first, and the day after it is
    an adverb of time and takes the soft mutation ("ddydd Iau"). These Welsh forms have
    not yet been reviewed by a Welsh speaker."""
    day = weekday_date(moment.date(), lang)
    if easy_read:
        return f"erbyn {day}" if lang == "cy" else f"by {day}"
    hour, minute = moment.hour, moment.minute
    twelve = hour % 12 or 12
    shown = f"{twelve}" if minute == 0 else f"{twelve}:{minute:02d}"
    cy = lang == "cy"
    if (hour, minute) == (12, 0):
        clock = "hanner dydd" if cy else "midday"
    elif (hour, minute) == (0, 0):
        clock = "hanner nos" if cy else "midnight"
    elif cy:
        clock = f"{shown} {'y.b.' if hour < 12 else 'y.h.'}"
    else:
        clock = f"{shown}{'am' if hour < 12 else 'pm'}"
    # "dydd" → "ddydd": the soft mutation of an adverb of time.
    return f"erbyn {clock} d{day}" if cy else f"by {clock} on {day}"
