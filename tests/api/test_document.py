"""The OpenAPI document and its reading page: 3.1, built from the code, every operation
secured and answering problems; the page loads nothing from outside this server."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_document_is_openapi_3_1_and_describes_every_operation(client, db):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "application/problem+json" in spec["components"]["responses"]["Problem"]["content"]
    operations = [(path, method, op) for path, item in spec["paths"].items()
                  for method, op in item.items() if method in ("get", "post", "delete")]
    assert len(operations) >= 25
    for path, method, op in operations:
        assert path.startswith("/api/v1/"), path
        assert op["security"] and op["x-scopes"], (method, path)
        assert op["responses"]["default"] == {"$ref": "#/components/responses/Problem"}
        assert op["operationId"]
    posts = [op for _, method, op in operations if method == "post"]
    assert all({"$ref": "#/components/parameters/IdempotencyKey"} in op["parameters"]
               for op in posts)
    serial = spec["components"]["schemas"]["Device"]["properties"]["serial"]["type"]
    assert serial == ["string", "null"]  # 3.1's JSON Schema, not 3.0's "nullable"


def test_the_reference_page_is_served_from_this_server(client, db):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert not re.search(r"(src|href)=\"https?://", html), "nothing from a CDN"
    assets = re.findall(r"(?:src|href)=\"(/static/[^\"]+)\"", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_refurb_station_is_a_console_script_of_the_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"]["refurb-station"] == "refurb.station.cli:run"
    assert any(d.startswith("requests") for d in project["dependencies"])
    from refurb.station.cli import run

    assert callable(run)
