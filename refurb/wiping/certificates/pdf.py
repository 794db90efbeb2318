"""The certificate PDF: the facts of the issuance, the drive table, per-drive details for
small certificates, the people responsible, and a QR code to the verification page.

The PDF prints the SHA-256 of its *content* (the facts it states, canonical JSON): a PDF
cannot contain the SHA-256 of its own bytes, which the workshop keeps instead
(refurb.wiping.certificates.verification).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import segno
from fpdf.enums import XPos, YPos

from refurb.documents.pdf import Letterhead
from refurb.documents.services import content_hash
from refurb.wiping.certificates.content import format_date
from refurb.wiping.certificates.pdf_table import TablePDF, row_cells

DETAIL_LIMIT = 20  # beyond this many drives, the per-drive detail pages are left out


class CertificatePDF(TablePDF):
    def facts(self, rows: list[tuple[str, str]], key_width: float = 58) -> None:
        """Key / value lines of one line each, kept together on one page."""
        if self.get_y() + 5 * len(rows) > self.page_break_trigger:
            self.add_page()
        for key, value in rows:
            self.set_font("DejaVu", "B", 9)
            self.cell(key_width, 5, key)
            self.set_font("DejaVu", "", 9)
            self.cell(0, 5, value or "—", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def qr_code(self, text: str, x: float, y: float, size: float) -> None:
        """Vector QR code: one filled rectangle per run of dark modules."""
        matrix = segno.make(text, error="m").matrix
        border = 2
        module = size / (len(matrix) + 2 * border)
        k = self.k
        ops = ["q 0 g"]
        for row_index, row in enumerate(matrix):
            col = 0
            while col < len(row):
                if row[col]:
                    start = col
                    while col < len(row) and row[col]:
                        col += 1
                    left = x + (start + border) * module
                    top = y + (row_index + border) * module
                    ops.append(f"{left * k:.2f} {(self.h - top - module) * k:.2f} "
                               f"{(col - start) * module * k:.2f} {module * k:.2f} re")
                else:
                    col += 1
        ops.append("f Q")
        self._out(" ".join(ops))



def render_certificate(payload: dict[str, Any], version: int, issued_at: datetime) -> bytes:
    number = payload["number"]
    org = payload["organisation"]
    pdf = CertificatePDF(
        title="Certificat d'effacement des données",
        letterhead=Letterhead(org["name"], org["address"], org["siret"], org["contact"]),
        number=number,
        version=version,
        issued_at=issued_at,
        footer_note=f"Certificat d'effacement {number} — vérification : {payload['verify_url']}",
        orientation="L",
    )
    pdf.add_page()
    pdf.qr_code(payload["verify_url"], pdf.w - pdf.r_margin - 32, 34, 32)
    pdf.set_right_margin(pdf.r_margin + 36)  # keep text clear of the QR code
    pdf.title_block(
        "Certificat d'effacement des données",
        f"{payload['subject']} — assainissement des supports selon NIST SP 800-88",
    )
    donor = payload["donor"] or {"name": "—", "siret": "", "address": ""}
    entries = payload["drives"]
    pdf.facts([
        ("Numéro du certificat", f"{number} (version {version})"),
        ("Date d'émission", format_date(issued_at)),
        ("Organisation", ", ".join(p for p in (org["name"], org["address"]) if p)),
        ("SIRET / contact", " — ".join(p for p in (org["siret"], org["contact"]) if p)),
        ("Client (donateur)", donor["name"]),
        ("SIRET / adresse du client",
         " — ".join(p for p in (donor["siret"], donor["address"]) if p)),
        ("Collecte", payload["collection"] or "—"),
        ("Supports couverts", str(len(entries))),
        ("Empreinte du contenu", f"SHA-256 {content_hash(payload)}"),
        ("Vérification en ligne", payload["verify_url"]),
    ])
    pdf.set_right_margin(15)
    pdf.paragraph(
        "Ce certificat atteste que chaque support ci-dessous a été assaini selon la technique "
        "indiquée et vérifié par l'outil indiqué. L'empreinte ci-dessus est celle du contenu du "
        "certificat (les faits qu'il énonce) : un fichier PDF ne peut pas contenir l'empreinte "
        "de ses propres octets. L'empreinte SHA-256 du fichier émis est conservée par "
        "l'atelier : déposez le PDF (ou collez son empreinte) sur la page de vérification en "
        "ligne pour savoir s'il est authentique et inchangé.",
        size=8,
    )
    pdf.heading("Supports assainis")
    pdf.fast_table([row_cells(i, e) for i, e in enumerate(entries, start=1)])
    if len(entries) <= DETAIL_LIMIT:
        _details(pdf, entries)
    _signatures(pdf, payload)
    return pdf.render()


def _details(pdf: CertificatePDF, entries: list[dict]) -> None:
    if pdf.get_y() + 8 + 5 * 13 > pdf.page_break_trigger:  # heading with its first block
        pdf.add_page()
    pdf.heading("Détail par support")
    for index, e in enumerate(entries, start=1):
        validator = e["validator"]
        operator = e["operator"]
        pdf.facts([
            (f"Support {index}", f"{e['model']} — S/N {e['serial'] or 'non renseigné'}"),
            ("Fabricant / type / capacité",
             f"{e['maker'] or '—'} / {e['kind']} / {e['capacity'] or '—'}"),
            ("N° d'inventaire (hôte)", e["host"] or "—"),
            ("Niveau NIST / technique", f"{e['outcome']} / {e['technique']}"),
            ("Motif / passes", f"{e['pattern'] or '—'} / {e['passes'] or '—'}"),
            ("Outil et version", e["tool"]),
            ("Vérification", f"{e['verification']} : {e['verification_result']}"),
            ("Résultat / erreurs", f"{e['result']} / {e['errors']}"),
            ("Début / fin", f"{e['started'] or '—'} / {e['finished']}"),
            ("Opérateur", " — ".join(p for p in (operator["name"], operator["title"]) if p)),
            ("Validé par", (f"{validator['name']} — {validator['title']}, le {e['validated_at']}"
                            if validator else "non validé")),
            ("Destination du support", e["destination"]),
            ("Enregistrement", f"n° {e['record']}"),
        ])


def _signatures(pdf: CertificatePDF, payload: dict[str, Any]) -> None:
    def names(people):
        return ", ".join(f"{n} ({t})" if t else n for n, t in people) or "—"

    org = payload["organisation"]
    if pdf.get_y() + 60 > pdf.page_break_trigger:
        pdf.add_page()
    pdf.heading("Responsables")
    pdf.paragraph(f"Lieu : {org['address'] or org['name']}. Contact : {org['contact'] or '—'}.",
                  size=8)
    pdf.signature_blocks([
        ("Effacement réalisé par", _fit_names(names(payload["operators"]))),
        ("Vérifié et validé par", _fit_names(names(payload["validators"]))),
    ])


def _fit_names(text: str, limit: int = 110) -> str:
    # A large collection may have many operators; the table names each one per drive.
    return text if len(text) <= limit else text[: limit - 1].rstrip(", ") + "…"

