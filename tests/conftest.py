"""Suite-wide settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every test (and every process it starts) gets its own validation cache, so
    # no test can pass on a verdict another test left behind.
    cache: Path = tmp_path_factory.mktemp("cyd-cache")
    monkeypatch.setenv("CYD_CACHE_DIR", str(cache))
    # The suite's databases are thrown away: an fsync a commit (Cyd's default, FULL)
    # would cost minutes and protect nothing. tests/models/test_db.py checks FULL.
    monkeypatch.setenv("CYD_SQLITE_SYNC", "normal")
    # Channel URLs are sealed at rest (models.sealed): every test, and every process it
    # starts, seals with this key, so none makes a key file in a real data folder. The
    # tests of the key file itself take the variable away.
    monkeypatch.setenv("CYD_SECRET_KEY", TEST_SECRET_KEY)


# A fixed key for the suite (not a secret: it seals nothing but test data). Set at
# import as well, so that session-wide fixtures (made before any test's own settings)
# seal with it too, and none makes a key file in a real data folder.
TEST_SECRET_KEY = "dGhlLWN5ZC10ZXN0LXN1aXRlLWtleS0zMi1ieXRlcyE="  # noqa: S105
os.environ["CYD_SECRET_KEY"] = TEST_SECRET_KEY
