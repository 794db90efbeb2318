"""A workshop with something on every page, then an XSS payload in every text a user can type.

The rows come from the real services (the reports' year, workshop and file extras). The
payload is then written into every free-text column, straight in the database: what a user
typed through any form ends up there, and a template must print it as text whatever the form
allowed. Append-only tables cannot be updated, so they get new rows carrying the payload.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from refurb.extensions import db

# Closes an attribute, opens elements with an event handler: live only if printed unescaped.
PAYLOAD = "\"'><b class=xss>X</b><img src=x onerror=alert(1)>"
SHORT_PAYLOAD = "\"><b class=xss>"  # for columns of 15 to 47 characters

# Text columns a user never types: generated identifiers, hashes, codes chosen from a list
# (enumerations the database does not CHECK), the session/crypto machinery.
NOT_TYPED = {
    "*": {"asset_tag", "number", "pseudonym", "sha256", "content_sha256", "password_hash",
          "locale", "public_id", "receipt_number", "certificate_number", "code", "state",
          "kind", "status", "role", "direction", "mode", "grade", "device_type", "media_type"},
    "counters": {"name"},
    "settings": {"key"},
    "issued_documents": {"subject", "filename"},
    "users": {"email"},  # the sign-in name: typed, but kept out so the test clients stay valid
    "batch_scan_sessions": {"action_key", "parameter"},
    "software_installs": {"os_name", "software_keys", "licence_key"},
    "sign_in_log": {"account_key", "client_network", "outcome"},
    "access_log": {"action", "detail"},
    "beneficiaries": {"income_basis", "qf_band", "referred_by", "school_level"},
    "school_programmes": {"start_level"},
    "beneficiary_situations": {"situation"},
    "diagnoses": {"power_on", "decision"},
    "weee_batches": {"container", "operation_code", "operation_mode"},
    "weee_carriers": {"transport_mode", "country_code"},
    "weee_operators": {"country_code"},
    "waste_register_lines": {"reason", "waste_code"},
    "waste_items": {"waste_code"},
    "wipe_records": {"media_kind", "outcome", "technique", "verification", "result", "source"},
    "wipe_logs": {"tool", "tool_version"},
    "training_attendance": {"half_day", "presence"},
    "allocations": {"fee_status", "fee_method"},
    "device_events": {"from_state", "to_state"},
    "decisions": {"from_status", "to_status"},
    "part_movements": {"kind"},
    "qa_runs": {"grade"},
}


@dataclass
class Injection:
    columns: list[tuple[str, str]] = field(default_factory=list)
    appended: list[str] = field(default_factory=list)
    frozen: list[str] = field(default_factory=list)


def build() -> list[str]:
    """The reports' year (every domain) + what the workshop and file pages show besides;
    returns the pages no link leads to (a draft import, a dated register)."""
    from tests.beneficiaries.helpers import make_file, submit
    from tests.reports import report_scene

    year = report_scene.build()
    pages = _workshop_extras() + _allocation_extras() + _certificate(year.devices["L1"])
    pages += _aftercare_extras() + _cohort_extras() + _transfer_extras()
    make_file()  # a draft
    submit(make_file())  # waiting for a decision
    db.session.commit()
    return pages + ["/weee/register?start=2025-01-01&end=2025-12-31"]


def _workshop_extras() -> None:
    from refurb.devices import services as devices
    from refurb.intake import asset_lists as intake
    from refurb.weee import batches as weee
    from refurb.wiping import log_import as wiping
    from refurb.workshop import batch as batch_actions
    from refurb.workshop import diagnosis, spare_parts
    from refurb.workshop.batch_actions import MOVE_ACTION
    from tests.factories import NOW, make_collection, make_device
    from tests.weee.helpers import make_disposable
    from tests.wiping.helpers import fixture_bytes
    from tests.workshop.helpers import make_location, make_part, ready_device, to_repair

    location = make_location("Étagère XSS")
    ready_device("laptop", location=location, os_name="windows")
    part = make_part()
    spare_parts.adjust_stock(part, 3, "Inventaire", actor_id=None, now=NOW)
    device = to_repair(make_device())
    devices.record_event(device, "note", actor_id=None, now=NOW, reason="Note du technicien")
    diagnosis.record_diagnosis(make_device(), power_on="ok", faults=["screen"], fault_notes="Rayures",
                            decision="reuse", actor_id=None, now=NOW)
    batch = batch_actions.start_batch(MOVE_ACTION.key, str(location.id),
                                      role="technician", actor_id=None, now=NOW)
    batch_actions.apply_scan(batch, device.asset_tag, actor_id=None, now=NOW)
    wiping.import_files([("journal.txt", fixture_bytes("nwipe01_zero_verifylast_blank.txt"))],
                        actor_id=None, now=NOW)
    open_batch = weee.open_batch(container="pallet", actor_id=None, now=NOW)
    weee.add_device(open_batch, make_disposable(), actor_id=None, now=NOW)
    collection = make_collection()
    draft = intake.store_upload(collection, filename="liste.csv",
                                content="Type;Marque;Modèle;N° de série\nPortable;Dell;E7450;S1\n"
                                .encode(), actor_id=None, now=NOW - timedelta(hours=1))
    return [f"/collections/{collection.id}/intake/csv/{draft.id}"]


def _allocation_extras() -> list[str]:
    from datetime import date

    from refurb.allocations import reservations, schools
    from tests.allocations.helpers import approved_file, ready_device
    from tests.factories import NOW

    schools.create_programme(schools.ProgrammeValues(
        name="Collège Jean Moulin — 6e", start_level="6e", cohort_year=2026,
        due_on=date(2027, 6, 30), notes="Prêt pour la scolarité"), actor_id=None, now=NOW)
    reservations.reserve(approved_file(), [ready_device()], actor_id=None, now=NOW)
    return []


def _aftercare_extras() -> list[str]:
    """A support request, a follow-up call and a logged message on a handover of the year."""
    from refurb.aftercare import followups, support
    from refurb.allocations.models import Allocation
    from refurb.notifications import services as notices
    from tests.factories import NOW

    allocation = db.session.scalars(sa.select(Allocation).where(Allocation.status == "active")
                                    .order_by(Allocation.id)).first()
    device = support.held_devices(allocation)[0]
    support.open_request(allocation, device, source="call", problem="Écran noir",
                         actor_id=None, now=NOW)
    followups.record_call(allocation, outcome="reached", notes="Tout va bien", actor_id=None,
                          now=NOW)
    recipient = notices.Recipient("beneficiary", allocation.beneficiary_id, "BEN-X", "email", "fr")
    notices.schedule("loan_due_7", f"allocation:{allocation.id}", NOW.date(), recipient,
                     {"number": allocation.number}, now=NOW)
    return []


def _cohort_extras() -> list[str]:
    """A cohort with a pack and a member: its page, its edit form and its distribution day."""
    from datetime import date

    from refurb.allocations import cohorts
    from tests.allocations.helpers import approved_file
    from tests.factories import NOW

    pack = cohorts.create_pack(cohorts.PackValues(name=f"Pack {PAYLOAD}",
                                                  device_types={"laptop": 1},
                                                  accessories=f"1 sac {PAYLOAD}"),
                               actor_id=None, now=NOW)
    cohort = cohorts.create_cohort(cohorts.CohortValues(
        kind="school_class", name=f"CE2 {PAYLOAD}", starts_on=date(2026, 9, 1),
        ends_on=date(2027, 6, 30), school_name=f"École {PAYLOAD}", pack_template_id=pack.id),
        actor_id=None, now=NOW)
    cohorts.add_members(cohort, approved_file().pseudonym, now=NOW)
    return []


def _transfer_extras() -> list[str]:
    """A transfer note to a second workshop of the network, with a hostile note."""
    from refurb.network import transfers
    from tests.factories import NOW, make_device
    from tests.network.helpers import make_workshop

    other = make_workshop("B9", f"Atelier {PAYLOAD}", "BX")
    device = make_device()
    transfers.sign_out([device.asset_tag], other.id, note=f"Envoi {PAYLOAD}", actor_id=None,
                       now=NOW)
    return []


def _certificate(device) -> list[str]:
    from refurb.wiping import certificates
    from refurb.wiping.certificates.issuer import current_issuer
    from tests.factories import NOW
    from tests.wiping.helpers import save_identity

    save_identity()
    document, _new = certificates.issue_device_certificate(
        device, issuer=current_issuer(), actor_id=None, now=NOW)
    return [f"/verify/{document.number}"]


def _typed_text_columns() -> list[tuple[sa.Table, sa.Column]]:
    found = []
    for table in db.metadata.sorted_tables:
        checked = " ".join(str(c.sqltext) for c in table.constraints
                           if isinstance(c, sa.CheckConstraint))
        skip = NOT_TYPED["*"] | NOT_TYPED.get(table.name, set())
        for column in table.columns:
            if not isinstance(column.type, sa.String) or column.primary_key or column.foreign_keys:
                continue
            if column.name in skip or re.search(rf"\b{column.name}\s*(IN\s*\(|=\s*')", checked):
                continue  # an enumeration the database checks
            length = column.type.length
            if length is not None and length < len(SHORT_PAYLOAD):
                continue
            found.append((table, column))
    return found


def _payload(length: int | None, row_id: object) -> str:
    text = PAYLOAD if length is None or length >= len(PAYLOAD) + 8 else SHORT_PAYLOAD
    # Distinct per row: some of these columns are unique.
    return f"{text}{row_id}"[: length or None]


def inject() -> Injection:
    from refurb.append_only import _MESSAGES

    append_only = {model.__table__.name for model in _MESSAGES} | {"part_movements"}
    done = Injection()
    by_table: dict[sa.Table, list[sa.Column]] = {}
    for table, column in _typed_text_columns():
        by_table.setdefault(table, []).append(column)
    counter = itertools.count(1)
    for table, columns in by_table.items():
        if table.name in append_only:
            if _append_copy(table, columns, counter):
                done.appended.append(table.name)
        else:
            key = table.primary_key.columns.values()[0]
            for (row_id,) in db.session.execute(sa.select(key)).all():
                values = {c.name: _payload(c.type.length, next(counter)) for c in columns}
                try:
                    with db.session.begin_nested():
                        db.session.execute(table.update().where(key == row_id).values(**values))
                except sa.exc.DBAPIError:  # frozen by a trigger (a closed WEEE batch)
                    done.frozen.append(f"{table.name} {row_id}")
        done.columns += [(table.name, c.name) for c in columns]
    db.session.commit()
    return done


def _append_copy(table: sa.Table, columns: list[sa.Column], counter) -> bool:
    """A copy of the table's latest row, its typed text replaced by the payload."""
    key = table.primary_key.columns.values()[0]
    row = db.session.execute(sa.select(table).order_by(key.desc()).limit(1)).mappings().first()
    if row is None:
        return False
    values = dict(row)
    values.pop(key.name)
    for column in columns:
        values[column.name] = _payload(column.type.length, next(counter))
    typed = {c.name for c in columns}
    for unique in table.constraints:
        if not isinstance(unique, sa.UniqueConstraint):
            continue
        if any(c.name in typed or values[c.name] is None for c in unique.columns):
            continue  # the payload is distinct per row; NULLs never collide
        text = [c for c in unique.columns if isinstance(c.type, sa.String)]
        numbers = [c for c in unique.columns
                   if isinstance(c.type, sa.Integer) and not c.foreign_keys]
        if text:  # a hash or an identifier: another one
            values[text[0].name] = f"{next(counter):064x}"[: text[0].type.length]
        elif numbers:
            values[numbers[0].name] += 1000
        else:
            return False  # one row per parent (a validation per record): no copy possible
    db.session.execute(table.insert().values(**values))
    return True
