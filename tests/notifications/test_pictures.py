"""The Easy Read pictures: the committed PNGs that messages carry are what the SVG sources
make (scripts/build-pictograms), one for each pictogram of the index and no more; and
the helpers that put them in a message's HTML and take them out again."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from notifications import pictures

# Another build of cairo may smooth an edge differently: a pixel may differ by a little,
# and a few pixels by more, but a changed drawing changes far more than that.
CHANNEL_SLACK = 16
DIFFERENT_PIXELS_ALLOWED = 0.005


def _image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _differing_share(a: Image.Image, b: Image.Image) -> float:
    """The share of pixels whose colour or transparency differ by more than the slack."""
    bands = ImageChops.difference(a.convert("RGBA"), b.convert("RGBA")).split()
    worst = bands[0]
    for band in bands[1:]:
        worst = ImageChops.lighter(worst, band)  # each pixel's largest difference
    counts = worst.histogram()
    return sum(counts[CHANNEL_SLACK + 1 :]) / (a.width * a.height)


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        import cairosvg  # noqa: F401  # type: ignore[import-untyped]
    except OSError as error:  # the Python package is there, the cairo library is not
        pytest.fail(f"CairoSVG needs the cairo library (Debian: libcairo2): {error}")
    out = tmp_path_factory.mktemp("png")
    pictures.build(out)
    return out


def test_every_pictogram_has_its_png_and_there_is_no_other() -> None:
    index = pictures.pictogram_index()
    committed = {p.stem for p in pictures.PNG_FOLDER.glob("*.png")}
    assert committed == set(index), "run scripts/build-pictograms and commit the PNGs"
    assert {p.name for p in pictures.PNG_FOLDER.iterdir()} == {f"{n}.png" for n in index}


def test_the_committed_pngs_are_what_the_svg_sources_make(rebuilt: Path) -> None:
    for name in pictures.pictogram_index():
        committed = _image(pictures.png_path(name).read_bytes())
        assert committed.format == "PNG", name
        assert committed.size == (pictures.PNG_SIZE, pictures.PNG_SIZE), name
        assert committed.mode == "RGBA", name  # the rounded corners stay transparent
        fresh = _image((rebuilt / f"{name}.png").read_bytes())
        share = _differing_share(committed, fresh)
        assert share <= DIFFERENT_PIXELS_ALLOWED, (
            f"notifications/pictograms/png/{name}.png is not what {name}.svg makes "
            f"({share:.1%} of its pixels differ): run scripts/build-pictograms and commit"
        )


def test_the_comparison_sees_a_changed_drawing(rebuilt: Path) -> None:
    # The test above could pass on anything if the comparison were blind: two different
    # pictures, and one drawing moved by a little, are both far apart.
    tick = _image((rebuilt / "tick.png").read_bytes())
    cross = _image((rebuilt / "cross.png").read_bytes())
    assert _differing_share(tick, cross) > 10 * DIFFERENT_PIXELS_ALLOWED
    moved = Image.new("RGBA", tick.size)
    moved.paste(tick, (2, 0))
    assert _differing_share(tick, moved) > DIFFERENT_PIXELS_ALLOWED


def test_a_picture_is_drawn_not_blank(rebuilt: Path) -> None:
    for name in pictures.pictogram_index():
        image = _image((rebuilt / f"{name}.png").read_bytes()).convert("RGBA")
        # Ink: opaque pixels that are not the white ground (black, or a dark colour).
        opaque = image.getchannel("A").point(lambda v: 255 if v > 200 else 0).convert("1")
        inked = image.convert("L").point(lambda v: 255 if v <= 230 else 0).convert("1")
        ink = ImageChops.logical_and(opaque, inked).histogram()[255]
        assert ink > 0.05 * image.width * image.height, name


# --- in a message's HTML ---------------------------------------------------------------------


def test_img_names_the_part_by_content_id_and_escapes_the_alt_text() -> None:
    tag = str(pictures.img("board", 'The "Board" & <you>'))
    assert tag.startswith('<img class="pictogram" src="cid:pictogram-board@cyd.png"')
    assert 'alt="The &#34;Board&#34; &amp; &lt;you&gt;"' in tag
    assert 'width="64" height="64"' in tag
    assert "data:" not in tag
    # An addr-spec, as a Content-ID must be.
    assert re.fullmatch(r"[a-z-]+@[a-z.]+", pictures.content_id("board"))
    with pytest.raises(KeyError):
        pictures.content_id("dragon")


def test_names_in_lists_each_picture_once_in_order_of_first_use() -> None:
    html = "".join(
        [
            f"<li>{pictures.img('tick', '')} <span>Yes.</span></li>",
            f"<li>{pictures.img('board', '')} <span>The Board.</span></li>",
            f"<li>{pictures.img('tick', '')} <span>Yes again.</span></li>",
            "<p>cid:pictogram-cross@cyd.png is text here, not a picture.</p>",
        ]
    )
    assert pictures.names_in(html) == ("tick", "board")
    assert pictures.names_in("<p>No pictures.</p>") == ()


def test_without_pictures_drops_decorative_ones_and_keeps_the_meaning_of_the_others() -> None:
    html = (
        f"<li>{pictures.img('tick', '')} <span>Yes.</span></li>"
        f"<p>{pictures.img('welsh', 'The Welsh language')} welcome.</p>"
    )
    stripped = pictures.without_pictures(html)
    assert stripped == "<li><span>Yes.</span></li><p>The Welsh language welcome.</p>"
    assert "cid:" not in stripped
    assert pictures.names_in(stripped) == ()


def test_png_reads_the_committed_picture() -> None:
    data = pictures.png("money")
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert data == pictures.png_path("money").read_bytes()
    with pytest.raises(KeyError):
        pictures.png("dragon")
