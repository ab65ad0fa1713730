"""The pages' languages and formats, their message catalogs, and dates in words.

Every fixed text of the pages is written in English in the templates (or the
code) and marked for translation; the Welsh is in the Babel catalog

    web/locale/cy/LC_MESSAGES/messages.po   (compiled to messages.mo: scripts/i18n)

English needs no catalog: the texts are their own English.

Easy Read is a third set of texts, written beside the standard ones in the same
template (`{% if easy_read %}...{% else %}...{% endif %}`): in English in the
template, each marked with the message context "easy-read" (`pgettext("easy-read",
...)` or `{% trans "easy-read" %}`), translated into Welsh in the same catalog. Easy
Read is not the standard text translated: it says the same things in other, more and
shorter sentences, one idea each, beside pictures; the context tells a translator
which rules a text follows, and lets the tests check them (at most 15 words a
sentence, as for messages). Short texts that suit both (a button, a link) are not
written twice.

Welsh plurals: Welsh has six plural forms (zero, one, two, few, many, other). The
catalog's header carries Babel's own `cy` rule (`babel.plural.to_gettext`), not the
stock gettext one that lumps zero with "other"; `ngettext` picks the right form.

The Welsh has not yet been reviewed by a Welsh speaker (WELSH_REVIEWED; the
catalog's header says so too), as for the checklists' definitions and messages.
"""

from __future__ import annotations

import datetime as dt
import gettext
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from babel.dates import format_date

from services.reminders import local_zone

Language = Literal["en", "cy"]
Format = Literal["standard", "easy-read"]

LANGUAGES: tuple[Language, ...] = ("en", "cy")
FORMATS: tuple[Format, ...] = ("standard", "easy-read")
DEFAULT_LANGUAGE: Language = "en"
DEFAULT_FORMAT: Format = "standard"
EASY_READ_CONTEXT = "easy-read"  # the message context (msgctxt) of Easy Read texts
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
WELSH_REVIEWED = False

# The names of each language in itself, for the language switch.
LANGUAGE_NAMES: dict[Language, str] = {"en": "English", "cy": "Cymraeg"}
_BABEL_LOCALES: dict[Language, str] = {"en": "en_GB", "cy": "cy"}


def language_or_none(value: str | None) -> Language | None:
    """`value` if it names one of the pages' languages ("en", "cy"), else None."""
    for language in LANGUAGES:
        if value == language:
            return language
    return None


def format_or_none(value: str | None) -> Format | None:
    """`value` if it names one of the pages' formats ("standard", "easy-read"), else None."""
    for shape in FORMATS:
        if value == shape:
            return shape
    return None


def catalog_path(language: Language, suffix: str = ".mo") -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@cache
def translations(language: Language) -> gettext.NullTranslations:
    """The compiled catalog of `language` (English: the texts as written)."""
    if language == "en":
        return gettext.NullTranslations()
    with catalog_path(language).open("rb") as compiled:
        return gettext.GNUTranslations(compiled)


def _local(value: dt.date | dt.datetime, zone: dt.tzinfo | None = None) -> dt.date | dt.datetime:
    if not isinstance(value, dt.datetime):
        return value
    moment = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone if zone is not None else local_zone())


def date_words(
    value: dt.date | dt.datetime,
    language: Language,
    *,
    year: bool = False,
    zone: dt.tzinfo | None = None,
    start: bool = False,
) -> str:
    """'Friday 11 December' / 'dydd Gwener 11 Rhagfyr' (with the year when asked).

    Welsh "dydd" is lower case mid-sentence, where most dates go; `start` writes it as
    at the start of a sentence, a line or a table cell ('Dydd Gwener 11 Rhagfyr').
    A date-time is first put in the programme's local time (`CYD_TIMEZONE`; `zone`, if
    the caller has already read it)."""
    local = _local(value, zone)
    day = local.date() if isinstance(local, dt.datetime) else local
    written = _day_words(day, language, year)
    return written if start or language != "cy" else written[:1].lower() + written[1:]


@lru_cache(maxsize=4096)
def _day_words(day: dt.date, language: Language, year: bool) -> str:
    # Babel's formatting is most of a date's cost, and a page shows the same few days.
    pattern = "EEEE d MMMM y" if year else "EEEE d MMMM"
    return format_date(day, pattern, locale=_BABEL_LOCALES[language])


def time_words(value: dt.datetime, language: Language, *, zone: dt.tzinfo | None = None) -> str:
    """'9am', '2:30pm', 'midday' / '9 y bore', '2:30 y prynhawn', 'hanner dydd' (local time;
    `zone`, if the caller has already read it)."""
    local = _local(value, zone)
    assert isinstance(local, dt.datetime)
    hour, minute = local.hour, local.minute
    if (hour, minute) == (12, 0):
        return "hanner dydd" if language == "cy" else "midday"
    if (hour, minute) == (0, 0):
        return "hanner nos" if language == "cy" else "midnight"
    twelve = hour % 12 or 12
    shown = f"{twelve}" if minute == 0 else f"{twelve}:{minute:02d}"
    if language == "cy":
        part = "y bore" if hour < 12 else "y prynhawn" if hour < 18 else "yr hwyr"
        return f"{shown} {part}"
    return f"{shown}{'am' if hour < 12 else 'pm'}"
