"""The two training PDFs, from plain data: the attendance sheet (feuille d'émargement, printed
blank for signing) and the attestation de formation (an issued, personal document).

Payloads hold facts only (no issue date), so issuing an unchanged attestation again gives back
the same version (invariant 5).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from babel.dates import format_date

from refurb.core.training import (
    HALF_DAY_LABELS,
    PRESENCE_LABELS,
    HalfDay,
    Presence,
    Slot,
    format_minutes,
    format_slot,
    minutes_of,
)
from refurb.documents.pdf import Column, DocumentPDF, Letterhead

SHEET_TITLE = "Feuille d'émargement"
CERTIFICATE_TITLE = "Attestation de formation"
SIGNATURE_ROW_MM = 14


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _long_day(value: date) -> str:
    return format_date(value, format="full", locale="fr_FR")



def _letterhead(workshop: Mapping[str, str]) -> Letterhead:
    return Letterhead(workshop.get("name") or "Atelier", workshop.get("address", ""),
                      workshop.get("siret", ""), workshop.get("contact", ""))


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


# --- attendance sheet ---------------------------------------------------------------------


def sheet_payload(
    *,
    workshop: Mapping[str, str],
    programme: Mapping[str, Any],
    session: Mapping[str, Any],
    trainer: str,
    competences: Iterable[tuple[str, str]],
    participants: Iterable[tuple[str, str, Mapping[str, str]]],
) -> dict[str, Any]:
    """participants: (name, file number, {half_day: presence already recorded})."""
    slot = Slot(session["start"], session["end"], session.get("break_minutes", 0))
    return {
        "workshop": dict(workshop),
        "programme": {"title": programme["title"],
                      "planned_sessions": programme["planned_sessions"]},
        "session": {
            "number": session.get("number"),
            "group": session.get("group", ""),
            "date": session["date"].isoformat(),
            "start": _hhmm(slot.start),
            "end": _hhmm(slot.end),
            "break_minutes": slot.break_minutes,
            "minutes": slot.minutes,
            "half_days": [d.value for d in slot.half_days],
            "minutes_by_half_day": {d.value: m for d, m in slot.minutes_by_half_day().items()},
            "place": session.get("place", ""),
            "topics": session.get("topics", ""),
        },
        "trainer": trainer,
        "competences": [list(c) for c in competences],
        "participants": [[name, number, dict(marks)] for name, number, marks in participants],
    }


def render_sheet(payload: dict[str, Any]) -> bytes:
    programme, session = payload["programme"], payload["session"]
    day = date.fromisoformat(session["date"])
    times = f"{session['start']} – {session['end']}"
    pdf = DocumentPDF(
        title=SHEET_TITLE,
        letterhead=_letterhead(payload["workshop"]),
        footer_note=f"{SHEET_TITLE} — {programme['title']} — {_day(day)} {times}",
    )
    pdf.add_page()
    number = session["number"]
    subtitle = (f"Séance {number} sur {programme['planned_sessions']} prévues — " if number
                else "") + _long_day(day)
    pdf.title_block(f"{SHEET_TITLE} — {programme['title']}", subtitle)
    duration = format_minutes(session["minutes"])
    if session["break_minutes"]:
        duration += f" (pause de {session['break_minutes']} min déduite)"
    pdf.key_values([
        ("Formation", programme["title"] + (f" — groupe {session['group']}"
                                            if session["group"] else "")),
        ("Séance / modules", session["topics"]),
        ("Date", _long_day(day)),
        ("Horaires", f"{times} — durée {duration}"),
        ("Lieu", session["place"]),
        ("Formateur / formatrice", payload["trainer"]),
        ("Compétences Pix travaillées",
         "\n".join(f"{code} {name}" for code, name in payload["competences"])),
    ])
    pdf.paragraph("Chaque participant signe dans la case de chaque demi-journée de présence. "
                  "Les cases grisées ne concernent pas cette séance.", size=8)
    _signature_grid(pdf, payload["participants"], session)
    pdf.ln(2)
    pdf.paragraph(f"Nombre de participants inscrits : {len(payload['participants'])}. "
                  "Présents : ______", size=9)
    pdf.signature_blocks([("Formateur / formatrice", payload["trainer"]),
                          ("Cachet de l'atelier", payload["workshop"].get("name", ""))], height=30)
    return pdf.render()


def _signature_grid(pdf: DocumentPDF, participants: Sequence, session: Mapping[str, Any]) -> None:
    """One tall row per participant, a box per half-day; the half-days the session does not
    cover are greyed out, so nobody signs where no presence is due."""
    applicable = set(session["half_days"])
    columns = [Column("N°", 10, "C"), Column("Participant", 80)] + [
        Column(HALF_DAY_LABELS[d] + (f" ({format_minutes(session['minutes_by_half_day'][d])})"
                                      if d.value in applicable else " — sans objet"), 45, "C")
        for d in HalfDay
    ]

    def header() -> None:
        pdf.set_font("DejaVu", "B", 8)
        pdf.set_fill_color(230, 234, 237)
        for col in columns:
            pdf.cell(col.width, 6, col.title, border=1, align="C", fill=True)
        pdf.ln()

    header()
    for index, (name, number, marks) in enumerate(participants, start=1):
        if pdf.get_y() + SIGNATURE_ROW_MM > pdf.h - pdf.b_margin:
            pdf.add_page()
            header()
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_font("DejaVu", "", 9)
        pdf.set_xy(x, y)
        pdf.cell(columns[0].width, SIGNATURE_ROW_MM, str(index), border=1, align="C")
        pdf.rect(x + columns[0].width, y, columns[1].width, SIGNATURE_ROW_MM)
        pdf.set_xy(x + columns[0].width + 1, y + 2)
        pdf.multi_cell(columns[1].width - 2, 4.5, name)
        pdf.set_font("DejaVu", "", 7)
        pdf.set_xy(x + columns[0].width + 1, y + SIGNATURE_ROW_MM - 5)
        pdf.cell(columns[1].width - 2, 4, number)
        cx = x + columns[0].width + columns[1].width
        for day, col in zip(HalfDay, columns[2:], strict=True):
            if day.value in applicable:
                pdf.rect(cx, y, col.width, SIGNATURE_ROW_MM)
                recorded = marks.get(day.value)
                if recorded and recorded != Presence.PRESENT:
                    pdf.set_xy(cx, y + 4)
                    pdf.set_font("DejaVu", "", 9)
                    pdf.cell(col.width, 5, PRESENCE_LABELS[Presence(recorded)], align="C")
            else:
                pdf.set_fill_color(215, 215, 215)
                pdf.rect(cx, y, col.width, SIGNATURE_ROW_MM, style="DF")
            cx += col.width
        pdf.set_xy(x, y + SIGNATURE_ROW_MM)
    pdf.set_font("DejaVu", "", 10)


# --- attestation --------------------------------------------------------------------------


def certificate_payload(
    *,
    number: str,
    workshop: Mapping[str, str],
    signatory: str,
    participant: Mapping[str, Any],
    programme: Mapping[str, Any],
    sessions: Iterable[Mapping[str, Any]],
    attended: int,
    minutes: int,
    worked: Iterable[tuple[str, str]],
    validated: Iterable[tuple[str, str, int]],
) -> dict[str, Any]:
    lines = sorted(sessions, key=lambda s: (s["date"], s["start"]))
    planned_minutes = minutes_of(Decimal(programme["hours_per_session"])) * int(
        programme["planned_sessions"])
    return {
        "number": number,
        "workshop": dict(workshop),
        "signatory": signatory,
        "participant": {
            "name": participant["name"],
            "pseudonym": participant["pseudonym"],
            "birth_date": _day(participant.get("birth_date")),
            "commune": participant.get("commune", ""),
        },
        "programme": {
            "title": programme["title"],
            "description": programme.get("description", ""),
            "planned_sessions": int(programme["planned_sessions"]),
            "planned_minutes": planned_minutes,
        },
        "sessions": [
            [_day(s["date"]), format_slot(s["start"], s["end"]), s.get("topics", ""),
             int(s["minutes"])]
            for s in lines
        ],
        "attended": attended,
        "minutes": minutes,
        "first": _day(lines[0]["date"]) if lines else "",
        "last": _day(lines[-1]["date"]) if lines else "",
        "worked": [list(c) for c in worked],
        "validated": [list(c) for c in validated],
    }


def render_certificate(payload: dict[str, Any], version: int, now: datetime) -> bytes:
    workshop, person, programme = payload["workshop"], payload["participant"], payload["programme"]
    number = payload["number"]
    pdf = DocumentPDF(
        title=CERTIFICATE_TITLE,
        letterhead=_letterhead(workshop),
        number=number,
        version=version,
        issued_at=now,
        footer_note=f"{CERTIFICATE_TITLE} {number} — version {version} — document personnel",
    )
    pdf.add_page()
    pdf.title_block(CERTIFICATE_TITLE, f"Émise le {now:%d/%m/%Y}")
    signer = payload["signatory"] or workshop.get("name") or "L'atelier"
    who = person["name"]
    if person["birth_date"]:
        who += f", né(e) le {person['birth_date']}"
    if person["commune"]:
        who += f", domicilié(e) à {person['commune']}"
    period = (f"le {payload['first']}" if payload["first"] == payload["last"]
              else f"du {payload['first']} au {payload['last']}")
    pdf.paragraph(
        f"{signer} atteste que {who}, a suivi la formation « {programme['title']} » "
        f"{period}, pour une durée de {format_minutes(payload['minutes'])}."
    )
    planned = programme["planned_sessions"]
    missing = max(0, planned - payload["attended"])
    pdf.key_values([
        ("Participant(e)", f"{person['name']} (dossier {person['pseudonym']})"),
        ("Formation", programme["title"]),
        ("Objectif", programme["description"]),
        ("Période", period),
        ("Séances suivies", f"{payload['attended']} sur {planned} prévues"),
        ("Heures suivies", f"{format_minutes(payload['minutes'])} sur "
                           f"{format_minutes(programme['planned_minutes'])} prévues"),
        ("Parcours", "Formation suivie en totalité" if missing == 0
         else f"En cours : {missing} séance(s) restante(s)"),
    ])
    pdf.heading("Séances suivies")
    pdf.table(
        (Column("Date", 25), Column("Horaires", 30), Column("Modules", 100),
         Column("Durée suivie", 25, "R")),
        [[day, times, topics, format_minutes(minutes)]
         for day, times, topics, minutes in payload["sessions"]],
    )
    pdf.heading("Compétences numériques (référentiel Pix)")
    if payload["worked"]:
        pdf.table((Column("Code", 15), Column("Compétence travaillée", 165)), payload["worked"])
    else:
        pdf.paragraph("Aucune compétence Pix renseignée pour les séances suivies.", size=9)
    if payload["validated"]:
        pdf.table(
            (Column("Code", 15), Column("Compétence validée", 140), Column("Niveau", 25, "C")),
            [[code, name, str(level)] for code, name, level in payload["validated"]],
        )
    pdf.signature_blocks([("Pour l'atelier", signer), ("Le ou la participant(e)", person["name"])])
    return pdf.render()
