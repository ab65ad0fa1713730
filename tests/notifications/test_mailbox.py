"""The `mailbox://` apprise plugin writes whole .eml files that parse back."""

from __future__ import annotations

from pathlib import Path

import apprise
import pytest

from notifications import mailbox
from notifications.channels import Attachment, Outgoing, deliver

KEY = "0f" * 32
HTML = '<!DOCTYPE html><html lang="cy"><body><p>Helo, Nia. Dyma neges.</p></body></html>'


def outgoing(**changes: object) -> Outgoing:
    values: dict[str, object] = {
        "subject": "Neges brawf / Test message",
        "text": "Helo, Nia. Dyma neges.\n\nHello, Nia. This is a message.",
        "html": HTML,
        "languages": ("cy", "en"),
        "key": KEY,
        "to": "Nia Morgan <nia.morgan@example.org>",
    }
    values.update(changes)
    return Outgoing(**values)  # type: ignore[arg-type]


def test_a_message_is_an_eml_file_with_its_headers_and_both_bodies(mailbox_dir: Path) -> None:
    assert deliver("mailbox://nia.morgan", outgoing()).ok
    files = list((mailbox_dir / "nia.morgan").iterdir())
    assert [f.name for f in files] == [f"{KEY}.eml"]  # named by the key; no temporary left
    [message] = mailbox.messages("nia.morgan")
    assert message["Subject"] == "Neges brawf / Test message"
    assert message["To"] == "Nia Morgan <nia.morgan@example.org>"
    assert message["Content-Language"] == "cy, en"
    assert message["X-Cyd-Idempotency-Key"] == KEY
    assert message["Message-ID"] == f"<{KEY}@cyd.mailbox>"
    assert message["Date"] is not None
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    # The plain text is Cyd's own, not a conversion of the HTML.
    assert text.get_content() == "Helo, Nia. Dyma neges.\n\nHello, Nia. This is a message.\n"  # type: ignore[attr-defined]
    assert "<p>Helo, Nia. Dyma neges.</p>" in html.get_content()  # type: ignore[attr-defined]


def test_files_are_written_into_the_message_as_attachments(mailbox_dir: Path) -> None:
    pdf = b"%PDF-1.4\n%%EOF\n"
    files = (
        Attachment("megan.lloyd@example.org.pdf", pdf, "application/pdf"),
        Attachment("megan.lloyd@example.org.html", b"<p>Helo</p>", "text/html"),
    )
    assert deliver("mailbox://nia.morgan", outgoing(attachments=files)).ok
    [message] = mailbox.messages("nia.morgan")
    parts = list(message.iter_attachments())
    assert [p.get_filename() for p in parts] == [f.name for f in files]
    assert [p.get_payload(decode=True) for p in parts] == [pdf, b"<p>Helo</p>"]
    assert parts[0].get_content_type() == "application/pdf"
    # The headers and both bodies are as without files.
    assert message["Content-Language"] == "cy, en"
    assert message["X-Cyd-Idempotency-Key"] == KEY
    plain = message.get_body(("plain",))
    assert plain is not None
    assert "Hello, Nia." in str(plain.get_content())  # type: ignore[attr-defined]
    assert message.get_body(("html",)) is not None


def test_a_file_that_cannot_be_read_fails_the_write(mailbox_dir: Path) -> None:
    class Unreadable:
        name = "papers.pdf"
        mimetype = "application/pdf"

        def __bool__(self) -> bool:
            return False  # apprise could not get the content

    with pytest.raises(ValueError, match="could not be read"):
        mailbox.files_of([Unreadable()])
    sender = apprise.Apprise()
    sender.add("mailbox://nia.morgan")
    missing = str(mailbox_dir.parent / "no-such-file.pdf")
    assert not sender.notify(body="<p>Helo</p>", title="Neges", attach=missing)
    assert mailbox.messages("nia.morgan") == []  # never written without its files


def test_a_resend_overwrites_instead_of_duplicating(mailbox_dir: Path) -> None:
    for _ in range(3):
        assert deliver("mailbox://nia.morgan", outgoing()).ok
    assert deliver("mailbox://nia.morgan", outgoing(key="1a" * 32)).ok
    assert len(mailbox.messages("nia.morgan")) == 2
    assert sorted(p.name for p in (mailbox_dir / "nia.morgan").iterdir()) == [
        f"{KEY}.eml",
        f"{'1a' * 32}.eml",
    ]


def test_the_plugin_works_from_plain_apprise_too(mailbox_dir: Path) -> None:
    """Without Cyd's relay: no key (a fresh file each time), text from the HTML."""
    sender = apprise.Apprise()
    assert sender.add("mailbox://office?to=office@example.org")
    assert sender.notify(title="One", body="<p>Hello <b>there</b></p>", body_format="html")
    assert sender.notify(title="Two", body="Plain words", body_format="text")
    found = {m["Subject"]: m for m in mailbox.messages("office")}
    assert set(found) == {"One", "Two"}
    assert found["One"]["To"] == "office@example.org"
    plain = found["One"].get_body(("plain",))
    assert plain is not None
    assert "Hello" in plain.get_content()  # type: ignore[attr-defined]
    # The mailbox shows HTML, like email: apprise made HTML of the text for it.
    two = found["Two"].get_body(("plain",))
    assert two is not None
    assert "Plain words" in two.get_content()  # type: ignore[attr-defined]
    assert found["Two"]["X-Cyd-Idempotency-Key"] is None


def test_a_name_that_is_not_a_plain_folder_name_is_refused(mailbox_dir: Path) -> None:
    result = deliver("mailbox://..", outgoing())
    assert not result.ok
    assert not result.permanent
    assert not mailbox_dir.exists() or not any(mailbox_dir.rglob("*.eml"))


def test_the_mailbox_folder_is_in_the_data_folder_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CYD_MAILBOX_DIR")
    monkeypatch.setenv("CYD_DATA_DIR", str(tmp_path / "data"))
    assert mailbox.mailbox_dir() == tmp_path / "data" / "mailbox"
    assert deliver("mailbox://megan.lloyd", outgoing()).ok
    assert (tmp_path / "data" / "mailbox" / "megan.lloyd" / f"{KEY}.eml").is_file()
