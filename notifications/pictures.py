"""The Easy Read pictograms: their index, the PNG pictures messages carry, and the build.

The sources are `notifications/pictograms/<name>.svg`, drawn for Cyd, listed in
`index.json` (name → {"file", "alt": {"en", "cy"}: what the picture means, said as a
meaning, not as a shape ("The Board", not "Three people behind a table"), and
"welsh_reviewed"}). One picture has one meaning, and one meaning one picture. The pages
show the SVG files (web/, under /pictograms).

Messages cannot: the main mail programs strip or block `data:` URIs and fetch nothing
from the web by default. So every pictogram is also a PNG, rasterised at build time
from its SVG with CairoSVG (a build tool: a development dependency, needing the cairo
library) into `notifications/pictograms/png/<name>.png`, and committed. Run
`scripts/build-pictograms` after changing or adding a drawing; tests/notifications/
test_pictures.py fails while the committed PNGs are not what the SVGs make. The PNGs
are 128×128 pixels, shown at 64×64: sharp on high-density screens.

In a message's HTML a picture is an `<img class="pictogram" src="cid:...">` written by
`img()`, whose `cid:` names the MIME part that carries the PNG (`content_id`).
`names_in(html)` lists the pictures a message uses, each once, however often it is
used; the channel then carries each once as an inline part (notifications.channels),
or, for a service that carries no files, the HTML goes without them
(`without_pictures`).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

HERE = Path(__file__).resolve().parent
PICTOGRAMS = HERE / "pictograms"
PNG_FOLDER = PICTOGRAMS / "png"
PNG_SIZE = 128  # pixels, each way: twice the 64 CSS pixels a picture is shown at
SHOWN_SIZE = 64
MIMETYPE = "image/png"

# A Content-ID is an addr-spec (RFC 2392, RFC 2045: "<left@right>"); apprise's email
# plugin names the inline part by its file name, so the file name is the whole id.
_CID_PREFIX = "pictogram-"
_CID_SUFFIX = "@cyd.png"
_NAME = r"[a-z][a-z0-9-]*"
# What `img()` writes, and only that: autoescaping leaves no bare `<` or `"` in any
# text of a message, so these match Cyd's own tags alone.
_SRC = re.compile(rf'src="cid:{_CID_PREFIX}({_NAME}){re.escape(_CID_SUFFIX)}"')
_IMG = re.compile(
    rf'<img class="pictogram" src="cid:{_CID_PREFIX}{_NAME}{re.escape(_CID_SUFFIX)}"'
    r' alt="([^"]*)"[^>]*>\s?'
)


@cache
def pictogram_index() -> dict[str, Any]:
    """name -> {"file": "tick.svg", "alt": {"en": ..., "cy": ...}, "welsh_reviewed"}."""
    index: dict[str, Any] = json.loads((PICTOGRAMS / "index.json").read_text("utf-8"))
    return index


def content_id(name: str) -> str:
    """The Content-ID (without its angle brackets) and file name of a picture's part."""
    if name not in pictogram_index():
        raise KeyError(f"no pictogram {name!r}")
    return f"{_CID_PREFIX}{name}{_CID_SUFFIX}"


def img(name: str, alt: str) -> Markup:
    """A picture in a message's HTML: the PNG its message carries, by Content-ID.

    `alt` is "" for a decorative picture (one beside words that say the same thing)
    and what the picture means otherwise. The size and the alignment are inline
    styles too: many mail programs drop a <style>."""
    return Markup(  # noqa: S704 (the id is a pictogram's name; the alt text is escaped)
        f'<img class="pictogram" src="cid:{content_id(name)}" alt="{escape(alt)}"'
        f' width="{SHOWN_SIZE}" height="{SHOWN_SIZE}" style="vertical-align:middle">'
    )


def names_in(html: str) -> tuple[str, ...]:
    """The pictures an HTML message shows, in order of first use, each once."""
    return tuple(dict.fromkeys(_SRC.findall(html)))


def without_pictures(html: str) -> str:
    """The HTML for a service that carries no files: a decorative picture goes, and a
    meaningful one leaves its alt text (the picture said something)."""
    return _IMG.sub(lambda m: f"{m.group(1)} " if m.group(1) else "", html)


def png_path(name: str) -> Path:
    return PNG_FOLDER / f"{name}.png"


@cache
def png(name: str) -> bytes:
    """The committed PNG of a picture (KeyError for a name the index lacks)."""
    content_id(name)
    return png_path(name).read_bytes()


# --- the build (scripts/build-pictograms) -----------------------------------------------------


def rasterise(svg: Path, size: int = PNG_SIZE) -> bytes:
    """The SVG drawn as a size×size PNG with its transparency, by CairoSVG."""
    import cairosvg  # type: ignore[import-untyped]  # a build tool: dev dependency

    data = cairosvg.svg2png(url=str(svg), output_width=size, output_height=size)
    assert isinstance(data, bytes)
    return data


def build(out: Path = PNG_FOLDER) -> list[Path]:
    """Every pictogram of the index as `<out>/<name>.png`; a PNG left from a picture
    no longer in the index is removed. Returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    index = pictogram_index()
    written = []
    for name, entry in index.items():
        target = out / f"{name}.png"
        target.write_bytes(rasterise(PICTOGRAMS / entry["file"]))
        written.append(target)
    for stale in out.glob("*.png"):
        if stale.stem not in index:
            stale.unlink()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1 or (args and args[0].startswith("-")):
        print("usage: scripts/build-pictograms [FOLDER]", file=sys.stderr)
        return 2
    out = Path(args[0]) if args else PNG_FOLDER
    written = build(out)
    print(f"{len(written)} pictures written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
