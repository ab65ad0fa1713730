"""The venture's record as the Prefect UI shows it: keys, both languages, people's words
shown as words (no markup of their own)."""

from __future__ import annotations

from typing import Any

from checklists.loader import load_library
from flows.records import artifact_key, markdown, tally_key, tally_rows


def data(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "v-0001",
        "title": "Café *for all* <script>",
        "workstream": "day-opportunities",
        "lead": "gareth.jones@example.org",
        "state": "draft",
        "gate": "delivery",
        "deadline": None,
        "checklists": [],
        "reviews": [],
        "ballot": None,
        "decisions": [
            {
                "gate": "design",
                "ballot": 1,
                "outcome": "approved_with_conditions",
                "reasons": [{"code": "outcome", "text": "Carried."}],
                "tally": {"voted": 3, "approve": 2, "approve_with_conditions": 1, "recycle": 0},
                "conditions": ["Pay people | from day one"],
                "closed_by": "chair",
                "casting_vote_used": False,
                "at": "2026-11-20T10:00:00+00:00",
            }
        ],
    }
    return base | changes


def test_keys_are_lowercase_letters_digits_and_dashes() -> None:
    assert artifact_key("ld-autism", "v-0001") == "ld-autism-venture-v-0001"
    assert artifact_key("LD_Autism", "V_12.3") == "ld-autism-venture-v-12-3"
    assert tally_key("ld-autism", "v-0001") == "ld-autism-venture-v-0001-tally"


def test_two_programmes_sharing_a_prefect_server_keep_their_records_apart() -> None:
    # Venture ids are numbered per database, so two programmes both have v-0001.
    assert artifact_key("north", "v-0001") != artifact_key("south", "v-0001")
    assert tally_key("north", "v-0001") != tally_key("south", "v-0001")


def test_the_record_is_in_english_and_welsh_and_escapes_peoples_words() -> None:
    text = markdown(data(), load_library())
    english, welsh = text.split("## Cymraeg")
    assert "## English" in english
    assert "approved with conditions" in english
    assert "The chair closed the vote." in english
    assert "wedi'i chymeradwyo gydag amodau" in welsh
    assert "Porth dylunio" in welsh  # the gate's Welsh title
    assert "Cymerodd 3 aelod ran" in welsh
    assert "Caeodd y cadeirydd y bleidlais." in welsh
    assert "\\*for all\\*" in text
    assert "\\<script\\>" in text
    assert "Pay people \\| from day one" in text
    assert "Carried." in english
    assert "Carried." not in welsh  # the reasons are written in English only


def test_the_tally_table_names_each_count_in_both_languages() -> None:
    rows = tally_rows({"members": 6, "approve": 2, "voted": 3})
    first = {"count": "members", "English": "Board members", "Cymraeg": "Aelodau'r Bwrdd"}
    assert rows[0] == {**first, "n": 6}
    assert [r["count"] for r in rows] == ["members", "voted", "approve"]
