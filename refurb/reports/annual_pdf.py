"""The annual activity report for funders (CCAS board, city, partners): a PDF drawn from the
payload of `reports.annual.annual_payload` alone. Charts are vector drawings (rectangles
and lines), not pictures, so they print sharply and weigh nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from refurb.documents.pdf import Column, DocumentPDF, Letterhead
from refurb.reports.svg import fmt, nice_scale

TITLE = "Rapport d'activité"
# Greys and one accent, distinguishable printed in black and white.
FILLS = ((27, 73, 101), (95, 168, 211), (11, 110, 79), (242, 169, 0))


def cell_text(value: Any, digits: int | None = None) -> str:
    """Payload values (numbers as text, ISO dates) → French text."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return fmt(value)
    text = str(value)
    try:
        return date.fromisoformat(text).strftime("%d/%m/%Y") if len(text) == 10 and text[4] == "-" \
            else _number(text, digits)
    except ValueError:
        return text


def _number(text: str, digits: int | None) -> str:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if digits is None:
        exponent = number.as_tuple().exponent
        digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return fmt(number, digits)


class AnnualPDF(DocumentPDF):
    def ensure_space(self, height: float) -> None:
        if self.get_y() + height > self.h - self.b_margin:
            self.add_page()

    def fit(self, text: str, width: float) -> str:
        """Shorten `text` with an ellipsis until it fits `width` mm in the current font."""
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text.rstrip() + "…"

    def grid(self, table: dict[str, Any], widths: Sequence[float], size: float = 8,
             header: Sequence[str] | None = None) -> None:
        """`header`: shorter column titles where the page's own would not fit the width."""
        titles = header or table["header"]
        columns = [Column(title, width, "L" if i == 0 else "R")
                   for i, (title, width) in enumerate(zip(titles, widths, strict=True))]
        rows = [[cell_text(v) if i else str(v) for i, v in enumerate(row)]
                for row in table["rows"]]
        if rows:
            self.table(columns, rows, size=size)
        else:
            self.paragraph("Aucune donnée pour cette année.", size=9)

    def columns_chart(self, categories: Sequence[str], series: Sequence[tuple[str, Sequence]],
                      *, height: float = 55, y_label: str = "") -> None:
        """Grouped columns with a legend, a y axis with round ticks and category labels."""
        self.ensure_space(height + 18)
        left, top = self.l_margin + 12, self.get_y() + 8
        width = self.w - self.r_margin - left
        values = [float(Decimal(str(v))) for _n, vs in series for v in vs]
        axis_top, step = nice_scale(max(values, default=0))
        base = top + height
        self.set_font("DejaVu", "", 7)
        x = left + 16
        for index, (name, _values) in enumerate(series):
            self.set_fill_color(*FILLS[index % len(FILLS)])
            self.rect(x, top - 7, 3, 3, style="FD")
            self.set_xy(x + 4, top - 7.8)
            self.cell(self.get_string_width(name) + 2, 4.5, name)
            x += self.get_string_width(name) + 10
        self.set_draw_color(200, 200, 200)
        ticks = int(round(axis_top / step))
        for i in range(ticks + 1):
            y = base - height * i / ticks
            self.line(left, y, left + width, y)
            self.set_xy(left - 13, y - 2)
            self.cell(12, 4, fmt(i * step, 0 if float(step).is_integer() else 1), align="R")
        self.set_draw_color(30, 30, 30)
        self.line(left, top, left, base)
        self.line(left, base, left + width, base)
        slot = width / max(1, len(categories))
        bar = slot * 0.8 / max(1, len(series))
        for index, (_name, vs) in enumerate(series):
            self.set_fill_color(*FILLS[index % len(FILLS)])
            for i, v in enumerate(vs):
                h = height * float(Decimal(str(v))) / axis_top
                if h > 0:
                    self.rect(left + slot * i + slot * 0.1 + index * bar, base - h, bar, h,
                              style="FD")
        for i, name in enumerate(categories):
            self.set_xy(left + slot * i, base + 1)
            self.cell(slot, 4, name, align="C")
        if y_label:  # the unit, above the axis
            self.set_xy(self.l_margin, top - 3)
            self.cell(24, 3, y_label)
        self.set_xy(self.l_margin, base + 7)
        self.set_font("DejaVu", "", 10)

    def bars_chart(self, labels: Sequence[str], values: Sequence, *, unit: str = "") -> None:
        """One horizontal bar per label, the value written after it."""
        row = 6
        self.ensure_space(row * len(labels) + 8)
        label_w = 62
        left = self.l_margin + label_w
        width = self.w - self.r_margin - left - 22
        top = self.get_y() + 1
        numbers = [float(Decimal(str(v))) for v in values]
        axis_top, _step = nice_scale(max(numbers, default=0))
        self.set_font("DejaVu", "", 7)
        self.set_fill_color(*FILLS[0])
        self.set_draw_color(30, 30, 30)
        for i, (label, number) in enumerate(zip(labels, numbers, strict=True)):
            y = top + i * row
            self.set_xy(self.l_margin, y)
            self.cell(label_w - 2, row, self.fit(label, label_w - 3), align="R")
            w = width * number / axis_top
            if w > 0:
                self.rect(left, y + 1, w, row - 2, style="FD")
            self.set_xy(left + w + 1, y)
            self.cell(22, row, f"{fmt(number, 0 if number.is_integer() else 1)} {unit}".strip())
        self.line(left, top, left, top + row * len(labels))
        self.set_xy(self.l_margin, top + row * len(labels) + 3)
        self.set_font("DejaVu", "", 10)


def _figure(label: str, value: Any, unit: str, digits: int) -> tuple[str, str]:
    if value is None:
        return label, "—"
    text = cell_text(value, digits)
    return label, f"{text} {unit}".strip()


def render_annual_report(payload: dict[str, Any], version: int, now: datetime) -> bytes:
    year, ws = payload["year"], payload["workshop"]
    number = f"RAPPORT-{year}"
    pdf = AnnualPDF(
        title=f"{TITLE} {year}",
        letterhead=Letterhead(ws["name"], ws["address"], ws["siret"], ws["contact"]),
        number=number, version=version, issued_at=now,
        footer_note=f"{TITLE} {year} — {number}, version {version}",
    )
    pdf.add_page()
    pdf.title_block(f"{TITLE} {year}", f"Du 01/01/{year} au 31/12/{year} — émis le "
                                       f"{now:%d/%m/%Y}")
    if payload["programme"]:
        pdf.heading("Le programme")
        pdf.paragraph(payload["programme"])
    pdf.heading("Chiffres clés")
    pdf.key_values([_figure(*f) for f in payload["figures"]], key_width=80)
    co2 = payload["co2"]
    pdf.paragraph(
        f"CO2e évité : {co2['computers']} ordinateur(s) réemployé(s) × {cell_text(co2['kg_per_year'])}"
        f" kg CO2e par année d'usage × {cell_text(co2['years'])} année(s) d'usage supposée(s). "
        f"Source : {co2['source']} Types comptés : {', '.join(co2['types'])}. "
        "Tous les chiffres sont recalculés à partir des enregistrements et de l'historique des "
        "appareils ; aucun total n'est saisi.", size=8)

    months = payload["months"]
    pdf.heading(months["title"])
    body = months["rows"][:-1]
    pdf.columns_chart([row[0].split(" ")[0] for row in body],
                      [(name, [row[i + 1] for row in body])
                       for i, name in enumerate(months["header"][1:])], y_label="appareils")
    pdf.grid(months, [40, 35, 35, 35, 35])

    reuse = payload["reuse"]
    pdf.heading(reuse["title"])
    pdf.grid(reuse, [40, 35, 35, 35, 35])
    weee = payload["weee"]
    pdf.heading(weee["title"])
    if weee["rows"][:-1]:
        pdf.bars_chart([row[0] for row in weee["rows"][:-1]],
                       [row[3] for row in weee["rows"][:-1]], unit="kg")
    pdf.grid(weee, [80, 22, 22, 28, 28])

    lead = payload["lead_times"]
    pdf.heading(lead["title"])
    pdf.grid(lead, [60, 40, 40, 40])

    for table in payload["served"]:
        pdf.ensure_space(30)
        pdf.heading(table["title"])
        if table["rows"]:
            pdf.bars_chart([row[0] for row in table["rows"]], [row[1] for row in table["rows"]])
        pdf.grid(table, [100, 40, 40])

    training = payload["training"]
    pdf.ensure_space(30)
    pdf.heading(training["title"])
    pdf.grid(training, [52, 14, 16, 18, 16, 16, 16, 16, 16], size=7,
             header=["Programme", "Séances", "Particip.", "½ j. présents", "Absences",
                     "Excusées", "Heures", "Parcours", "Terminés"])
    pdf.paragraph("Particip. : participants présents au moins une demi-journée ; ½ j. : "
                  "demi-journées ; Parcours : inscriptions suivies dans l'année ; Terminés : "
                  "parcours dont toutes les séances prévues ont été suivies.", size=7)
    if payload.get("funders"):
        _funders_section(pdf, payload["funders"])
    return pdf.render()


def _funders_section(pdf: AnnualPDF, funders: dict[str, Any]) -> None:
    pdf.add_page()
    key = funders["key"]
    pdf.heading(key["title"])
    pdf.key_values([(label, f"{cell_text(value)} {unit}".strip())
                    for label, value, unit in key["rows"]], key_width=80)
    pdf.paragraph("Coûts et financements : saisis d'après la comptabilité de l'année. Coût par "
                  "foyer équipé : coûts de l'année divisés par les foyers ayant reçu une "
                  "machine. QPV : quartier prioritaire de la politique de la ville, d'après le "
                  "dossier du bénéficiaire.", size=7)
    for name, widths in (("fees", [70, 40, 30, 40]), ("budget", [14, 38, 22, 50, 30, 26]),
                         ("cohorts", [64, 34, 22, 30, 30])):
        table = funders[name]
        pdf.ensure_space(30)
        pdf.heading(table["title"])
        pdf.grid(table, widths)
