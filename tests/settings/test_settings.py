"""The settings object: every `CYD_*` variable read, its default, each bad value refused
with the variable's name, and `current()` following the environment."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import settings
from settings import Settings, SettingsError, from_environ

ROOT = Path(__file__).resolve().parents[2]
SECRET = "S3cr3t-pa55w0rd"  # noqa: S105 - a made-up one, looked for in messages
# Where Cyd's own code lives (not its tests or benchmarks, which have knobs of their own).
CODE = ("checklists", "governance", "models", "services", "notifications", "flows", "web", "cli")
NOT_SETTINGS = {
    "_CYD_COMPLETE",  # Typer's shell completion asks the app through it
    # The fault-injection suite's hooks, read in models/faults.py only, inert when unset.
    "CYD_TEST_FAULT_AT",
    "CYD_TEST_LOCK_WAIT",
}
TEST_HOOKS = Path("models") / "faults.py"


def home(tmp_path: Path) -> dict[str, str]:
    """An environment with nothing of Cyd's set and a home of the test's own."""
    return {"HOME": str(tmp_path / "home")}


# --- defaults ----------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform in {"win32", "darwin"}, reason="the XDG layout")
def test_with_nothing_set_every_setting_has_its_default(tmp_path: Path) -> None:
    found = from_environ(home(tmp_path))
    data = tmp_path / "home" / ".local" / "share" / "cyd"
    assert found == Settings(
        data_dir=data,
        database_url=None,
        mailbox_dir=data / "mailbox",
        cache_dir=tmp_path / "home" / ".cache" / "cyd",
        timezone=ZoneInfo("Europe/London"),
        orchestration="auto",
        pdf_font=None,
        project_dir=None,
    )


@pytest.mark.skipif(sys.platform in {"win32", "darwin"}, reason="the XDG layout")
def test_the_default_folders_follow_xdg(tmp_path: Path) -> None:
    env = home(tmp_path) | {"XDG_DATA_HOME": "/srv/data", "XDG_CACHE_HOME": "/srv/cache"}
    found = from_environ(env)
    assert found.data_dir == Path("/srv/data/cyd")
    assert found.mailbox_dir == Path("/srv/data/cyd/mailbox")
    assert found.cache_dir == Path("/srv/cache/cyd")


def test_an_empty_variable_counts_as_unset(tmp_path: Path) -> None:
    empty = dict.fromkeys(settings.VARIABLES, "")
    assert from_environ(home(tmp_path) | empty) == from_environ(home(tmp_path))


# --- every variable ----------------------------------------------------------------------


def test_every_variable_is_read(tmp_path: Path) -> None:
    font = tmp_path / "Font.ttf"
    font.write_bytes(b"not looked inside")
    url = f"postgresql://cyd:{SECRET}@db.example.org:5432/cyd"
    env = home(tmp_path) | {
        "CYD_DATABASE_URL": url,
        "CYD_DATA_DIR": str(tmp_path / "data"),
        "CYD_MAILBOX_DIR": str(tmp_path / "mail"),
        "CYD_CACHE_DIR": str(tmp_path / "cache"),
        "CYD_TIMEZONE": " Pacific/Auckland ",
        "CYD_ORCHESTRATION": "Events",
        "CYD_PDF_FONT": str(font),
        "CYD_PROJECT_DIR": "/srv/cyd",
        "CYD_BASE_URL": "https://cyd.example.org/pages/",
        "CYD_SQLITE_SYNC": " Normal ",
        "CYD_SECRET_KEY": f" {KEY_1},{KEY_2}\n",
        "CYD_RELAY_CONCURRENCY": " 8 ",
    }
    assert set(env) - {"HOME"} == set(settings.VARIABLES)
    assert from_environ(env) == Settings(
        data_dir=tmp_path / "data",
        database_url=url,
        mailbox_dir=tmp_path / "mail",
        cache_dir=tmp_path / "cache",
        timezone=ZoneInfo("Pacific/Auckland"),
        orchestration="events",
        pdf_font=font,
        project_dir=Path("/srv/cyd"),
        base_url="https://cyd.example.org/pages",
        sqlite_sync="normal",
        secret_keys=(KEY_1, KEY_2),
        relay_concurrency=8,
    )
    assert KEY_1 not in repr(from_environ(env))


def test_the_mailbox_folder_follows_the_data_folder(tmp_path: Path) -> None:
    found = from_environ(home(tmp_path) | {"CYD_DATA_DIR": str(tmp_path / "data")})
    assert found.mailbox_dir == tmp_path / "data" / "mailbox"


def test_a_home_folder_is_expanded(tmp_path: Path) -> None:
    found = from_environ(home(tmp_path) | {"CYD_DATA_DIR": "~/cyd-data"})
    assert found.data_dir == tmp_path / "home" / "cyd-data"


@pytest.mark.parametrize("mode", ["auto", "direct", "flows", "events"])
def test_each_orchestration_mode_is_accepted(tmp_path: Path, mode: str) -> None:
    assert from_environ(home(tmp_path) | {"CYD_ORCHESTRATION": mode}).orchestration == mode


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///cyd.db",
        "sqlite://",
        "postgres://cyd@db/cyd",
        "postgresql://cyd@db/cyd",
        "postgresql+psycopg://cyd@db/cyd",
        "postgresql+psycopg2://cyd@db/cyd",
    ],
)
def test_the_databases_cyd_runs_on_are_accepted(tmp_path: Path, url: str) -> None:
    assert from_environ(home(tmp_path) | {"CYD_DATABASE_URL": url}).database_url == url


# --- bad values --------------------------------------------------------------------------


def bad_values(tmp_path: Path) -> list[tuple[str, str, str]]:
    """(variable, value, what the message says is accepted)."""
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder", encoding="utf-8")
    return [
        ("CYD_TIMEZONE", "Mars/Olympus_Mons", "a time zone name such as Europe/London"),
        ("CYD_TIMEZONE", "Europe", "a time zone name such as Europe/London"),
        ("CYD_TIMEZONE", "../../etc/passwd", "a time zone name such as Europe/London"),
        ("CYD_TIMEZONE", "/etc/localtime", "a time zone name such as Europe/London"),
        ("CYD_ORCHESTRATION", "sometimes", "one of auto, direct, flows, events"),
        ("CYD_DATA_DIR", str(a_file), "a folder"),
        ("CYD_DATA_DIR", str(a_file / "below"), "a folder"),
        ("CYD_MAILBOX_DIR", str(a_file), "a folder"),
        ("CYD_PDF_FONT", str(tmp_path / "missing.ttf"), "a TrueType font file"),
        ("CYD_PDF_FONT", str(tmp_path), "a TrueType font file"),
        ("CYD_BASE_URL", "cyd.example.org", "the pages' address, http(s)://HOST"),
        ("CYD_BASE_URL", "javascript:alert(1)", "the pages' address, http(s)://HOST"),
        ("CYD_BASE_URL", "https://", "the pages' address, http(s)://HOST"),
        ("CYD_SQLITE_SYNC", "off", "full or normal"),
        ("CYD_RELAY_CONCURRENCY", "0", "a whole number from 1 to 32"),
        ("CYD_RELAY_CONCURRENCY", "many", "a whole number from 1 to 32"),
    ]


BAD_VALUES = 16


@pytest.mark.parametrize("case", range(BAD_VALUES))
def test_each_bad_value_is_refused_naming_the_variable_the_value_and_what_is_accepted(
    tmp_path: Path, case: int
) -> None:
    variable, value, accepted = bad_values(tmp_path)[case]
    with pytest.raises(SettingsError) as refused:
        from_environ(home(tmp_path) | {variable: value})
    message = str(refused.value)
    assert refused.value.variable == variable
    assert message.startswith(f"{variable} must be {accepted}")
    assert repr(value.strip()) in message
    assert "\n" not in message


def test_every_checked_variable_has_a_bad_value_above(tmp_path: Path) -> None:
    cases = bad_values(tmp_path)
    assert len(cases) == BAD_VALUES  # each one is a case of the test above
    # (The two secrets are checked below, without showing their values.)
    checked = {variable for variable, _, _ in cases} | {"CYD_DATABASE_URL", "CYD_SECRET_KEY"}
    # Not checked, on purpose: an unusable cache is no cache; the project folder is
    # where the workers are, not necessarily here.
    assert checked == set(settings.VARIABLES) - {"CYD_CACHE_DIR", "CYD_PROJECT_DIR"}


KEY_1 = "dGhlLWN5ZC10ZXN0LXN1aXRlLWtleS0zMi1ieXRlcyE="
KEY_2 = "YW5vdGhlci1jeWQtdGVzdC1rZXktb2YtMzItYnl0ZXM="


@pytest.mark.parametrize(
    ("value", "which"),
    [
        (SECRET, "its value is not one"),
        (KEY_1[:-2], "its value is not one"),
        (f"{KEY_1},{SECRET}", "key 2 of 2 is not one"),
        ("x" * 44, "its value is not one"),
    ],
)
def test_a_bad_secret_key_is_refused_without_showing_it(
    tmp_path: Path, value: str, which: str
) -> None:
    with pytest.raises(SettingsError) as refused:
        from_environ(home(tmp_path) | {"CYD_SECRET_KEY": value})
    message = str(refused.value)
    assert message.startswith("CYD_SECRET_KEY must be one or more keys made by")
    assert f"{which} (the value is not shown)" in message
    assert SECRET not in message
    assert KEY_1[:-2] not in message
    assert "x" * 44 not in message


def test_a_data_folder_that_is_a_file_says_so(tmp_path: Path) -> None:
    a_file = tmp_path / "cyd.db"
    a_file.write_bytes(b"")
    with pytest.raises(SettingsError, match=r"not '.*cyd\.db', which is a file$"):
        from_environ(home(tmp_path) | {"CYD_DATA_DIR": str(a_file)})


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (f"not a url {SECRET}", "CYD_DATABASE_URL is not a database URL (sqlite:///FILE"),
        (f"{SECRET}", "CYD_DATABASE_URL is not a database URL (sqlite:///FILE"),
        (f"mysql://cyd:{SECRET}@db/cyd", "CYD_DATABASE_URL must be a sqlite:///FILE or"),
        (f"mysql+pymysql://cyd:{SECRET}@db/cyd", "not a 'mysql+pymysql' one"),
    ],
)
def test_a_bad_database_url_is_refused_without_showing_it(
    tmp_path: Path, url: str, says: str
) -> None:
    with pytest.raises(SettingsError) as refused:
        from_environ(home(tmp_path) | {"CYD_DATABASE_URL": url})
    assert says in str(refused.value)
    assert refused.value.variable == "CYD_DATABASE_URL"
    assert SECRET not in str(refused.value)


def test_the_database_url_is_not_in_the_repr(tmp_path: Path) -> None:
    url = f"postgresql://cyd:{SECRET}@db.example.org/cyd"
    found = from_environ(home(tmp_path) | {"CYD_DATABASE_URL": url})
    assert found.database_url == url
    assert SECRET not in repr(found)


def test_the_settings_are_frozen(tmp_path: Path) -> None:
    found = from_environ(home(tmp_path))
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.orchestration = "direct"  # type: ignore[misc]


# --- current() and reload() --------------------------------------------------------------


def test_current_is_read_once_and_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CYD_TIMEZONE", "America/New_York")
    first = settings.current()
    assert first.timezone == ZoneInfo("America/New_York")
    assert settings.current() is first  # nothing changed: the same object, not read again
    monkeypatch.setenv("CYD_TIMEZONE", "Pacific/Auckland")
    assert settings.current().timezone == ZoneInfo("Pacific/Auckland")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # a default's source
    monkeypatch.delenv("CYD_DATA_DIR", raising=False)
    if sys.platform not in {"win32", "darwin"}:
        assert settings.current().data_dir == tmp_path / "xdg" / "cyd"


def test_current_refuses_a_bad_value_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CYD_ORCHESTRATION", "sometimes")
    for _ in range(2):
        with pytest.raises(SettingsError, match="CYD_ORCHESTRATION"):
            settings.current()
    monkeypatch.setenv("CYD_ORCHESTRATION", "direct")
    assert settings.current().orchestration == "direct"


def test_reload_reads_again_what_the_environment_does_not_show(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    monkeypatch.setenv("CYD_DATA_DIR", str(folder))
    assert settings.current().data_dir == folder
    folder.write_text("now a file", encoding="utf-8")
    assert settings.current().data_dir == folder  # the same variables: the cached settings
    with pytest.raises(SettingsError, match="which is a file"):
        settings.reload()


# --- one place ---------------------------------------------------------------------------


def _reads_of_the_environment(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) of each os.environ.get / os.getenv / os.environ[...] read."""
    found = []
    for node in ast.walk(tree):
        target: ast.expr | None = None
        if isinstance(node, ast.Call) and node.args:
            name = ast.unparse(node.func)
            if name in {"os.environ.get", "os.getenv", "environ.get", "getenv"}:
                target = node.args[0]
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and ast.unparse(node.value) in {"os.environ", "environ"}
        ):
            target = node.slice
        if target is not None:
            found.append((node.lineno, ast.unparse(target)))
    return found


def test_no_module_but_settings_reads_a_cyd_variable() -> None:
    problems = []
    for package in CODE:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.relative_to(ROOT) == TEST_HOOKS:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for line, what in _reads_of_the_environment(tree):
                if "CYD_" in what or what.endswith("_ENV"):
                    problems.append(f"{path.relative_to(ROOT)}:{line}: reads {what}")
    assert not problems, "read these through settings.current():\n" + "\n".join(problems)


def test_the_scan_finds_a_read() -> None:
    source = 'import os\nos.environ.get("CYD_X")\nos.environ[MODE_ENV]\nos.environ["A"] = "b"\n'
    assert _reads_of_the_environment(ast.parse(source)) == [(2, "'CYD_X'"), (3, "MODE_ENV")]


def test_every_cyd_variable_named_in_the_code_is_a_setting() -> None:
    named = set()
    for package in CODE:
        for path in (ROOT / package).rglob("*.py"):
            named |= set(re.findall(r"\b_?CYD_[A-Z_]+\b", path.read_text(encoding="utf-8")))
    assert named - NOT_SETTINGS <= set(settings.VARIABLES)
    assert set(settings.VARIABLES) <= named | {"CYD_PROJECT_DIR"}  # read by prefect.yaml


def test_the_readme_table_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n### Settings\n", 1)[1].split("\n### ", 1)[0]
    rows = re.findall(r"^\| `(CYD_[A-Z_]+)` \|", section, re.MULTILINE)
    assert rows == list(settings.VARIABLES)


def test_reading_the_settings_imports_no_pydantic() -> None:
    # The CLI's quick paths (cli/main.py) check the settings and must stay without it.
    probe = (
        "import sys, settings; settings.current(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'pydantic', 'pydantic_settings', 'sqlalchemy', 'yaml', 'models', 'cli'}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYD_")}
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert shown.stdout.strip() == "[]"


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/New_York"])
def test_every_local_time_uses_the_one_zone(monkeypatch: pytest.MonkeyPatch, zone: str) -> None:
    from notifications import relay, render
    from services import reminders
    from services.local_time import local_day

    monkeypatch.setenv("CYD_TIMEZONE", zone)
    expected = ZoneInfo(zone)
    assert render.local_zone() == expected  # messages and Board packs
    assert relay.local_zone() == expected  # quiet hours and digests
    assert reminders.local_zone() == expected  # reminder days
    evening = dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)
    assert local_day(evening) == evening.astimezone(expected).date()  # papers' day
