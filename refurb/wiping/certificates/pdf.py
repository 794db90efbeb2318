"""The certificate PDF: the facts of the issuance, the drive table, per-drive details for
small certificates, the people responsible, and a QR code to the verification page.

The PDF prints the SHA-256 of its *content* (the facts it states, canonical JSON): a PDF
cannot contain the SHA-256 of its own bytes, which the workshop keeps instead
(refurb.wiping.certificates.verification).
"""

from __future__ import annotations

import base64
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

    def warning(self, text: str, size: float = 9) -> None:
        """A framed paragraph that cannot be missed (provisional statement, forced match)."""
        self.set_font("DejaVu", "B", size)
        self.set_draw_color(150, 40, 40)
        self.multi_cell(0, size * 0.5, text, border=1, padding=1.5,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(0, 0, 0)
        self.set_font("DejaVu", "", 10)
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



TITLES = {False: "Certificat d'effacement des données",
          True: "Relevé provisoire d'effacement des données"}
PROVISIONAL_WARNING = (
    "CE RELEVÉ N'EST PAS UN CERTIFICAT. Il indique où en est l'effacement des supports : "
    "tant qu'une seconde personne (pas l'opérateur) n'a pas validé chaque effacement "
    "(NIST SP 800-88 rév. 2), l'atelier ne certifie rien. Le certificat d'effacement sera émis "
    "sous son propre numéro une fois tous les effacements validés.")


def render_certificate(payload: dict[str, Any], version: int, issued_at: datetime) -> bytes:
    number = payload["number"]
    org = payload["organisation"]
    provisional = bool(payload.get("provisional"))
    title = TITLES[provisional]
    logo = base64.b64decode(payload["logo"]) if payload.get("logo") else None
    digest = content_hash(payload)
    pdf = CertificatePDF(
        title=title,
        letterhead=Letterhead(org["name"], org["address"], org["siret"], org["contact"], logo),
        number=number,
        version=version,
        issued_at=issued_at,
        # One footer line with the content hash (cheaper than the generic two on 200 pages).
        footer_note=f"{title} — {number} — empreinte du contenu (SHA-256) : {digest}",
        orientation="L",
        verification_footer=False,
    )
    pdf.add_page()
    pdf.qr_code(payload["verify_url"], pdf.w - pdf.r_margin - 32, 34, 32)
    pdf.set_right_margin(pdf.r_margin + 36)  # keep text clear of the QR code
    pdf.title_block(title, f"{payload['subject']} — assainissement des supports selon "
                           "NIST SP 800-88")
    if provisional:
        pdf.warning(PROVISIONAL_WARNING)
    donor = payload["donor"] or {"name": "—", "siret": "", "address": ""}
    entries = payload["drives"]
    awaiting = sum(not e["validated"] for e in entries)
    pdf.facts([
        ("Numéro du relevé" if provisional else "Numéro du certificat",
         f"{number} (version {version})"),
        ("Date d'émission", format_date(issued_at)),
        ("Organisation", ", ".join(p for p in (org["name"], org.get("legal_form", ""),
                                               org["address"]) if p)),
        ("SIRET / contact", " — ".join(p for p in (org["siret"], org["contact"]) if p)),
        ("Client (donateur)", donor["name"]),
        ("SIRET / adresse du client",
         " — ".join(p for p in (donor["siret"], donor["address"]) if p)),
        ("Collecte", payload["collection"] or "—"),
        ("Supports couverts", str(len(entries)) + (
            f", dont {awaiting} en attente de validation" if awaiting else
            ", tous validés par une seconde personne")),
        ("Empreinte du contenu", f"SHA-256 {digest}"),
        ("Vérification en ligne", payload["verify_url"]),
    ])
    pdf.set_right_margin(15)
    pdf.paragraph(
        ("Ce relevé indique" if provisional else "Ce certificat atteste")
        + " que chaque support ci-dessous a été assaini selon la technique indiquée et vérifié "
        "par l'outil indiqué. L'empreinte ci-dessus est celle du contenu du document (les faits "
        "qu'il énonce), imprimée aussi en bas de chaque page : un fichier PDF ne peut pas "
        "contenir l'empreinte de ses propres octets, que l'atelier conserve. Sur la page de "
        "vérification en ligne, déposez le PDF ou collez l'une de ces empreintes pour savoir "
        "s'il est authentique, inchangé et toujours en vigueur. Les heures sont celles de "
        "l'atelier.",
        size=8,
    )
    pdf.heading("Supports assainis")
    pdf.fast_table([row_cells(i, e) for i, e in enumerate(entries, start=1)])
    if len(entries) <= DETAIL_LIMIT:
        _details(pdf, entries)
    _signatures(pdf, payload)
    return pdf.render()


def _details(pdf: CertificatePDF, entries: list[dict]) -> None:
    if pdf.get_y() + 8 + 5 * 16 > pdf.page_break_trigger:  # heading with its first block
        pdf.add_page()
    pdf.heading("Détail par support")
    for index, e in enumerate(entries, start=1):
        validator = e["validator"]
        operator = e["operator"]
        facts = e.get("evidence")
        rows = [
            (f"Support {index}", f"{e['model']} — S/N {e['serial'] or 'non renseigné'}"),
            ("Fabricant / type / capacité",
             f"{e['maker'] or '—'} / {e['kind']} / {e['capacity'] or '—'}"),
            ("N° d'inventaire (hôte)", e["host"] or "—"),
            ("Niveau NIST / technique", f"{e['outcome']} / {e['technique']}"),
            ("Motif / passes", f"{e['pattern'] or '—'} / {e['passes'] or '—'}"),
            ("Outil et version", e["tool"]),
            ("Vérification", f"{e['verification']} : {e['verification_result']}"),
        ]
        if facts:
            rows += [
                ("Périphérique / zones cachées (HPA/DCO)",
                 f"{facts['device'] or '—'} / {facts['hpa_dco']}"),
                ("Octets effacés / taille du périphérique", facts["coverage"]),
                ("Méthode, tours, PRNG",
                 ", ".join(p for p in (facts["method"], facts["rounds"], facts["prng"] and
                                       f"PRNG {facts['prng']}", facts["blank"]) if p) or "—"),
                ("Débit / durée", " / ".join(p for p in (facts["throughput"], facts["elapsed"])
                                            if p) or "—"),
            ]
        rows += [
            ("Résultat / erreurs", f"{e['result']} / {e['errors']}"),
            ("Début / fin", f"{e['started'] or '—'} / {e['finished']}"),
            ("Opérateur", " — ".join(p for p in (operator["name"], operator["title"]) if p)),
            ("Validé par", (f"{validator['name']} — {validator['title']}, le {e['validated_at']}"
                            if validator else "en attente de validation")),
            ("Destination du support", e["destination"]),
            ("Enregistrement", f"n° {e['record']}"),
        ]
        pdf.facts(rows)
        if e.get("override"):
            override = e["override"]
            pdf.warning(f"Rattachement du journal forcé par {override['by']} : "
                        f"{override['reason']} — écarts constatés : "
                        f"{' ; '.join(override['differences']) or '—'}.", size=8)


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

