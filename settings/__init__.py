"""Cyd's settings: every `CYD_*` environment variable, read in one place, checked at start.

    settings.current() -> Settings   # the settings in force (checked; cached)
    settings.reload() -> Settings    # forget the cached settings and read them again

`Settings` (settings/environment.py) holds the database URL, the data, mailbox and
cache folders, the time zone of every local time, the orchestration mode, the Board
packs' PDF font, the project folder of the workers and the secret key(s) that seal
channel URLs at rest. A value Cyd cannot use is refused with a `SettingsError` (a
ValueError) whose one-line message names the variable, the value and what is accepted
(the database URL is never shown: it may hold a password; a secret key neither);
`cyd` checks them before any command (cli/main.py), so a mistake shows at once, as
one line, not half-way through a command or in a worker's flow run.

This package imports no other Cyd layer; checklists/ and governance/ never import it
(they are given the values they need).

Why a frozen dataclass checked by hand, not pydantic-settings nor a pydantic model:
`cyd checklist validate` and `cyd venture show` start without pydantic (cli/main.py),
and every command would pay for importing it here first. Measured on this project,
`import pydantic_settings` costs about 0.4 s and `import pydantic` 0.1 s, this package
a few ms (most of it zoneinfo, needed anyway to check the time zone). The checks are
few and simple (a zone name, a choice, folders, a file, a URL's scheme), so pydantic
would add cost and no safety.

Caching: the settings are parsed and checked once per environment. `current()` looks
up the variables it reads (and those the defaults depend on: HOME, XDG_DATA_HOME, ...)
and reads them again only when one of them changed since the last time: a dozen
dictionary look-ups a call. So a process that sets a variable (`cyd demo` points its
flows at the demo's database) and a test that monkeypatches one get the new value at
once, without a fixture to remember. `reload()` is for what the environment does not
show, e.g. a data folder that has since become a file.
"""

from __future__ import annotations

import os

from settings.environment import (
    BASE_URL_ENV,
    CACHE_DIR_ENV,
    DATA_DIR_ENV,
    DATABASE_URL_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_ORCHESTRATION,
    DEFAULT_TIMEZONE,
    MAILBOX_DIR_ENV,
    ORCHESTRATION_ENV,
    ORCHESTRATION_MODES,
    PDF_FONT_ENV,
    PLATFORM,
    PROJECT_DIR_ENV,
    SECRET_KEY_ENV,
    TIMEZONE_ENV,
    VARIABLES,
    Orchestration,
    Settings,
    SettingsError,
    from_environ,
)

__all__ = [
    "BASE_URL_ENV",
    "CACHE_DIR_ENV",
    "DATABASE_URL_ENV",
    "DATA_DIR_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_ORCHESTRATION",
    "DEFAULT_TIMEZONE",
    "MAILBOX_DIR_ENV",
    "ORCHESTRATION_ENV",
    "ORCHESTRATION_MODES",
    "PDF_FONT_ENV",
    "PROJECT_DIR_ENV",
    "SECRET_KEY_ENV",
    "TIMEZONE_ENV",
    "VARIABLES",
    "Orchestration",
    "Settings",
    "SettingsError",
    "current",
    "from_environ",
    "reload",
]

_WATCHED = VARIABLES + PLATFORM
# (the values read, the settings made of them): replaced whole, so a thread reads
# a consistent pair without a lock (two threads may both read; either result is right).
_cached: tuple[tuple[str | None, ...], Settings] | None = None


def current() -> Settings:
    """The settings in force, from the environment; SettingsError if a value is wrong."""
    global _cached
    values = tuple(os.environ.get(name) for name in _WATCHED)
    found = _cached
    if found is not None and found[0] == values:
        return found[1]
    made = from_environ({n: v for n, v in zip(_WATCHED, values, strict=True) if v is not None})
    _cached = (values, made)
    return made


def reload() -> Settings:
    """Forget the cached settings and read the environment again."""
    global _cached
    _cached = None
    return current()
