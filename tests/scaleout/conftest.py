"""One scale-out set-up for the scale-out tests (see `cluster.py`): started on first
use, stopped as soon as the module's tests are done (its workers run scheduled flows
every minute, which the rest of the suite should not pay for).

It needs the PostgreSQL server on 127.0.0.1:5432 (`CYD_TEST_POSTGRES_URL`); if that
does not answer, the tests FAIL (they skip only with `CYD_SKIP_POSTGRES=1`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from models.db import make_engine
from tests.scaleout.cluster import Cluster, ClusterError


def _postgres_answers(cluster: Cluster) -> None:
    engine = make_engine(cluster.admin_url.update_query_dict({"connect_timeout": "5"}))
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        where = cluster.admin_url.render_as_string(hide_password=True)
        pytest.fail(
            f"PostgreSQL did not answer at {where}: {' '.join(str(error.orig).split())}\n"
            "The scale-out tests need it (.ci/run starts it); CYD_SKIP_POSTGRES=1 skips them.",
            pytrace=False,
        )
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if os.environ.get("CYD_SKIP_POSTGRES") == "1":
        pytest.skip("CYD_SKIP_POSTGRES=1: PostgreSQL tests skipped on request")
    made = Cluster(tmp_path_factory.mktemp("scaleout"))
    _postgres_answers(made)
    started = time.monotonic()
    try:
        made.up()
    except ClusterError as error:
        made.down()
        pytest.fail(f"the scale-out set-up did not come up: {error}", pytrace=False)
    except BaseException:
        made.down()
        raise
    print(f"\nscale-out set-up up in {time.monotonic() - started:.1f} s: {made.timings}")
    try:
        yield made
    finally:
        made.down()
