"""The definitions read back from the cache (`validcache.load_library`) are the ones the
loader gives, and a change to any file is loaded afresh."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from checklists import loader, validcache
from checklists.library import DefinitionError, Library

HERE = Path(__file__).resolve().parent
SHIPPED = loader.DEFAULT_DIR


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def _no_loading(*_: Any) -> Library:
    raise AssertionError("the definitions were loaded, not read back from the cache")


def _fields_set(model: Any) -> Any:
    """Which fields each model, nested ones included, was given."""
    if isinstance(model, BaseModel):
        return (
            sorted(model.model_fields_set),
            {name: _fields_set(getattr(model, name)) for name in type(model).model_fields},
        )
    if isinstance(model, list | tuple):
        return [_fields_set(m) for m in model]
    return None


def _assert_same(cached: Library, loaded: Library) -> None:
    assert list(cached.sources.items()) == list(loaded.sources.items())
    assert list(cached.checklists) == list(loaded.checklists)
    assert list(cached.gates) == list(loaded.gates)
    for key, checklist in loaded.checklists.items():
        assert cached.checklists[key] == checklist
        assert _fields_set(cached.checklists[key]) == _fields_set(checklist)
    for key, gate in loaded.gates.items():
        assert cached.gates[key] == gate
        assert _fields_set(cached.gates[key]) == _fields_set(gate)
    assert list(cached.principle_sets) == list(loaded.principle_sets)
    for key, principle_set in loaded.principle_sets.items():
        assert cached.principle_sets[key] == principle_set
        assert _fields_set(cached.principle_sets[key]) == _fields_set(principle_set)


@pytest.mark.parametrize(
    "paths",
    [
        None,
        [SHIPPED],
        [HERE / "valid"],
        [HERE / "valid" / "sample.yaml"],
        [HERE / "shared"],
        [HERE / "shared" / "sharing.yaml"],
    ],
    ids=["default", "shipped", "sample-folder", "sample-file", "shared", "sharing-file"],
)
def test_the_cached_library_is_the_loaded_one(
    paths: Sequence[Path] | None, monkeypatch: pytest.MonkeyPatch, cache_dir: Path
) -> None:
    loaded = loader.load_library(paths)
    first = validcache.load_library(paths, cache_dir=cache_dir)  # loads, and keeps them
    _assert_same(first, loaded)
    assert validcache.library_cache_path(cache_dir).is_file()
    monkeypatch.setattr(loader, "load_library", _no_loading)
    _assert_same(validcache.load_library(paths, cache_dir=cache_dir), loaded)


def test_a_changed_file_is_loaded_again(tmp_path: Path, cache_dir: Path) -> None:
    folder = tmp_path / "defs"
    shutil.copytree(SHIPPED, folder)
    before = validcache.load_library([folder], cache_dir=cache_dir)
    target = folder / "gate-design-v2.yaml"  # the latest version of the design gate
    text = target.read_text(encoding="utf-8")
    old_title = before.gate("design").title.en
    target.write_text(text.replace(old_title, "Design, retitled"), encoding="utf-8")
    again = validcache.load_library([folder], cache_dir=cache_dir)
    assert again.gate("design").title.en == "Design, retitled"
    # Broken: the loader's error, every time, never an older set from the cache.
    target.write_text(text + "colour: red\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DefinitionError, match="unknown key 'colour'"):
            validcache.load_library([folder], cache_dir=cache_dir)
    target.write_text(text, encoding="utf-8")
    _assert_same(validcache.load_library([folder], cache_dir=cache_dir), before)


def test_a_changed_shared_set_is_loaded_again(tmp_path: Path, cache_dir: Path) -> None:
    # The checklists that share a set carry its principles: a change to the set alone
    # must reach them, not the copies resolved before.
    folder = tmp_path / "defs"
    shutil.copytree(HERE / "shared", folder)
    before = validcache.load_library([folder / "sharing.yaml"], cache_dir=cache_dir)
    assert before.checklist("sharing").principles[1].label.en == "Share power"
    target = folder / "values.yaml"
    target.write_text(
        target.read_text(encoding="utf-8").replace("Share power", "Share the power"), "utf-8"
    )
    again = validcache.load_library([folder / "sharing.yaml"], cache_dir=cache_dir)
    assert again.checklist("sharing").principles[1].label.en == "Share the power"


def test_a_damaged_cache_means_loading(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> None:
    loaded = validcache.load_library(cache_dir=cache_dir)
    path = validcache.library_cache_path(cache_dir)
    path.write_text(path.read_text(encoding="utf-8")[:-100], encoding="utf-8")
    # loaded again, and kept again
    _assert_same(validcache.load_library(cache_dir=cache_dir), loaded)
    monkeypatch.setattr(loader, "load_library", _no_loading)
    _assert_same(validcache.load_library(cache_dir=cache_dir), loaded)


def test_labels_relative_to_the_working_folder_are_part_of_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_dir: Path
) -> None:
    # A gate checked on its own: the checklists beside it are named relative to the
    # working folder, so the same files loaded from elsewhere are named otherwise.
    folder = tmp_path / "defs"
    shutil.copytree(SHIPPED, folder)
    gate = folder / "gate-design.yaml"
    monkeypatch.chdir(tmp_path)
    here = validcache.load_library([gate], cache_dir=cache_dir)
    assert here.sources == loader.load_library([gate]).sources
    monkeypatch.chdir(folder)
    there = validcache.load_library([gate], cache_dir=cache_dir)
    assert there.sources == loader.load_library([gate]).sources
    assert there.sources != here.sources
