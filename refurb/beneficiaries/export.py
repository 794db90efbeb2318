"""Subject-access export (GDPR art. 15): everything held about one person, as JSON and PDF.

The PDF is streamed, not issued with ``issue_document``: issued documents are immutable and
kept forever, so a stored copy of a person's whole file would outlive the purge that must
erase it. Each download is logged in ``access_log`` (action "export") by the view.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from refurb.beneficiaries import queries
from refurb.beneficiaries.labels import template_labels
from refurb.beneficiaries.models import Beneficiary
from refurb.core.eligibility import LABELS_FR
from refurb.core.needs import KIND_LABELS as NEED_KIND_LABELS
from refurb.core.quotient import format_eur, format_number
from refurb.documents.pdf import Column, DocumentPDF, Letterhead

LABELS_FR_BY_CODE = {s.value: label for s, label in LABELS_FR.items()}


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _who(user) -> str | None:
    return None if user is None else f"{user.display_name} ({user.role_label})"


# --- the data ----------------------------------------------------------------------------


def subject_access_data(beneficiary: Beneficiary, *, generated_at: datetime) -> dict[str, Any]:
    b = beneficiary
    return {
        "generated_at": _iso(generated_at),
        "file": _file_data(b),
        "decisions": [
            {"occurred_at": _iso(d.occurred_at), "from_status": d.from_status,
             "to_status": d.to_status, "actor": _who(d.actor), "reason": d.reason,
             "policy_version": d.policy_version, "override": d.override,
             "evaluation": d.evaluation}
            for d in queries.get_decisions(b.id)
        ],
        "document_checks": [
            {"kind": c.kind, "label": c.label, "checked_on": _iso(c.checked_on),
             "checked_by": _who(c.checked_by), "recorded_at": _iso(c.recorded_at)}
            for c in queries.get_document_checks(b.id)
        ],
        "access_log": [
            {"occurred_at": _iso(e.occurred_at), "user": _who(e.user), "action": e.action,
             "detail": e.detail}
            for e in reversed(queries.get_access_log(b.id))
        ],
    }


def _file_data(b: Beneficiary) -> dict[str, Any]:
    return {
        "pseudonym": b.pseudonym,
        "kind": b.kind,
        "status": b.status,
        "created_at": _iso(b.created_at),
        "updated_at": _iso(b.updated_at),
        "last_contact_at": _iso(b.last_contact_at),
        "anonymised_at": _iso(b.anonymised_at),
        "identity": {
            "last_name": b.last_name, "first_name": b.first_name,
            "birth_date": _iso(b.birth_date), "email": b.email, "phone": b.phone,
            "address_line": b.address_line, "postal_code": b.postal_code, "commune": b.commune,
        },
        "organisation": {
            "name": b.organisation_name, "uai": b.uai, "rna": b.rna,
            "school_level": b.school_level, "programme": b.programme,
        },
        "household": {
            "adults": b.adults, "children": b.children,
            "children_with_disability": b.children_with_disability,
            "single_parent": b.single_parent, "member_with_disability": b.member_with_disability,
            "has_computer": b.has_computer,
            "last_device_received_on": _iso(b.last_device_received_on),
        },
        "income": {
            "basis": b.income_basis,
            "stated_quotient": _text(b.stated_quotient),
            "annual_income": _text(b.annual_income),
            # The export's key keeps the stored column's name ("parts fiscales").
            "tax_parts": _text(b.tax_shares),
            "monthly_benefits": _text(b.monthly_benefits),
            "qf_band": b.qf_band,
        },
        "situations": sorted(s.value for s in b.situations),
        "referral": {"referred_by": b.referred_by, "detail": b.referrer_detail},
        "notes": b.notes,
        "needs": {"kind": b.need_kind, "min_ram_mib": b.need_min_ram_mib,
                  "webcam": bool(b.need_webcam), "notes": b.need_notes or ""},
        "workflow": {
            "submitted_on": _iso(b.submitted_on), "priority": b.priority,
            "approved_on": _iso(b.approved_on), "approved_until": _iso(b.approved_until),
        },
    }


# --- the PDF -----------------------------------------------------------------------------


def _yes(value: bool) -> str:
    return "oui" if value else "non"


def _fr_date(text: str | None) -> str:
    if not text:
        return "—"
    value = datetime.fromisoformat(text)
    return value.strftime("%d/%m/%Y %H:%M" if "T" in text else "%d/%m/%Y")


def _eur(text: str | None) -> str:
    return "—" if text is None else format_eur(Decimal(text))


def render_pdf(data: dict[str, Any], head: Letterhead) -> bytes:
    """The same data as the JSON export, readable by the person it is about."""
    labels = template_labels()
    f = data["file"]
    generated = datetime.fromisoformat(data["generated_at"])
    pdf = DocumentPDF(
        title=f"Données personnelles — dossier {f['pseudonym']}",
        letterhead=head,
        number=f["pseudonym"],
        issued_at=generated,
        footer_note="Droit d'accès (RGPD, art. 15) — document confidentiel",
    )
    pdf.add_page()
    pdf.title_block(
        "Données personnelles détenues",
        f"Dossier {f['pseudonym']} — {labels['kind'][f['kind']]} — "
        f"extrait le {generated:%d/%m/%Y à %H:%M} (UTC)",
    )
    if f["anonymised_at"]:
        pdf.paragraph(f"Dossier anonymisé le {_fr_date(f['anonymised_at'])}.")
    _person_sections(pdf, f)
    _follow_up_section(pdf, f, labels)
    _history_sections(pdf, data, labels)
    return pdf.render()


def _person_sections(pdf: DocumentPDF, f: dict[str, Any]) -> None:
    ident, org, home, income = f["identity"], f["organisation"], f["household"], f["income"]
    pdf.heading("Identité et coordonnées")
    pdf.key_values([
        ("Nom", ident["last_name"]), ("Prénom", ident["first_name"]),
        ("Date de naissance", _fr_date(ident["birth_date"])), ("E-mail", ident["email"]),
        ("Téléphone", ident["phone"]), ("Adresse", ident["address_line"]),
        ("Code postal", ident["postal_code"]), ("Commune", ident["commune"]),
    ])
    if org["name"] or org["uai"] or org["rna"]:
        pdf.heading("Structure ou école")
        pdf.key_values([
            ("Nom", org["name"]), ("Code UAI", org["uai"] or ""), ("Numéro RNA", org["rna"] or ""),
            ("Classe", org["school_level"]), ("Dispositif", org["programme"] or ""),
        ])
    pdf.heading("Foyer")
    pdf.key_values([
        ("Adultes", str(home["adults"])), ("Enfants", str(home["children"])),
        ("Dont en situation de handicap", str(home["children_with_disability"])),
        ("Parent isolé", _yes(home["single_parent"])),
        ("Personne handicapée au foyer", _yes(home["member_with_disability"])),
        ("Ordinateur au foyer", _yes(home["has_computer"])),
        ("Dernier équipement reçu", _fr_date(home["last_device_received_on"])),
        ("Situations", ", ".join(LABELS_FR_BY_CODE[s] for s in f["situations"]) or "—"),
    ])
    pdf.heading("Ressources")
    basis = {"caf": "Attestation CAF", "rfr": "Avis d'imposition"}.get(income["basis"], "Aucune")
    shares = income["tax_parts"]
    pdf.key_values([
        ("Justificatif", basis), ("Quotient familial CAF", _eur(income["stated_quotient"])),
        ("Revenu fiscal de référence", _eur(income["annual_income"])),
        ("Parts fiscales", shares and format_number(Decimal(shares))),
        ("Prestations mensuelles", _eur(income["monthly_benefits"])),
        ("Tranche de QF", _band_label(income["qf_band"])),
    ])


def _needs_line(needs: dict[str, Any]) -> str:
    parts = [NEED_KIND_LABELS.get(needs["kind"], "Machine indifférente")
             if needs["kind"] else "Machine indifférente"]
    if needs["min_ram_mib"]:
        parts.append(f"{needs['min_ram_mib'] // 1024} Go de mémoire au moins")
    if needs["webcam"]:
        parts.append("webcam")
    if needs["notes"]:
        parts.append(needs["notes"])
    return " · ".join(parts)


def _band_label(code: str) -> str:
    return template_labels()["qf_band"].get(code, code)


def _follow_up_section(pdf: DocumentPDF, f: dict[str, Any], labels: dict) -> None:
    ref, wf = f["referral"], f["workflow"]
    pdf.heading("Suivi")
    pdf.key_values([
        ("Statut", labels["status"][f["status"]]),
        ("Orienté par", labels["referrer"].get(ref["referred_by"], "—")),
        ("Précision", ref["detail"]), ("Notes", f["notes"]),
        ("Besoins", _needs_line(f["needs"])),
        ("Créé le", _fr_date(f["created_at"])), ("Dernier contact", _fr_date(f["last_contact_at"])),
        ("Déposé le", _fr_date(wf["submitted_on"])), ("Validé le", _fr_date(wf["approved_on"])),
        ("Accord valable jusqu'au", _fr_date(wf["approved_until"])),
    ])


def _history_sections(pdf: DocumentPDF, data: dict[str, Any], labels: dict) -> None:
    pdf.heading("Décisions")
    pdf.table(
        [Column("Date", 28), Column("Décision", 32), Column("Par", 40),
         Column("Politique", 16, "C"), Column("Motif et évaluation", 64)],
        [[_fr_date(d["occurred_at"]), labels["status"][d["to_status"]], d["actor"] or "système",
          f"v{d['policy_version']}", _decision_text(d)] for d in data["decisions"]],
    )
    pdf.heading("Documents vérifiés (aucune copie n'est conservée)")
    pdf.table(
        [Column("Document", 70), Column("Vérifié le", 30), Column("Par", 80)],
        [[labels["document"][c["kind"]] + (f" : {c['label']}" if c["label"] else ""),
          _fr_date(c["checked_on"]), c["checked_by"] or "—"] for c in data["document_checks"]],
    )
    pdf.heading("Consultations du dossier")
    pdf.table(
        [Column("Date", 40), Column("Personne", 90), Column("Action", 50)],
        [[_fr_date(e["occurred_at"]), e["user"] or "système",
          labels["access"][e["action"]] + (f" ({e['detail']})" if e["detail"] else "")]
         for e in data["access_log"]],
    )


def _decision_text(d: dict[str, Any]) -> str:
    lines = [d["reason"]] if d["reason"] else []
    if d["override"]:
        lines.append("Critères d'éligibilité outrepassés par un administrateur.")
    evaluation = d["evaluation"]
    if evaluation:
        verdict = "éligible" if evaluation["eligible"] else "non éligible"
        qf = evaluation.get("quotient_familial")
        lines.append(
            f"Évaluation : {verdict}, priorité {evaluation['priority']}"
            + (f", QF {_eur(qf)}" if qf else "")
        )
    return "\n".join(lines) or "—"
