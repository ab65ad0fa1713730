"""The files a message carries, read from the data folder when it is sent.

A refused path (outside the data folder) or files too large to send fail the message
for good; a missing or unreadable file fails that attempt only (it may come back).
"""

from __future__ import annotations

import mimetypes
from typing import TYPE_CHECKING

from models import outbox
from models.db import data_dir
from models.outbox import AttachmentRefused
from notifications.relay.jobs import DIGEST_EVENT, Job

if TYPE_CHECKING:
    from notifications.channels import Attachment, Delivery

# The most one message may carry in files: more is refused for good, as a mail
# server would refuse it, but here with the reason said.
ATTACHMENTS_MAX_BYTES = 20 * 1024 * 1024


def paths_sent(job: Job, carried: tuple[int, ...]) -> list[str]:
    """The files of the message, or of the digest's messages that are sent in it."""
    if job.event != DIGEST_EVENT:
        return list(job.attachments)
    sent = set(carried)
    paths = [p for message_id, _, _, files in job.items if message_id in sent for p in files]
    return list(dict.fromkeys(paths))  # a file carried twice is sent once


def read_attachments(paths: list[str]) -> tuple[tuple[Attachment, ...], Delivery | None]:
    """The files, read from the data folder; or the failure that stops the send.

    A refused path (outside the data folder) or files too large to send fail for
    good; a missing or unreadable file fails this attempt (see the module's text).
    """
    from notifications.channels import Attachment, Delivery

    data = data_dir()
    files: list[Attachment] = []
    total = 0
    for path in paths:
        try:
            real = outbox.attachment_path(data, path)
            content = real.read_bytes()
        except AttachmentRefused as error:
            return (), Delivery(False, f"attachment refused: {error}", permanent=True)
        except OSError as error:
            why = error.strerror or type(error).__name__
            return (), Delivery(False, f"attachment {path} could not be read ({why}): not sent")
        total += len(content)
        if total > ATTACHMENTS_MAX_BYTES:
            limit = ATTACHMENTS_MAX_BYTES // (1024 * 1024)
            reason = f"attachments too large to send (over {limit} MB): not sent"
            return (), Delivery(False, reason, permanent=True)
        name = path.rsplit("/", 1)[-1]
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        files.append(Attachment(name=name, content=content, mimetype=kind))
    return tuple(files), None
