"""The drive table of a certificate. Large collections (thousands of drives) would take
minutes through DocumentPDF.table, which measures every cell twice: the table is written here
with a fixed row height, text cut to the column width, straight into the page content stream.
"""

from __future__ import annotations

from fpdf.enums import PDFResourceType

from refurb.documents.pdf import DocumentPDF

# (title, width mm) — landscape A4, 267 mm between the margins; two lines per drive.
COLUMNS = (
    ("N°", 7), ("Fabricant, modèle / n° de série", 44), ("Capacité / type", 19),
    ("N° d'inventaire", 21), ("Niveau NIST / technique", 34), ("Outil / vérification", 36),
    ("Effacé / HPA-DCO", 26), ("Résultat / date", 19), ("Opérateur / validé par", 29),
    ("Destination du support", 32),
)
FONT_SIZE = 6.5
LINE_H = 2.9
ROW_H = 2 * LINE_H + 1.2
SHORT_VERIFICATION = {"none": "Sans vérification", "last_pass": "Dernière passe",
                      "all_passes": "Toutes les passes"}


def row_cells(index: int, e: dict) -> list[tuple[str, str]]:
    serial = f"S/N {e['serial']}" if e["serial"] else "sans n° de série"
    validator = e["validator"]["name"] if e["validator"] else "validation attendue"
    facts = e.get("evidence")
    erased = (facts["coverage"], f"HPA/DCO : {facts['hpa_dco']}") if facts else ("—", "")
    model = e["model"] or ""
    maker = e["maker"] if not model.upper().startswith(e["maker"].upper()) else ""
    verification = f"{SHORT_VERIFICATION.get(e['verification_code'], e['verification'])} : " \
                   f"{e['verification_result']}"
    return [
        (str(index), ""),
        (" ".join(p for p in (maker, model) if p), serial),
        (e["capacity"], e["kind"]),
        (e["host"], e["tag"] if e["tag"] and e["tag"] != e["host"] else e.get("donor_number", "")),
        (e["outcome"], e["technique"]),
        (e["tool"], verification),
        erased,
        (e["result"], e["date"]),
        (e["operator"]["name"], validator),
        (e["destination"], "rattachement forcé : " + e["override"]["reason"]
         if e.get("override") else ""),
    ]



MM_PER_UNIT = FONT_SIZE / 1000 * 25.4 / 72
WIDEST = 1200  # wider than any DejaVu Sans (Bold) Latin glyph: a safe bound for short text


def _width(font, text: str) -> float:
    """Advance width of `text` in mm at FONT_SIZE (font.cw: per 1000 units of the size)."""
    return sum(map(font.cw.__getitem__, map(ord, text))) * MM_PER_UNIT


def fit(font, text: str, width_mm: float) -> str:
    """Cut `text` to `width_mm`, with an ellipsis when it had to be cut."""
    if len(text) * WIDEST * MM_PER_UNIT <= width_mm or _width(font, text) <= width_mm:
        return text
    while text and _width(font, text + "…") > width_mm:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap2(font, text: str, width_mm: float) -> tuple[str, str]:
    """Up to two lines, broken at a space; the second is cut if still too long."""
    if len(text) * WIDEST * MM_PER_UNIT <= width_mm or _width(font, text) <= width_mm:
        return text, ""
    words = text.split(" ")
    first = words[0]
    for index in range(1, len(words)):
        candidate = " ".join(words[: index + 1])
        if _width(font, candidate) > width_mm:
            return fit(font, first, width_mm), fit(font, " ".join(words[index:]), width_mm)
        first = candidate
    return fit(font, text, width_mm), ""


class _EncodedText:
    """Fitted and encoded text per (value, width): column values repeat a lot (labels,
    models, names)."""

    def __init__(self, font) -> None:
        self.font = font
        self.cache: dict[tuple[str, float, bool], tuple[str, str]] = {}

    def lines(self, first: str, second: str, width: float) -> tuple[str, str]:
        font, cache = self.font, self.cache
        key = (first, width, bool(second))
        encoded = cache.get(key)
        if encoded is None:
            fitted = (_wrap2(font, first, width) if not second
                      else (fit(font, first, width), ""))
            encoded = cache[key] = tuple(font.encode_text(t) if t else "" for t in fitted)
        if not second:
            return encoded
        key2 = (second, width, True)
        other = cache.get(key2)
        if other is None:
            other = cache[key2] = (font.encode_text(fit(font, second, width)), "")
        return encoded[0], other[0]


class TablePDF(DocumentPDF):
    def fast_table(self, rows: list[list[tuple[str, str]]]) -> None:
        """Fixed-height rows of two lines, written straight into the content stream.

        Fitted and encoded text is cached per value; column rules are drawn once per page.
        That is what makes thousands of rows cheap.
        """
        self.set_font("DejaVu", "B", FONT_SIZE)
        bold = self.current_font
        self.set_font("DejaVu", "", FONT_SIZE)
        font = self.current_font
        widths = [w for _, w in COLUMNS]
        k = self.k
        text = _EncodedText(font)
        lefts = [self.l_margin + sum(widths[:i]) for i in range(len(widths))]
        text_x = [f"{(x + 0.6) * k:.2f}" for x in lefts]
        inner = [w - 1.2 for w in widths]
        rules = [f"{x * k:.2f}" for x in (*lefts, self.l_margin + sum(widths))]
        header = self._header_ops(bold, widths)
        first_offset = (0.6 + LINE_H * 0.78) * k
        offsets = (first_offset, first_offset + LINE_H * k)

        page_top = self._start_table_page(header, font, bold)
        for row in rows:
            y = self.get_y()
            if y + ROW_H > self.page_break_trigger:
                self._close_table_page(rules, page_top, y)
                self.add_page()
                page_top = self._start_table_page(header, font, bold)
                y = self.get_y()
            ops = [f"q 0 g 0.6 G 0.2 w {self._row_rule(rules, y)} "
                   f"/F{font.i} {FONT_SIZE:.2f} Tf"]
            top = (self.h - y) * k
            b1, b2 = f"{top - offsets[0]:.2f}", f"{top - offsets[1]:.2f}"
            for index, (first, second) in enumerate(row):
                one, two = text.lines(first, second, inner[index])
                if one:
                    ops.append(f"BT {text_x[index]} {b1} Td {one} ET")
                if two:
                    ops.append(f"BT {text_x[index]} {b2} Td {two} ET")
            ops.append("Q")
            self._out(" ".join(ops))
            self.set_y(y + ROW_H)
        self._close_table_page(rules, page_top, self.get_y())
        self.ln(2)
        self.set_font("DejaVu", "", 10)

    def _row_rule(self, rules: list[str], y: float) -> str:
        """The line under a row starting at `y`."""
        bottom = f"{(self.h - y) * self.k - ROW_H * self.k:.2f}"
        return f"{rules[0]} {bottom} m {rules[-1]} {bottom} l S"

    def _close_table_page(self, rules: list[str], top_y: float, bottom_y: float) -> None:
        """The column rules, drawn once per page."""
        k = self.k
        top, bottom = (self.h - top_y) * k, (self.h - bottom_y) * k
        self._out("q 0.6 G 0.2 w " + " ".join(
            f"{x} {top:.2f} m {x} {bottom:.2f} l" for x in rules) + " S Q")

    def _header_ops(self, bold, widths: list[float]) -> str:
        """The column titles, as operators relative to the top of the table (reused per page)."""
        k, height = self.k, 5
        ops = [f"0.9 0.918 0.929 rg 0 0 {sum(widths) * k:.2f} {-height * k:.2f} re f",
               "0 g 0.6 G 0.2 w"]
        x = 0.0
        for (title, width), _ in zip(COLUMNS, widths, strict=True):
            ops.append(f"{x * k:.2f} 0 {width * k:.2f} {-height * k:.2f} re S")
            text_w = _width(bold, title)
            left = x + max(0.3, (width - text_w) / 2)
            ops.append(f"BT /F{bold.i} {FONT_SIZE:.2f} Tf {left * k:.2f} {-3.4 * k:.2f} Td "
                       f"{bold.encode_text(fit(bold, title, width - 0.6))} ET")
            x += width
        return " ".join(ops)

    def _start_table_page(self, header: str, font, bold) -> float:
        """Draw the column titles; return where the table starts on this page."""
        # Raw text operators bypass fpdf2's font bookkeeping: declare the fonts on this page.
        for f in (font, bold):
            self._resource_catalog.add(PDFResourceType.FONT, f.i, self.page)
        y = self.get_y()
        self._out(f"q 1 0 0 1 {self.l_margin * self.k:.2f} {(self.h - y) * self.k:.2f} cm "
                  f"{header} Q")
        self.set_y(y + 5)
        return y
