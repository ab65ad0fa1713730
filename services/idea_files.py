"""Pictures, a short audio or a short video with an idea: checked, bounded, kept apart.

Some people say an idea better in a picture or out loud than in writing. A file comes
with the idea (the public page, or an officer's `cyd idea add --file`), and is:

- **type-checked by its content**, never by its name or the type a browser claims:
  its first bytes must be those of a picture (PNG, JPEG, WebP), an audio file (MP3,
  M4A, Ogg) or a video (MP4, WebM); anything else is refused, a file whose name says
  `.jpg` but whose bytes say otherwise included;
- **size-bounded**: a picture 5 MiB, an audio or a video 25 MiB, three files an idea;
- **kept in the data folder** (`ideas/<idea id>/<sha256 prefix>.<ext>`, readable by
  Cyd's user only), written whole (a temporary file, then a rename), named by its
  content, never by the name it came with (which is kept only as text, for those who
  triage);
- **seen only by those who triage**, like contact details: not on the public list;
- **deleted when the idea is withdrawn** (the proposer took it back).

The audit log records each file's kind, type, size and SHA-256, not its name or bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.commands import CommandError

MAX_FILES = 3
PICTURE_MAX = 5 * 1024 * 1024
MEDIA_MAX = 25 * 1024 * 1024
NAME_MAX = 200
FOLDER = "ideas"


@dataclass(frozen=True)
class Upload:
    """A file as given: the name it came with (text only) and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Kind:
    kind: str  # picture, audio or video
    media_type: str
    extension: str


def sniff(data: bytes) -> Kind | None:
    """What the bytes are, by their signature; None for anything not taken."""
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind("picture", "image/png", "png")
    if head.startswith(b"\xff\xd8\xff"):
        return Kind("picture", "image/jpeg", "jpg")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Kind("picture", "image/webp", "webp")
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return Kind("audio", "audio/mpeg", "mp3")
    if head.startswith(b"OggS"):
        return Kind("audio", "audio/ogg", "ogg")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return Kind("audio", "audio/mp4", "m4a")
        return Kind("video", "video/mp4", "mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return Kind("video", "video/webm", "webm")
    return None


def checked(uploads: tuple[Upload, ...]) -> list[tuple[Upload, Kind]]:
    """Each upload with its kind, or CommandError saying which file and why; empty
    uploads (a form's file field left empty) are left out."""
    given = [u for u in uploads if u.data]
    if len(given) > MAX_FILES:
        raise CommandError("idea-files-too-many", most=MAX_FILES)
    out: list[tuple[Upload, Kind]] = []
    for upload in given:
        name = _name(upload.name)
        kind = sniff(upload.data)
        if kind is None:
            raise CommandError("idea-file-type", name=name)
        most = PICTURE_MAX if kind.kind == "picture" else MEDIA_MAX
        if len(upload.data) > most:
            raise CommandError("idea-file-too-big", name=name, most=most // (1024 * 1024))
        out.append((Upload(name, upload.data), kind))
    return out


def _name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    cleaned = "".join(c for c in base if c.isprintable()).strip()
    return cleaned[:NAME_MAX] or "file"


def store(data_dir: Path, idea_id: str, files: list[tuple[Upload, Kind]]) -> list[dict[str, Any]]:
    """Write the files under the idea's folder; their descriptions (for the idea's row).
    On any failure the files written so far are removed and the error raised."""
    folder = data_dir / FOLDER / idea_id
    written: list[Path] = []
    described: list[dict[str, Any]] = []
    try:
        for upload, kind in files:
            digest = hashlib.sha256(upload.data).hexdigest()
            relative = f"{FOLDER}/{idea_id}/{digest[:16]}.{kind.extension}"
            target = data_dir / relative
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".part-")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(upload.data)
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(temporary, 0o600)
                os.replace(temporary, target)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)
                raise
            written.append(target)
            described.append(
                {
                    "name": upload.name,
                    "kind": kind.kind,
                    "type": kind.media_type,
                    "size": len(upload.data),
                    "sha256": digest,
                    "path": relative,
                }
            )
    except BaseException:
        for path in written:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        raise
    return described


def for_the_log(described: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the audit log keeps of each file: not its name (the proposer's words)."""
    return [{k: f[k] for k in ("kind", "type", "size", "sha256")} for f in described]


def delete(data_dir: Path, idea_id: str) -> None:
    """Remove an idea's files (withdrawn)."""
    shutil.rmtree(data_dir / FOLDER / idea_id, ignore_errors=True)
