"""`cyd demo` runs the main path for real, through the Prefect flows on Prefect's
local server, and leaves a data folder to look at."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CYD = Path(sys.executable).with_name("cyd")


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CYD), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_demo_walks_the_main_path_and_its_data_can_be_inspected(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path), "COLUMNS": "300"}
    # A Prefect of its own, as on a fresh machine: no server configured, a new home.
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    # No secret key given, as a newcomer runs it: the demo's data folder has its own
    # key file, and nothing is written into the home folder's data folder.
    for name in ("PREFECT_API_URL", "PREFECT_PROFILE", "CYD_ORCHESTRATION", "CYD_SECRET_KEY"):
        env.pop(name, None)
    env["HOME"] = str(tmp_path / "home")
    env.pop("XDG_DATA_HOME", None)
    result = run(["demo"], env)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").rglob("secret.key"))
    out = result.stdout
    assert "on Prefect's local server" in out
    runs = re.search(
        r"Prefect flow runs: (\d+) \(advance-v-0001 ×(\d+), deliver-notifications ×1", out
    )
    assert runs is not None, out
    # One per action the rules act on (three submissions, the second review, two
    # closes); the others (answers, sign-offs, most votes) start no flow run.
    assert int(runs.group(2)) == 6, out
    assert "prepare-board-pack ×1" in out
    assert "send-reminders ×2" in out
    assert re.search(r"Board pack \(flow\) papers for the meeting on [\d-]+: 6 members", out)
    # A week before the vote's deadline only Priya has neither voted nor asked for time;
    # the translator is reminded of each text still waiting for its Welsh (how many are
    # due depends on the weekday the demo runs: working days).
    reminded = re.search(
        r"reminds the members who have not voted yet, and the translator: (\d+) reminder\(s\)",
        out,
    )
    assert reminded is not None, out
    assert int(reminded.group(1)) >= 1
    assert re.search(r"venture\.reminder ×\d+", out)
    assert "Sweep (flow) checks the waiting ventures: nothing was missed" in out
    assert "venture-v-0001-tally" in out
    assert "prefect server start" in out
    assert "Traceback" not in result.stderr
    assert "submits: returned" in out
    # Deadlines are the end of a working day (17:00 local), never a weekend.
    closes = re.search(r"it closes at 5pm on (\w+day) \d+ \w+ \d{4}", out)
    assert closes is not None, out
    assert closes.group(1) not in ("Saturday", "Sunday")
    # The Welsh title the translator gave is what the Welsh readers' messages say.
    assert "Lowri (translator) gives the Welsh title" in out
    welsh = re.search(r"nia\.morgan: .*", out)
    assert welsh is not None
    assert "Caffi cymunedol" in welsh.group(0)
    # Issue 12: answered is not met, co-producers sign off, the condition is carried.
    flat = " ".join(out.split())
    assert "submits: returned, 2 answers are answered but not met" in flat
    assert "who-decides: Say which decisions people with lived experience share" in flat
    assert "who-decides: Dywedwch pa benderfyniadau" in flat
    assert 'Nia signs off: "this checklist says what we agreed"' in flat
    assert "submits again: met and signed off" in flat
    assert "the next gate asks: The Board's condition: “Pay people for their time" in flat
    assert "Gareth answers how the condition was met (condition-1)" in flat
    assert "Decision at gate design: approved_with_conditions" in out
    assert "Condition: Pay people for their time from the first day." in out
    assert "tries to vote: refused and recorded" in out
    assert "chain intact" in out
    assert re.search(r"\d+ in cy/easy-read", out)  # Welsh Easy Read messages queued
    sent = re.search(r"The relay sent (\d+) message\(s\).*?(\d+) given up", out, re.S)
    assert sent is not None
    assert int(sent.group(1)) > 0
    assert sent.group(2) == "0"
    folder = Path(re.search(r"Data: (\S+)", out).group(1))  # type: ignore[union-attr]
    assert folder.parent == tmp_path

    shown = run(["venture", "show", "v-0001", "--json"], {**env, "CYD_DATA_DIR": str(folder)})
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert (data["state"], data["gate"]) == ("draft", "delivery")
    assert [d["outcome"] for d in data["decisions"]] == ["approved_with_conditions"]
    # Each person's messages are real .eml files in their local mailbox.
    megan = sorted((folder / "mailbox" / "megan.lloyd").glob("*.eml"))
    assert megan
    from email import policy
    from email.parser import BytesParser

    letter = BytesParser(policy=policy.default).parsebytes(megan[0].read_bytes())
    assert letter["X-Cyd-Format"] == "easy-read"
    assert "cy" in letter["Content-Language"]
    # The Easy Read papers carry the summary Gareth wrote and Sam agreed to (issue 13).
    assert 'Sam checks the Easy Read summary: "it says it right"' in flat
    aled = next((folder / "board-packs").glob("*/aled.evans@example.org.html"))
    assert "We want to open a café in the old library." in aled.read_text(encoding="utf-8")
    verify = run(["audit", "verify"], {**env, "CYD_DATA_DIR": str(folder)})
    assert verify.returncode == 0, verify.stdout + verify.stderr
