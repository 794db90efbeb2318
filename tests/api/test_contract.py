"""Contract tests: schemathesis reads the OpenAPI document of a live test server and sends
what the document allows to every operation, then follows the document's links from one
operation to the next (stateful run). No answer may be a server error, and every answer must
be one the document describes: status, media type, headers, body schema.

Every operation gets a fresh database with a little of everything (a collection and its
devices and drives, an imported log, a beneficiary, a WEEE batch), so ids the generator
tries often name a real row. The token is an admin's with the admin scope: every operation
is open to it, so what is tested is the contract, not the refusals (tested elsewhere)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from refurb.accounts import api_tokens
from refurb.extensions import db as _db
from refurb.weee.batches import open_batch
from refurb.wiping import log_import
from refurb.wiping.drives import NewDrive, add_drive
from refurb.wiping.log_matching import Actor
from tests.beneficiaries.helpers import make_file
from tests.conftest import make_app
from tests.factories import NOW, make_collection, make_device, make_user
from tests.intake.helpers import FIXTURES

CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_headers_conformance", "response_schema_conformance"]
EXAMPLES = 25


def _seed() -> str:
    admin = make_user(role="admin")
    collection = make_collection()
    for n in range(3):
        device = make_device(collection=collection, serial=f"CONTRACT{n}")
        add_drive(device, NewDrive(model="WDC WD5000", serial=f"WD-{n}", capacity_bytes=500 * 10**9,
                                   kind="hdd"), actor_id=admin.id, now=NOW)
    outcome = log_import.import_nwipe_log(
        "nwipe01.txt", FIXTURES.joinpath("nwipe", "nwipe01_zero_verifylast_blank.txt").read_bytes(),
        actor_id=admin.id, now=NOW)
    # The fixture log wipes another drive: an admin attaches it anyway, with a reason.
    log_import.attach_log_drive(outcome.log, 0, device.asset_tag, None,
                                actor=Actor(admin.id, is_admin=True), now=NOW,
                                override_reason="Journal d'essai du contrat d'API")
    make_file()
    open_batch(container="pallet", label="Palette", actor_id=admin.id, now=NOW)
    _, secret = api_tokens.create_token(admin, "contrat", ["admin"], now=NOW)
    _db.session.commit()
    return secret


@pytest.fixture
def live_api(serve):
    secret = _seed()
    return serve(), secret


@pytest.fixture
def api_schema(live_api):
    url, secret = live_api
    schema = schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json")
    schema.config.update(base_url=url, headers={"Authorization": f"Bearer {secret}"})
    schema.config.generation.update(modes=[GenerationMode.POSITIVE], max_examples=EXAMPLES)
    schema.config.checks.update(included_check_names=CHECKS)
    return schema


def _operations() -> list[str]:
    """"METHOD /path" of every operation, read from the document the code builds."""
    app = make_app({"uri": "sqlite://"})
    with app.test_request_context():
        spec = app.extensions["refurb-api"].spec.to_dict()
    return sorted(f"{method.upper()} {path}" for path, item in spec["paths"].items()
                  for method in item if method in {"get", "post", "put", "patch", "delete"})


@pytest.mark.slow
@pytest.mark.parametrize("label", _operations())
def test_every_operation_keeps_its_contract(api_schema, label):
    operation = api_schema.find_operation_by_label(label)

    @given(case=operation.as_strategy(GenerationMode.POSITIVE))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
              derandomize=True, database=None)
    def run(case):
        statuses.append(case.call_and_validate().status_code)

    statuses: list[int] = []
    run()
    # The token was accepted: answers came from the operation, not from the door.
    assert set(statuses) - {401}, statuses


@pytest.mark.slow
def test_linked_operations_keep_their_contract(api_schema):
    # One database for the whole run: revoking its own token would end it early.
    machine = api_schema.exclude(method="DELETE", path_regex="/tokens/").as_state_machine()
    machine.run(settings=settings(max_examples=60, stateful_step_count=10, deadline=None,
                                  suppress_health_check=list(HealthCheck), derandomize=True,
                                  database=None))
