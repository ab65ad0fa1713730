"""Secrets at rest: channel URLs sealed in the database with a key kept outside it.

A channel's apprise URL can hold an SMTP password or a service's token. It is stored
sealed: `SealedText` (the type of `channel.url`, and of `programme_version.sealed_source`,
the programme file as loaded) encrypts on every write and decrypts on every read, so
the code reads and writes plain URLs and the database file, its backups and anyone
who can read them see only `fernet:` and a Fernet token (AES-128-CBC with an
HMAC-SHA256, from the `cryptography` package). A row without the prefix is one
written before sealing: it is read as it is (migration 0011 seals every such row).

The key. `CYD_SECRET_KEY` if set: one or more Fernet keys separated by commas (the
first seals, every one opens). Else the key file `secret.key` in the data folder
(same form, one key a line), made readable by its owner only (0600) by `cyd init`, or
by the first write of a sealed value when there is none yet. A database without its
key is a database whose channels cannot send: a backup needs the key too.

Errors are one line and never hold a key or a URL: `MissingKey` (a sealed value and
no key), `WrongKey` (no key given opens it).

Rotation (`rotate`, `cyd secrets rotate`): with the key file, a new key is written
first in the file ahead of the old one (old key kept), every sealed value is sealed
again under the new key in one unit of work, and then the file holds the new key
alone; each file replaced atomically (a crash at any point leaves a file whose keys
open every row). With `CYD_SECRET_KEY`, the new key is put first in it by whoever
runs Cyd (`NEW,OLD`), `cyd secrets rotate` seals everything under it, and the old key
is then taken out of the variable.

Why Fernet tokens and no fingerprint column: a token differs at each sealing (a random
IV), so a channel cannot be looked up by its URL in SQL. The few places that match a
URL (a programme import keeping a person's unchanged channels, the replay finding a
channel) read that person's few channels and compare in Python; a keyed fingerprint
column would be one more secret-derived value to keep in step on rotation, for no
query that needs it.

The stored programme copy (`programme_version.source`, read for the rules, the
contact and the pages) keeps its channels masked (`mask_channels`): `mailto://***`.
The file as loaded is kept sealed beside it (`sealed_source`), for the replay of the
audit log, which must import exactly the same file again.
"""

from __future__ import annotations

import functools
import os
import secrets as _random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Dialect, Text, TypeDecorator, column, select, table, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DontWrapMixin

import settings
from settings import SECRET_KEY_ENV, SettingsError

if TYPE_CHECKING:
    import yaml
    from cryptography.fernet import MultiFernet
    from sqlalchemy.engine import Engine

PREFIX = "fernet:"
KEY_FILE = "secret.key"


class SecretKeyError(DontWrapMixin, Exception):
    """The secret key is missing, wrong or unreadable. The message is one line, and
    never holds a key or a URL. (Raised as it is from inside a statement: SQLAlchemy
    would wrap it with the statement.)"""


class MissingKey(SecretKeyError):
    def __init__(self) -> None:
        super().__init__(
            f"no secret key to open the stored channels: set {SECRET_KEY_ENV}, or put back"
            f" the key file {key_file()} (the one they were sealed with)"
        )


class WrongKey(SecretKeyError):
    def __init__(self) -> None:
        super().__init__(
            f"the secret key ({key_source()}) does not open the stored channels: they were"
            " sealed with another key"
        )


def key_file() -> Path:
    """Where the key file is: `secret.key` in the data folder."""
    return settings.current().data_dir / KEY_FILE


def key_source() -> str:
    """Where the key in force comes from, for messages (never the key itself)."""
    if settings.current().secret_keys:
        return SECRET_KEY_ENV
    return f"the key file {key_file()}"


def new_key() -> str:
    """A new random key (32 bytes, URL-safe base64), as Fernet takes it."""
    import base64

    return base64.urlsafe_b64encode(_random.token_bytes(32)).decode("ascii")


def keys(*, create: bool = False) -> tuple[str, ...] | None:
    """The keys in force: `CYD_SECRET_KEY`, else the key file's (made first if `create`
    and there is none), else None."""
    configured = settings.current().secret_keys
    if configured:
        return configured
    path = key_file()
    found = _file_keys(path)
    if found is None and create:
        make_key_file(path)
        found = _file_keys(path)
    return found


def _file_keys(path: Path) -> tuple[str, ...] | None:
    try:
        stat = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return _read_key_file(str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)


@functools.lru_cache(maxsize=8)
def _read_key_file(path: str, _mtime: int, _size: int, _inode: int) -> tuple[str, ...] | None:
    # Read again when the file changed (its time, size or inode: a rotation replaces it).
    try:
        text = Path(path).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        raise SecretKeyError(f"cannot read the key file {path}") from None
    try:
        found = settings.environment.secret_keys(SECRET_KEY_ENV, text)
    except SettingsError:
        raise SecretKeyError(
            f"the key file {path} does not hold a key made by `cyd secrets new-key`"
        ) from None
    return found


def make_key_file(path: Path | None = None) -> bool:
    """Make the key file with a new key, readable by its owner only (0600), in a folder
    of theirs (0700, if it is made now). False if there is one already (it is kept)."""
    path = path or key_file()
    if path.exists():
        return False
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    temporary = _write_private(path, (new_key(),))
    try:
        os.link(temporary, path)  # never over a file made meanwhile
        return True
    except FileExistsError:
        return False
    finally:
        temporary.unlink()


def write_key_file(path: Path, written: tuple[str, ...]) -> None:
    """Replace the key file, atomically, with `written` (0600)."""
    temporary = _write_private(path, written)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _write_private(path: Path, written: tuple[str, ...]) -> Path:
    handle, name = tempfile.mkstemp(prefix=".secret-", dir=path.parent)  # 0600
    try:
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write("".join(f"{k}\n" for k in written))
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


@functools.lru_cache(maxsize=8)
def _fernet(given: tuple[str, ...]) -> MultiFernet:
    from cryptography.fernet import Fernet, MultiFernet

    return MultiFernet([Fernet(k.encode("ascii")) for k in given])


def seal(plain: str, given: tuple[str, ...] | None = None) -> str:
    """`plain` sealed under the first key (`given`, else the keys in force)."""
    found = given or keys(create=True)
    assert found is not None
    return PREFIX + _fernet(found).encrypt(plain.encode("utf-8")).decode("ascii")


def unseal(stored: str, given: tuple[str, ...] | None = None) -> str:
    """The plain text of a stored value (one without the prefix is taken as it is)."""
    if not stored.startswith(PREFIX):
        return stored
    found = given or keys()
    if found is None:
        raise MissingKey()
    from cryptography.fernet import InvalidToken

    try:
        return _fernet(found).decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise WrongKey() from None


def is_sealed(stored: str | None) -> bool:
    return stored is not None and stored.startswith(PREFIX)


class SealedText(TypeDecorator[str]):
    """Text sealed at rest: plain in Python, `fernet:TOKEN` in the database."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else unseal(value)


# --- the stored programme copy --------------------------------------------------------------


def mask_channels(text: str) -> str:
    """A programme file's text with each channel URL (`people[].channels[]`, and
    `ideas.reply_channel`) masked as
    `"scheme://***"`, everything else as written (comments, order, lines). A text that
    is not a programme, or has no channels, is given back unchanged."""
    import yaml  # here: only an import of a programme file masks one

    from models.tables import mask_url

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        tokens = list(yaml.scan(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return text
    ends: set[int] = {node.end_mark.index for node in _channel_nodes(root)}
    spans = sorted(
        (token.start_mark.index, token.end_mark.index, token)
        for token in tokens
        if isinstance(token, yaml.ScalarToken) and token.end_mark.index in ends
    )
    out: list[str] = []
    at = 0
    for start, end, token in spans:
        if start < at:
            continue
        written = text[start:end]
        shown = mask_url(str(token.value))
        masked = '"' + (shown if "://" in shown else "***://***") + '"'
        if token.style in ("|", ">") and written.endswith("\n"):
            masked += "\n"  # a block scalar ends with its line
        out.append(text[at:start])
        out.append(masked)
        at = end
    out.append(text[at:])
    return "".join(out)


def _channel_nodes(root: yaml.Node | None) -> list[yaml.ScalarNode]:
    import yaml

    found: list[yaml.ScalarNode] = []
    reply = _value(_value(root, "ideas"), "reply_channel")
    if isinstance(reply, yaml.ScalarNode):
        found.append(reply)
    people = _value(root, "people")
    if not isinstance(people, yaml.SequenceNode):
        return found
    for person in people.value:
        channels = _value(person, "channels")
        if isinstance(channels, yaml.SequenceNode):
            found.extend(c for c in channels.value if isinstance(c, yaml.ScalarNode))
    return found


def _value(node: Any, key: str) -> yaml.Node | None:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node  # type: ignore[no-any-return]
    return None


# --- sealing everything again ---------------------------------------------------------------

_CHANNEL = table("channel", column("id"), column("url"))
_VERSION = table("programme_version", column("id"), column("sealed_source"))


@dataclass(frozen=True)
class Resealed:
    channels: int  # channel rows sealed again
    versions: int  # programme versions sealed again
    source: str  # where the key in force now is (never the key)


def reseal(connection: Connection, given: tuple[str, ...]) -> tuple[int, int]:
    """Seal every stored secret again under `given[0]` (opened with any of `given`);
    plain rows from before sealing are sealed too. WrongKey if a row does not open."""
    counts = []
    for where, value in ((_CHANNEL, _CHANNEL.c.url), (_VERSION, _VERSION.c.sealed_source)):
        rows = connection.execute(select(where.c.id, value).where(value.is_not(None))).all()
        for row_id, stored in rows:
            sealed = seal(unseal(stored, given), given)
            connection.execute(update(where).where(where.c.id == row_id).values({value: sealed}))
        counts.append(len(rows))
    return counts[0], counts[1]


def rotate(engine: Engine, new: str | None = None) -> Resealed:
    """Seal every stored secret under a new key (see the module's docstring). `new`: the
    key to use (default: a new random one); not taken with `CYD_SECRET_KEY`, whose
    first key is the new one."""
    from models.db import unit_of_work

    configured = settings.current().secret_keys
    if configured:
        if new is not None:
            raise SecretKeyError(
                f"{SECRET_KEY_ENV} is set: put the new key first in it (NEW,OLD) and rotate"
                " without a key file"
            )
        with unit_of_work(engine) as session:
            channels, versions = reseal(session.connection(), configured)
        return Resealed(channels, versions, SECRET_KEY_ENV)
    path = key_file()
    old = _file_keys(path) or ()
    if new is not None:
        try:
            settings.environment.secret_keys("the new key", new)  # checked, never shown
        except SettingsError as error:
            raise SecretKeyError(str(error)) from None
    fresh = new or new_key()
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    # The old keys stay in the file until every row is sealed under the new one.
    write_key_file(path, (fresh, *old))
    try:
        with unit_of_work(engine) as session:
            channels, versions = reseal(session.connection(), (fresh, *old))
    except BaseException:
        if old:
            write_key_file(path, old)
        else:
            path.unlink(missing_ok=True)
        raise
    write_key_file(path, (fresh,))
    return Resealed(channels, versions, f"the key file {path}")
