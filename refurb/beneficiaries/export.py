"""Subject-access export (GDPR art. 15): everything held about one person, as JSON and PDF.

The PDF is streamed, not issued with ``issue_document``: issued documents are immutable and
kept forever, so a stored copy of a person's whole file would outlive the purge that must
erase it. Each download is logged in ``access_log`` (action "export") by the view.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from refurb.beneficiaries import queries, services
from refurb.beneficiaries.models import Beneficiary
from refurb.core.eligibility import LABELS_FR, Policy
from refurb.core.quotient import format_eur, format_number
from refurb.documents.pdf import Column, DocumentPDF, Letterhead

MODE_TEXT = {
    "any_qualifies": "plafond de QF, ou une situation ouvrant droit suffit",
    "required": "plafond de QF et une situation ouvrant droit",
    "priority_only": "plafond de QF seul (situations : priorité uniquement)",
}


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _who(user) -> str | None:
    return None if user is None else f"{user.display_name} ({user.role_label})"


def subject_access_data(beneficiary: Beneficiary, *, generated_at: datetime) -> dict[str, Any]:
    b = beneficiary
    return {
        "generated_at": _iso(generated_at),
        "file": {
            "pseudonym": b.pseudonym,
            "kind": b.kind,
            "status": b.status,
            "created_at": _iso(b.created_at),
            "updated_at": _iso(b.updated_at),
            "last_contact_at": _iso(b.last_contact_at),
            "anonymised_at": _iso(b.anonymised_at),
            "identity": {
                "last_name": b.last_name,
                "first_name": b.first_name,
                "birth_date": _iso(b.birth_date),
                "email": b.email,
                "phone": b.phone,
                "address_line": b.address_line,
                "postal_code": b.postal_code,
                "commune": b.commune,
            },
            "organisation": {
                "name": b.organisation_name,
                "uai": b.uai,
                "rna": b.rna,
                "school_level": b.school_level,
                "programme": b.programme,
            },
            "household": {
                "adults": b.adults,
                "children": b.children,
                "children_with_disability": b.children_with_disability,
                "single_parent": b.single_parent,
                "member_with_disability": b.member_with_disability,
                "has_computer": b.has_computer,
                "last_device_received_on": _iso(b.last_device_received_on),
            },
            "income": {
                "basis": b.income_basis,
                "stated_quotient": _text(b.stated_quotient),
                "annual_income": _text(b.annual_income),
                "tax_parts": _text(b.tax_parts),
                "monthly_benefits": _text(b.monthly_benefits),
                "qf_band": b.qf_band,
            },
            "situations": sorted(s.value for s in b.situations),
            "referral": {"referred_by": b.referred_by, "detail": b.referrer_detail},
            "notes": b.notes,
            "workflow": {
                "submitted_on": _iso(b.submitted_on),
                "priority": b.priority,
                "approved_on": _iso(b.approved_on),
                "approved_until": _iso(b.approved_until),
            },
        },
        "decisions": [
            {
                "occurred_at": _iso(d.occurred_at),
                "from_status": d.from_status,
                "to_status": d.to_status,
                "actor": _who(d.actor),
                "reason": d.reason,
                "policy_version": d.policy_version,
                "override": d.override,
                "evaluation": d.evaluation,
            }
            for d in queries.get_decisions(b.id)
        ],
        "document_checks": [
            {
                "kind": c.kind,
                "label": c.label,
                "checked_on": _iso(c.checked_on),
                "checked_by": _who(c.checked_by),
                "recorded_at": _iso(c.recorded_at),
            }
            for c in queries.get_document_checks(b.id)
        ],
        "access_log": [
            {
                "occurred_at": _iso(e.occurred_at),
                "user": _who(e.user),
                "action": e.action,
                "detail": e.detail,
            }
            for e in reversed(queries.get_access_log(b.id))
        ],
    }


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
    labels = services.template_labels()
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
    pdf.key_values([
        ("Justificatif", basis), ("Quotient familial CAF", _eur(income["stated_quotient"])),
        ("Revenu fiscal de référence", _eur(income["annual_income"])),
        ("Parts fiscales", income["tax_parts"] and format_number(Decimal(income["tax_parts"]))),
        ("Prestations mensuelles", _eur(income["monthly_benefits"])),
        ("Tranche de QF", labels["qf_band"].get(income["qf_band"], income["qf_band"])),
    ])
    pdf.heading("Suivi")
    ref = f["referral"]
    wf = f["workflow"]
    pdf.key_values([
        ("Statut", labels["status"][f["status"]]),
        ("Orienté par", labels["referrer"].get(ref["referred_by"], "—")),
        ("Précision", ref["detail"]), ("Notes", f["notes"]),
        ("Créé le", _fr_date(f["created_at"])), ("Dernier contact", _fr_date(f["last_contact_at"])),
        ("Déposé le", _fr_date(wf["submitted_on"])), ("Validé le", _fr_date(wf["approved_on"])),
        ("Accord valable jusqu'au", _fr_date(wf["approved_until"])),
    ])
    pdf.heading("Décisions")
    pdf.table(
        [Column("Date", 28), Column("Décision", 32), Column("Par", 40),
         Column("Politique", 16, "C"), Column("Motif et évaluation", 64)],
        [
            [
                _fr_date(d["occurred_at"]),
                labels["status"][d["to_status"]],
                d["actor"] or "système",
                f"v{d['policy_version']}",
                _decision_text(d),
            ]
            for d in data["decisions"]
        ],
    )
    pdf.heading("Documents vérifiés (aucune copie n'est conservée)")
    pdf.table(
        [Column("Document", 70), Column("Vérifié le", 30), Column("Par", 80)],
        [
            [labels["document"][c["kind"]] + (f" : {c['label']}" if c["label"] else ""),
             _fr_date(c["checked_on"]), c["checked_by"] or "—"]
            for c in data["document_checks"]
        ],
    )
    pdf.heading("Consultations du dossier")
    pdf.table(
        [Column("Date", 40), Column("Personne", 90), Column("Action", 50)],
        [
            [_fr_date(e["occurred_at"]), e["user"] or "système",
             labels["access"][e["action"]] + (f" ({e['detail']})" if e["detail"] else "")]
            for e in data["access_log"]
        ],
    )
    return pdf.render()


LABELS_FR_BY_CODE = {s.value: label for s, label in LABELS_FR.items()}


def _decision_text(d: dict[str, Any]) -> str:
    parts = [d["reason"]] if d["reason"] else []
    if d["override"]:
        parts.append("Critères d'éligibilité outrepassés par un administrateur.")
    evaluation = d["evaluation"]
    if evaluation:
        verdict = "éligible" if evaluation["eligible"] else "non éligible"
        qf = evaluation.get("quotient_familial")
        parts.append(
            f"Évaluation : {verdict}, priorité {evaluation['priority']}"
            + (f", QF {_eur(qf)}" if qf else "")
        )
    return "\n".join(parts) or "—"


def describe_policy(policy: Policy) -> list[tuple[str, str]]:
    """The policy in French, one (label, value) line per setting."""
    points = ", ".join(
        f"{LABELS_FR[s]} : {p}" for s, p in policy.priority_situations.items() if p
    )
    years = policy.one_device_per_household_years
    return [
        ("Plafond de quotient familial",
         "aucun" if policy.max_quotient is None else format_eur(policy.max_quotient)),
        ("Communes du dispositif", ", ".join(policy.allowed_communes) or "toutes"),
        ("Foyer sans ordinateur exigé", _yes(policy.require_no_computer)),
        ("Situations ouvrant droit",
         ", ".join(sorted(LABELS_FR[s] for s in policy.qualifying_situations)) or "aucune"),
        ("Règle des situations", MODE_TEXT[policy.situations_mode]),
        ("Points de priorité", points or "aucun"),
        ("Un équipement par foyer", "sans limite" if years is None else f"tous les {years} ans"),
        ("Validité d'un accord", f"{policy.approval_validity_months} mois"),
        ("Double validation", _yes(policy.four_eyes)),
        ("Demi-part parent isolé", _yes(policy.single_parent_bonus)),
        ("Séances de formation minimales", str(policy.min_training_sessions)),
    ]
