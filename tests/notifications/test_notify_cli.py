"""`cyd notify ...` run as a person runs it: the installed console script, each command
its own process, with its own data folder, mailing the loopback SMTP server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from notifications import mailbox
from tests.notifications.conftest import PASSWORD, SmtpServer, example_data

ROOT = Path(__file__).resolve().parents[2]
CYD = Path(sys.executable).with_name("cyd")
LEAD = "gareth.jones@example.org"
NIA = "nia.morgan@example.org"


class Runner:
    def __init__(self, data_dir: Path) -> None:
        base = {k: v for k, v in os.environ.items() if k != "CYD_DATABASE_URL"}
        self.env = {**base, "CYD_DATA_DIR": str(data_dir), "COLUMNS": "200"}
        self.outputs: list[str] = []

    def __call__(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(CYD), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )
        self.outputs += [result.stdout, result.stderr]
        assert "Traceback" not in result.stderr, result.stderr
        if ok:
            assert result.returncode == 0, f"{args}: {result.stderr}"
        return result

    def json(self, *args: str, ok: bool = True) -> Any:
        return json.loads(self(*args, "--json", ok=ok).stdout)


@pytest.fixture
def cyd(tmp_path: Path, smtp: SmtpServer) -> Iterator[Runner]:
    data = example_data()
    for person in data["people"]:
        if person["email"] == LEAD:
            person["channels"] = [smtp.url(LEAD), "mailbox://gareth.jones"]
    path = tmp_path / "programme.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    runner = Runner(tmp_path / "data")
    runner("init", "--programme", str(path))
    yield runner
    everything = "\n".join(runner.outputs)
    assert PASSWORD not in everything  # no channel URL is ever printed
    assert f"127.0.0.1:{smtp.port}" not in everything
    assert "mailbox://gareth" not in everything


def test_preview_renders_as_the_person_would_get_it(cyd: Runner) -> None:
    group = cyd.json("notify", "preview", "next-gate-opened", "--person", NIA)
    assert group["payload_from"] == "a sample payload"
    assert group["languages"] == ["cy"]  # a group's news too, in the person's language
    assert group["format"] == "easy-read"
    assert "Caffi cymunedol" in group["subject"]  # the venture's Welsh title, for her
    assert 'class="easy-read"' in group["html"]
    # It ends, as sent, with the programme's contact (examples/programme.yaml).
    assert group["text"].rstrip().endswith("Y cyfeiriad e-bost yw cydgynhyrchu@example.org")
    assert "Gofynnwch i Rhian Hopkins." in group["text"]
    own = cyd.json("notify", "preview", "venture.reminder", "--person", NIA)
    assert own["languages"] == ["cy"]
    english = cyd.json("notify", "preview", "reminder", "--person", NIA, "--lang", "en")
    assert (english["languages"], english["format"]) == (["en"], "easy-read")
    standard = cyd.json("notify", "preview", "decision", "--person", NIA, "--standard")
    assert standard["format"] == "standard"
    shown = cyd("notify", "preview", "vote-requested", "--person", "megan.lloyd@example.org")
    assert "Pleidleisiwch" in shown.stdout
    assert "a sample payload" in shown.stdout
    # The daily digest (a sample reminder and decision in it) and the admins' alert.
    digest = cyd.json("notify", "preview", "digest", "--person", NIA)
    # All in Welsh: the decision it carries (a group's news) is in her language too.
    assert (digest["languages"], digest["format"]) == (["cy"], "easy-read")
    assert digest["subject"].startswith("Eich negeseuon Cyd ar gyfer ")
    assert "Rydych chi'n cael eich negeseuon gyda'i gilydd, unwaith y dydd." in digest["text"]
    assert "[1/2]" in digest["text"]
    assert "[2/2]" in digest["text"]
    alert = cyd.json("notify", "preview", "delivery-failed", "--person", "admin@example.org")
    assert (alert["languages"], alert["format"]) == (["en"], "standard")
    assert "Channel: mailto://***" in alert["text"]
    easy = cyd.json(
        "notify", "preview", "delivery-failed", "--person", "admin@example.org", "--lang", "cy",
        "--easy-read",
    )  # fmt: skip
    assert (easy["languages"], easy["format"]) == (["cy"], "easy-read")
    assert easy["subject"] == "Doedd dim modd anfon neges Cyd"


def test_preview_refuses_what_it_cannot_show_in_one_line(cyd: Runner) -> None:
    for args, words in (
        (("no-such-event", "--person", NIA), "unknown event"),
        (("returned", "--person", "nobody@example.org"), "no person"),
        (("returned", "--person", NIA, "--lang", "fr"), "en or cy"),
    ):
        result = cyd("notify", "preview", *args, ok=False)
        assert result.returncode != 0
        assert result.stderr.count("\n") == 1, result.stderr
        assert words in result.stderr


def test_send_due_status_and_test_through_a_mail_server_outage(
    cyd: Runner, smtp: SmtpServer
) -> None:
    venture = cyd(
        "venture", "start", "--workstream", "day-opportunities", "--title", "Café", "--lead", LEAD
    ).stdout.strip()
    assert cyd.json("venture", "submit", venture, "--by", LEAD)["state"] == "returned"
    before = cyd.json("notify", "status")
    assert before["pending"] > 0
    assert before["sent"] == 0
    sent = cyd.json("notify", "send-due")
    assert sent["sent"] == before["pending"]
    assert (sent["failed"], sent["dead"]) == (0, 0)
    [got] = smtp.to(LEAD)
    assert "Café" in str(got.message["Subject"])
    assert len(mailbox.messages("gareth.jones")) == 1
    assert len(mailbox.messages("nia.morgan")) == 1
    assert cyd.json("notify", "send-due")["sent"] == 0  # nothing twice
    # The preview now shows the message Nia actually got.
    again = cyd.json("notify", "preview", "returned", "--person", NIA)
    assert again["payload_from"].startswith("the payload of outbox message")
    assert "Café" in again["subject"]

    smtp.stop()
    failed = cyd("notify", "test", "--person", LEAD, ok=False)
    assert failed.returncode == 1
    assert "✗ mailto://***: not sent" in failed.stdout
    assert "✓ mailbox://***: sent" in failed.stdout
    state = cyd.json("notify", "status")
    [failing] = state["failing_channels"]
    assert (failing["channel"], failing["person"], failing["dead"]) == ("mailto://***", LEAD, 1)
    shown = cyd("notify", "status").stdout
    assert "mailto://***" in shown
    assert "Connection refused" in shown

    smtp.start()
    results = cyd.json("notify", "test", "--person", LEAD)
    assert [r["sent"] for r in results] == [True, True]
    assert [r["channel"] for r in results] == ["mailto://***", "mailbox://***"]
    assert len(smtp.to(LEAD)) == 2
    assert "test" in str(smtp.to(LEAD)[-1].message["Subject"]).lower()

    # The test message given up on in the outage is listed, and offered again by hand.
    [given_up] = cyd.json("notify", "dead")
    assert (given_up["event"], given_up["channel"], given_up["person"]) == (
        "test",
        "mailto://***",
        LEAD,
    )
    assert "Connection refused" in given_up["reason"]
    assert f"{given_up['id']}: test to {LEAD} on mailto://***" in cyd("notify", "dead").stdout
    usage = cyd("notify", "retry", ok=False)
    assert usage.returncode == 2
    assert "name the messages to offer again" in usage.stderr
    unknown = cyd("notify", "retry", "424242", ok=False)
    assert unknown.returncode == 1
    assert "not given-up messages: 424242" in unknown.stderr
    assert cyd.json("notify", "retry", "--all") == {"offered_again": 1, "not_given_up": []}
    assert cyd.json("notify", "send-due")["sent"] == 1
    assert len(smtp.to(LEAD)) == 3
    assert cyd("notify", "dead").stdout.strip() == "No message was given up on."


def test_test_for_someone_unknown_or_without_channels(cyd: Runner) -> None:
    unknown = cyd("notify", "test", "--person", "nobody@example.org", ok=False)
    assert "no person" in unknown.stderr
