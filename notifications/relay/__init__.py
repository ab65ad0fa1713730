"""The relay: sends what is due in the outbox through apprise, exactly once where it can.

`send_due(engine)` sends due messages `CYD_RELAY_CONCURRENCY` at once (default 4; 1:
one at a time). Its own thread claims and records; a pool of senders renders and
sends. For each message:

1. **Claim** (a short write transaction, a few messages each, never more than twice
   the senders ahead): the message is leased — its `next_attempt_at` moves `LEASE`
   ahead — so another relay leaves it alone while it is being sent, and the
   transaction is over before anything leaves (no lock is held while a mail server
   answers). The person's quiet hours and daily digest are applied here (below);
   they move a message, they do not count as attempts. A claimed message that waits
   for a sender so long that sending and marking it might outlast its lease
   (`sending.START_WITHIN_S`) is not sent by this run: it goes after its lease.
2. **Render** it in the person's language and format as they are now (their latest
   choice, not the one when it was queued; `notifications.compose`).
   A template that fails (missing, a missing variable, anything else) fails that
   message for good with the reason, and the admins are told; the relay goes on.
3. **Send** it to its one channel with a fresh `apprise.Apprise()` holding only that
   URL (`notifications.channels.deliver`; the senders touch no database; an email
   goes over an SMTP connection the run keeps open for the next message to the same
   server, `channels.kept_smtp`, each message its own SMTP transaction), and read
   the answer strictly: success
   is sent; a failure is retried later with exponential backoff
   (`models.outbox.mark_failed`); no service for the URL is a configuration error,
   which no retry mends: the message is given up at once.
4. **Mark** it straight after sending: the run's thread records every send that has
   finished since its last record in one transaction (idempotent: a message already
   recorded is left as it is; retried through locks and lost connections). A crash
   between 3 and 4 leaves the messages in flight claimed; when the lease runs out
   each is sent again, once, with the same idempotency key (the
   `X-Cyd-Idempotency-Key` header), so a receiver can drop the copy. An error while
   marking stops the run (the sends under way end; what was claimed and not sent
   goes after its lease).

A message given up on (`dead`: after `max_attempts`, or at once for a configuration
or template error) makes one alert (`delivery-failed`) for each admin's channels,
keyed by the dead message, so it is queued once however often the relay runs
(`notifications.tell`). An
alert that itself dies alerts nobody (no loop); it is logged.

Quiet hours (`person.quiet_hours_from/to`, local time in `CYD_TIMEZONE`): a message
due inside them waits until they end. The `test` and `sign-in` messages ignore them.

Sign-in messages (`sign-in`: a one-time link and code) are urgent and secret. The
service that asks for one (`services.sign_in`) queues it leased, so no sweep takes it,
and sends it at once with `send_now(..., secrets=...)`: the link and the code are
handed over in memory, merged into the payload to render it, and never stored (the
outbox row holds the rest of the payload only). It is tried once; a sign-in message
that reaches the sweep (its sender stopped before sending it) is given up on, since
its link and code are gone: the person asks again. Tests, sign-in messages and alerts
to admins never wait for a digest.

Daily digest (`person.daily_digest`): the person's messages wait for the day's
digest time (`DIGEST_AT`, local). The first time the relay finds one of them due at
or after it, it queues that day's digest message on the channel (keyed by person,
channel and day, so there is one a day) and attaches to it every message then
waiting on that channel (`digest_id`): they are no longer due alone. The digest is
sent like any message, carrying each of them rendered as it would have been sent;
when it is sent they are marked sent with it, and if it is given up on, so are they.
A message arriving after the day's digest was made waits for the next day's. Tests
and alerts to admins never wait for a digest. The digest's cover (the `digest`
templates) is in the person's language(s) and format, and says whether the files of
what it carries go with it.

Attachments (`outbox_message.attachments`, e.g. a Board member's papers): paths in
the data folder, read when the message is sent (`attachments.read_attachments`) and handed to
apprise with it. The message is rendered knowing whether its channel carries files
(`attached` in the template's variables): one that cannot (an SMS or chat service)
gets the message saying where the files are filed instead. A file that is missing
or unreadable fails that attempt with the file named, and is tried again with
backoff like any failure (it may come back: a data folder on a share, a pack being
made again) until the message is given up on and the admins are alerted; it is never
sent without its files. A path that is not inside the data folder is refused for
good. A digest carries the files of the messages it carries.

Pictures: an Easy Read message's pictograms go with it as PNG parts, inline beside
its HTML, on the channels that can show them that way (email and the local mailbox),
each once however often the message uses it; other channels get it without them
(`notifications.channels`, `notifications.pictures`). They are Cyd's own files (in
the package), not the message's attachments: they do not count against its size.

A message for a channel removed from the programme goes instead to the person's
current channels (a copy each, keyed by the original, queued by
`notifications.tell`); a message for a person no
longer in the programme is given up on (no alert: the programme was changed).

Channel URLs are secrets: the relay logs, stores and reports them masked only.

The parts, a module each: `sending` (the run: `send_due`, `send_now`), `claiming`
(lease, quiet hours, digest, reroute), `timing` (local time: `quiet_until`,
`digest_time`), `rendering`, `attachments`, `recording` (sent, failed, given up),
`alerts` (`alert_admins`), `status` (`cyd notify status`) and `check` (`send_test`,
`cyd notify test`); `jobs` holds what they share. Callers import from
`notifications.relay`.
"""

from __future__ import annotations

from notifications.relay.alerts import alert_admins
from notifications.relay.attachments import ATTACHMENTS_MAX_BYTES
from notifications.relay.check import ChannelResult, send_test
from notifications.relay.claiming import LEASE, SIGN_IN_TOO_LATE
from notifications.relay.given_up import dead_messages, retry_messages
from notifications.relay.jobs import (
    ALERT_EVENT,
    DIGEST_EVENT,
    SIGN_IN_EVENT,
    TEST_EVENT,
    Problem,
    RelayReport,
    addressee,
)
from notifications.relay.rendering import template_problem
from notifications.relay.sending import send_due, send_now
from notifications.relay.status import status
from notifications.relay.timing import (
    DIGEST_AT,
    digest_time,
    local_zone,
    quiet_until,
)

__all__ = [
    "ALERT_EVENT",
    "ATTACHMENTS_MAX_BYTES",
    "DIGEST_AT",
    "DIGEST_EVENT",
    "LEASE",
    "SIGN_IN_EVENT",
    "SIGN_IN_TOO_LATE",
    "TEST_EVENT",
    "ChannelResult",
    "Problem",
    "RelayReport",
    "addressee",
    "alert_admins",
    "dead_messages",
    "digest_time",
    "local_zone",
    "quiet_until",
    "retry_messages",
    "send_due",
    "send_now",
    "send_test",
    "status",
    "template_problem",
]
