"""Read-side projections, derived data rebuildable from the events and records at any time,
never typed in (invariant 6).

Device stays (lead times): one row per completed stay of a device in a state, written only
by a database trigger on `device_events` (migration 0009), for every writer (services, bulk
imports, CLI): when a transition event leaves state S, the stay in S runs from
the device's previous transition (by id: the order things happened in) to this event.
Backdated events can make a stay negative: it is counted as 0.

Every projection here is one workshop's (TenantScoped): a stay belongs to the workshop of the
event that ended it; the tallies of devices now to the workshop holding the device; the day
tallies, departures and re-entries to the workshop where the event happened; a donor's
recipients to the workshop that handed over. A workshop's reports read its own rows (the ORM
scoping adds the workshop), the network's figures group them by workshop.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from refurb.extensions import db
from refurb.workshops.scoping import TenantScoped, tally_workshop_id


class DeviceStay(TenantScoped, db.Model):
    __tablename__ = "device_stays"
    __table_args__ = (
        # The histogram query reads this index alone, in group order (no sort).
        Index("ix_device_stays_workshop_state_hours_left", "workshop_id", "state", "hours",
              "left_at"),
        # The days at a period's edges (its whole months and years read `stay_hours`).
        Index("ix_device_stays_workshop_left_state_hours", "workshop_id", "left_at", "state",
              "hours"),
    )

    # The transition event that ended the stay.
    event_id: Mapped[int] = mapped_column(ForeignKey("device_events.id"), primary_key=True,
                                          autoincrement=False)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    state: Mapped[str] = mapped_column(String(12))
    entered_at: Mapped[datetime]
    left_at: Mapped[datetime]
    seconds: Mapped[int] = mapped_column(BigInteger)
    hours: Mapped[int]


class StayHours(TenantScoped, db.Model):
    """Stays that ended in each calendar year and month, by state and whole hours: the lead
    times of a period read these histograms for its whole years and months (a few thousand
    rows however many stays) and `device_stays` only for the days at its edges.

    Kept in step by a database trigger on `device_stays` (migration 0031_stay_hours), in the
    transaction that writes the event; rebuilt from the stays by
    `flask reports rebuild-aggregates`."""

    __tablename__ = "stay_hours"

    workshop_id: Mapped[int] = tally_workshop_id()

    span: Mapped[str] = mapped_column(String(1), primary_key=True)  # y (year) | m (month)
    starts_on: Mapped[date] = mapped_column(primary_key=True)  # first day of the year / month
    state: Mapped[str] = mapped_column(String(12), primary_key=True)
    hours: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stays: Mapped[int] = mapped_column(BigInteger, default=0)


class ServedSpan(TenantScoped, db.Model):
    """Each person handed a machine in a calendar year (span 'y') or month (span 'm'): the
    people served in a whole year or month are a count of these rows, never a distinct count
    of the period's hand-overs. Kept in step by a database trigger on `allocations`
    (migration 0031_stay_hours); rebuilt from the hand-overs by `flask reports rebuild-aggregates`."""

    __tablename__ = "served_spans"

    workshop_id: Mapped[int] = tally_workshop_id()

    span: Mapped[str] = mapped_column(String(1), primary_key=True)  # y (year) | m (month)
    starts_on: Mapped[date] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"), primary_key=True)


class WeeeBatchCategory(TenantScoped, db.Model):
    """A closed WEEE batch's items by category (lines, quantity, kg): the tonnage of a period
    reads a few rows per batch instead of every item. Written by a database trigger when the
    batch closes (a closed batch and its items are frozen by triggers, migration 0005);
    rebuilt from the items by `flask reports rebuild-aggregates`."""

    __tablename__ = "weee_batch_categories"

    workshop_id: Mapped[int] = tally_workshop_id()

    batch_id: Mapped[int] = mapped_column(ForeignKey("weee_batches.id"), primary_key=True)
    category: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    items: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(BigInteger)
    weight_kg: Mapped[Decimal] = mapped_column(Numeric(14, 2))


class DeviceTally(TenantScoped, db.Model):
    """Devices now, by state and type, for the whole workshop, each donor and each collection:
    what the dashboards and the donor portal read instead of counting the stock.

    Kept in step by `refurb.reports.tallies.record_state_changes`, a state listener called in
    the transaction that writes each device event; rebuilt from the events by
    `flask reports rebuild-aggregates`. Weights are whole grams (exact sums on SQLite too):
    the device's own weight, except in `disposed` where it is the weight stated in its WEEE
    batch when there is one.
    """

    __tablename__ = "device_tallies"
    # The donor portal reads its collections' and its own rows network-wide.
    __table_args__ = (Index("ix_device_tallies_scope", "scope", "scope_id", "state", "devices"),)

    workshop_id: Mapped[int] = tally_workshop_id()

    scope: Mapped[str] = mapped_column(String(10), primary_key=True)  # all | donor | collection
    scope_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # 0 for all
    state: Mapped[str] = mapped_column(String(12), primary_key=True)
    device_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    devices: Mapped[int] = mapped_column(BigInteger, default=0)
    grams: Mapped[int] = mapped_column(BigInteger, default=0)


class TransitionDay(TenantScoped, db.Model):
    """Transition events into each state, per day (UTC date of the event): the throughput
    figures of any period read at most one row per day and state."""

    __tablename__ = "transition_days"
    # The network's figures: every workshop's rows of a period.
    __table_args__ = (Index("ix_transition_days_day", "day", "state"),)

    workshop_id: Mapped[int] = tally_workshop_id()

    day: Mapped[date] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(12), primary_key=True)
    transitions: Mapped[int] = mapped_column(BigInteger, default=0)


class DonorRecipient(TenantScoped, db.Model):
    """Who received at least one of a donor's machines (handed over, even if since returned):
    the portal counts them by kind (read from the file now) and sums their training hours,
    never names them. Grows with the people served, not with the stock."""

    __tablename__ = "donor_recipients"
    __table_args__ = (Index("ix_donor_recipients_donor", "donor_id", "beneficiary_id"),)

    workshop_id: Mapped[int] = tally_workshop_id()

    donor_id: Mapped[int] = mapped_column(ForeignKey("donor_organisations.id"), primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"), primary_key=True)
    devices: Mapped[int] = mapped_column(default=0)  # handed over to them, returned or not


class DepartureDay(TenantScoped, db.Model):
    """Devices entering a way out (allocated, disposed) per day and type, with their own
    weight in grams: the reuse figures of a period read one row per day, way and type."""

    __tablename__ = "departure_days"
    __table_args__ = (Index("ix_departure_days_day", "day", "state"),)

    workshop_id: Mapped[int] = tally_workshop_id()

    day: Mapped[date] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(12), primary_key=True)
    device_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    devices: Mapped[int] = mapped_column(BigInteger, default=0)
    grams: Mapped[int] = mapped_column(BigInteger, default=0)


class Reentry(TenantScoped, db.Model):
    """A device entering a way out it had entered before (a loan returned, then allocated
    again): with the day of its previous entry, so that a period counts each device once —
    the entries of a period minus the re-entries whose previous entry is in it too."""

    __tablename__ = "departure_reentries"
    __table_args__ = (Index("ix_departure_reentries_day", "workshop_id", "day",
                            "previous_day"),)

    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(12), primary_key=True)
    entered_at: Mapped[datetime] = mapped_column(primary_key=True)
    device_type: Mapped[str] = mapped_column(String(20))
    grams: Mapped[int] = mapped_column(BigInteger)
    day: Mapped[date]
    previous_day: Mapped[date]


FUNDING_KINDS = ("cost", "funding")


class FundingLine(TenantScoped, db.Model):
    """A programme's cost or funding for one year, as the accounts give it (the one amount
    typed in: it is a record from the books, not a figure the workshop's data could yield)."""

    __tablename__ = "funding_lines"
    __table_args__ = (
        CheckConstraint("kind IN ('cost', 'funding')", name="kind_known"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("year >= 2000 AND year <= 2100", name="year_range"),
        Index("ix_funding_lines_year_programme", "year", "programme"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    programme: Mapped[str] = mapped_column(String(120))
    label: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    kind: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
