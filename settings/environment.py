"""Cyd's `CYD_*` environment variables: their names, their defaults, and their checks.

`from_environ(env)` reads a mapping (the process's environment, or a test's own) into
a `Settings`, or raises `SettingsError` naming the variable, the value it holds and
what it accepts. Values are taken as given apart from surrounding white space (time
zone, orchestration) and `~` (paths); an empty variable counts as unset.
"""

from __future__ import annotations

import base64
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DATABASE_URL_ENV = "CYD_DATABASE_URL"
DATA_DIR_ENV = "CYD_DATA_DIR"
MAILBOX_DIR_ENV = "CYD_MAILBOX_DIR"
CACHE_DIR_ENV = "CYD_CACHE_DIR"
TIMEZONE_ENV = "CYD_TIMEZONE"
ORCHESTRATION_ENV = "CYD_ORCHESTRATION"
PDF_FONT_ENV = "CYD_PDF_FONT"
PROJECT_DIR_ENV = "CYD_PROJECT_DIR"
BASE_URL_ENV = "CYD_BASE_URL"
SQLITE_SYNC_ENV = "CYD_SQLITE_SYNC"
SECRET_KEY_ENV = "CYD_SECRET_KEY"  # noqa: S105 (the name of the variable)
RELAY_CONCURRENCY_ENV = "CYD_RELAY_CONCURRENCY"

# Every variable Cyd reads (the README's "Settings" table lists the same).
VARIABLES: tuple[str, ...] = (
    DATABASE_URL_ENV,
    DATA_DIR_ENV,
    MAILBOX_DIR_ENV,
    CACHE_DIR_ENV,
    TIMEZONE_ENV,
    ORCHESTRATION_ENV,
    PDF_FONT_ENV,
    PROJECT_DIR_ENV,
    BASE_URL_ENV,
    SQLITE_SYNC_ENV,
    SECRET_KEY_ENV,
    RELAY_CONCURRENCY_ENV,
)
# The variables the defaults depend on (the platform's per-user folders).
PLATFORM: tuple[str, ...] = (
    "HOME",
    "USERPROFILE",
    "XDG_DATA_HOME",
    "XDG_CACHE_HOME",
    "LOCALAPPDATA",
)

DEFAULT_TIMEZONE = "Europe/London"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
Orchestration = Literal["auto", "direct", "flows", "events"]
SqliteSync = Literal["full", "normal"]
ORCHESTRATION_MODES: tuple[Orchestration, ...] = ("auto", "direct", "flows", "events")
DEFAULT_ORCHESTRATION: Orchestration = "auto"
DEFAULT_RELAY_CONCURRENCY = 4
MAX_RELAY_CONCURRENCY = 32

# How SQLAlchemy recognises a URL (`name://...`, the name letters, digits, _ and +),
# and the databases Cyd runs on.
_URL = re.compile(r"^(?P<name>[\w+]+)://")
_BACKENDS = frozenset({"sqlite", "postgres", "postgresql"})


class SettingsError(ValueError):
    """A `CYD_*` variable holds a value Cyd cannot use. The message is one line."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(message)
        self.variable = variable


@dataclass(frozen=True, slots=True)
class Settings:
    """Every `CYD_*` setting, checked, with its default applied."""

    data_dir: Path  # CYD_DATA_DIR, else the platform's per-user data folder
    # CYD_DATABASE_URL as given (None: the SQLite file `cyd.db` in `data_dir`). It may
    # hold a password: never in the repr.
    database_url: str | None = field(repr=False)
    mailbox_dir: Path  # CYD_MAILBOX_DIR, else `data_dir / "mailbox"`
    cache_dir: Path  # CYD_CACHE_DIR, else `$XDG_CACHE_HOME/cyd` (`~/.cache/cyd`)
    timezone: ZoneInfo  # CYD_TIMEZONE, else Europe/London: every local time
    orchestration: Orchestration  # CYD_ORCHESTRATION, else auto (see flows.trigger)
    pdf_font: Path | None  # CYD_PDF_FONT: the Board packs' TrueType font, else found
    project_dir: Path | None  # CYD_PROJECT_DIR: where workers run flows (prefect.yaml)
    # CYD_BASE_URL: where people reach the pages (sign-in links point there; never a
    # request's Host header, which anyone can set). No trailing slash. None: unset
    # (`cyd web` then links to the address it serves, else DEFAULT_BASE_URL).
    base_url: str | None = None
    # CYD_SQLITE_SYNC: full (the default: a commit is on disk before it returns) or
    # normal (a power cut may lose the last commits: for throwaway databases, such as
    # the test suite's, where an fsync a commit costs minutes and protects nothing).
    sqlite_sync: SqliteSync = "full"
    # CYD_SECRET_KEY: the key(s) that seal channel URLs at rest (models.sealed), Fernet
    # keys separated by commas, the first sealing and every one opening. None: the key
    # file in the data folder. A secret: never in the repr, nor in any message.
    secret_keys: tuple[str, ...] | None = field(default=None, repr=False)
    # CYD_RELAY_CONCURRENCY: how many messages one relay sends at once (1 to 32; 1: one
    # at a time). Each waits on its mail or web server, so a few at once keep up.
    relay_concurrency: int = DEFAULT_RELAY_CONCURRENCY


def from_environ(env: Mapping[str, str]) -> Settings:
    """The settings `env` gives, or SettingsError for the first value Cyd cannot use."""

    def given(name: str) -> str | None:
        return env.get(name) or None

    def path(value: str) -> Path:
        # `~` is the home of `env` (Path.expanduser would take the process's).
        if value == "~" or value.startswith(("~/", "~" + os.sep)):
            return _home(env) / value[2:]
        return Path(value).expanduser()

    data = given(DATA_DIR_ENV)
    data_dir = _folder(DATA_DIR_ENV, data, path(data)) if data else _platform_data_dir(env)
    mailbox = given(MAILBOX_DIR_ENV)
    cache = given(CACHE_DIR_ENV)
    font = given(PDF_FONT_ENV)
    project = given(PROJECT_DIR_ENV)
    return Settings(
        data_dir=data_dir,
        database_url=_database_url(given(DATABASE_URL_ENV)),
        mailbox_dir=(
            _folder(MAILBOX_DIR_ENV, mailbox, path(mailbox)) if mailbox else data_dir / "mailbox"
        ),
        # Not checked: the cache is a convenience, and one that cannot be used is
        # simply not used (checklists.validcache), e.g. /dev/null/none for cold runs.
        cache_dir=path(cache) if cache else _platform_cache_dir(env),
        timezone=_timezone(given(TIMEZONE_ENV)),
        orchestration=_orchestration(given(ORCHESTRATION_ENV)),
        pdf_font=_font(font, path(font)) if font else None,
        # Read by prefect.yaml's pull step on each worker; on the machine that deploys
        # it need not exist, so only its form is taken.
        project_dir=path(project) if project else None,
        base_url=_base_url(given(BASE_URL_ENV)),
        sqlite_sync=_sqlite_sync(given(SQLITE_SYNC_ENV)),
        secret_keys=secret_keys(SECRET_KEY_ENV, given(SECRET_KEY_ENV)),
        relay_concurrency=_relay_concurrency(given(RELAY_CONCURRENCY_ENV)),
    )


def secret_keys(variable: str, value: str | None) -> tuple[str, ...] | None:
    """The Fernet keys in `value` (comma- or line-separated), or None when there are none.
    Each must be 32 bytes in URL-safe base64 (44 characters), as `cyd secrets new-key`
    makes them. The value is never shown: it is a secret."""
    if value is None:
        return None
    keys = tuple(k.strip() for k in re.split(r"[,\s]+", value) if k.strip())
    if not keys:
        return None
    for n, key in enumerate(keys, start=1):
        if not _fernet_key(key):
            which = f"key {n} of {len(keys)}" if len(keys) > 1 else "its value"
            raise SettingsError(
                variable,
                f"{variable} must be one or more keys made by `cyd secrets new-key`"
                f" (44 characters of URL-safe base64, separated by commas): {which} is not"
                " one (the value is not shown)",
            )
    return keys


def _fernet_key(key: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32 and len(key) == 44
    except (ValueError, UnicodeEncodeError):
        return False


def _sqlite_sync(value: str | None) -> SqliteSync:
    name = (value or "full").strip().lower()
    if name == "full":
        return "full"
    if name == "normal":
        return "normal"
    raise _refuse(SQLITE_SYNC_ENV, value or "", "full or normal")


def _relay_concurrency(value: str | None) -> int:
    if value is None:
        return DEFAULT_RELAY_CONCURRENCY
    text = value.strip()
    if text.isdigit() and 1 <= int(text) <= MAX_RELAY_CONCURRENCY:
        return int(text)
    raise _refuse(RELAY_CONCURRENCY_ENV, value, f"a whole number from 1 to {MAX_RELAY_CONCURRENCY}")


def _base_url(value: str | None) -> str | None:
    if value is None:
        return None
    if not value.startswith(("http://", "https://")) or len(value.split("://", 1)[1]) == 0:
        raise SettingsError(
            BASE_URL_ENV,
            f"{BASE_URL_ENV} must be the pages' address, http(s)://HOST[:PORT][/PATH],"
            f" not {value!r}",
        )
    return value.rstrip("/")


# --- defaults --------------------------------------------------------------------------


def _home(env: Mapping[str, str]) -> Path:
    # As Path.home(), but from `env`.
    home = env.get("HOME") or (env.get("USERPROFILE") if sys.platform == "win32" else None)
    return Path(home) if home else Path.home()


def _platform_data_dir(env: Mapping[str, str]) -> Path:
    """Linux and other Unix: `$XDG_DATA_HOME/cyd` (default `~/.local/share/cyd`);
    macOS: `~/Library/Application Support/cyd`; Windows: `%LOCALAPPDATA%\\cyd`."""
    home = _home(env)
    if sys.platform == "win32":
        return Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local") / "cyd"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "cyd"
    xdg = env.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else home / ".local" / "share") / "cyd"


def _platform_cache_dir(env: Mapping[str, str]) -> Path:
    xdg = env.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else _home(env) / ".cache") / "cyd"


# --- checks ----------------------------------------------------------------------------


def _refuse(variable: str, value: str, accepted: str) -> SettingsError:
    return SettingsError(variable, f"{variable} must be {accepted}, not {value!r}")


def _folder(variable: str, value: str, path: Path) -> Path:
    """A folder, or where one can be made: refused if it, or a folder above it, is a file."""
    for above in (path, *path.parents):
        if above.exists():
            if above.is_dir():
                return path
            where = "a file" if above == path else f"inside the file {str(above)!r}"
            raise SettingsError(
                variable, f"{variable} must be a folder, not {value!r}, which is {where}"
            )
    return path


def _font(value: str, path: Path) -> Path:
    if not path.is_file():
        why = "a folder" if path.is_dir() else "not there"
        raise SettingsError(
            PDF_FONT_ENV,
            f"{PDF_FONT_ENV} must be a TrueType font file (.ttf), not {value!r}, which is {why}",
        )
    return path


def _timezone(value: str | None) -> ZoneInfo:
    name = (value or DEFAULT_TIMEZONE).strip()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a folder of zones ("Europe") or an unreadable file.
        raise _refuse(
            TIMEZONE_ENV, name, "a time zone name such as Europe/London or America/New_York"
        ) from None


def _orchestration(value: str | None) -> Orchestration:
    chosen = (value or DEFAULT_ORCHESTRATION).strip().lower()
    if chosen not in ORCHESTRATION_MODES:
        raise _refuse(ORCHESTRATION_ENV, chosen, f"one of {', '.join(ORCHESTRATION_MODES)}")
    return chosen


def _database_url(value: str | None) -> str | None:
    """The URL as given, if it names a database Cyd runs on. The URL itself is never
    put in a message: it may hold a password; its scheme alone may be."""
    if value is None:
        return None
    found = _URL.match(value)
    if found is None:
        raise SettingsError(
            DATABASE_URL_ENV,
            f"{DATABASE_URL_ENV} is not a database URL (sqlite:///FILE or postgresql://...)",
        )
    name = found["name"]
    if name.split("+")[0] not in _BACKENDS:
        raise SettingsError(
            DATABASE_URL_ENV,
            f"{DATABASE_URL_ENV} must be a sqlite:///FILE or postgresql://USER@HOST/DB URL,"
            f" not a {name!r} one",
        )
    return value
