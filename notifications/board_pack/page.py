"""The papers as one accessible HTML document: `<html lang>` and a `lang` on each
language's part, every text escaped, headings in order, pictures with alt text, 14pt
text (16pt Easy Read).

The Welsh is written whole and, like the message templates, not yet reviewed by a
Welsh speaker.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from governance.board_pack import BoardPack
from notifications.board_pack.blocks import Block, Marked
from notifications.board_pack.papers import pack_blocks
from notifications.board_pack.wording import languages, pack_title
from notifications.render import pictogram_index

_STYLE = """
body { margin: 0 auto; padding: 1em; max-width: 45em; color: #1a1a1a; background: #ffffff;
  font-family: Arial, Helvetica, sans-serif; font-size: 14pt; line-height: 1.5; }
.easy-read { font-size: 16pt; line-height: 1.8; }
h1 { font-size: 1.6em; line-height: 1.3; } h2 { font-size: 1.3em; } h3 { font-size: 1.1em; }
ul.points { list-style: none; margin: 0; padding: 0; }
ul.points li { margin: 0 0 1em 0; min-height: 64px; display: flex; align-items: center; }
ul.points img { margin-right: 0.75em; flex: none; }
ul.points span { min-width: 0; }
p, li { overflow-wrap: anywhere; }
hr { margin: 2em 0; border: 0; border-top: 2px solid #1a1a1a; }
@media print { body { max-width: none; } h2 { break-before: auto; break-after: avoid; } }
"""


def _picture_html(name: str, lang: str) -> str:
    from notifications.render import _pictogram_data

    entry = pictogram_index()[name]
    alt = html.escape(entry["alt"][lang], quote=True)
    data = _pictogram_data(entry["file"])
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{alt}" width="64" height="64">'


def _text(value: str) -> str:
    """Text content escaped (<, > and &; quotes need no escaping outside attributes); a
    part in another language (what someone wrote, not translated yet) marked `lang`."""
    if isinstance(value, Marked):
        return "".join(
            f'<span lang="{lang}">{html.escape(text, quote=False)}</span>'
            if lang
            else html.escape(text, quote=False)
            for text, lang in value.parts
            if text
        )
    return html.escape(value, quote=False)


def blocks_html(blocks: Sequence[Block], lang: str) -> str:
    out: list[str] = []
    points: list[str] = []

    def flush() -> None:
        if points:
            out.append('<ul class="points">\n' + "\n".join(points) + "\n</ul>")
            points.clear()

    for block in blocks:
        if block.kind == "point":
            picture = _picture_html(block.picture, lang) if block.picture else ""
            marked = f' lang="{block.lang}"' if block.lang and block.lang != lang else ""
            points.append(f"<li>{picture}<span{marked}>{_text(block.text)}</span></li>")
            continue
        flush()
        if block.kind == "ul":
            items = "\n".join(f"<li>{_text(i)}</li>" for i in block.items)
            out.append(f"<ul>\n{items}\n</ul>")
        else:
            out.append(f"<{block.kind}>{_text(block.text)}</{block.kind}>")
    flush()
    return "\n".join(out)


def render_html(pack: BoardPack) -> str:
    """The papers as one accessible HTML document (both languages when never asked)."""
    langs = languages(pack)
    fmt = "easy-read" if pack.member.easy_read else "standard"
    parts = []
    if len(langs) > 1:
        parts.append(
            '<p>Mae\'r papurau yma yn Gymraeg ac yn Saesneg. <a href="#en" lang="en">These '
            "papers are in Welsh and English: read them in English.</a></p>"
        )
    for n, lang in enumerate(langs):
        if n:
            parts.append("<hr>")
        parts.append(
            f'<div lang="{lang}" id="{lang}" class="{fmt}">\n'
            f"{blocks_html(pack_blocks(pack, lang), lang)}\n</div>"
        )
    heading = _text(pack_title(pack))
    return (
        f'<!DOCTYPE html>\n<html lang="{langs[0]}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{heading}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f'<body class="{fmt}">\n<main>\n' + "\n".join(parts) + "\n</main>\n</body>\n</html>\n"
    )
