"""How the pages run: the server's secret, cookies, and the bounds on what a form may send."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from services.sign_in import pages_url

SECRET_FILE = "web-secret"  # noqa: S105 (the file's name, not a secret)
SECRET_BYTES = 32


def load_secret(folder: Path) -> bytes:
    """The pages' secret (it signs the forms' CSRF tokens), from `folder/web-secret`.

    Made once, at random, readable by its owner only (0600); kept, so that forms stay
    valid when the server restarts. Never logged or shown."""
    path = folder / SECRET_FILE
    folder.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: of two servers starting at once, one writes it, the other reads it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_bytes()
        if len(secret) < SECRET_BYTES:
            raise ValueError(f"{path} is too short to be the pages' secret") from None
        return secret
    secret = secrets.token_bytes(SECRET_BYTES)
    with os.fdopen(fd, "wb") as sink:
        sink.write(secret)
    return secret


@dataclass(frozen=True)
class WebSettings:
    """secret: signs CSRF tokens (load_secret). secure_cookies: None (the default) sets
    `Secure` on every cookie unless the request came over plain http to a loopback
    address (127.0.0.1, ::1, localhost), where a browser would refuse it; True or False
    forces it. max_body_bytes: the most a request may send (a form page's answers
    included); larger is refused with 413 before it is read. base_url: where the pages
    are, for the links in sign-in messages (None: `CYD_BASE_URL`, else
    http://127.0.0.1:8000; never a request's Host header, which anyone can set).
    posts_per_minute: how many forms one address may post a minute to the sign-in
    pages before it is told to wait (429). idea_posts_per_minute, idea_posts_per_hour:
    the same for the public idea pages (/ideas/new, /ideas/withdraw), which anyone may
    post to without an account. idea_min_seconds: how long the idea form must have been
    open before a post is taken as a person's (web.routes.ideas: sooner is a machine's,
    and nothing of it is kept); tests make it short rather than wait.
    idea_upload_bytes: the most the idea form may send, its pictures, audio or video
    included (services.idea_files bounds each file; this bounds the request)."""

    secret: bytes
    secure_cookies: bool | None = None
    max_body_bytes: int = 256 * 1024
    base_url: str | None = None
    posts_per_minute: int = 30
    idea_posts_per_minute: int = 5
    idea_posts_per_hour: int = 30
    idea_min_seconds: float = 3.0
    idea_upload_bytes: int = 40 * 1024 * 1024

    @classmethod
    def in_folder(cls, folder: Path, *, base_url: str | None = None) -> WebSettings:
        """Settings with the secret kept in `folder` (Cyd's data folder)."""
        return cls(secret=load_secret(folder), base_url=base_url)

    @property
    def pages_url(self) -> str:
        """Where the pages are, without a trailing slash (see base_url)."""
        return (self.base_url or pages_url()).rstrip("/")
