"""Easy Read writing rules, and the words Easy Read keeps out unless it explains them.

Every Easy Read text Cyd ships (messages, the catalogue's Easy Read forms, the pages'
Easy Read texts, the checklists' Easy Read texts) is checked against these rules by
tests; nothing here runs when a message is sent. The rules:

- At most `MAX_WORDS` words a sentence: one idea a sentence.
- A named person is named again, never "they" / "them" / "their": Easy Read readers
  take "Elin Davies checked the work. They said…" to mean other people, and Welsh
  "Dywedon nhw" is plainly plural. (`singular_they`: how it is found, and why so.)
- A word of the kept jargon list (`JARGON`) only with its gloss, the plain words that
  say what it means, in the same message. Better still, the plain words alone.
- British Sign Language is a language: named in full the first time, with "BSL" in
  brackets ("British Sign Language (BSL)" / "Iaith Arwyddion Prydain (BSL)"), never
  "BSL" alone as if it were a format.

Pure functions of text: no I/O, so the catalogue's tests, the templates' and the
pages' can all use them.

The Welsh glosses have not yet been reviewed by a Welsh speaker (as all of Cyd's Welsh:
`WELSH_REVIEWED`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_WORDS = 15
WELSH_REVIEWED = False

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n+")


@dataclass(frozen=True, slots=True)
class Jargon:
    """A word Easy Read does not use bare: the forms it takes in each language (Welsh
    with its mutations) and its gloss, the Easy Read words that explain it."""

    term: str
    en: str  # a regular expression of its English forms (matched case-insensitively)
    cy: str  # ... of its Welsh forms
    gloss_en: str
    gloss_cy: str

    def pattern(self, language: str) -> re.Pattern[str]:
        return re.compile(rf"\b(?:{self.en if language == 'en' else self.cy})\b", re.IGNORECASE)

    def gloss(self, language: str) -> str:
        return self.gloss_en if language == "en" else self.gloss_cy


# The words people told us they did not know, and the programme's own terms of art.
# Keep each gloss short enough to put in brackets, or in a sentence of its own.
JARGON: tuple[Jargon, ...] = (
    Jargon(
        "gate",
        r"gates?",
        r"porth|borth|phorth|pyrth|byrth",
        # As the gates' own Easy Read says it ("A gate is a check before the next step.").
        "a check before the next step",
        "gwiriad cyn y cam nesaf",
    ),
    Jargon(
        "programme file",
        r"programme files?",
        r"ffeil y rhaglen",
        "the file that sets up Cyd for the programme",
        "y ffeil sy'n gosod Cyd ar gyfer y rhaglen",
    ),
    Jargon(
        "command",
        r"commands?",
        r"gorchymyn|ngorchymyn|gorchmynion",
        "words you type to tell the computer what to do",
        "geiriau i'w teipio i ddweud wrth y cyfrifiadur beth i'w wneud",
    ),
    Jargon(
        "quorum",
        r"quorum|quorate",
        r"cworwm|chworwm|gworwm",
        "enough Board members to make a decision",
        "digon o aelodau'r Bwrdd i wneud penderfyniad",
    ),
    Jargon(
        "ballot",
        r"ballots?",
        r"balot|falot|balotau",
        "a vote",
        "pleidlais",
    ),
    Jargon(
        "venture",
        r"ventures?",
        r"menter|fenter|mentrau|fentrau",
        "a piece of new work",
        "darn o waith newydd",
    ),
    Jargon(
        "recuse",
        r"recuse[sd]?|recusal",
        r"ymneilltuo|ymneilltuodd|ymneilltuwyd",
        "step out of a decision because you are linked to the work",
        "camu allan o benderfyniad achos bod gennych chi gysylltiad â'r gwaith",
    ),
    Jargon(
        "workstream",
        r"workstreams?",
        r"ffrwd waith|ffrydiau gwaith",
        "a team working on one part of the programme",
        "tîm sy'n gweithio ar un rhan o'r rhaglen",
    ),
    Jargon(
        "reviewer",
        r"reviewers?",
        r"adolygydd|adolygwyr|hadolygwyr",
        "a person who checks the work",
        "person sy'n gwirio'r gwaith",
    ),
    Jargon(
        "abstain",
        r"abstain(?:s|ed)?|abstention",
        r"ymatal|ymataliodd",
        "choose not to vote yes or no",
        "dewis peidio â phleidleisio ie na na",
    ),
    Jargon(
        "casting vote",
        r"casting vote",
        r"pleidlais fwrw|bleidlais fwrw",
        "the chair's vote that decides when the votes are equal",
        "pleidlais y cadeirydd sy'n penderfynu pan fydd y pleidleisiau'n gyfartal",
    ),
    Jargon(
        "declare an interest",
        r"declare[sd]? an interest|declaration of interest",
        r"datgan buddiant|datganodd fuddiant|datganiad o fuddiant",
        "say you are linked to the work",
        "dweud bod gennych chi gysylltiad â'r gwaith",
    ),
    Jargon(
        "escalate",
        r"escalat(?:e|es|ed|ion)",
        r"uwchgyfeirio|uwchgyfeiriwyd",
        "tell someone who can help",
        "dweud wrth rywun sy'n gallu helpu",
    ),
    Jargon(
        "recycle",
        r"recycl(?:e|es|ed|ing)",
        r"ailgylchu|hailgylchu|ailgylchodd",
        "send back for more work",
        "anfon yn ôl am ragor o waith",
    ),
    Jargon(
        "audit log",
        r"audit (?:log|trail)",
        r"log archwilio|cofnod archwilio",
        "the record of everything that happened",
        "y cofnod o bopeth a ddigwyddodd",
    ),
)

# Singular "they": the words that refer back to a person, in each language. Welsh "eu"
# alone is left out: it is also "them" of things ("eu hateb", answer them) and of the
# reader's own group; with a person it comes with "nhw" ("eu papurau nhw"), caught.
_THEY = {
    "en": re.compile(r"\b(they|them|their|theirs|themselves|they're|they've|they'll)\b", re.I),
    "cy": re.compile(r"\b(nhw|nhw'n|ganddyn|arnyn|iddyn|atyn|drostyn|ohonyn|rhyngddyn)\b", re.I),
}
_ARTICLE = {
    "en": re.compile(r"\b(?:the|a|an)\b", re.I),
    "cy": re.compile(r"(?:\b(?:y|yr)\b|'r\b)", re.I),
}
_BSL_NAME = {"en": "British Sign Language (BSL)", "cy": "Iaith Arwyddion Prydain (BSL)"}


def sentences(text: str) -> list[str]:
    """The sentences of `text` (split after . ? ! and at line ends), white space squashed."""
    return [" ".join(s.split()) for s in _SENTENCE_END.split(text) if s.strip()]


def too_long(text: str) -> list[str]:
    """The sentences of more than MAX_WORDS words."""
    return [s for s in sentences(text) if len(s.split()) > MAX_WORDS]


def singular_they(text: str, names: Iterable[str], language: str) -> list[str]:
    """Sentences that say "they" (Welsh "nhw") of a named person.

    Found so: a sentence names one of `names` (the people the text was written with:
    its sample payload's names), and then says they / them / their, later in that
    sentence or in the next one, with no other noun introduced in between (no article:
    "the", "a" / "y", "yr", "'r"). In Easy Read, where a sentence holds one idea, a
    pronoun there can only point back to the person: "Elin Davies checked the work.
    They said…", "We sent them 3 reminders", "Ask Elin if they need help". A "they"
    after a group named in between ("The reviewers said what they think") is a real
    plural and is not counted. What it misses: a "they" two sentences on, or after an
    unrelated noun; a text that needs those is too long for Easy Read anyway.
    """
    said = sentences(text)
    they = _THEY[language]
    article = _ARTICLE[language]
    wanted = [n for n in names if n]
    found: list[str] = []

    def bare_they(words: str) -> bool:
        pronoun = they.search(words)
        return pronoun is not None and not article.search(words[: pronoun.start()])

    for i, sentence in enumerate(said):
        named = next((n for n in wanted if n in sentence), None)
        if named is None:
            continue
        after = sentence[sentence.rindex(named) + len(named) :]
        following = said[i + 1] if i + 1 < len(said) else ""
        if any(n in following for n in wanted):
            following = ""  # the next sentence names its own person
        if bare_they(after) or bare_they(following):
            found.append(f"{sentence} {following}".strip())
    return found


# Welsh soft mutation of a word's first letters ("gwiriad" -> "wiriad" after "yn"), so a
# gloss is found however the sentence around it mutates it.
_SOFT: tuple[tuple[str, str], ...] = (
    ("ll", "l"),
    ("rh", "r"),
    ("g", ""),
    ("c", "g"),
    ("p", "b"),
    ("t", "d"),
    ("b", "f"),
    ("d", "dd"),
    ("m", "f"),
)


def _gloss_forms(gloss: str, language: str) -> list[str]:
    forms = [gloss.casefold()]
    if language == "cy":
        word = forms[0]
        forms += [to + word[len(frm) :] for frm, to in _SOFT if word.startswith(frm)][:1]
    return forms


def jargon_without_gloss(text: str, language: str) -> list[str]:
    """The jargon words `text` uses without their gloss anywhere in it."""
    squashed = " ".join(text.split()).casefold()
    return [
        j.term
        for j in JARGON
        if j.pattern(language).search(text)
        and not any(form in squashed for form in _gloss_forms(j.gloss(language), language))
    ]


def bsl_as_format(text: str, language: str) -> bool:
    """True when "BSL" comes without "British Sign Language" named first (in Welsh,
    "Iaith Arwyddion Prydain")."""
    at = text.find("BSL")
    if at < 0:
        return False
    full = _BSL_NAME[language]
    return not text[: at + 4].endswith(full)


def problems(text: str, language: str, names: Sequence[str] = ()) -> list[str]:
    """Every Easy Read rule `text` breaks, one line each (empty: it keeps them all)."""
    found = [f"{len(s.split())} words: {s}" for s in too_long(text)]
    found += [f"'they' for a named person: {s}" for s in singular_they(text, names, language)]
    found += [
        f"jargon without its gloss ({j.gloss(language)!r}): {j.term}"
        for j in JARGON
        if j.term in jargon_without_gloss(text, language)
    ]
    if bsl_as_format(text, language):
        found.append(f"BSL without its name: write {_BSL_NAME[language]!r} first")
    return found


# --- a venture's Easy Read summary (services/easy_read_summaries.py) ----------------------

# A summary is read on the first page of the Easy Read Board pack: short enough for one
# page beside its picture, each sentence an Easy Read sentence (`MAX_WORDS`).
SUMMARY_MAX_WORDS = 120


@dataclass(frozen=True, slots=True)
class SummaryProblem:
    """Why a summary cannot be taken: a catalogue code (kind error) and its params."""

    code: str
    params: dict[str, int | str]


def summary_problem(text: str) -> SummaryProblem | None:
    """The first Easy Read bound `text` breaks as a venture's summary (None: none): it
    says something, each sentence has at most `MAX_WORDS` words (the first too long is
    named, by its number and its words), and it has at most `SUMMARY_MAX_WORDS` words."""
    said = sentences(text)
    if not said:
        code = "summary-missing"
        return SummaryProblem(code, {})
    for number, sentence in enumerate(said, start=1):
        words = len(sentence.split())
        if words > MAX_WORDS:
            code = "summary-sentence-too-long"
            return SummaryProblem(
                code,
                {"number": number, "words": words, "most": MAX_WORDS, "sentence": sentence},
            )
    total = sum(len(s.split()) for s in said)
    if total > SUMMARY_MAX_WORDS:
        code = "summary-too-long"
        return SummaryProblem(code, {"words": total, "most": SUMMARY_MAX_WORDS})
    return None
