"""Erasure certificates (certificats d'effacement), per device and per collection.

The certificate lists, per drive, the fields of the NIST SP 800-88 sample certificate and is
issued through refurb.documents (number, version, SHA-256 of the bytes). Anyone holding the
number and the PDF can check it on the public page /verify/<number>.

Decisions:
- Issuance is refused while any covered drive lacks a passing record: a certificate never
  lists a drive as "non effacé"; the refusal lists the blocking drives instead.
- A PDF cannot contain the SHA-256 of its own bytes (writing the hash changes the bytes). The
  PDF prints the SHA-256 of its *content* (the facts it states, canonical JSON); the hash of
  the issued bytes is kept by the workshop (IssuedDocument.sha256) and checked online.
- Large collections (thousands of drives) would take minutes through DocumentPDF.table, which
  measures every cell twice: the drive table is written here with a fixed row height, text
  cut to the column width, straight into the page content stream.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import segno
from fpdf.enums import PDFResourceType, XPos, YPos
from sqlalchemy import select

from refurb.core.errors import InvalidInput
from refurb.core.lifecycle import State
from refurb.core.sanitization import PHYSICAL, Outcome, Technique, label_fr
from refurb.counters import next_number
from refurb.devices.models import Device, Drive
from refurb.documents.models import IssuedDocument
from refurb.documents.pdf import DocumentPDF, Letterhead
from refurb.documents.services import content_hash, issue_document
from refurb.extensions import db
from refurb.intake.models import Collection
from refurb.wiping import queries
from refurb.wiping.models import DriveRemoval, WipeRecord
from refurb.wiping.services import drive_label, status_of

KIND = queries.CERTIFICATE_KIND
MAX_BLOCKERS_SHOWN = 30
DETAIL_LIMIT = 20  # beyond this many drives, the per-drive detail pages are left out

WASTE_STATES = {State.TO_DISPOSE.value, State.DISPOSED.value, State.PARTS.value}

# Manufacturer from the model string, as drives report it (ATA model strings rarely name the
# maker in full). Checked in order: the first matching prefix wins.
MAKERS = (
    ("WDC", "Western Digital"), ("WD", "Western Digital"), ("WESTERN DIGITAL", "Western Digital"),
    ("ST", "Seagate"), ("SEAGATE", "Seagate"), ("HGST", "HGST"), ("HITACHI", "Hitachi"),
    ("HTS", "Hitachi"), ("HDS", "Hitachi"), ("TOSHIBA", "Toshiba"), ("KIOXIA", "Kioxia"),
    ("SAMSUNG", "Samsung"), ("MZ", "Samsung"), ("CT", "Crucial"), ("CRUCIAL", "Crucial"),
    ("MICRON", "Micron"), ("MTFD", "Micron"), ("INTEL", "Intel"), ("SSDSC", "Intel"),
    ("KINGSTON", "Kingston"), ("SANDISK", "SanDisk"), ("SK HYNIX", "SK hynix"),
    ("HFS", "SK hynix"), ("LITEON", "Lite-On"), ("LITE-ON", "Lite-On"), ("PLEXTOR", "Plextor"),
    ("ADATA", "ADATA"), ("MAXTOR", "Maxtor"), ("FUJITSU", "Fujitsu"), ("MHV", "Fujitsu"),
    ("LENOVO", "Lenovo"), ("DELL", "Dell"), ("HP", "HP"), ("APPLE", "Apple"),
    ("TRANSCEND", "Transcend"), ("PNY", "PNY"), ("CORSAIR", "Corsair"), ("OCZ", "OCZ"),
)


def guess_maker(model: str | None) -> str:
    text = (model or "").strip().upper()
    for prefix, maker in MAKERS:
        if text.startswith(prefix):
            return maker
    first = (model or "").split()
    return first[0] if len(first) > 1 else ""


def format_capacity(value: int | None) -> str:
    if not value:
        return ""
    for unit, size in (("To", 10**12), ("Go", 10**9), ("Mo", 10**6)):
        if value >= size:
            return f"{value / size:.0f} {unit}" if value % size == 0 else f"{value / size:.1f} {unit}"
    return f"{value} o"


def _date(value: datetime | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _datetime(value: datetime | None) -> str:
    return value.strftime("%d/%m/%Y %H:%M") if value else ""


@dataclass(frozen=True)
class Issuer:
    """The workshop issuing the certificate, and where certificates are verified."""

    name: str
    address: str = ""
    siret: str = ""
    contact: str = ""
    base_url: str = ""

    @property
    def letterhead(self) -> Letterhead:
        return Letterhead(self.name, self.address, self.siret, self.contact)


def issuer_from_config(config) -> Issuer:
    return Issuer(
        name=config["WORKSHOP_NAME"],
        address=config.get("WORKSHOP_ADDRESS", ""),
        siret=config.get("WORKSHOP_SIRET", ""),
        contact=config.get("WORKSHOP_CONTACT", ""),
        base_url=config.get("PUBLIC_BASE_URL", ""),
    )


def verify_url(base_url: str, number: str) -> str:
    return f"{base_url.rstrip('/')}/verify/{number}"


# ------------------------------------------------------------------------ content


def _passing_record(records: list[WipeRecord], best: Outcome) -> WipeRecord:
    """The record that gives the drive its outcome: the latest sound one at that level."""
    for record in reversed(records):
        if record.technique == Technique.VERIFY_ONLY.value:
            continue
        effective = (Outcome.DESTROY if Technique(record.technique) in PHYSICAL
                     else Outcome(record.outcome) if record.outcome else None)
        if (record.result == "passed" and record.error_count == 0
                and record.verification_passed is not False and effective is best):
            return record
    raise LookupError("no passing record")  # drive_status said passing: cannot happen


def _verification_result(record: WipeRecord) -> str:
    if record.verification == "none":
        return "sans objet"
    return {True: "réussie", False: "échouée", None: "non renseignée"}[record.verification_passed]


def _destination(drive: Drive, best: Outcome, removal: DriveRemoval | None) -> str:
    if best is Outcome.DESTROY:
        return "Support détruit, remis à la filière DEEE"
    if drive.device is not None:
        if drive.device.state in WASTE_STATES:
            return f"Recyclage DEEE avec l'appareil {drive.device.asset_tag}"
        return f"Réemploi dans l'appareil {drive.device.asset_tag}"
    if removal is not None:
        where = removal.destination or "conservé à l'atelier"
        return f"Retiré de {removal.device.asset_tag} ({drive.asset_tag}) : {where}"
    return "Conservé à l'atelier"


def _person(user) -> dict[str, str]:
    if user is None:
        return {"name": "non renseigné", "title": ""}
    return {"name": user.display_name, "title": user.role_label}


def drive_entries(drives: list[Drive], records_by_drive: dict[int, list[WipeRecord]],
                  removals: dict[int, DriveRemoval]) -> tuple[list[dict], list[str]]:
    """(entries for the certificate, blocking lines). Entries are plain JSON-able data."""
    entries, blockers = [], []
    for drive in drives:
        records = records_by_drive.get(drive.id, [])
        status = status_of(records)
        if not status.passing:
            where = f"{drive.device.asset_tag} — " if drive.device else ""
            blockers.append(f"{where}{drive_label(drive)} : {' ; '.join(status.reasons)}")
            continue
        record = _passing_record(records, status.best_outcome)
        validation = record.validation
        host = record.host_asset_tag or (drive.device.asset_tag if drive.device else "")
        entries.append({
            "maker": guess_maker(drive.model),
            "model": drive.model,
            "serial": drive.serial or "",
            "capacity": format_capacity(drive.capacity_bytes),
            "kind": label_fr(drive.kind),
            "tag": drive.asset_tag or "",
            "host": host,
            "outcome": label_fr(status.best_outcome),
            "technique": label_fr(record.technique),
            "pattern": record.pattern,
            "passes": record.passes,
            "tool": f"{record.tool} {record.tool_version}".strip() or "non renseigné",
            "verification": label_fr(record.verification),
            "verification_code": record.verification,
            "verification_result": _verification_result(record),
            "result": label_fr(record.result),
            "started": _datetime(record.started_at),
            "finished": _datetime(record.finished_at),
            "date": _date(record.finished_at),
            "errors": record.error_count,
            "operator": _person(record.operator),
            "validator": _person(validation.validator) if validation else None,
            "validated_at": _date(validation.validated_at) if validation else "",
            "destination": _destination(drive, status.best_outcome, removals.get(drive.id)),
            "record": record.id,
        })
    return entries, blockers


def _refuse(blockers: list[str]) -> None:
    shown = blockers[:MAX_BLOCKERS_SHOWN]
    if len(blockers) > len(shown):
        shown.append(f"… et {len(blockers) - len(shown)} autre(s) support(s).")
    raise InvalidInput(
        "Certificat refusé : ces supports n'ont pas d'effacement valable.", reasons=shown
    )


def _donor(collection: Collection | None) -> dict[str, str] | None:
    if collection is None:
        return None
    donor = collection.donor
    address = " ".join(p for p in (donor.address, donor.postal_code, donor.city) if p)
    return {"name": donor.name, "siret": donor.siret or "", "address": address}


def _payload(*, number: str, issuer: Issuer, subject_label: str, collection: Collection | None,
             entries: list[dict]) -> dict[str, Any]:
    people = lambda key: sorted(  # noqa: E731
        {(e[key]["name"], e[key]["title"]) for e in entries if e[key]}
    )
    return {
        "number": number,
        "organisation": {"name": issuer.name, "address": issuer.address,
                         "siret": issuer.siret, "contact": issuer.contact},
        "donor": _donor(collection),
        "collection": collection.number if collection else "",
        "subject": subject_label,
        "verify_url": verify_url(issuer.base_url, number),
        "drives": entries,
        "operators": [list(p) for p in people("operator")],
        "validators": [list(p) for p in people("validator")],
    }


def _covered(device_ids) -> tuple[list[Drive], dict, dict]:
    drives_query, drive_ids = queries.drives_of_devices_query(device_ids)
    drives = list(db.session.scalars(drives_query).unique())
    records = queries.records_of_drive_subquery(drive_ids)
    removals = queries.removals_by_drive(d.id for d in drives if d.device_id is None)
    return drives, records, removals


def _number_for(subject: str, now: datetime) -> str:
    # Re-issuing keeps the number and adds a version (invariant 5).
    existing = queries.certificate_number_for(subject)
    return existing or f"CERT-{now.year}-{next_number(f'certificate:{now.year}'):05d}"


def _issue(*, subject: str, subject_label: str, stem: str, collection: Collection | None,
           device_ids, issuer: Issuer, actor_id: int | None, now: datetime):
    drives, records, removals = _covered(device_ids)
    if not drives:
        raise InvalidInput("Certificat refusé : aucun support de stockage enregistré.")
    entries, blockers = drive_entries(drives, records, removals)
    if blockers:
        _refuse(blockers)
    number = _number_for(subject, now)
    payload = _payload(number=number, issuer=issuer, subject_label=subject_label,
                       collection=collection, entries=entries)
    donor = collection.donor if collection else None
    return issue_document(
        kind=KIND,
        number=number,
        subject=subject,
        payload=payload,
        render=render_certificate,
        filename_stem=f"certificat-effacement-{stem}",
        actor_id=actor_id,
        now=now,
        donor_id=donor.id if donor else None,
        summary={"donor_name": donor.name if donor else "", "drive_count": len(entries)},
    )


def issue_device_certificate(device: Device, *, issuer: Issuer, actor_id: int | None,
                             now: datetime) -> tuple[IssuedDocument, bool]:
    collection = (db.session.get(Collection, device.collection_id)
                  if device.collection_id else None)
    return _issue(
        subject=f"device:{device.id}",
        subject_label=f"Appareil {device.asset_tag} — {device.make} {device.model}".strip(),
        stem=device.asset_tag,
        collection=collection,
        device_ids=select(Device.id).where(Device.id == device.id),
        issuer=issuer,
        actor_id=actor_id,
        now=now,
    )


def issue_collection_certificate(collection: Collection, *, issuer: Issuer,
                                 actor_id: int | None, now: datetime):
    return _issue(
        subject=f"collection:{collection.id}",
        subject_label=f"Collecte {collection.number}",
        stem=collection.number,
        collection=collection,
        device_ids=queries.collection_device_ids(collection.id),
        issuer=issuer,
        actor_id=actor_id,
        now=now,
    )


def collection_blockers(collection: Collection) -> tuple[int, list[str]]:
    """(drives covered, blocking lines) — for the collection page, before issuing."""
    drives, records, removals = _covered(queries.collection_device_ids(collection.id))
    entries, blockers = drive_entries(drives, records, removals)
    return len(drives), blockers


# ------------------------------------------------------------------------- render

# (title, width mm) — landscape A4, 267 mm between the margins; two lines per drive.
COLUMNS = (
    ("N°", 8), ("Fabricant, modèle / n° de série", 48), ("Capacité / type", 21),
    ("N° d'inventaire", 23), ("Niveau NIST / technique", 38), ("Outil / vérification", 40),
    ("Résultat / date", 19), ("Opérateur / validé par", 32), ("Destination du support", 38),
)
FONT_SIZE = 6.5
LINE_H = 2.9
ROW_H = 2 * LINE_H + 1.2
SHORT_VERIFICATION = {"none": "Sans vérification", "last_pass": "Dernière passe",
                      "all_passes": "Toutes les passes"}


def _cells(index: int, e: dict) -> list[tuple[str, str]]:
    serial = f"S/N {e['serial']}" if e["serial"] else "sans n° de série"
    validator = e["validator"]["name"] if e["validator"] else "non validé"
    model = e["model"] or ""
    maker = e["maker"] if not model.upper().startswith(e["maker"].upper()) else ""
    verification = f"{SHORT_VERIFICATION.get(e['verification_code'], e['verification'])} : " \
                   f"{e['verification_result']}"
    return [
        (str(index), ""),
        (" ".join(p for p in (maker, model) if p), serial),
        (e["capacity"], e["kind"]),
        (e["host"], e["tag"] if e["tag"] and e["tag"] != e["host"] else ""),
        (e["outcome"], e["technique"]),
        (e["tool"], verification),
        (e["result"], e["date"]),
        (e["operator"]["name"], validator),
        (e["destination"], ""),
    ]


class CertificatePDF(DocumentPDF):
    def fast_table(self, rows: list[list[tuple[str, str]]]) -> None:
        """Fixed-height rows of two lines, written straight into the content stream.

        Column values repeat a lot (labels, models, names): fitted and encoded text is cached
        per value; column rules are drawn once per page. That is what makes thousands of rows
        cheap.
        """
        self.set_font("DejaVu", "B", FONT_SIZE)
        bold = self.current_font
        self.set_font("DejaVu", "", FONT_SIZE)
        font = self.current_font
        widths = [w for _, w in COLUMNS]
        k = self.k
        cache: dict[tuple[str, float, bool], tuple[str, str]] = {}

        def lines(first: str, second: str, width: float) -> tuple[str, str]:
            key = (first, width, bool(second))
            encoded = cache.get(key)
            if encoded is None:
                fitted = (_wrap2(font, first, width) if not second
                          else (_fit(font, first, width), ""))
                encoded = cache[key] = tuple(font.encode_text(t) if t else "" for t in fitted)
            if not second:
                return encoded
            key2 = (second, width, True)
            other = cache.get(key2)
            if other is None:
                other = cache[key2] = (font.encode_text(_fit(font, second, width)), "")
            return encoded[0], other[0]

        lefts = [self.l_margin + sum(widths[:i]) for i in range(len(widths))]
        text_x = [f"{(x + 0.6) * k:.2f}" for x in lefts]
        inner = [w - 1.2 for w in widths]
        rules = [f"{x * k:.2f}" for x in (*lefts, self.l_margin + sum(widths))]
        left_pt, right_pt = rules[0], rules[-1]
        header = self._header_ops(bold, widths)
        first_offset = (0.6 + LINE_H * 0.78) * k
        second_offset = first_offset + LINE_H * k

        def close_page(top_y: float, bottom_y: float) -> None:
            top, bottom = (self.h - top_y) * k, (self.h - bottom_y) * k
            self._out("q 0.6 G 0.2 w " + " ".join(
                f"{x} {top:.2f} m {x} {bottom:.2f} l" for x in rules) + " S Q")

        page_top = self._start_table_page(header, font, bold)
        for row in rows:
            y = self.get_y()
            if y + ROW_H > self.page_break_trigger:
                close_page(page_top, y)
                self.add_page()
                page_top = self._start_table_page(header, font, bold)
                y = self.get_y()
            top = (self.h - y) * k
            bottom = f"{top - ROW_H * k:.2f}"
            b1, b2 = f"{top - first_offset:.2f}", f"{top - second_offset:.2f}"
            ops = [f"q 0 g 0.6 G 0.2 w {left_pt} {bottom} m {right_pt} {bottom} l S "
                   f"/F{font.i} {FONT_SIZE:.2f} Tf"]
            for index, (first, second) in enumerate(row):
                one, two = lines(first, second, inner[index])
                if one:
                    ops.append(f"BT {text_x[index]} {b1} Td {one} ET")
                if two:
                    ops.append(f"BT {text_x[index]} {b2} Td {two} ET")
            ops.append("Q")
            self._out(" ".join(ops))
            self.set_y(y + ROW_H)
        close_page(page_top, self.get_y())
        self.ln(2)
        self.set_font("DejaVu", "", 10)

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
                       f"{bold.encode_text(_fit(bold, title, width - 0.6))} ET")
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


MM_PER_UNIT = FONT_SIZE / 1000 * 25.4 / 72
WIDEST = 1200  # wider than any DejaVu Sans (Bold) Latin glyph: a safe bound for short text


def _width(font, text: str) -> float:
    """Advance width of `text` in mm at FONT_SIZE (font.cw: per 1000 units of the size)."""
    return sum(map(font.cw.__getitem__, map(ord, text))) * MM_PER_UNIT


def _fit(font, text: str, width_mm: float) -> str:
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
            return _fit(font, first, width_mm), _fit(font, " ".join(words[index:]), width_mm)
        first = candidate
    return _fit(font, text, width_mm), ""


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
        ("Date d'émission", _date(issued_at)),
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
    pdf.fast_table([_cells(i, e) for i, e in enumerate(entries, start=1)])
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


# ------------------------------------------------------------------- verification


@dataclass(frozen=True)
class Verification:
    """What the public verification page may say: nothing beyond number, date, donor name
    and drive count, and those only when the file is genuine."""

    status: str  # "authentic" | "altered" | "unknown"
    number: str
    issued_at: datetime | None = None
    donor_name: str = ""
    drive_count: int | None = None

    @property
    def label(self) -> str:
        return {"authentic": "authentique", "altered": "altéré", "unknown": "inconnu"}[self.status]


def verify_certificate(number: str, *, data: bytes | None = None,
                       sha256: str | None = None) -> Verification:
    """Compare the SHA-256 of the uploaded bytes (or the pasted one) with every issued version
    of `number`."""
    versions = queries.certificate_versions_by_number(number)
    if not versions:
        return Verification("unknown", number)
    digest = hashlib.sha256(data).hexdigest() if data is not None else (sha256 or "").strip().lower()
    for document in versions:
        if document.sha256 == digest:
            summary = document.summary or {}
            return Verification("authentic", number, document.issued_at,
                                str(summary.get("donor_name") or ""),
                                summary.get("drive_count"))
    return Verification("altered", number)
