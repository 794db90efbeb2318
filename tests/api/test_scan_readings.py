"""The API's scan reads a label like the scan box does (tests/devices/test_scan_everywhere.py)."""

from urllib.parse import quote

from tests.devices.test_scan_everywhere import manglings
from tests.factories import make_device


def test_the_api_scan_reads_like_the_scan_box(call, token, db):
    secret = token("technician", "read")
    device = make_device()
    db.session.commit()
    for scanned in manglings(device.asset_tag):
        body = call("GET", f"/api/v1/scan?q={quote(scanned)}", secret).get_json()
        assert body["kind"] == "device" and body["device"]["asset_tag"] == device.asset_tag
    missing = call("GET", "/api/v1/scan?q=rf2026999999", secret)
    assert missing.status_code == 404 and "RF-2026-999999" in missing.get_json()["detail"]
