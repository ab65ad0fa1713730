"""Corrected Welsh stays corrected: none of the wrong forms a Welsh check found comes back.

Each form below was checked and corrected (the corrections are not yet reviewed by a
Welsh speaker, as all of Cyd's Welsh). The test reads every shipped text a Welsh reader
reads: the message templates, the catalogue, the pages' catalog (.po), the pictograms'
alt texts, and the Welsh strings in the Python sources; and, rendered, every message.
English "Recycle" is corrected too: people read "Send back for more work" (the stored
code `recycle` / `recycled`, and the word a person types at the command line, stay).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from checklists.loader import DEFAULT_DIR
from tests.notifications.test_templates import IDS, SCENARIOS, render
from web.catalogs import catalog_path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "notifications" / "templates"
# The Python packages whose strings people read (messages, refusals, packs, the CLI).
SOURCES = ("checklists", "cli", "flows", "governance", "notifications", "services", "web")
# The Easy Read rules list "ailgylchu" among the words to find, to say they are wrong.
LISTS_WRONG_WORDS = frozenset({ROOT / "governance" / "easy_read.py"})

# wrong form -> what is written instead (the message a failure shows)
WRONG_WELSH: dict[str, str] = {
    r"i chi ei adolygu": "ei hadolygu (menter is feminine)",
    r"\bpenderfynu am\b": "gwneud penderfyniad am",
    r"ddim wedi gwneud rhywbeth": "Mae angen i X wneud rhywbeth o hyd",
    r"\bDydy \{\{ ?[a-z_.]*name ?\}\} ddim wedi": "Mae angen i X ... o hyd",
    r"Penderfyniad y Bwrdd,": "Penderfyniad y Bwrdd: X – wedi'i chymeradwyo (agrees with menter)",
    r"ailgylch": "anfon yn ôl am ragor o waith",
    r"\bDewiswch ddim mwy na\b": "Peidiwch â dewis mwy na",
    r"\bEnwch ddim mwy na\b": "Peidiwch ag enwi mwy na",
    r"luniau i lawr": "tynnwch y lluniau oddi ar y we, neu dilëwch nhw",
    r"yd-gynhyrch": "cydgynhyrchu (one word, any inflection)",
    r"\bAtal\b(?! ac ymyrryd yn gynnar)": "Atal ac ymyrryd yn gynnar (the Act's principle)",
    r"\bgwasanaeth newydd\b": "y gwasanaeth sydd wedi newid",
    r"\bpam ddim\b": "Os na, pam?",
    r"gwneud synnwyr o'r canfyddiadau": "dehongli'r canfyddiadau",
    r"\byn garedig\b": "yn sensitif",
    r"\blog penderfyniadau\b": "cofnod penderfyniadau",
    r"llythyren i mewn": "Y llythyren ‘i’ mewn cylch",
    # A weekday mid-sentence: "erbyn dydd Iau", not "erbyn Dydd Iau".
    r"(?<=[a-zâêîôûŵŷ,] )Dydd (?:Llun|Mawrth|Mercher|Iau|Gwener|Sadwrn|Sul)\b": "dydd, lower case",
}
# The weekday and the Atal patterns are about capitals: matched as written.
_WELSH = [
    (re.compile(p) if "Dydd" in p or "Atal" in p else re.compile(p, re.IGNORECASE), fix)
    for p, fix in WRONG_WELSH.items()
]
# English a person reads: "recycle" only as the code a person types, in quotes.
_RECYCLE = re.compile(r"\brecycl(?:e|ed|es|ing)\b", re.IGNORECASE)
_TYPED_CODE = re.compile(r"'recycle'|\"recycle\"|‘recycle’|recycle \(send back for more work\)")
# One demonstrative a message: "y neges hon" or "y neges yma", not both in one message.
_HON = re.compile(r"\b(?:hon|hwn)\b", re.IGNORECASE)
_YMA = re.compile(r"(?:\by|\byr|'r) [\w’']+ yma\b", re.IGNORECASE)


def wrong_welsh(text: str) -> list[str]:
    return [f"{m.group(0)!r} → {fix}" for rx, fix in _WELSH for m in rx.finditer(text)]


def mixed_demonstratives(text: str) -> bool:
    return bool(_HON.search(text) and _YMA.search(text))


def _jinja_text(source: str) -> str:
    """A template's words: its comments, tags and expressions taken out."""
    source = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    return re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)


def _strings(path: Path) -> Iterator[str]:
    """The string literals of a Python source (f-strings' literal parts too)."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def _po() -> list[tuple[str, str]]:
    """(English, Welsh) of every message of the pages' catalog (each plural form)."""
    with catalog_path("cy", ".po").open("rb") as source:
        catalog = read_po(source)
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        pairs += [(ids[min(i, len(ids) - 1)], s) for i, s in enumerate(strings)]
    return pairs


def shipped_welsh() -> Iterator[tuple[str, str]]:
    """(where, text) of every shipped Welsh text but the checklist definitions'."""
    for path in sorted((TEMPLATES / "cy").rglob("*.j2")):
        yield str(path.relative_to(ROOT)), path.read_text("utf-8")
    yield "governance/catalogue.yaml", (ROOT / "governance" / "catalogue.yaml").read_text("utf-8")
    for english, welsh in _po():
        yield f"messages.po: {english}", welsh
    yield "pictograms", (ROOT / "notifications" / "pictograms" / "index.json").read_text("utf-8")
    for package in SOURCES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path in LISTS_WRONG_WORDS:
                continue
            for string in _strings(path):
                yield str(path.relative_to(ROOT)), string


def test_the_scan_sees_every_kind_of_shipped_welsh() -> None:
    where = {w.split(":")[0] for w, _ in shipped_welsh()}
    assert {"governance/catalogue.yaml", "messages.po", "pictograms"} <= where
    assert "checklists/messages.py" in where
    assert "cli/render.py" in where
    assert any(w.startswith("notifications/templates/cy/easy-read/") for w in where)
    # And the patterns find what they are for.
    assert wrong_welsh("Mae'r Bwrdd wedi penderfynu am y gwaith.")
    assert wrong_welsh("Y rhaglen cyd-gynhyrchu")
    assert wrong_welsh("y cyd-gynhyrchwyr")
    assert wrong_welsh("Y dyddiad cau yw Dydd Iau 10 Rhagfyr.")
    assert not wrong_welsh("Dydd Iau 10 Rhagfyr yw'r dyddiad cau.")
    assert wrong_welsh("Atal")
    assert not wrong_welsh("Atal ac ymyrryd yn gynnar")
    assert mixed_demonstratives("Darllenwch y neges hon. Mae'r gwaith yma yn bwysig.")
    assert not mixed_demonstratives("Mae'r fenter yn dod i ben yma. Darllenwch y neges hon.")


def test_no_corrected_welsh_form_is_shipped() -> None:
    found = [
        f"{where}: {problem}" for where, text in shipped_welsh() for problem in wrong_welsh(text)
    ]
    assert found == []


def test_no_message_of_the_pages_or_the_catalogue_mixes_hon_and_yma() -> None:
    from governance import catalogue as c

    mixed = [english for english, welsh in _po() if mixed_demonstratives(welsh)]
    for code, entry in c.catalogue().entries.items():
        for form in ("cy", "cy_easy"):
            if mixed_demonstratives(str(entry.texts[form])):
                mixed.append(f"{code} ({form})")
    assert mixed == []


def _english_people_read() -> Iterator[tuple[str, str]]:
    for path in sorted((TEMPLATES / "en").rglob("*.j2")):
        yield str(path.relative_to(ROOT)), _jinja_text(path.read_text("utf-8"))
    for english, _welsh in _po():
        yield f"messages.po: {english}", english
    from governance import catalogue as c

    for code, entry in c.catalogue().entries.items():
        for form in ("en", "en_easy"):
            said = c.say(code, "en", form == "en_easy", **entry.example)
            for value in entry.example.values():  # the example's data, not the text's words
                said = said.replace(str(value), "")
            yield f"{code} ({form})", said


def test_english_says_send_back_for_more_work_not_recycle() -> None:
    found = [
        f"{where}: {text.strip()[:80]}"
        for where, text in _english_people_read()
        if _RECYCLE.search(_TYPED_CODE.sub("", text))
    ]
    assert found == []


def _payload_strings(node: object) -> Iterator[str]:
    """The free text a payload carries (titles, the definitions' questions, names)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _payload_strings(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _payload_strings(value)


@pytest.mark.parametrize("easy_read", [False, True], ids=["standard", "easy-read"])
@pytest.mark.parametrize(("name", "event", "payload"), SCENARIOS, ids=IDS)
def test_every_welsh_message_as_sent_is_corrected_and_keeps_one_demonstrative(
    name: str, event: str, payload: dict[str, Any], easy_read: bool
) -> None:
    message = render(event, payload, "cy", easy_read)
    for text in (message.subject, " ".join(message.text.split())):
        # What the payload brings (the definitions' questions among it) is not the
        # message's own wording: the definitions have their own test, below.
        for written in sorted(_payload_strings(payload), key=len, reverse=True):
            if len(written) > 3:
                text = text.replace(" ".join(written.split()), "")
        assert wrong_welsh(text) == []
        assert not mixed_demonstratives(text), text


def _definitions_welsh() -> Iterator[tuple[str, str]]:
    for path in sorted(DEFAULT_DIR.glob("*.yaml")):
        yield path.name, path.read_text("utf-8")


# Every version shipped, the earlier ones too: ventures in flight still read them.
def test_no_corrected_welsh_form_is_in_the_checklist_definitions() -> None:
    found = [f"{where}: {p}" for where, text in _definitions_welsh() for p in wrong_welsh(text)]
    assert found == []
