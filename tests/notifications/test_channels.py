"""One message to one apprise URL: real SMTP and HTTP receivers on loopback, the answer
read strictly, and the URL's secrets never in a reason or a log."""

from __future__ import annotations

import datetime as dt
import logging
import ssl
from dataclasses import replace
from pathlib import Path

import pytest
from apprise.plugins.email import smtp as smtp_plugin

from notifications import channels
from notifications.channels import (
    Attachment,
    Outgoing,
    deliver,
    refused_for_good,
    scrub,
    with_headers,
)
from tests.notifications.conftest import (
    IDEMPOTENCY,
    PASSWORD,
    HttpReceiver,
    SmtpServer,
    free_port,
)

KEY = "ab" * 32


def outgoing(key: str = KEY) -> Outgoing:
    return Outgoing(
        subject="Papurau'r Bwrdd yn barod / Board papers ready",
        text="Mae papurau'r Bwrdd yn barod.\n\nThe Board papers are ready.",
        html='<html lang="cy"><body><p>Mae papurau\'r Bwrdd yn barod.</p>'
        "<p>The Board papers are ready.</p></body></html>",
        languages=("cy", "en"),
        key=key,
        to="Siân Roberts <sian.roberts@example.org>",
    )


def test_mailto_reaches_the_smtp_server_with_its_headers(smtp: SmtpServer) -> None:
    result = deliver(smtp.url("sian.roberts@example.org"), outgoing())
    assert result.ok, result.reason
    [got] = smtp.to("sian.roberts@example.org")
    message = got.message
    assert message["Subject"] == "Papurau'r Bwrdd yn barod / Board papers ready"
    assert message["To"] == "sian.roberts@example.org"
    assert message["Content-Language"] == "cy, en"
    assert message[IDEMPOTENCY] == KEY
    assert "Mae papurau'r Bwrdd yn barod." in got.body("html")
    assert "The Board papers are ready." in got.body("plain")  # apprise's text alternative


def test_no_line_of_a_letter_is_too_long_for_smtp(smtp: SmtpServer) -> None:
    """A long unbroken word (a pasted link, a title at its limit) must not make a line
    over SMTP's 998 characters: the server would refuse every message carrying it."""
    word = "Cydgynhyrchu" * 25  # 300 characters: a title at its limit
    long_text = "x" * 5000
    message = replace(
        outgoing(),
        subject=f"Gofynnir i chi adolygu {word} / Please review {word}",
        text=f"{word}\n\n{long_text}",
        html=f'<html lang="cy"><body><p>{word}</p><p>{long_text}</p></body></html>',
    )
    result = deliver(smtp.url("sian.roberts@example.org"), message)
    assert result.ok, result.reason
    [got] = smtp.to("sian.roberts@example.org")
    assert word in str(got.message["Subject"])
    assert long_text in got.body("html")
    assert long_text in got.body("plain")


PDF = b"%PDF-1.4\n% a small made-up document\n%%EOF\n"


def test_mailto_carries_the_files_as_attachments(smtp: SmtpServer) -> None:
    files = (
        Attachment("papurau.pdf", PDF, "application/pdf"),
        Attachment("papurau.html", b"<html lang='cy'></html>", "text/html"),
    )
    result = deliver(smtp.url("sian.roberts@example.org"), replace(outgoing(), attachments=files))
    assert result.ok, result.reason
    [got] = smtp.to("sian.roberts@example.org")
    parts = list(got.message.iter_attachments())
    assert [(p.get_filename(), p.get_content_type()) for p in parts] == [
        ("papurau.pdf", "application/pdf"),
        ("papurau.html", "text/html"),
    ]
    assert parts[0].get_payload(decode=True) == PDF  # byte for byte, through real SMTP
    assert "Mae papurau'r Bwrdd yn barod." in got.body("html")  # the message is still there
    assert got.message["Content-Language"] == "cy, en"


def test_json_reaches_the_http_receiver_with_the_key_as_a_header(
    http_receiver: HttpReceiver,
) -> None:
    assert deliver(http_receiver.url(), outgoing()).ok
    [request] = http_receiver.requests
    assert request.path == "/hook"
    assert request.headers[IDEMPOTENCY] == KEY
    assert request.headers["Content-Language"] == "cy, en"
    assert request.body["title"] == "Papurau'r Bwrdd yn barod / Board papers ready"
    # json:// shows text: it gets Cyd's plain text, not a conversion of the HTML.
    assert request.body["message"] == "Mae papurau'r Bwrdd yn barod.\n\nThe Board papers are ready."


def test_an_http_error_is_a_failure_to_retry(http_receiver: HttpReceiver) -> None:
    http_receiver.status = 503
    result = deliver(http_receiver.url(), outgoing())
    assert not result.ok
    assert not result.permanent
    assert result.reason is not None
    assert "json://***" in result.reason
    assert "503" in result.reason


def test_a_server_that_is_down_is_a_failure_with_the_reason(
    smtp: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp.stop()
    caplog.set_level(logging.DEBUG)
    result = deliver(smtp.url("sian.roberts@example.org"), outgoing())
    assert not result.ok
    assert not result.permanent
    assert result.reason is not None
    assert "Connection refused" in result.reason
    assert "mailto://***" in result.reason
    for text in (result.reason, caplog.text):
        assert PASSWORD not in text
        assert "127.0.0.1" not in result.reason  # every part of the URL is hidden


@pytest.mark.parametrize(
    ("where", "reply", "code"),
    [
        ("data", "554 5.6.0 Message refused: line too long", "554"),
        ("data", "552 5.3.4 Message too big", "552"),
        ("recipient", "550 5.1.1 No such mailbox here", "550"),
    ],
)
def test_an_smtp_refusal_for_good_is_permanent(
    smtp: SmtpServer, where: str, reply: str, code: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    setattr(smtp, f"refuse_{where}", reply)
    result = deliver(smtp.url("sian.roberts@example.org"), outgoing())
    assert not result.ok
    assert result.permanent
    assert result.reason is not None
    assert result.reason.startswith(f"mailto://*** refused the message for good (SMTP {code})")
    assert PASSWORD not in result.reason
    assert "127.0.0.1" not in result.reason
    assert smtp.received == []


@pytest.mark.parametrize("reply", ["451 4.3.0 Try again later", "421 4.7.0 Too busy"])
def test_an_smtp_refusal_for_now_is_retried(smtp: SmtpServer, reply: str) -> None:
    smtp.refuse_data = reply
    result = deliver(smtp.url("sian.roberts@example.org"), outgoing())
    assert not result.ok
    assert not result.permanent


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("Socket Exception: (554, b'5.6.0 Message refused')", "554"),
        ("Socket Exception: {'a@example.org': (550, b'5.1.1 No such mailbox')}", "550"),
        ("Socket Exception: (553, b'5.1.8 Sender refused', 'cyd@example.org')", "553"),
        # A refused login is the channel's: once an admin puts the password right, the
        # waiting messages should go, so they are not given up.
        ("Socket Exception: (535, b'5.7.8 Authentication credentials invalid')", None),
        ("Socket Exception: (530, b'5.7.0 Authentication required')", None),
        ("Socket Exception: (451, b'4.3.0 Try again later')", None),
        ("Socket Exception: Connection unexpectedly closed", None),
        ("Sent 550 messages", None),
    ],
)
def test_which_smtp_replies_are_refusals_for_good(line: str, code: str | None) -> None:
    assert refused_for_good(["Connection error while submitting email", line]) == code


@pytest.mark.parametrize(
    "url", ["nosuch://x", f"nosuch://user:{PASSWORD}@host/path", "not a url at all"]
)
def test_no_service_for_the_url_is_a_configuration_error(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    result = deliver(url, outgoing())
    assert not result.ok
    assert result.permanent
    assert result.reason is not None
    assert result.reason.startswith("configuration error")
    assert PASSWORD not in result.reason
    assert PASSWORD not in caplog.text


def test_an_exception_in_a_plugin_is_a_failure_not_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import apprise

    def explode(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError(f"boom while talking to mailto://cyd:{PASSWORD}@mail.example.org")

    monkeypatch.setattr(apprise.Apprise, "notify", explode)
    result = deliver("mailbox://someone", outgoing())
    assert not result.ok
    assert not result.permanent
    assert "RuntimeError: boom" in (result.reason or "")
    assert PASSWORD not in (result.reason or "")


def test_headers_are_added_only_where_the_plugin_reads_them() -> None:
    headers = {IDEMPOTENCY: KEY, "Content-Language": "cy, en"}
    assert with_headers("mailto://a@b.org", headers) == (
        f"mailto://a@b.org?+{IDEMPOTENCY}={KEY}&+Content-Language=cy%2C%20en"
    )
    assert with_headers("json://h/p?x=1", headers).startswith("json://h/p?x=1&+X-Cyd")
    assert with_headers("tgram://token/chat", headers) == "tgram://token/chat"


def test_scrub_hides_every_part_of_the_url() -> None:
    url = f"mailtos://megan:{PASSWORD}@mail.example.org:2525/?to=megan.lloyd%40example.org"
    text = (
        f"login failed for megan at mail.example.org:2525 with {PASSWORD} "
        f"(sending to megan.lloyd@example.org via {url})"
    )
    cleaned = scrub(text, url)
    for secret in (PASSWORD, "mail.example.org", "megan.lloyd@example.org", "2525"):
        assert secret not in cleaned
    assert "mailtos://***" in cleaned


def test_nothing_listening_on_a_port_fails_fast() -> None:
    port = free_port()
    result = deliver(f"json://127.0.0.1:{port}/", outgoing())
    assert not result.ok
    assert not result.permanent


# --- TLS: one context a process, of the settings the URL asks for -------------------------------


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no authority signed, and its key."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_starttls_shares_a_context_per_setting_and_still_checks_certificates(
    tmp_path: Path,
) -> None:
    """Sends over STARTTLS share one context per process for each setting of the URL's:
    `verify=no` takes a self-signed certificate, and the default still refuses it after
    (sharing never carries one URL's choice over to another)."""
    cert, key = _self_signed(tmp_path)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server = SmtpServer()
    server.start(tls_context=tls)
    try:
        url = (
            f"mailtos://cyd:{PASSWORD}@127.0.0.1:{server.port}"
            "?mode=starttls&from=cyd@example.org&to=sian.roberts@example.org"
        )
        before = channels._tls_context.cache_info().currsize
        for n in range(3):
            assert deliver(f"{url}&verify=no", outgoing(f"{n:064x}")).ok
        assert channels._tls_context.cache_info().currsize == before + 1  # made once
        refused = deliver(url, outgoing("f" * 64))
        assert not refused.ok
        assert "CERTIFICATE_VERIFY_FAILED" in (refused.reason or "")
        assert deliver(f"{url}&verify=no", outgoing("e" * 64)).ok
        assert len(server.received) == 4
        assert PASSWORD not in (refused.reason or "")
    finally:
        server.stop()
    # Outside a send of Cyd's, apprise's plugin gets the ssl module's own contexts.
    assert isinstance(smtp_plugin.ssl.create_default_context(), ssl.SSLContext)


# --- SMTP connections kept across a relay run ------------------------------------------------


def test_sends_outside_a_relay_run_each_open_their_own_connection(smtp: SmtpServer) -> None:
    for n in range(3):
        assert deliver(smtp.url("sian.roberts@example.org"), outgoing(f"{n:064x}")).ok
    assert smtp.logins == 3
    assert len(smtp.received) == 3


def test_sends_in_a_relay_run_keep_one_connection_and_each_message_its_own_answer(
    smtp: SmtpServer,
) -> None:
    """One connection and one login for a run's messages to one server; a refused
    message fails alone (the next is sent, on a new connection: the refused one's is
    not kept), and the keys all arrive once."""
    url = smtp.url("sian.roberts@example.org")
    with channels.kept_smtp():
        results = [deliver(url, outgoing(f"{n:064x}")).ok for n in range(3)]
        assert smtp.logins == 1
        smtp.refuse_data = "451 4.3.0 Try again later"
        refused = deliver(url, outgoing("f" * 64))
        smtp.refuse_data = None
        results += [deliver(url, outgoing(f"{n:064x}")).ok for n in range(3, 5)]
    assert results == [True] * 5
    assert not refused.ok
    assert not refused.permanent
    assert smtp.logins == 2  # the connection the refusal was on was closed
    assert smtp.keys() == [f"{n:064x}" for n in range(5)]
    # After the run, sends have their own connections again.
    assert deliver(url, outgoing("e" * 64)).ok
    assert smtp.logins == 3


def test_a_kept_connection_the_server_dropped_is_replaced(smtp: SmtpServer) -> None:
    url = smtp.url("sian.roberts@example.org")
    with channels.kept_smtp():
        assert deliver(url, outgoing("a" * 64)).ok
        smtp.stop()
        smtp.start()  # the kept connection is gone with the old server
        assert deliver(url, outgoing("b" * 64)).ok
    assert smtp.keys() == ["a" * 64, "b" * 64]
    assert smtp.logins == 2  # the second send logged in afresh, to the new server


def test_a_kept_connection_is_used_only_for_the_same_login(smtp: SmtpServer) -> None:
    """A wrong password on the same server is refused, though a connection logged in
    with the right one stands idle; the right one is sent after it."""
    good = smtp.url("sian.roberts@example.org")
    wrong = good.replace(PASSWORD, "not-the-password")
    with channels.kept_smtp():
        assert deliver(good, outgoing("a" * 64)).ok
        refused = deliver(wrong, outgoing("b" * 64))
        assert deliver(good, outgoing("c" * 64)).ok
    assert not refused.ok
    assert smtp.keys() == ["a" * 64, "c" * 64]


def test_a_kept_starttls_connection_is_not_reused_for_a_url_that_verifies(
    tmp_path: Path,
) -> None:
    """`verify=no` on one URL never carries over to one that checks certificates, even
    to the same server with a connection kept open."""
    cert, key = _self_signed(tmp_path)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server = SmtpServer()
    server.start(tls_context=tls)
    try:
        url = (
            f"mailtos://cyd:{PASSWORD}@127.0.0.1:{server.port}"
            "?mode=starttls&from=cyd@example.org&to=sian.roberts@example.org"
        )
        with channels.kept_smtp():
            assert deliver(f"{url}&verify=no", outgoing("a" * 64)).ok
            assert deliver(f"{url}&verify=no", outgoing("b" * 64)).ok
            assert server.logins == 1
            refused = deliver(url, outgoing("c" * 64))
            assert deliver(f"{url}&verify=no", outgoing("d" * 64)).ok
        assert not refused.ok
        assert "CERTIFICATE_VERIFY_FAILED" in (refused.reason or "")
        assert [r.key for r in server.received] == ["a" * 64, "b" * 64, "d" * 64]
    finally:
        server.stop()
