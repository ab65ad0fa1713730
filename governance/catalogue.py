"""Every refusal, error, reason, history event and next action a person can meet: a
stable code, four whole texts.

The words live in `catalogue.yaml` beside this module, not in Python: a Welsh
reviewer reads and corrects one file of texts, laid out code by code with the
English beside the Welsh, and `welsh_reviewed` at its top says whether they have.
The file is read once (`catalogue()`), checked whole, and any problem is raised as
a `CatalogueError` naming the file, line and column, so a mistake in a text fails
at the first use and in the tests, never half way through a person's message.

Each code has four texts: `en`, `cy`, `en_easy` and `cy_easy` (Easy Read). A text is

- a string with named placeholders, `{name}`; `{count:member}` writes the count
  with the noun that follows it in that language ("3 members" / "3 aelod": the
  nouns are in the file, one form per CLDR plural category, Welsh mutations and
  all); `{state:state}` writes a code (a venture state, an action, a threshold)
  as a word of that language from the file's word tables (a list of codes is
  written as the words joined by ", "); `{until:date}` writes an ISO date or
  date-time as a day in the zone given (the programme's; UK time by default)
  ("10 December 2026" / "10 Rhagfyr 2026");
- `{plural: count, one: ..., other: ...}`: the form for the CLDR plural category
  (Babel's rules) of the parameter `count` in that language: `zero`, `one`, `two`,
  `few`, `many`, `other` for Welsh; a category left out falls back to `other`;
- `{select: action, answer: ..., vote: ..., other: ...}`: the form for the value of
  the parameter `action` (`other`, if given, for any value not listed; a true or
  false value is chosen as `true:` / `false:`, a missing one (None) as `none:`);
- a list of these, written one after the other with a space between (sentences).

A parameter that is a list and has no `:spec` (a decision's conditions) is written as
its items one after the other, a space between (they are sentences).

So a Welsh sentence is always written whole as Welsh; nothing is assembled from
English pieces. A parameter whose value is a mapping {"en": ..., "cy": ...} (a
checklist's own bilingual reason) is written in the language asked for.

    say(code, "cy", easy_read=True, count=3) -> str
    text(code, "cy", {"count": 3}, easy_read=True) -> str   # the same, params as a mapping
    codes(kind=None) -> tuple[str, ...]        # kind: one of KINDS
    params_for(code, english) -> dict | None   # the parameters of a recorded English text

The kinds: `refusal` (who may do what), `error` (a mistake in a command), `reason`
(why the rules did what they did), `event` (an event of a venture's history,
services/history.py) and `action` (what a person should do next and why,
governance/next_actions.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from babel import Locale

    from checklists.yamlsource import Document, Position

Language = Literal["en", "cy"]
Kind = Literal["refusal", "error", "reason", "event", "action"]
Param = str | int | Sequence[str] | Mapping[str, str]

CATALOGUE_FILE = Path(__file__).resolve().parent / "catalogue.yaml"
LANGUAGES: tuple[Language, ...] = ("en", "cy")
FORMS: tuple[str, ...] = ("en", "cy", "en_easy", "cy_easy")
KINDS: tuple[Kind, ...] = ("refusal", "error", "reason", "event", "action")
DATE_SPEC = "date"
TIMEZONE = ZoneInfo("Europe/London")
_LOCALES: dict[Language, str] = {"en": "en_GB", "cy": "cy"}
_LIST_JOIN = ", "


class CatalogueError(Exception):
    """A problem in the catalogue file, or a text asked for that it cannot give."""

    def __init__(self, message: str, where: str = "", position: Position | None = None) -> None:
        place = f"{where}:{position.line}:{position.column}: " if where and position else ""
        super().__init__(f"{place}{message}")


# --- the texts, as read -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Choose:
    """A text that depends on a parameter: its plural category, or its value."""

    how: Literal["plural", "select"]
    by: str
    options: Mapping[str, Node]


@dataclass(frozen=True, slots=True)
class Parts:
    """Texts written one after the other, a space between."""

    parts: tuple[Node, ...]


Node = str | Choose | Parts


@dataclass(frozen=True, slots=True)
class Entry:
    code: str
    kind: Kind
    texts: Mapping[str, Node]  # by form: en, cy, en_easy, cy_easy
    example: Mapping[str, Param] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Catalogue:
    welsh_reviewed: bool
    entries: Mapping[str, Entry]
    nouns: Mapping[str, Mapping[str, Mapping[str, str]]]  # noun → language → category → form
    words: Mapping[str, Mapping[str, Mapping[str, str]]]  # table → code → form → word

    def text(
        self,
        code: str,
        language: Language,
        easy_read: bool,
        params: Mapping[str, Param],
        zone: dt.tzinfo = TIMEZONE,
    ) -> str:
        """The text of `code`, as `say` gives it, with the parameters as one mapping."""
        entry = self.entries.get(code)
        if entry is None:
            raise CatalogueError(f"no text for the code {code!r}")
        form = f"{language}_easy" if easy_read else language
        return _tidy(self._write(entry.texts[form], code, language, form, params, zone))

    def _write(
        self,
        node: Node,
        code: str,
        language: Language,
        form: str,
        params: Mapping[str, Param],
        zone: dt.tzinfo,
    ) -> str:
        if isinstance(node, Parts):
            return " ".join(self._write(p, code, language, form, params, zone) for p in node.parts)
        if isinstance(node, Choose):
            value = _param(params, node.by, code)
            if node.how == "plural":
                key = plural_category(language, _count(value, node.by, code))
            else:
                key = choice_key(value)
            chosen = node.options.get(key, node.options.get("other"))
            if chosen is None:
                raise CatalogueError(f"{code}: no text for {node.by}={value!r}")
            return self._write(chosen, code, language, form, params, zone)
        out: list[str] = []
        for literal, name, spec, _conversion in string.Formatter().parse(node):
            out.append(literal)
            if name is None:
                continue
            value = _param(params, name, code)
            out.append(self._field(value, name, spec or "", code, language, form, zone))
        return "".join(out)

    def _field(
        self,
        value: Param,
        name: str,
        spec: str,
        code: str,
        language: Language,
        form: str,
        zone: dt.tzinfo,
    ) -> str:
        if isinstance(value, Mapping):
            value = value[language]
        if not spec:
            if isinstance(value, Sequence) and not isinstance(value, str):
                return " ".join(str(v) for v in value)
            return str(value)
        if spec == DATE_SPEC:
            return _day(str(value), language, zone)
        if spec in self.nouns:
            n = _count(value, name, code)
            forms = self.nouns[spec][language]
            return f"{n} {forms.get(plural_category(language, n), forms['other'])}"
        table = self.words[spec]
        codes = [value] if isinstance(value, str | int) else list(value)
        words = []
        for item in codes:
            word = table.get(str(item))
            if word is None:
                raise CatalogueError(f"{code}: no {spec} word for {item!r}")
            words.append(word.get(form) or word[language])
        return _LIST_JOIN.join(words)


def choice_key(value: object) -> str:
    """The option a `select` takes for `value`: true and false (a JSON boolean) as
    `true` and `false`, None as `none`, anything else as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    return str(value)


def _param(params: Mapping[str, Param], name: str, code: str) -> Param:
    try:
        return params[name]
    except KeyError:
        raise CatalogueError(f"{code}: the text needs {{{name}}}") from None


def _count(value: object, name: str, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CatalogueError(f"{code}: {{{name}}} must be a whole number, not {value!r}")
    return value


def _tidy(text: str) -> str:
    return " ".join(text.split())


def _day(value: str, language: Language, zone: dt.tzinfo) -> str:
    moment = dt.datetime.fromisoformat(value)
    if len(value) > 10:  # a moment, not a day: the day it is where the programme is
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        moment = moment.astimezone(zone)
    from babel.dates import format_date  # here: most commands write no date

    return format_date(moment.date(), "d MMMM y", locale=_LOCALES[language])


@cache
def _locale(language: Language) -> Locale:
    from babel import Locale

    return Locale.parse(_LOCALES[language])


# The plural category of each small count, by language, when the catalogue was read back
# from the cache (governance/catalogue_cache.py: computed by Babel when it was kept, and
# kept under Babel's release). A count in a text is nearly always small, and loading
# Babel's locale data costs a short-lived command about 40 ms.
SMALL_COUNTS = 1000
_small_plurals: dict[Language, tuple[str, ...]] = {}


def small_plurals(language: Language) -> tuple[str, ...]:
    """The plural category of 0, 1, … SMALL_COUNTS - 1 in `language`, by Babel's rules."""
    rule = _locale(language).plural_form
    return tuple(str(rule(n)) for n in range(SMALL_COUNTS))


def use_small_plurals(tables: Mapping[Language, Sequence[str]]) -> None:
    """Answer small counts' plural categories from `tables` (as `small_plurals` gave)."""
    for language, table in tables.items():
        _small_plurals[language] = tuple(table)


def plural_category(language: Language, n: int) -> str:
    """The CLDR plural category of `n` in `language` (Babel's rules)."""
    n = abs(n)
    table = _small_plurals.get(language)
    if table is not None and n < len(table):
        return table[n]
    return str(_locale(language).plural_form(n))


def categories(language: Language) -> frozenset[str]:
    """The CLDR plural categories of `language`: six for Welsh, two for English."""
    return frozenset(_locale(language).plural_form.tags | {"other"})


# --- what a text needs --------------------------------------------------------------------


def placeholders(node: Node) -> frozenset[str]:
    """Every parameter a text uses: its placeholders and the parameters it chooses by."""
    return frozenset(name for name, _spec in _fields(node))


def _fields(node: Node) -> Iterator[tuple[str, str]]:
    if isinstance(node, Parts):
        for part in node.parts:
            yield from _fields(part)
    elif isinstance(node, Choose):
        yield node.by, f":{node.how}"
        for option in node.options.values():
            yield from _fields(option)
    else:
        for _literal, name, spec, _conversion in string.Formatter().parse(node):
            if name is not None:
                yield name, spec or ""


def choices(node: Node) -> Iterator[Choose]:
    """Every plural and select in a text, outermost first."""
    if isinstance(node, Parts):
        for part in node.parts:
            yield from choices(part)
    elif isinstance(node, Choose):
        yield node
        for option in node.options.values():
            yield from choices(option)


# --- reading the file ---------------------------------------------------------------------


def load(source: str, where: str = "catalogue.yaml") -> Catalogue:
    """Read and check a catalogue. Raises CatalogueError naming the line and column."""
    # The YAML reader is imported when a text is first written, not with this module:
    # a command that refuses nothing never reads the catalogue.
    from checklists.yamlsource import YamlProblem, parse

    try:
        document = parse(source)
    except YamlProblem as problem:
        raise CatalogueError(problem.message, where, problem.position) from None
    return _Reader(document, where).catalogue()


# Where the checked catalogue is kept between processes (`use_cache_dir`); None: nowhere.
_cache_dir: Path | None = None


def use_cache_dir(folder: Path | None) -> None:
    """Keep the checked catalogue in `folder` (the edge says which: Cyd's cache folder),
    so that a short-lived command reads it back instead of checking it again."""
    global _cache_dir
    _cache_dir = folder


@cache
def catalogue() -> Catalogue:
    """The catalogue shipped beside this module, read and checked once (once per
    release, where a cache folder is given: governance/catalogue_cache.py)."""
    folder = _cache_dir
    key = None
    if folder is not None:
        from governance import catalogue_cache

        try:
            key = catalogue_cache.fingerprint(CATALOGUE_FILE.read_bytes())
        except OSError:
            key = None  # read_text below says why the file cannot be read
        kept = catalogue_cache.lookup(key, folder) if key else None
        if kept is not None:
            return kept
    from checklists.yamlsource import YamlProblem, read_text  # only when not kept

    try:
        source = read_text(CATALOGUE_FILE)
    except YamlProblem as problem:
        raise CatalogueError(problem.message, str(CATALOGUE_FILE), problem.position) from None
    checked = load(source, str(CATALOGUE_FILE))
    if folder is not None and key is not None:
        catalogue_cache.remember(key, checked, folder)
    return checked


def say(
    code: str,
    language: Language,
    easy_read: bool = False,
    *,
    zone: dt.tzinfo = TIMEZONE,
    **params: Param,
) -> str:
    """The text of `code` in `language` (Easy Read if asked), its placeholders filled.

    Raises CatalogueError for an unknown code or a parameter the text needs and lacks;
    parameters it does not use are ignored (a caller may give all it knows).
    """
    return catalogue().text(code, language, easy_read, params, zone)


def text(
    code: str,
    language: Language,
    params: Mapping[str, Param],
    easy_read: bool = False,
    zone: dt.tzinfo = TIMEZONE,
) -> str:
    """`say`, with the parameters as one mapping (as a Reason or an error keeps them).

    `zone`: where the programme is (the caller's `CYD_TIMEZONE`; the core reads no
    settings), for the day a moment falls on."""
    return catalogue().text(code, language, easy_read, params, zone)


def codes(kind: Kind | None = None) -> tuple[str, ...]:
    """Every code in the catalogue (of one kind, if given), in the file's order."""
    return tuple(c for c, e in catalogue().entries.items() if kind is None or e.kind == kind)


def has(code: str) -> bool:
    return code in catalogue().entries


_MOST_TRIED = 2000  # combinations of values params_for tries, at most


def params_for(code: str, english: str) -> dict[str, Param] | None:
    """The parameters with which `code`'s standard English text is `english`, or None.

    For a text the log recorded only in English (a refusal's sentence), so that it can
    be written in Welsh and Easy Read too. Only parameters that choose a form
    (`select`) or name a word (`{state:state}`) are looked for, among the options and
    the table's words; a text that needs any other (a count, a name, a day) gives None.
    """
    built = catalogue()
    entry = built.entries.get(code)
    if entry is None:
        return None
    candidates: dict[str, set[str]] = {}
    for name, spec in _fields(entry.texts["en"]):
        if spec == ":select":
            continue  # its options are added below
        if spec not in built.words:
            return None
        candidates.setdefault(name, set()).update(built.words[spec])
    for choice in choices(entry.texts["en"]):
        if choice.how != "select":
            return None
        candidates.setdefault(choice.by, set()).update(k for k in choice.options if k != "other")
    names = sorted(candidates)
    values = [sorted(candidates[n]) for n in names]
    if math.prod(len(v) for v in values) > _MOST_TRIED:
        return None
    for combination in itertools.product(*values):
        params: dict[str, Param] = dict(zip(names, combination, strict=True))
        try:
            if built.text(code, "en", False, params) == _tidy(english):
                return params
        except CatalogueError:
            continue  # a word its table lacks: not this combination
    return None


def welsh_reviewed() -> bool:
    """Whether a Welsh speaker has reviewed the Welsh texts (the file's `welsh_reviewed`)."""
    return catalogue().welsh_reviewed


_TOP = ("welsh_reviewed", "nouns", "words", "codes")
_WORD_FORMS = frozenset(FORMS)


class _Reader:
    """Builds a Catalogue from a parsed document, checking every part of it."""

    def __init__(self, document: Document, where: str) -> None:
        self.doc = document
        self.where = where

    def fail(
        self, message: str, path: tuple[str | int, ...], *, key: bool = False
    ) -> CatalogueError:
        return CatalogueError(message, self.where, self.doc.position(path, key=key))

    def mapping(self, value: object, path: tuple[str | int, ...], what: str) -> dict[str, Any]:
        if not isinstance(value, dict) or not value:
            raise self.fail(f"{what} must be a mapping with at least one entry", path)
        return cast(dict[str, Any], value)

    def catalogue(self) -> Catalogue:
        top = self.mapping(self.doc.data, (), "the catalogue")
        for key in top:
            if key not in _TOP:
                raise self.fail(
                    f"unknown key {key!r} (expected {', '.join(_TOP)})", (key,), key=True
                )
        for key in _TOP:
            if key not in top:
                raise self.fail(f"missing key {key!r}", ())
        reviewed = top["welsh_reviewed"]
        if not isinstance(reviewed, bool):
            raise self.fail("welsh_reviewed must be true or false", ("welsh_reviewed",))
        nouns = self.nouns(top["nouns"])
        words = self.words(top["words"])
        for name in nouns.keys() & words.keys():
            raise self.fail(f"{name!r} is both a noun and a word table", ("words", name), key=True)
        if DATE_SPEC in nouns or DATE_SPEC in words:
            raise self.fail(f"{DATE_SPEC!r} is kept for dates", ("nouns",))
        specs = frozenset({DATE_SPEC, *nouns, *words})
        entries = {
            code: self.entry(code, value, specs)
            for code, value in self.mapping(top["codes"], ("codes",), "codes").items()
        }
        built = Catalogue(reviewed, entries, nouns, words)
        for entry in entries.values():
            self.try_example(built, entry)
        return built

    def nouns(self, value: object) -> dict[str, dict[str, dict[str, str]]]:
        nouns: dict[str, dict[str, dict[str, str]]] = {}
        for name, languages in self.mapping(value, ("nouns",), "nouns").items():
            path: tuple[str | int, ...] = ("nouns", name)
            given = self.mapping(languages, path, f"the noun {name!r}")
            if set(given) != set(LANGUAGES):
                raise self.fail(f"the noun {name!r} needs exactly en and cy", path)
            nouns[name] = {}
            for language in LANGUAGES:
                forms = self.mapping(given[language], (*path, language), f"{name}.{language}")
                wanted = categories(language)
                if set(forms) != wanted:
                    raise self.fail(
                        f"the noun {name!r} in {language} needs one form for each of"
                        f" {', '.join(sorted(wanted))}",
                        (*path, language),
                    )
                nouns[name][language] = {
                    k: self.word(v, (*path, language, k)) for k, v in forms.items()
                }
        return nouns

    def words(self, value: object) -> dict[str, dict[str, dict[str, str]]]:
        tables: dict[str, dict[str, dict[str, str]]] = {}
        for name, table in self.mapping(value, ("words",), "words").items():
            tables[name] = {}
            for code, forms in self.mapping(table, ("words", name), f"words {name!r}").items():
                path: tuple[str | int, ...] = ("words", name, code)
                given = self.mapping(forms, path, f"the word {name}.{code}")
                if not set(LANGUAGES) <= set(given) <= _WORD_FORMS:
                    raise self.fail(
                        f"the word {name}.{code} needs en and cy (and may have en_easy, cy_easy)",
                        path,
                    )
                tables[name][str(code)] = {k: self.word(v, (*path, k)) for k, v in given.items()}
        return tables

    def word(self, value: object, path: tuple[str | int, ...]) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail("expected a text", path)
        return value

    def entry(self, code: str, value: object, specs: frozenset[str]) -> Entry:
        path: tuple[str | int, ...] = ("codes", code)
        given = self.mapping(value, path, f"the code {code!r}")
        allowed = {"kind", "example", *FORMS}
        for key in given:
            if key not in allowed:
                raise self.fail(f"{code}: unknown key {key!r}", (*path, key), key=True)
        kind = given.get("kind")
        if kind not in KINDS:
            raise self.fail(f"{code}: kind must be one of {', '.join(KINDS)}", (*path, "kind"))
        missing = [f for f in FORMS if f not in given]
        if missing:
            raise self.fail(f"{code}: no {' or '.join(missing)} text", path)
        texts = {form: self.node(given[form], (*path, form), code, form, specs) for form in FORMS}
        for one, other in (("en", "cy"), ("en_easy", "cy_easy")):
            mine, theirs = placeholders(texts[one]), placeholders(texts[other])
            for name in sorted(mine ^ theirs):
                has_it, lacks_it = (one, other) if name in mine else (other, one)
                raise self.fail(
                    f"{code}: {lacks_it} lacks {{{name}}}, which {has_it} has", (*path, lacks_it)
                )
        example = given.get("example", {})
        if not isinstance(example, dict):
            raise self.fail(f"{code}: example must be a mapping", (*path, "example"))
        needed = set().union(*(placeholders(t) for t in texts.values()))
        lacking = sorted(needed - set(example))
        if lacking:
            raise self.fail(
                f"{code}: the example gives no {', '.join(lacking)}", (*path, "example")
            )
        return Entry(code, cast(Kind, kind), texts, cast(dict[str, Param], example))

    def node(
        self,
        value: object,
        path: tuple[str | int, ...],
        code: str,
        form: str,
        specs: frozenset[str],
        *,
        option: bool = False,
    ) -> Node:
        """One text; `option`: it is one option of a choice, which may be empty."""
        language: Language = "cy" if form.startswith("cy") else "en"
        if isinstance(value, str):
            self.check_string(value, path, code, specs, optional=option)
            return value
        if isinstance(value, list):
            if not value:
                raise self.fail(f"{code}: an empty list of texts", path)
            return Parts(
                tuple(self.node(v, (*path, i), code, form, specs) for i, v in enumerate(value))
            )
        if isinstance(value, dict):
            hows = [h for h in ("plural", "select") if h in value]
            if len(hows) != 1:
                raise self.fail(f"{code}: a choice needs one of plural: or select:", path)
            how = cast(Literal["plural", "select"], hows[0])
            by = value[how]
            if not isinstance(by, str) or not by.isidentifier():
                raise self.fail(f"{code}: {how}: names a parameter", (*path, how))
            options = {k: v for k, v in value.items() if k != how}
            if not options:
                raise self.fail(f"{code}: a {how} with no texts", path)
            if how == "plural":
                wanted = categories(language)
                for key in options:
                    if key not in wanted:
                        raise self.fail(
                            f"{code}: {key!r} is not a plural category in {language}"
                            f" ({', '.join(sorted(wanted))})",
                            (*path, key),
                            key=True,
                        )
                if "other" not in options:
                    raise self.fail(f"{code}: a plural needs an 'other' form", path)
            return Choose(
                how,
                by,
                {
                    choice_key(k): self.node(v, (*path, k), code, form, specs, option=True)
                    for k, v in options.items()
                },
            )
        raise self.fail(f"{code}: expected a text, a list of texts, or a plural/select", path)

    def check_string(
        self,
        value: str,
        path: tuple[str | int, ...],
        code: str,
        specs: frozenset[str],
        *,
        optional: bool,
    ) -> None:
        if not value.strip() and not optional:
            raise self.fail(f"{code}: an empty text", path)
        try:
            fields = list(string.Formatter().parse(value))
        except ValueError as error:
            raise self.fail(f"{code}: {error} (write placeholders as {{name}})", path) from None
        for _literal, name, spec, conversion in fields:
            if name is None:
                continue
            if not name.isidentifier():
                raise self.fail(f"{code}: {{{name}}} is not a plain name", path)
            if conversion:
                raise self.fail(f"{code}: {{{name}!{conversion}}}: no conversions", path)
            if spec and spec not in specs:
                raise self.fail(
                    f"{code}: {{{name}:{spec}}}: {spec!r} is not a noun, a word table or"
                    f" {DATE_SPEC!r}",
                    path,
                )

    def try_example(self, built: Catalogue, entry: Entry) -> None:
        """Every text must write with the entry's example (its words exist, its counts count)."""
        for form in FORMS:
            language: Language = "cy" if form.startswith("cy") else "en"
            try:
                built.text(entry.code, language, form.endswith("_easy"), entry.example)
            except (CatalogueError, ValueError, TypeError, KeyError) as error:
                raise self.fail(
                    f"{entry.code}: the {form} text does not write with its example: {error}",
                    ("codes", entry.code, form),
                ) from None
