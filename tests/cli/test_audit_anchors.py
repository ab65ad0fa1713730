"""Heads anchored outside the database catch what the chain alone cannot: a chain
rewritten consistently after an edit, and entries cut off its end (issue 14)."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlmodel import col, delete, select

from checklists.loader import load_library
from models import audit
from models.db import make_engine, unit_of_work
from models.tables import AuditEntry, OutboxMessage
from services.commands import Cyd, start_venture
from tests.cli.support import LEAD, example_folder, run_cyd


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return example_folder(tmp_path / "data", ("Café", "Gardd", "Siop"))


def _rewrite_from(data: Path, seq: int) -> None:
    """Edit entry `seq`, then recompute every hash after it: a consistent chain."""
    engine = make_engine(f"sqlite:///{data / 'cyd.db'}")
    try:
        with unit_of_work(engine) as session:
            rows = session.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all()
            prev = audit.GENESIS_HASH
            for row in rows:
                if row.seq == seq:
                    row.payload = {**row.payload, "title": "Something else"}
                if row.seq >= seq:
                    row.prev_hash = prev
                    row.hash = audit.entry_hash(row)
                    session.add(row)
                prev = row.hash
    finally:
        engine.dispose()


def test_anchoring_then_a_consistent_rewrite_and_a_cut_end(data: Path, tmp_path: Path) -> None:
    anchors = tmp_path / "elsewhere" / "heads.txt"
    first = run_cyd(data, "audit", "anchor", "--file", str(anchors))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("anchored entry 4, head ")
    assert stat.S_IMODE(anchors.stat().st_mode) == 0o600
    assert run_cyd(data, "audit", "verify", "--anchors", str(anchors)).returncode == 0

    # The log grows; it is anchored again; both anchors hold.
    engine = make_engine(f"sqlite:///{data / 'cyd.db'}")
    try:
        start_venture(
            Cyd(engine, load_library()), workstream="day-opportunities", title="Pont", lead=LEAD
        )
    finally:
        engine.dispose()
    assert run_cyd(data, "audit", "anchor", "--file", str(anchors)).returncode == 0
    assert len(anchors.read_text().splitlines()) == 2
    assert run_cyd(data, "audit", "verify", "--anchors", str(anchors)).returncode == 0

    # A venture's title edited in the log, and every later hash recomputed: the chain
    # alone says intact; the anchors do not.
    _rewrite_from(data, 3)
    assert run_cyd(data, "audit", "verify", "--chain-only").returncode == 0
    # (The state check notices too, as the tables still hold the title the log had; a
    # forger who edits both is caught by the anchors alone.)
    assert "stored state is not what it says" in run_cyd(data, "audit", "verify").stderr
    caught = run_cyd(data, "audit", "verify", "--anchors", str(anchors))
    assert caught.returncode == 1
    assert caught.stderr.startswith("cyd: audit log broken at entry 4: its hash is not the one")


def test_entries_cut_off_the_end_are_caught(data: Path, tmp_path: Path) -> None:
    anchors = tmp_path / "heads.txt"
    assert run_cyd(data, "audit", "anchor", "--file", str(anchors)).returncode == 0
    engine = make_engine(f"sqlite:///{data / 'cyd.db'}")
    try:
        with unit_of_work(engine) as session:
            session.exec(delete(AuditEntry).where(col(AuditEntry.seq) > 2))  # type: ignore[call-overload]
    finally:
        engine.dispose()
    # A shorter chain is still a chain.
    assert run_cyd(data, "audit", "verify", "--chain-only").returncode == 0
    caught = run_cyd(data, "audit", "verify", "--anchors", str(anchors))
    assert caught.returncode == 1
    assert "entry 4 was anchored, but the log ends at entry 2" in caught.stderr


def test_anchors_are_kept_away_from_the_database_and_read_strictly(
    data: Path, tmp_path: Path
) -> None:
    inside = run_cyd(data, "audit", "anchor", "--file", str(data / "heads.txt"))
    assert inside.returncode == 1
    assert "inside the data folder" in inside.stderr
    assert not (data / "heads.txt").exists()
    bad = tmp_path / "bad.txt"
    bad.write_text("# heads for the minutes\n\n2026-12-07T10:00:00+00:00 4 abc\n")
    read = run_cyd(data, "audit", "verify", "--anchors", str(bad))
    assert read.returncode == 2
    assert read.stderr == (
        f"cyd: {bad}:3: not an anchor (expected '<time> <entry> <hash>', "
        "as `cyd audit anchor` writes)\n"
    )
    appended = run_cyd(data, "audit", "anchor", "--file", str(bad))
    assert appended.returncode == 1  # never appended to something that is not anchors
    assert bad.read_text().count("\n") == 3
    twice = tmp_path / "twice.txt"
    twice.write_text(
        f"2026-12-07T10:00:00+00:00 2 {'a' * 64}\n2026-12-08T10:00:00+00:00 2 {'b' * 64}\n"
    )
    both = run_cyd(data, "audit", "verify", "--anchors", str(twice))
    assert both.returncode == 1
    assert "entry 2 is anchored with two different hashes" in both.stderr


def test_a_table_edited_behind_the_logs_back_is_caught_by_verify(data: Path) -> None:
    """The chain proves the log; `verify` also rebuilds the state from it and compares."""
    with sqlite3.connect(data / "cyd.db") as connection:
        connection.execute("UPDATE venture SET title = 'Forged' WHERE title = 'Gardd'")
    connection.close()
    assert run_cyd(data, "audit", "verify", "--chain-only").returncode == 0
    caught = run_cyd(data, "audit", "verify")
    assert caught.returncode == 1
    assert caught.stderr.startswith(
        "cyd: the audit log is intact, but the stored state is not what it says: "
    )
    assert "Forged" in caught.stderr
    assert caught.stderr.count("\n") == 1
    as_json = run_cyd(data, "audit", "verify", "--json")
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert report["ok"] is False
    assert report["state"]["ok"] is False
    assert any("Forged" in d for d in report["state"]["differences"])


def test_the_head_is_sent_to_people_to_keep_and_the_log_does_not_move(
    data: Path, tmp_path: Path
) -> None:
    """`--send-to` queues the head to each person named, in their language and format;
    the relay delivers it like any message; anchoring writes nothing to the log, so the
    head sent is still the head; the same head is never queued twice to one person."""
    anchors = tmp_path / "heads.txt"
    chair, supporter = "megan.lloyd@example.org", "tom.price@example.org"
    sent = run_cyd(
        data, "audit", "anchor", "--file", str(anchors), "--send-to", chair,
        "--send-to", supporter, "--json",
    )  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    made = json.loads(sent.stdout)
    assert (made["entry"], made["messages"]) == (4, 2)  # one channel each
    head = made["head"]
    assert anchors.read_text().split()[1:] == ["4", head]
    assert run_cyd(data, "audit", "verify", "--head", head).returncode == 0  # not moved

    delivered = run_cyd(data, "notify", "send-due")
    assert delivered.returncode == 0, delivered.stderr
    boxes = {
        name: [p.read_text("utf-8") for p in (data / "mailbox" / name).glob("*.eml")]
        for name in ("megan.lloyd", "tom.price")
    }
    [megan], [tom] = boxes["megan.lloyd"], boxes["tom.price"]
    assert head in megan
    assert head in tom
    assert "Cod gwirio'r cofnodion yw" in megan  # Welsh, Easy Read
    assert "log archwilio" in tom  # Welsh, standard

    again = run_cyd(data, "audit", "anchor", "--send-to", chair, "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["messages"] == 0  # the same head: already queued
    assert len(anchors.read_text().splitlines()) == 1  # no --file: the file untouched


def test_an_unknown_person_sends_nothing_and_writes_no_anchor(data: Path, tmp_path: Path) -> None:
    anchors = tmp_path / "heads.txt"
    refused = run_cyd(
        data, "audit", "anchor", "--file", str(anchors), "--send-to", "megan.lloyd@example.org",
        "--send-to", "nobody@example.org",
    )  # fmt: skip
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        "cyd: no active person with email 'nobody@example.org' in the programme: nothing was sent"
    ]
    assert not anchors.exists()
    engine = make_engine(f"sqlite:///{data / 'cyd.db'}")
    try:
        with unit_of_work(engine) as session:
            queued = session.exec(
                select(OutboxMessage).where(OutboxMessage.event == "audit-anchor")
            ).all()
    finally:
        engine.dispose()
    assert queued == []
    nowhere = run_cyd(data, "audit", "anchor")
    assert nowhere.returncode != 0
    assert "--file FILE, --send-to EMAIL, or both" in nowhere.stderr
