"""Every extension point of Refurb, in one place. Domains contribute to them only through
`refurb.wiring.register_extensions`, called from `create_app`: nothing is registered as a side
effect of importing a module. This module imports no domain.

- scan_resolvers   text typed in the scan box → URL of what it names (shelf, removed drive…),
                   tried after device tags.
- fact_providers   device → DeviceFacts fields the lifecycle guards need (drives sanitized,
                   QA done), from domains later than devices.
- device_panels, beneficiary_panels, collection_panels
                   named slots on those pages: a template and a function giving its ready data.
- bench_panels     slots shown at the intake bench under the form, for the machine just saved
                   (printing puts its label there).
- settings         admin-editable settings (key → Definition).
- event_words      words for the device history: event kinds, detail keys and values.
- batch_actions    what the batch scan page can do tag after tag (key → devices.batch.BatchAction).
- job_kinds        background work a page or the scheduler can ask for (name → jobs.JobKind).
- demo_steps       what the demo loader must record before a device takes a step.
- template_globals permission predicates and label tables templates may read.
- purge_blockers   beneficiary → a French reason to keep the file out of the GDPR purge (a
                   device still on loan), or None.
- personal_documents
                   beneficiary → subjects of issued documents naming the person, erased with
                   the file by the GDPR purge.
- error_renderers  (status, message, error) → the response for an error raised while serving
                   a part of the site that does not answer in HTML (the API's problem+json),
                   or None to leave it to the HTML error pages.
- state_listeners  [StateChange] → None: told of every device created or moved to a state,
                   in the transaction that writes the event (read-side tallies kept in step).
- stock_tallies    () → [(state, device_type, devices)] for the whole stock, from a projection
                   kept in step with the events: the devices dashboard and list counts read
                   the first one instead of counting every device.
- stock_fits       [beneficiary files] → {file id: StockFit}: the ready machines fitting each
                   file's needs and the link to them (the waiting list; allocations owns it).
- home_queues      role → ordered work queues of its home page at `/` (what waits for the
                   reader): a label, a count, a link to the filtered list, optional preview rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    # build(subject) → the template's `panel` variable; None when the template needs nothing.
    build: Callable[[Any], Any] | None = None
    order: int = 50  # position on the page, smaller first


@dataclass(frozen=True)
class Definition:
    key: str
    label: str  # French msgid, shown on the admin page
    kind: str  # "int" | "decimal" | "str" | "bool"
    default: Any
    help: str = ""
    minimum: Decimal | int | None = None
    # Checks a non-empty value and returns it normalised, or raises a DomainError (a SIRET's
    # Luhn key…): the settings page refuses what a document would refuse later.
    validate: Callable[[Any], Any] | None = None
    # French msgid of the group the settings page shows it in (refurb.settings.services.SECTIONS).
    section: str = ""


@dataclass
class EventWords:
    kinds: dict[str, str] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)

    def add(self, kinds: dict[str, str] | None = None, details: dict[str, str] | None = None,
            values: dict[str, str] | None = None) -> None:
        self.kinds.update(kinds or {})
        self.details.update(details or {})
        self.values.update(values or {})


class Slots:
    """Ordered named panels; adding a name twice replaces it (create_app may run many times)."""

    def __init__(self) -> None:
        self._panels: dict[str, Panel] = {}

    def add(self, panel: Panel) -> None:
        self._panels[panel.name] = panel

    def __iter__(self):
        return iter(sorted(self._panels.values(), key=lambda panel: panel.order))

    def render_data(self, subject: Any) -> list[tuple[str, Any]]:
        """(template, data) for each slot, in order: what a page passes to its template."""
        return [(p.template, p.build(subject) if p.build else None) for p in self]


@dataclass(frozen=True)
class StateChange:
    """A device entering `to_state` (from None when it is created), as its event records it."""

    device_id: int
    collection_id: int | None
    device_type: str
    weight_kg: Decimal | None
    from_state: str | None
    to_state: str
    occurred_at: datetime


@dataclass(frozen=True)
class HomeReader:
    """Who opens the home page and when: what a queue's functions may depend on."""

    user_id: int
    role: str
    now: datetime  # naive UTC
    today: date  # the workshop's local date
    # What one queue read that another of the same page can use again (the stock tallies):
    # it lives as long as the page.
    shared: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class HomeQueue:
    """One line of a home page: `count(reader)` → int (one query), `link(reader)` → the URL of
    the list filtered to these items (called in a request), `preview(reader)` → a few rows
    (text or core Messages, one query), shown when the count is not zero."""

    key: str
    label: str  # French msgid
    count: Callable[[HomeReader], int]
    link: Callable[[HomeReader], str]
    preview: Callable[[HomeReader], list[Any]] | None = None
    hint: str = ""  # French msgid: what to do with these items
    order: int = 50


class HomeQueues:
    """role → queues in order; adding a key twice for a role replaces it."""

    def __init__(self) -> None:
        self._by_role: dict[str, dict[str, HomeQueue]] = {}

    def add(self, role: str, queue: HomeQueue) -> None:
        self._by_role.setdefault(str(role), {})[queue.key] = queue

    def for_role(self, role: str) -> list[HomeQueue]:
        return sorted(self._by_role.get(str(role), {}).values(), key=lambda q: q.order)


@dataclass(frozen=True)
class StockFit:
    count: int  # ready machines fitting the file's needs
    noted: bool  # the file says what it needs (otherwise any computer counts)
    url: str  # the ready stock filtered to those machines


class OrderedSet(list):
    def add(self, item: Any) -> Any:
        if item not in self:
            self.append(item)
        return item


scan_resolvers: OrderedSet = OrderedSet()
fact_providers: OrderedSet = OrderedSet()
device_panels = Slots()
beneficiary_panels = Slots()
collection_panels = Slots()
bench_panels = Slots()
settings: dict[str, Definition] = {}
event_words = EventWords()
demo_steps: OrderedSet = OrderedSet()
batch_actions: dict[str, Any] = {}
job_kinds: dict[str, Any] = {}
template_globals: dict[str, Any] = {}
purge_blockers: OrderedSet = OrderedSet()
personal_documents: OrderedSet = OrderedSet()
error_renderers: OrderedSet = OrderedSet()
state_listeners: OrderedSet = OrderedSet()
stock_tallies: OrderedSet = OrderedSet()
home_queues = HomeQueues()
stock_fits: OrderedSet = OrderedSet()


def define_settings(*definitions: Definition) -> None:
    for definition in definitions:
        settings[definition.key] = definition
