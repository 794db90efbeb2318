"""Read side of the donor portal. Every query is scoped to one donor organisation (invariant
4): a collection, device or document of another donor is simply not found. Nothing here
reads beneficiaries beyond counts by kind."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from sqlalchemy import Select, func, select

from refurb.core.impact import FATE_STATES, Fate, fate_counts
from refurb.core.lifecycle import State
from refurb.devices.models import Device
from refurb.documents.models import IssuedDocument
from refurb.donors.models import DonorOrganisation
from refurb.extensions import db
from refurb.intake.models import Collection
from refurb.portal.models import GiftValuation
from refurb.reports import tallies

DONOR_DOCUMENT_KINDS = ("collection_receipt", "erasure_certificate", "gift_receipt")


def collections_query(donor_id: int) -> Select:
    return (
        select(Collection)
        .where(Collection.donor_id == donor_id)
        .order_by(Collection.planned_on.desc().nulls_last(), Collection.id.desc())
    )


def get_collection(collection_id: int, donor_id: int | None) -> Collection | None:
    """The collection if it belongs to `donor_id` (None: any donor — admins)."""
    collection = db.session.get(Collection, collection_id)
    if collection is None or (donor_id is not None and collection.donor_id != donor_id):
        return None
    return collection


def get_device(device_id: int, donor_id: int | None) -> Device | None:
    query = (
        select(Device)
        .join(Collection, Collection.id == Device.collection_id)
        .where(Device.id == device_id)
    )
    if donor_id is not None:
        query = query.where(Collection.donor_id == donor_id)
    return db.session.scalar(query)


def donor_device_ids(donor_id: int) -> Select:
    return (
        select(Device.id)
        .join(Collection, Collection.id == Device.collection_id)
        .where(Collection.donor_id == donor_id)
    )


def fates_by_collection(collection_ids: Iterable[int]) -> dict[int, dict[Fate, int]]:
    """{collection_id: {fate: n}} from the collections' tallies (a few rows each)."""
    ids = list(collection_ids)
    counts = tallies.collection_state_counts(ids)
    return {cid: fate_counts(counts.get(cid, {})) for cid in ids}


def donor_tallies(donor_id: int) -> list[tuple[str, str, int, int]]:
    """The donor's stock tallies, (state, type, devices, grams): a few rows whatever its
    size, read once by a page and summed here in as many ways as it shows."""
    return tallies.counts(tallies.DONOR, donor_id)


def donor_state_counts(donor_id: int) -> dict[str, int]:
    return state_counts(donor_tallies(donor_id))


def state_counts(rows: Iterable[tuple[str, str, int, int]]) -> dict[str, int]:
    found: dict[str, int] = defaultdict(int)
    for state, _kind, n, _grams in rows:
        found[state] += n
    return dict(found)


def reused(rows: Iterable[tuple[str, str, int, int]]) -> tuple[dict[str, int], Decimal]:
    """Reused (allocated) devices now: ({type: n}, kg) — the kg kept out of waste."""
    wanted = set(FATE_STATES[Fate.REUSED])
    by_type: dict[str, int] = defaultdict(int)
    grams = 0
    for state, kind, n, weight in rows:
        if state in wanted:
            by_type[kind] += n
            grams += weight
    return dict(by_type), tallies.kg(grams)


def recycled_kg(rows: Iterable[tuple[str, str, int, int]]) -> Decimal:
    """Weight of the donor's devices handed over in a WEEE batch: the weight stated in the
    batch (weighed at disposal), else the device's own (so the tallies count it)."""
    return tallies.kg(sum(g for state, _kind, _n, g in rows if state == State.DISPOSED.value))


def donor_equipped_by_kind(donor_id: int) -> dict[str, int]:
    """Distinct beneficiaries who received at least one of the donor's machines, by kind."""
    return tallies.recipients_by_kind(donor_id)


def donor_recipients(donor_id: int) -> Select:
    return tallies.recipients_query(donor_id)


def collection_devices_query(collection_id: int) -> Select:
    return select(Device).where(Device.collection_id == collection_id).order_by(Device.asset_tag)


def collection_device_rows(collection_id: int):
    """(tag, serial, type, make, model, state, donor's number) of every device: for the CSV,
    streamed."""
    return db.session.execute(
        select(Device.asset_tag, Device.serial, Device.device_type, Device.make, Device.model,
               Device.state, Device.donor_inventory_number)
        .where(Device.collection_id == collection_id)
        .order_by(Device.asset_tag)
        .execution_options(yield_per=1000)
    )


def type_counts(collection_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(Device.device_type, func.count())
        .where(Device.collection_id == collection_id)
        .group_by(Device.device_type)
    )
    return {kind: int(n) for kind, n in rows}


def _documents(subjects: list[str], donor_id: int) -> Select:
    return (
        select(IssuedDocument)
        .where(IssuedDocument.subject.in_(subjects), IssuedDocument.donor_id == donor_id,
               IssuedDocument.personal.is_(False),
               IssuedDocument.kind.in_(DONOR_DOCUMENT_KINDS))
        .order_by(IssuedDocument.kind, IssuedDocument.number, IssuedDocument.version.desc())
    )


def collection_documents(collection: Collection) -> list[IssuedDocument]:
    """Receipt, collection erasure certificate and gift receipt: every version."""
    return list(db.session.scalars(_documents([f"collection:{collection.id}"],
                                              collection.donor_id)))


def device_documents(device_ids: Iterable[int], donor_id: int) -> dict[int, list[IssuedDocument]]:
    """Per-device erasure certificates, every version, for the devices listed on a page."""
    ids = list(device_ids)
    if not ids:
        return {}
    found: dict[int, list[IssuedDocument]] = defaultdict(list)
    for document in db.session.scalars(_documents([f"device:{i}" for i in ids], donor_id)):
        found[int(document.subject.split(":", 1)[1])].append(document)
    return dict(found)


def valuations(collection_id: int) -> list[GiftValuation]:
    return list(db.session.scalars(
        select(GiftValuation).where(GiftValuation.collection_id == collection_id)
        .order_by(GiftValuation.declared_at.desc(), GiftValuation.id.desc())
    ))


def latest_valuation(collection_id: int) -> GiftValuation | None:
    return next(iter(valuations(collection_id)), None)


def receipt_number_for(collection_id: int) -> str | None:
    return db.session.scalar(
        select(GiftValuation.receipt_number)
        .where(GiftValuation.collection_id == collection_id)
        .limit(1)
    )


def donor(donor_id: int) -> DonorOrganisation | None:
    return db.session.get(DonorOrganisation, donor_id)


def gift_overview_query(donor_id: int | None = None) -> Select:
    """Collections with at least one device, for the admins' mécénat page."""
    has_devices = select(Device.id).where(Device.collection_id == Collection.id).exists()
    query = select(Collection).where(has_devices)
    if donor_id:
        query = query.where(Collection.donor_id == donor_id)
    return query.order_by(Collection.id.desc())


def latest_valuations(collection_ids: Iterable[int]) -> dict[int, GiftValuation]:
    ids = list(collection_ids)
    if not ids:
        return {}
    latest: dict[int, GiftValuation] = {}
    for valuation in db.session.scalars(
        select(GiftValuation).where(GiftValuation.collection_id.in_(ids))
        .order_by(GiftValuation.declared_at, GiftValuation.id)
    ):
        latest[valuation.collection_id] = valuation
    return latest


def device_counts(collection_ids: Iterable[int]) -> dict[int, int]:
    ids = list(collection_ids)
    if not ids:
        return {}
    return {cid: int(n) for cid, n in db.session.execute(
        select(Device.collection_id, func.count()).where(Device.collection_id.in_(ids))
        .group_by(Device.collection_id))}


def workshop_names(collection_ids: Iterable[int]) -> dict[int, str]:
    """{collection_id: name of the workshop that handled it} (a donor gives to several)."""
    from refurb.workshops.models import Workshop

    ids = list(collection_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Collection.id, Workshop.name).join(Workshop, Workshop.id == Collection.workshop_id)
        .where(Collection.id.in_(ids))).all())


def fates_by_workshop(donor_id: int, fates: Mapping[Fate, int] | None = None,
                      ) -> tuple[list[tuple[str, dict[Fate, int]]], dict[Fate, int]]:
    """The donor's machines by fate in each workshop that handled its collections, and the
    total over the network. A donor served by one workshop (most of them) reads its own
    tallies: a few rows, however many collections it gave (`fates`, when the page has already
    counted them from those rows); several workshops add up their collections' tallies in
    the database, one row per workshop and state."""
    from refurb.workshops.models import Workshop

    workshops = db.session.execute(
        select(Workshop.id, Workshop.name).where(Workshop.id.in_(
            select(Collection.workshop_id).where(Collection.donor_id == donor_id).distinct()))
        .order_by(Workshop.name, Workshop.id)).all()
    if len(workshops) <= 1:
        total = dict(fates) if fates is not None else fate_counts(donor_state_counts(donor_id))
        return [(name, total) for _id, name in workshops], dict(total)
    states: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for workshop_id, state, n in db.session.execute(
        select(Collection.workshop_id, tallies.DeviceTally.state, func.sum(tallies.DeviceTally.devices))
        .join(Collection, Collection.id == tallies.DeviceTally.scope_id)
        .where(tallies.DeviceTally.scope == tallies.COLLECTION, Collection.donor_id == donor_id)
        .group_by(Collection.workshop_id, tallies.DeviceTally.state)
    ):
        states[workshop_id][state] += int(n or 0)
    rows = [(name, fate_counts(states[workshop_id])) for workshop_id, name in workshops]
    total = {fate: sum(counts[fate] for _name, counts in rows) for fate in Fate}
    return rows, total
