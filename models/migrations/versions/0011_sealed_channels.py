"""Secrets at rest: channel URLs sealed, the stored programme copy with channels masked.

Every `channel.url` not sealed yet is sealed (`fernet:` and a Fernet token) under the
key in force: `CYD_SECRET_KEY` (its first key), else the data folder's key file
`secret.key` (its first line), made now (0600) if there is none and there is
something to seal. Each programme version's text gets its channels masked
(`"mailto://***"`), and the text as loaded is kept sealed in the new column
`programme_version.sealed_source` (for the replay). `channel.url` is TEXT on both
databases: a token (about 1.4 times the URL, plus 100 characters) fits as it is.

Downgrade opens them again (the key is needed) and drops the column.

Self-contained, like every revision: the sealing's format and the masking are written
out here as they were at this revision, not imported from the application.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from alembic import op

import settings

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PREFIX = "fernet:"
_CHANNEL = sa.table("channel", sa.column("id"), sa.column("url"))
_VERSION = sa.table(
    "programme_version", sa.column("id"), sa.column("source"), sa.column("sealed_source")
)


def upgrade() -> None:
    op.add_column("programme_version", sa.Column("sealed_source", sa.Text(), nullable=True))
    bind = op.get_bind()
    seal = _Sealer()
    for row_id, url in bind.execute(sa.select(_CHANNEL.c.id, _CHANNEL.c.url)).all():
        if not url.startswith(_PREFIX):
            bind.execute(_CHANNEL.update().where(_CHANNEL.c.id == row_id).values(url=seal(url)))
    versions = bind.execute(sa.select(_VERSION.c.id, _VERSION.c.source)).all()
    for row_id, source in versions:
        masked = _mask_channels(source)
        if masked != source:
            bind.execute(
                _VERSION.update()
                .where(_VERSION.c.id == row_id)
                .values(source=masked, sealed_source=seal(source))
            )


def downgrade() -> None:
    bind = op.get_bind()
    unseal = _Sealer().open
    for row_id, url in bind.execute(sa.select(_CHANNEL.c.id, _CHANNEL.c.url)).all():
        if url.startswith(_PREFIX):
            bind.execute(_CHANNEL.update().where(_CHANNEL.c.id == row_id).values(url=unseal(url)))
    query = sa.select(_VERSION.c.id, _VERSION.c.sealed_source).where(
        _VERSION.c.sealed_source.is_not(None)
    )
    for row_id, sealed in bind.execute(query).all():
        bind.execute(_VERSION.update().where(_VERSION.c.id == row_id).values(source=unseal(sealed)))
    with op.batch_alter_table("programme_version") as batch:
        batch.drop_column("sealed_source")


class _Sealer:
    """Seals with the first key in force, opens with any; finds the keys when first used."""

    def __init__(self) -> None:
        self._keys: Any = None

    def _fernet(self, *, create: bool) -> Any:
        from cryptography.fernet import Fernet, MultiFernet

        if self._keys is None:
            keys = settings.current().secret_keys or _file_keys(create=create)
            if not keys:
                raise RuntimeError(
                    "no secret key to open the stored channels: set CYD_SECRET_KEY, or put"
                    " back the data folder's key file secret.key"
                )
            self._keys = MultiFernet([Fernet(k.encode("ascii")) for k in keys])
        return self._keys

    def __call__(self, plain: str) -> str:
        token = self._fernet(create=True).encrypt(plain.encode("utf-8"))
        return _PREFIX + str(token.decode("ascii"))

    def open(self, stored: str) -> str:
        from cryptography.fernet import InvalidToken

        try:
            token = stored[len(_PREFIX) :].encode("ascii")
            return str(self._fernet(create=False).decrypt(token).decode("utf-8"))
        except InvalidToken:
            raise RuntimeError(
                "the secret key does not open the stored channels: they were sealed with"
                " another key"
            ) from None


def _file_keys(*, create: bool) -> list[str]:
    path = settings.current().data_dir / "secret.key"
    if not path.exists() and create:
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".secret-", dir=path.parent)  # 0600
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii") + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(name, path)
        except FileExistsError:
            pass
        finally:
            Path(name).unlink()
    if not path.exists():
        return []
    return [k for k in re.split(r"[,\s]+", path.read_text(encoding="ascii")) if k]


def _mask_channels(text: str) -> str:
    """The text with each `people[].channels[]` URL written `"scheme://***"`."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        tokens = list(yaml.scan(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return text
    ends = set()
    people = _value(root, "people")
    for person in people.value if isinstance(people, yaml.SequenceNode) else []:
        channels = _value(person, "channels")
        if isinstance(channels, yaml.SequenceNode):
            ends |= {c.end_mark.index for c in channels.value if isinstance(c, yaml.ScalarNode)}
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
        scheme, sep, _rest = str(token.value).partition("://")
        plain = scheme.replace("+", "").replace("-", "").isalnum()
        masked = f'"{scheme}://***"' if sep and plain else '"***://***"'
        if token.style in ("|", ">") and text[start:end].endswith("\n"):
            masked += "\n"
        out += [text[at:start], masked]
        at = end
    out.append(text[at:])
    return "".join(out)


def _value(node: Any, key: str) -> Any:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node
    return None
