"""`cyd people code EMAIL --by ADMIN`: the one command that prints a sign-in code, for
a person who cannot get messages; run as an admin runs it (the console script)."""

from __future__ import annotations

import datetime as dt
import re

from sqlmodel import select

from models import tables as t
from models.db import make_engine, read_session
from services.sign_in import redeem_code
from tests.cli.test_admin_cli import Cyd, cyd, one_line_error  # noqa: F401  (a fixture)

NIA = "nia.morgan@example.org"


def test_an_admin_prints_a_code_that_signs_the_person_in(cyd: Cyd) -> None:  # noqa: F811
    assert cyd("init").returncode == 0
    printed = cyd("people", "code", NIA, "--by", "admin@example.org")
    assert printed.returncode == 0, printed.stderr
    [code] = re.findall(r"Sign-in code for nia\.morgan@example\.org: (\d{6})\n", printed.stdout)
    assert "It works once, until " in printed.stdout
    shown = cyd.json("people", "code", "NIA.MORGAN@example.org", "--by", "admin@example.org")
    assert shown["person"] == NIA
    assert re.fullmatch(r"\d{6}", shown["code"])
    engine = make_engine(f"sqlite:///{cyd.database}")
    try:
        now = dt.datetime.now(dt.UTC)
        # The second code replaced the first; it signs Nia in.
        assert redeem_code(engine, NIA, shown["code"], now).person.email == NIA
        with read_session(engine) as session:
            rows = session.exec(select(t.SignInRequest)).all()
        assert [(r.kind, r.used_at is not None) for r in rows] == [
            ("printed", False),
            ("printed", True),
        ]
        assert code not in "".join(str(r) for r in rows)
    finally:
        engine.dispose()


def test_a_non_admin_is_refused_and_an_unknown_person_named(cyd: Cyd) -> None:  # noqa: F811
    assert cyd("init").returncode == 0
    refused = cyd("people", "code", NIA, "--by", "gareth.jones@example.org")
    assert one_line_error(refused) == "cyd: Only an admin may print a sign-in code for someone."
    assert not re.search(r"\d{6}", refused.stdout)
    unknown = cyd("people", "code", "nobody@example.org", "--by", "admin@example.org")
    assert (
        one_line_error(unknown) == "cyd: no person with email 'nobody@example.org' in the programme"
    )
