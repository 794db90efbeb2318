"""The shared look of every issued PDF: A4, DejaVu (French accents, €), header with the
workshop, numbered footer with the document number, version and a verification line, tables
that repeat their header across pages, signature blocks.

Renderers build on `DocumentPDF`; they take plain data and return bytes. Output is
deterministic for the same data (fixed creation date), so hashes only change with content.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"


@dataclass(frozen=True)
class Letterhead:
    """Who issues the document (the workshop)."""

    name: str
    address: str = ""
    siret: str = ""
    contact: str = ""
    logo: bytes | None = None  # PNG or JPEG, printed at the top left


def workshop_letterhead(config: Mapping[str, Any] | None = None) -> Letterhead:
    """The workshop as the issuer of a document: its identity as admins set it
    (refurb.settings.workshop), with its logo. `config` is only read outside an application."""
    from flask import has_app_context

    if not has_app_context():
        config = config or {}
        return Letterhead(
            name=config.get("WORKSHOP_NAME", "") or "Atelier",
            address=config.get("WORKSHOP_ADDRESS", "") or "",
            siret=config.get("WORKSHOP_SIRET", "") or "",
            contact=config.get("WORKSHOP_CONTACT", "") or "",
        )
    from refurb.settings import workshop

    identity = workshop.current()
    logo = workshop.logo()
    return Letterhead(name=identity.name or "Atelier", address=identity.full_address,
                      siret=identity.siret, contact=identity.contact,
                      logo=logo.data if logo else None)


@dataclass(frozen=True)
class PrintedVerification:
    """What the footer of an issued document prints so a stranger can check it."""

    url: str
    content_sha256: str


_verification: ContextVar[PrintedVerification | None] = ContextVar("printed_verification",
                                                                   default=None)


@contextmanager
def printing_verification(value: PrintedVerification) -> Iterator[None]:
    """While a document is rendered for issuing (refurb.documents.services.issue_document),
    every page footer carries its verification link and content hash."""
    token = _verification.set(value)
    try:
        yield
    finally:
        _verification.reset(token)


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # mm
    align: str = "L"


class DocumentPDF(FPDF):
    def __init__(
        self,
        *,
        title: str,
        letterhead: Letterhead,
        number: str = "",
        version: int | None = None,
        issued_at: datetime | None = None,
        footer_note: str = "",
        orientation: str = "P",
        verification_footer: bool = True,
    ) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.doc_title = title
        self.letterhead = letterhead
        self.number = number
        self.version = version
        self.footer_note = footer_note
        # A renderer that prints the verification facts itself says so (verification_footer).
        self.verification = _verification.get() if verification_footer else None
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_font("DejaVu", size=10)
        self.set_auto_page_break(auto=True, margin=20)
        self.set_margins(15, 15, 15)
        self.set_title(title)
        self.set_author(letterhead.name)
        self.set_creator("Refurb")
        # Fixed metadata date: the same content renders to the same bytes.
        self.set_creation_date(issued_at or datetime(2000, 1, 1))
        self.alias_nb_pages()

    # -- page furniture -------------------------------------------------------------------
    def header(self) -> None:
        left = self.l_margin
        if self.letterhead.logo:
            image = self.image(io.BytesIO(self.letterhead.logo), x=self.l_margin, y=10, h=16)
            left = self.l_margin + float(image.rendered_width) + 3
        self.set_x(left)
        self.set_font("DejaVu", "B", 11)
        self.cell(0, 5, self.letterhead.name, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_font("DejaVu", "", 8)
        for line in (self.letterhead.address, _join("SIRET ", self.letterhead.siret),
                     self.letterhead.contact):
            if line:
                self.cell(0, 4, line, new_x=XPos.LEFT, new_y=YPos.NEXT)
        if self.number:
            self.set_xy(-80, 15)
            self.set_font("DejaVu", "B", 9)
            label = f"N° {self.number}" + (f" — version {self.version}" if self.version else "")
            self.cell(65, 5, label, align="R")
        self.set_y(max(self.get_y(), 32))
        self.set_draw_color(120, 120, 120)
        self.line(15, self.get_y(), self.w - 15, self.get_y())
        self.ln(3)
        self.set_font("DejaVu", "", 10)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("DejaVu", "", 7)
        left = self.footer_note or self.doc_title
        self.cell(0, 4, left, align="L")
        self.set_x(-45)
        self.cell(30, 4, f"Page {self.page_no()}/{{nb}}", align="R")
        if self.verification is not None:
            self.set_xy(self.l_margin, -11)
            self.set_font("DejaVu", "", 6)
            self.cell(0, 3, f"Vérifier ce document : {self.verification.url}", align="L")
            self.set_xy(self.l_margin, -8)
            self.cell(0, 3, f"Empreinte du contenu (SHA-256) : "
                            f"{self.verification.content_sha256}", align="L")

    # -- building blocks ------------------------------------------------------------------
    def title_block(self, title: str, subtitle: str = "") -> None:
        self.set_font("DejaVu", "B", 15)
        self.multi_cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if subtitle:
            self.set_font("DejaVu", "", 10)
            self.multi_cell(0, 5, subtitle, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)
        self.set_font("DejaVu", "", 10)

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font("DejaVu", "B", 11)
        self.cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", "", 10)

    def paragraph(self, text: str, size: float = 10) -> None:
        self.set_font("DejaVu", "", size)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def key_values(self, rows: Sequence[tuple[str, str]], key_width: float = 55) -> None:
        for key, value in rows:
            # Keep a pair on one page: break before it, never between key and value.
            self.set_font("DejaVu", "", 9)
            lines = len(self.multi_cell(0, 5, value or "—", dry_run=True, output="LINES"))
            if self.get_y() + 5 * max(lines, 1) > self.h - self.b_margin:
                self.add_page()
            self.set_font("DejaVu", "B", 9)
            y = self.get_y()
            self.multi_cell(key_width, 5, key, new_x=XPos.RIGHT, new_y=YPos.TOP)
            self.set_font("DejaVu", "", 9)
            self.multi_cell(0, 5, value or "—", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_y(max(self.get_y(), y + 5))
        self.ln(1)

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], size: float = 8):
        """A plain grid; rows never split, the header repeats on each new page."""
        line_h = size * 0.5

        def draw_header() -> None:
            self.set_font("DejaVu", "B", size)
            self.set_fill_color(230, 234, 237)
            for col in columns:
                self.cell(col.width, line_h + 1.5, col.title, border=1, align="C", fill=True)
            self.ln()
            self.set_font("DejaVu", "", size)

        draw_header()
        for row in rows:
            heights = [
                len(self.multi_cell(c.width, line_h, str(v), dry_run=True, output="LINES")) or 1
                for c, v in zip(columns, row, strict=True)
            ]
            height = max(heights) * line_h + 1
            if self.get_y() + height > self.h - self.b_margin:
                self.add_page()
                draw_header()
            x, y = self.get_x(), self.get_y()
            for col, value in zip(columns, row, strict=True):
                self.rect(x, y, col.width, height)
                self.set_xy(x, y + 0.5)
                self.multi_cell(col.width, line_h, str(value), align=col.align)
                x += col.width
            self.set_xy(self.l_margin, y + height)
        self.ln(2)

    def signature_blocks(self, parties: Sequence[tuple[str, str]], height: float = 28) -> None:
        """(role, name) per block, side by side: a box to sign, the place and date line."""
        if self.get_y() + height + 12 > self.h - self.b_margin:
            self.add_page()
        width = (self.w - self.l_margin - self.r_margin - 5 * (len(parties) - 1)) / len(parties)
        y = self.get_y() + 2
        for index, (role, name) in enumerate(parties):
            x = self.l_margin + index * (width + 5)
            self.set_xy(x, y)
            self.set_font("DejaVu", "B", 9)
            self.cell(width, 5, role)
            self.set_xy(x, y + 5)
            self.set_font("DejaVu", "", 8)
            self.cell(width, 4, name)
            self.set_xy(x, y + 9)
            self.cell(width, 4, "Fait à : ______________  le : ___/___/______")
            self.rect(x, y + 14, width, height - 14)
            self.set_xy(x + 1, y + height - 5)
            self.set_font("DejaVu", "", 7)
            self.cell(width - 2, 4, "Signature")
        self.set_xy(self.l_margin, y + height + 3)
        self.set_font("DejaVu", "", 10)

    def render(self) -> bytes:
        return bytes(self.output())


def _join(prefix: str, value: str) -> str:
    return f"{prefix}{value}" if value else ""


def format_eur(amount) -> str:
    """French money: 1 234,50 €"""
    text = f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0€"


def format_kg(amount) -> str:
    return f"{amount:,.1f}".replace(",", "\u202f").replace(".", ",") + " kg"
