"""What a short-lived command reads back from the cache folder instead of working out
again: the checked catalogue of texts, and the programme in force, parsed (issue 15).

Each must read back exactly what reading the source gives, be used only for exactly
the source it was made from, survive a damaged or foreign file by working it out
again, and keep no secret."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text as text_sql

from governance import catalogue as catalogue_module
from governance import catalogue_cache
from governance.catalogue import LANGUAGES, catalogue, load, plural_category, small_plurals
from models.db import read_session
from services import programme_cache, programme_import
from services.programme_import import current_programme, import_programme, parse_programme
from tests.models.conftest import Backend
from tests.services.test_programme_import import (
    SECRET,
    SECRET_URL,
    example_data,
    masked,
    person_entry,
    programme_of,
)


@pytest.fixture
def kept(tmp_path: Path) -> Iterator[Path]:
    """A cache folder the catalogue and the programme are kept in, for this test only."""
    folder = tmp_path / "cache"
    catalogue.cache_clear()
    catalogue_module.use_cache_dir(folder)
    programme_import.use_cache_dir(folder)
    programme_import._programme_from_source.cache_clear()
    programme_import._PARSED.clear()
    yield folder
    catalogue_module.use_cache_dir(None)
    programme_import.use_cache_dir(None)
    programme_import._programme_from_source.cache_clear()
    catalogue.cache_clear()
    catalogue_module._small_plurals.clear()


def shipped() -> str:
    return catalogue_module.CATALOGUE_FILE.read_text(encoding="utf-8")


# --- the catalogue ------------------------------------------------------------------------


def test_the_catalogue_reads_back_exactly_as_checked(kept: Path) -> None:
    checked = catalogue()  # read, checked and kept
    assert catalogue_cache.cache_path(kept).is_file()
    catalogue.cache_clear()
    again = catalogue()  # read back
    assert again == checked == load(shipped())
    for code in list(checked.entries)[:40]:
        example = dict(checked.entries[code].example)
        for language in LANGUAGES:
            for easy in (False, True):
                assert again.text(code, language, easy, example) == checked.text(
                    code, language, easy, example
                )


def test_the_kept_catalogue_is_used_only_for_the_same_file(kept: Path) -> None:
    catalogue()
    path = catalogue_cache.cache_path(kept)
    data = json.loads(path.read_text(encoding="utf-8"))
    # A kept copy that differs from the file (as if made from another text) is used
    # while its fingerprint matches the file...
    entry = next(e for e in data["catalogue"]["entries"] if isinstance(e["texts"]["en"], str))
    entry["texts"]["en"] = "Kept, not read."
    path.write_text(json.dumps(data), encoding="utf-8")
    catalogue.cache_clear()
    assert catalogue().entries[entry["code"]].texts["en"] == "Kept, not read."
    # ... and never once the fingerprint is another file's.
    data["key"] = catalogue_cache.fingerprint(b"another catalogue")
    path.write_text(json.dumps(data), encoding="utf-8")
    catalogue.cache_clear()
    assert catalogue().entries[entry["code"]].texts["en"] != "Kept, not read."


@pytest.mark.parametrize("damage", ["", "{", "[]", '{"key": 1}', "\x00\x01"])
def test_a_damaged_kept_catalogue_is_read_and_checked_again(kept: Path, damage: str) -> None:
    kept.mkdir(parents=True)
    catalogue_cache.cache_path(kept).write_text(damage, encoding="utf-8")
    assert catalogue() == load(shipped())
    assert json.loads(catalogue_cache.cache_path(kept).read_text(encoding="utf-8"))["key"]


def test_small_counts_take_babels_plural_categories_from_the_kept_table(kept: Path) -> None:
    catalogue()
    catalogue.cache_clear()
    catalogue()  # read back: the table is in use
    assert set(catalogue_module._small_plurals) == set(LANGUAGES)
    for language in LANGUAGES:
        table = small_plurals(language)
        rule = catalogue_module._locale(language).plural_form
        for n in (*range(0, 30), 99, 100, 101, 999, 1000, 1001, 10**6):
            assert plural_category(language, n) == str(rule(n))
            assert plural_category(language, -n) == str(rule(n))
        assert len(table) == catalogue_module.SMALL_COUNTS
    assert plural_category("cy", 3) == "few"
    assert plural_category("cy", 6) == "many"


def test_no_cache_folder_writes_nothing(tmp_path: Path) -> None:
    catalogue.cache_clear()
    catalogue_module.use_cache_dir(None)
    assert catalogue() == load(shipped())
    assert list(tmp_path.iterdir()) == []


# --- the programme in force ----------------------------------------------------------------


def test_the_programme_reads_back_exactly_as_parsed(kept: Path, backend: Backend) -> None:
    data = example_data()
    person_entry(data, "megan.lloyd@example.org")["channels"] = [SECRET_URL]
    programme, text = programme_of(data)
    import_programme(backend.engine, programme, text, "admin@example.org")
    with read_session(backend.engine) as session:
        first = current_programme(session)
    path = programme_cache.cache_path(kept)
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # names and emails: the owner's
    assert SECRET not in path.read_text(encoding="utf-8")  # channels stay masked
    programme_import._PARSED.clear()
    programme_import._programme_from_source.cache_clear()
    with read_session(backend.engine) as session:
        again = current_programme(session)
    assert again == first == masked(programme)


def test_the_kept_programme_is_used_only_for_its_own_text(kept: Path) -> None:
    one = example_data()
    two = example_data()
    person_entry(two, "megan.lloyd@example.org")["name"] = "Megan Ll."
    (programme_one, text_one), (programme_two, text_two) = programme_of(one), programme_of(two)
    parse = lambda source: parse_programme(source, "stored")  # noqa: E731
    assert programme_cache.parsed(text_one, kept, parse) == programme_one
    assert programme_cache.parsed(text_two, kept, parse) == programme_two
    assert programme_cache.parsed(text_one, kept, parse) == programme_one

    def never(source: str) -> object:
        raise AssertionError("parsed again although kept")

    assert programme_cache.parsed(text_one, kept, never) == programme_one  # type: ignore[arg-type]
    programme_cache.cache_path(kept).write_text("{not json", encoding="utf-8")
    assert programme_cache.parsed(text_one, kept, parse) == programme_one


def test_the_programme_in_force_is_read_without_opening_the_sealed_copy(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its masked text is all it needs: no key read, no cipher imported, for a vote."""
    programme, text = programme_of(example_data())
    import_programme(backend.engine, programme, text, "admin@example.org")
    with backend.engine.connect() as connection:
        assert connection.execute(text_sql("SELECT sealed_source FROM programme_version")).scalar()
    programme_import._PARSED.clear()
    programme_import._programme_from_source.cache_clear()
    from models import sealed

    monkeypatch.setattr(sealed, "unseal", lambda *a, **k: pytest.fail("the sealed copy opened"))
    with read_session(backend.engine) as session:
        assert current_programme(session) == masked(programme)
