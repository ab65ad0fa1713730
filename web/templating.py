"""The pages' Jinja2 environments: one per language, built once.

Templates live in web/templates/ and extend `base.html`; GOV.UK Frontend's
components are imported from the govuk-frontend-jinja package, e.g.

    {% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}

Each language has its own Environment with its catalog installed (jinja2's i18n
extension, "new style": `_()`, `gettext`, `ngettext`, `pgettext`, `npgettext` and
`{% trans %}` escape their result and fill `%(name)s` from keyword arguments; in
`ngettext`, `%(num)d` is the count). So a template never assembles a sentence from
pieces, and a handler never passes the language to a translation function.

Filters and globals, in every environment:

    value|date_words            'Friday 11 December' / 'dydd Gwener 11 Rhagfyr' (mid-sentence)
    value|date_words(year=True) ... with the year
    value|date_words(start=True) 'Dydd Gwener 11 Rhagfyr' (starting a line or a cell)
    value|time_words            '9am' / '9 y bore'
    static_url("cyd.css")       the file's URL under /static, with a version
    picture("tick")             an Easy Read pictogram: <img> with alt text in the language
    picture("tick", decorative=true)   ... with alt="" (beside words that say the same)

A variable the template uses but nobody gave raises (PageUndefined): a missing value
fails a test, not a person. A missing key or attribute is empty, as the GOV.UK
macros expect of their optional parameters.
"""

from __future__ import annotations

import datetime as dt
import gettext
import hashlib
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from notifications.render import pictogram_index
from services.reminders import local_zone
from web.i18n import Language, date_words, time_words, translations

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
STATIC_PREFIX = "/static"
PICTOGRAM_PREFIX = "/pictograms"


def loader() -> jinja2.BaseLoader:
    """Cyd's templates first, then the GOV.UK Frontend macros under their prefix."""
    return jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(TEMPLATES),
            jinja2.PrefixLoader(
                {"govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja")}
            ),
        ]
    )


@cache
def _version(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    """The URL of a file in web/static, with a version that changes with its content (so a
    browser never keeps an old stylesheet)."""
    return f"{STATIC_PREFIX}/{name}?v={_version(name)}"


def picture(language: Language, name: str, decorative: bool = False) -> Markup:
    """An Easy Read pictogram (the same pictures as the messages, as SVG), with its alt
    text: what the picture means, in the page's language; or "" when it is
    `decorative`, beside words that say the same (see _easy_read.html)."""
    entry = pictogram_index()[name]
    alt = "" if decorative else entry["alt"][language]
    return Markup(  # noqa: S704 (the parts are escaped)
        f'<img class="cyd-point__picture" src="{PICTOGRAM_PREFIX}/{escape(entry["file"])}"'
        f' alt="{escape(alt)}" width="64" height="64">'
    )


_LENIENT_NAMES = frozenset({"caller", "undefined", "null", "successBanner", "typeClass"})


class PageUndefined(jinja2.Undefined):
    """Strict for names (a variable nobody gave), lenient for attributes and keys (the
    GOV.UK macros test `params.x` for every optional parameter) and for the names the
    GOV.UK macros read as JavaScript would: `caller` (details, panel, error summary and
    notification banner ask `if caller` when called without `{% call %}`), `undefined`
    and `null` (an input's `describedBy`, a button's `preventDoubleClick`), and
    `successBanner` and `typeClass` (set by the notification banner only for a success
    banner)."""

    __slots__ = ()

    def _strict(self) -> bool:
        return (
            self._undefined_obj is jinja2.utils.missing
            and self._undefined_name not in _LENIENT_NAMES
        )

    def __str__(self) -> str:
        if self._strict():
            self._fail_with_undefined_error()
        return ""

    def __iter__(self):  # type: ignore[no-untyped-def]
        if self._strict():
            self._fail_with_undefined_error()
        return iter(())

    def __bool__(self) -> bool:
        if self._strict():
            self._fail_with_undefined_error()
        return False


# The programme's time zone, read once per page (`render_template` puts it in the
# context as ZONE): reading the settings for each date shown was a tenth of a task list.
ZONE = "_local_zone"


def _zone(context: jinja2.runtime.Context) -> dt.tzinfo | None:
    zone = context.get(ZONE)
    return zone if isinstance(zone, dt.tzinfo) else None


def _date_filter(language: Language) -> Callable[..., str]:
    @jinja2.pass_context
    def date_filter(
        context: jinja2.runtime.Context,
        value: dt.date | dt.datetime,
        *,
        year: bool = False,
        start: bool = False,
    ) -> str:
        return date_words(value, language, year=year, zone=_zone(context), start=start)

    return date_filter


def _time_filter(language: Language) -> Callable[..., str]:
    @jinja2.pass_context
    def time_filter(context: jinja2.runtime.Context, value: dt.datetime) -> str:
        return time_words(value, language, zone=_zone(context))

    return time_filter


def in_page_language(language: Language, venture: Any) -> str:
    """A venture's title in the page's language when there is one: as written, or the
    other language's a translator (or the lead) gave (services.titles)."""
    written = getattr(venture, "title_lang", None) or getattr(venture, "title_language", None)
    other = getattr(venture, "title_other", None)
    if other and written and written != language:
        return str(other)
    return str(venture.title)


# How many texts without variables each language remembers (the templates' own: a few
# hundred); past it a text is translated each time, as before.
_REMEMBERED = 4096


def _remembered_texts(catalog: gettext.NullTranslations) -> dict[str, Callable[..., Markup]]:
    """`_`, `gettext` and `pgettext` as the i18n extension's "new style" makes them (the
    translation, escaped by Markup, %-formatted with the keyword arguments), but a text
    without variables is translated and formatted once per process: a task list says
    a hundred such texts, and each passed twice through the template's context call
    (a tenth of the page). Only for environments that always escape (ours)."""

    def trusted(text: str) -> Markup:
        # The catalog's texts are the project's own: trusted, as the extension trusts them.
        return Markup(text)  # noqa: S704

    plain: dict[str, Markup] = {}
    in_context: dict[tuple[str, str], Markup] = {}

    def gettext(message: str, /, **variables: Any) -> Markup:
        if variables:
            return trusted(catalog.gettext(message)) % variables
        found = plain.get(message)
        if found is None:
            found = trusted(catalog.gettext(message)) % {}
            if len(plain) < _REMEMBERED:
                plain[message] = found
        return found

    def pgettext(context: str, message: str, /, **variables: Any) -> Markup:
        if variables:
            return trusted(catalog.pgettext(context, message)) % {"context": context, **variables}
        found = in_context.get((context, message))
        if found is None:
            found = trusted(catalog.pgettext(context, message)) % {"context": context}
            if len(in_context) < _REMEMBERED:
                in_context[(context, message)] = found
        return found

    return {"_": gettext, "gettext": gettext, "pgettext": pgettext}


@cache
def environment(language: Language) -> jinja2.Environment:
    """The Environment of the pages in `language` (cached: built once per process)."""
    env = jinja2.Environment(
        loader=loader(),
        autoescape=True,
        undefined=PageUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(_remembered_texts(translations(language)))
    env.filters["date_words"] = _date_filter(language)
    env.filters["time_words"] = _time_filter(language)
    env.filters["in_page_language"] = partial(in_page_language, language)
    env.globals["static_url"] = static_url
    env.globals["picture"] = partial(picture, language)
    # The programme's time zone, for texts the catalogue writes (days of moments).
    env.globals["local_zone"] = local_zone
    return env
