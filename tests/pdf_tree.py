"""Reading a tagged PDF as a screen reader meets it: its structure tree (roles, /Alt,
/Lang) with the text each element holds, read back from the pages' marked content
through each font's ToUnicode map. With pikepdf; enough for the PDFs WeasyPrint writes
(Type0 fonts with 2-byte codes, text shown with Tj/TJ inside BDC /MCID ... EMC)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf


@dataclass
class Element:
    role: str  # "H1", "P", "L", "LI", "Figure", ... (without the slash)
    alt: str | None = None
    lang: str | None = None
    children: list[Element] = field(default_factory=list)
    own_text: list[str] = field(default_factory=list)  # its marked content, in order

    @property
    def text(self) -> str:
        """The element's words, white space collapsed (lines joined with a space)."""
        return " ".join(" ".join(self._pieces()).split())

    def _pieces(self) -> Iterator[str]:
        # Marked content and child elements interleave in /K; WeasyPrint gives an
        # element either text of its own (a Span per line) or children, so the order
        # of the two kinds never matters here.
        yield from self.own_text
        for child in self.children:
            yield from child._pieces()

    def walk(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, *roles: str) -> list[Element]:
        return [e for e in self.walk() if e.role in roles]


@dataclass
class Tagged:
    root: Element  # the /Document element
    lang: str | None
    title: str | None  # the document information's /Title
    xmp_title: str | None
    marked: bool  # /MarkInfo /Marked
    display_title: bool  # /ViewerPreferences /DisplayDocTitle
    pdfua_part: str | None  # XMP pdfuaid:part
    pages: int
    untagged_text: int  # text shown outside any marked content (neither tagged nor artifact)
    artifact_images: int  # images (XObjects) drawn inside /Artifact marked content
    fonts: list[str]  # /BaseFont of every font used

    @property
    def text(self) -> str:
        return self.root.text


def _to_unicode(font: pikepdf.Object) -> dict[bytes, str]:
    """A Type0 font's code -> text map (its ToUnicode CMap: bfchar and bfrange)."""
    stream = font.get("/ToUnicode")
    if stream is None:
        return {}
    cmap = stream.read_bytes().decode("latin-1")
    table: dict[bytes, str] = {}

    def text(hexa: str) -> str:
        return bytes.fromhex(hexa).decode("utf-16-be")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for source, target in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            table[bytes.fromhex(source)] = text(target)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for low, high, target in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            width = len(low) // 2
            start = int(target, 16)
            for n, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                table[code.to_bytes(width, "big")] = chr(start + n)
    return table


def _decode(raw: bytes, table: dict[bytes, str]) -> str:
    return "".join(table.get(raw[i : i + 2], "\ufffd") for i in range(0, len(raw), 2))


def _page_text(page: pikepdf.Page) -> tuple[dict[int, list[str]], int, int, set[str]]:
    """Text by MCID; text shown outside marked content; images drawn as artifacts; fonts."""
    fonts = page.Resources.get("/Font", pikepdf.Dictionary())
    tables = {str(name): _to_unicode(font) for name, font in fonts.items()}
    names = {str(font.get("/BaseFont")) for font in fonts.values()}
    by_mcid: dict[int, list[str]] = {}
    stack: list[int | str | None] = []  # MCID, "artifact" or None for each open section
    table: dict[bytes, str] = {}
    untagged = artifact_images = 0
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "BDC":
            tag, properties = operands
            mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
            stack.append(int(mcid) if mcid is not None else str(tag))
        elif op == "BMC":
            stack.append("artifact" if str(operands[0]) == "/Artifact" else None)
        elif op == "EMC":
            stack.pop()
        elif op == "Tf":
            table = tables.get(str(operands[0]), {})
        elif op in ("Tj", "TJ", "'", '"'):
            strings = operands[0] if op == "TJ" else operands[-1:]
            shown = "".join(
                _decode(bytes(s), table) for s in strings if isinstance(s, pikepdf.String)
            )
            mcids = [m for m in stack if isinstance(m, int)]
            if mcids:
                by_mcid.setdefault(mcids[-1], []).append(shown)
            elif "artifact" not in stack:
                untagged += 1
        elif op == "Do" and "artifact" in stack:
            artifact_images += 1
    return by_mcid, untagged, artifact_images, names


def read_tagged(data: bytes) -> Tagged:
    pdf = pikepdf.open(io.BytesIO(data))
    page_index = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
    texts: list[dict[int, list[str]]] = []
    untagged = artifact_images = 0
    fonts: set[str] = set()
    for page in pdf.pages:
        by_mcid, loose, decorative, names = _page_text(page)
        texts.append(by_mcid)
        untagged += loose
        artifact_images += decorative
        fonts |= names

    def element(node: pikepdf.Dictionary, page: int | None) -> Element:
        if "/Pg" in node:
            page = page_index[node.Pg.objgen]
        alt, lang = node.get("/Alt"), node.get("/Lang")
        made = Element(
            role=str(node.S)[1:],
            alt=str(alt) if alt is not None else None,
            lang=str(lang) if lang is not None else None,
        )
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
            if isinstance(kid, int) and page is not None:  # an MCID on the element's page
                made.own_text += texts[page].get(kid, [])
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                made.children.append(element(kid, page))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                where = page_index[kid.Pg.objgen] if "/Pg" in kid else page
                if where is not None:
                    made.own_text += texts[where].get(int(kid.MCID), [])
        return made

    root = pdf.Root
    tree = root.get("/StructTreeRoot")
    assert tree is not None, "the PDF has no structure tree"
    kids = tree.K
    top = kids[0] if isinstance(kids, pikepdf.Array) else kids
    metadata = pdf.open_metadata()
    mark = root.get("/MarkInfo")
    preferences = root.get("/ViewerPreferences")
    lang, title = root.get("/Lang"), pdf.docinfo.get("/Title")
    return Tagged(
        root=element(top, None),
        lang=str(lang) if lang is not None else None,
        title=str(title) if title is not None else None,
        xmp_title=metadata.get("dc:title"),
        marked=bool(mark is not None and mark.get("/Marked")),
        display_title=bool(preferences is not None and preferences.get("/DisplayDocTitle")),
        pdfua_part=metadata.get("pdfuaid:part"),
        pages=len(pdf.pages),
        untagged_text=untagged,
        artifact_images=artifact_images,
        fonts=sorted(fonts),
    )
