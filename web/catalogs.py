"""The pages' message catalogs: extract the texts, update the Welsh, compile (scripts/i18n).

    python -m web.catalogs update     extract every marked text from web/templates and
                                      web/*.py, merge into web/locale/cy/.../messages.po
                                      (new texts untranslated, gone ones dropped), with
                                      Babel's own six-form `cy` plural rule in its header
    python -m web.catalogs compile    messages.po -> messages.mo
    python -m web.catalogs check      what is wrong, if anything (a text not in the
                                      catalog or not translated, a stale .mo, the
                                      stock plural rule); tests/web run it

Then translate: write each new `msgstr` (all six `msgstr[n]` of a plural, in the
order zero, one, two, few, many, other) and compile. Easy Read texts have the
context "easy-read" (web/i18n.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from collections.abc import Iterable
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.plural import to_gettext

from web.i18n import WELSH_REVIEWED, Language, catalog_path

WEB = Path(__file__).resolve().parent
TRANSLATED: tuple[Language, ...] = ("cy",)
METHOD_MAP = [("templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS_MAP = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
HEADER_COMMENT = {
    "cy": (
        "# Welsh for Cyd's pages (web/templates, web/*.py): scripts/i18n updates and\n"
        "# compiles it.\n"
        "#\n"
        "# NOT YET REVIEWED BY A WELSH SPEAKER (web.i18n.WELSH_REVIEWED is False):\n"
        "# written as Welsh, whole sentences, never assembled from English pieces.\n"
        "# Plural forms are Babel's own rule for cy (zero, one, two, few, many, other):\n"
        "# msgstr[0] is for 0, [1] for 1, [2] for 2, [3] for 3, [4] for 6, [5] for the rest.\n"
        '# Messages with the context "easy-read" are Easy Read: short sentences, one\n'
        "# idea each, at most 15 words."
    )
}
HEADER_COMMENT_REVIEWED = "# Welsh for Cyd's pages: reviewed by a Welsh speaker."


def plural_rule(language: str) -> str:
    """The gettext Plural-Forms of `language` from Babel's CLDR rules (for cy: six forms;
    the stock gettext table has four and lumps zero with "other")."""
    return to_gettext(Locale.parse(language).plural_form).removesuffix(";").strip() + ";"


def extract() -> Catalog:
    """Every text marked for translation in the pages (their English), sorted."""
    template = Catalog(project="Cyd", version="pages", fuzzy=False)
    found = extract_from_dir(
        WEB,
        METHOD_MAP,
        OPTIONS_MAP,
        keywords=DEFAULT_KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        template.add(
            message,
            None,
            [(f"web/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def _read(language: Language) -> Catalog | None:
    path = catalog_path(language, ".po")
    if not path.is_file():
        return None
    with path.open("rb") as source:
        return read_po(source, locale=language)


def _po_bytes(catalog: Catalog) -> bytes:
    sink = io.BytesIO()
    write_po(sink, catalog, width=88, sort_output=True, ignore_obsolete=True, include_lineno=False)
    return sink.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    sink = io.BytesIO()
    write_mo(sink, catalog, use_fuzzy=False)
    return sink.getvalue()


def _with_header(catalog: Catalog, language: str) -> None:
    reviewed = WELSH_REVIEWED or language != "cy"
    catalog.header_comment = HEADER_COMMENT_REVIEWED if reviewed else HEADER_COMMENT[language]
    catalog.fuzzy = False
    catalog.msgid_bugs_address = ""
    catalog.language_team = "Cymraeg" if language == "cy" else language
    catalog.last_translator = "Cyd" if reviewed else "Cyd (not yet reviewed by a Welsh speaker)"
    headers = [(k, v) for k, v in catalog.mime_headers if k.lower() != "plural-forms"]
    catalog.mime_headers = [*headers, ("Plural-Forms", plural_rule(language))]


def updated(language: Language) -> Catalog:
    """The catalog of `language` merged with what the pages mark today."""
    template = extract()
    catalog = _read(language)
    if catalog is None:
        catalog = Catalog(locale=language, project="Cyd", version="pages")
        catalog.creation_date = dt.datetime.now(dt.UTC)
    template.creation_date = catalog.creation_date  # unchanged unless the texts change
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    catalog.obsolete.clear()
    _with_header(catalog, language)
    return catalog


def update(languages: Iterable[Language] = TRANSLATED) -> None:
    for language in languages:
        path = catalog_path(language, ".po")
        path.parent.mkdir(parents=True, exist_ok=True)
        text = _po_bytes(updated(language))
        if not path.is_file() or path.read_bytes() != text:
            path.write_bytes(text)


def compile_catalogs(languages: Iterable[Language] = TRANSLATED) -> None:
    for language in languages:
        catalog = _read(language)
        if catalog is None:
            raise FileNotFoundError(catalog_path(language, ".po"))
        catalog_path(language).write_bytes(_mo_bytes(catalog))


def _key(message: Message) -> tuple[str | None, str]:
    """(context, English singular) of a message."""
    text = message.id if isinstance(message.id, str) else message.id[0]
    return message.context, text


def problems(languages: Iterable[Language] = TRANSLATED) -> list[str]:
    """What stops the catalogs from being complete and compiled, one line each."""
    found: list[str] = []
    wanted = [message for message in extract() if message.id]
    wanted_keys = {_key(message) for message in wanted}
    for language in languages:
        path = catalog_path(language, ".po")
        name = path.relative_to(WEB.parent)
        catalog = _read(language)
        if catalog is None:
            found.append(f"{name}: missing (run scripts/i18n)")
            continue
        if catalog.plural_forms != plural_rule(language):
            found.append(f"{name}: Plural-Forms is not Babel's rule {plural_rule(language)}")
        unreviewed = language == "cy" and not WELSH_REVIEWED
        if unreviewed and "NOT YET REVIEWED" not in catalog.header_comment:
            found.append(f"{name}: its header must say the Welsh is not yet reviewed")
        for message in wanted:
            have = catalog.get(message.id, context=message.context)
            if have is None:
                found.append(f"{name}: not in the catalog (run scripts/i18n): {_key(message)}")
            elif have.fuzzy or not _translated(have.string, catalog.num_plurals):
                found.append(f"{name}: not translated: {_key(message)}")
        for message in catalog:
            if message.id and _key(message) not in wanted_keys:
                found.append(f"{name}: no longer used (run scripts/i18n): {_key(message)}")
        mo = catalog_path(language)
        if not mo.is_file() or mo.read_bytes() != _mo_bytes(catalog):
            found.append(f"{name}: the compiled .mo is not up to date (run scripts/i18n)")
    return found


def _translated(string: str | tuple[str, ...] | list[str] | None, forms: int) -> bool:
    if string is None:
        return False
    if isinstance(string, str):
        return bool(string)
    return len(string) == forms and all(string)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/i18n", description=__doc__.split("\n")[0])
    parser.add_argument(
        "command", choices=("update", "compile", "check", "all"), nargs="?", default="all"
    )
    command = parser.parse_args(argv).command
    if command in ("update", "all"):
        update()
    if command in ("compile", "all"):
        compile_catalogs()
    if command in ("check", "all"):
        wrong = problems()
        for line in wrong:
            print(line, file=sys.stderr)
        return 1 if wrong else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
