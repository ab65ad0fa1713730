"""The action commands' light printer (cli/output.py `Lines`): what people wrote is
printed as written, whatever brackets, backslashes or control characters it holds, and
styles reach only a terminal."""

from __future__ import annotations

import io

import pytest

from cli.output import Lines, mark


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


HOSTILE = [
    "[bold]not bold[/bold]",
    "a \\[bold] b \\\\[dim] c \\",
    "[/dim] closing first",
    "brackets [1] and [link=x]y[/link]",
    "",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_what_people_wrote_is_printed_as_written(text: str) -> None:
    out = io.StringIO()
    Lines(out).print(f"[bold]{mark('v-0001')}[/bold]: {mark(text)}")
    assert out.getvalue() == f"v-0001: {text}\n"


@pytest.mark.parametrize("text", HOSTILE)
def test_on_a_terminal_only_our_marks_become_styles(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    out = Terminal()
    Lines(out).print(f"[bold]{mark('v-0001')}[/bold]: {mark(text)} [dim]/ x[/dim]")
    assert out.getvalue() == f"\x1b[1mv-0001\x1b[0m: {text} \x1b[2m/ x\x1b[0m\n"


def test_control_characters_are_shown_not_obeyed() -> None:
    out = io.StringIO()
    Lines(out).print(mark("title\x1b[2J\u202eevil"))
    assert out.getvalue() == "title\\x1b[2J\\u202eevil\n"


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_styles_where_the_terminal_asks_for_none(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = Terminal()
    Lines(out).print("[bold]x[/bold] [dim]y[/dim]")
    assert out.getvalue() == "x y\n"


def test_a_style_left_open_is_closed_at_the_end_of_its_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    out = Terminal()
    Lines(out).print("[bold]x")
    assert out.getvalue() == "\x1b[1mx\x1b[0m\n"
