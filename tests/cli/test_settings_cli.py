"""A `cyd` command started with a setting it cannot use stops at once: one line naming
the variable and the value, a non-zero exit, no traceback, whichever way the command
starts (the Typer app, or the quick paths of cli/main.py without it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_admin_cli import Cyd, one_line_error

COMMANDS = (
    ["people", "list"],  # through the Typer app
    ["venture", "show", "v-0001"],  # the quick path without Typer
    ["checklist", "validate"],  # the quick path without Typer or pydantic
    ["--help"],
)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_a_bad_time_zone_stops_any_command_with_one_line(tmp_path: Path, args: list[str]) -> None:
    cyd = Cyd(tmp_path / "data", env={"CYD_TIMEZONE": "Mars/Olympus_Mons"})
    result = cyd(*args)
    assert result.returncode == 1
    assert one_line_error(result) == (
        "cyd: CYD_TIMEZONE must be a time zone name such as Europe/London or"
        " America/New_York, not 'Mars/Olympus_Mons'"
    )
    assert result.stdout == ""


def test_a_bad_orchestration_mode_stops_a_command_with_one_line(tmp_path: Path) -> None:
    cyd = Cyd(tmp_path / "data", env={"CYD_ORCHESTRATION": "sometimes"})
    line = one_line_error(cyd("venture", "list"))
    assert line == (
        "cyd: CYD_ORCHESTRATION must be one of auto, direct, flows, events, not 'sometimes'"
    )


def test_a_data_folder_that_is_a_file_stops_init_before_anything_is_made(tmp_path: Path) -> None:
    a_file = tmp_path / "data"
    a_file.write_text("not a folder", encoding="utf-8")
    cyd = Cyd(a_file)
    line = one_line_error(cyd("init"))
    assert line == f"cyd: CYD_DATA_DIR must be a folder, not '{a_file}', which is a file"
    assert a_file.read_text(encoding="utf-8") == "not a folder"


def test_good_settings_change_nothing(tmp_path: Path) -> None:
    cyd = Cyd(tmp_path / "data", env={"CYD_TIMEZONE": "Pacific/Auckland"})
    result = cyd("checklist", "validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid: ")


def test_flows_without_a_prefect_server_says_each_command_starts_one(tmp_path: Path) -> None:
    """Said, not refused: the command still works (issue 15 measured 8.5 s a decision)."""
    quiet_prefect = {"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": ""}
    cyd = Cyd(tmp_path / "data", env={"CYD_ORCHESTRATION": "flows", **quiet_prefect})
    assert cyd("init").returncode == 0
    listed = cyd("venture", "list")
    assert listed.returncode == 0
    assert "CYD_ORCHESTRATION=flows with no Prefect server configured" in listed.stderr
    assert "PREFECT_API_URL" in listed.stderr

    served = Cyd(
        tmp_path / "data",
        env={
            "CYD_ORCHESTRATION": "flows",
            **quiet_prefect,
            "PREFECT_API_URL": "http://127.0.0.1:9/api",
        },
    )
    assert "no Prefect server configured" not in served("venture", "list").stderr
