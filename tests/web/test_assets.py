"""The committed CSS and JavaScript are what the pinned front-end packages make, with no
GOV.UK typeface or crown, and the GOV.UK Frontend pinned is the one the Jinja macros
target."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib.metadata import distribution
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "web" / "assets"
STATIC = ROOT / "web" / "static"
BUILT = ("cyd.css", "govuk-frontend.min.js")


def _package() -> dict[str, dict[str, str]]:
    package: dict[str, dict[str, str]] = json.loads((ASSETS / "package.json").read_text())
    return package


def test_the_front_end_packages_are_pinned_exactly() -> None:
    package = _package()
    lock = json.loads((ASSETS / "package-lock.json").read_text())
    wanted = {**package["dependencies"], **package["devDependencies"]}
    assert set(wanted) == {"govuk-frontend", "sass", "axe-core"}
    for name, version in wanted.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} {version} is not exact"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name


def test_govuk_frontend_is_the_version_the_jinja_macros_target() -> None:
    # The macros' package says which GOV.UK Frontend release it was checked against.
    about = distribution("govuk-frontend-jinja").metadata.get_payload()  # type: ignore[attr-defined]
    target = re.search(r"GOV\.UK%20Frontend-v(\d+\.\d+\.\d+)", about)
    assert target, "govuk-frontend-jinja no longer says which GOV.UK Frontend it targets"
    assert _package()["dependencies"]["govuk-frontend"] == target.group(1)
    css = (STATIC / "cyd.css").read_text(encoding="utf-8-sig")
    assert f'--govuk-frontend-version: "{target.group(1)}"' in css
    js = (STATIC / "govuk-frontend.min.js").read_text(encoding="utf-8")
    assert js.startswith(f'const version="{target.group(1)}";')


def test_the_stylesheet_has_no_gds_typeface_and_no_crown() -> None:
    css = (STATIC / "cyd.css").read_text(encoding="utf-8-sig")
    for banned in ("GDS Transport", "@font-face", "crest", "crown", "govuk-logo", ".woff"):
        assert banned not in css, banned
    assert "system-ui" in css
    files = {p.name for p in STATIC.iterdir()}
    assert files == {*BUILT, "cyd.js"}, "only the built files and Cyd's script are shipped"


@pytest.mark.slow
def test_the_committed_assets_are_what_the_pinned_sources_build(tmp_path: Path) -> None:
    if shutil.which("npm") is None:
        pytest.fail("npm is needed to rebuild the assets (.ci/run installs it)")
    subprocess.run(
        [str(ROOT / "scripts" / "build-assets"), str(tmp_path)],
        check=True,
        timeout=600,
        capture_output=True,
    )
    for name in BUILT:
        assert (tmp_path / name).read_bytes() == (STATIC / name).read_bytes(), (
            f"web/static/{name} is not what scripts/build-assets makes: run it and commit"
        )
