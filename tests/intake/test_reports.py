"""Hardware reports (dmidecode, lshw, smartctl) → a device and its drives, web and CLI.

The parsers have their own tests; these check what intake stores from the fixture samples."""

import io
import json

import pytest
from sqlalchemy import select

from refurb.devices.models import Device, DeviceEvent, Drive
from tests.intake.formhtml import form_values
from tests.intake.helpers import FIXTURES, open_collection

DMI = json.loads((FIXTURES / "dmidecode" / "EXPECTED.json").read_text())["machines"]
SMART = json.loads((FIXTURES / "smartctl" / "EXPECTED.json").read_text())["drives"]
SMART_JSON = json.loads((FIXTURES / "smartctl_json" / "EXPECTED.json").read_text())["drives"]
LSHW = json.loads((FIXTURES / "lshw" / "EXPECTED.json").read_text())["machines"]
CHASSIS_TYPES = {"Laptop": "laptop", "Notebook": "laptop", "Desktop": "desktop",
                 "Low Profile Desktop": "desktop", "All In One": "all_in_one",
                 "Main Server Chassis": "server", "Mini PC": "mini_pc"}
KINDS = {"HDD": "hdd", "SSD": "ssd", "NVMe": "nvme"}


def read(*parts) -> bytes:
    return FIXTURES.joinpath(*parts).read_bytes()


def send_reports(client, collection, files: list[tuple[str, str]], pasted: str = ""):
    """Upload, then confirm exactly what the preview shows (as a browser would)."""
    url = f"/collections/{collection.id}/intake/report"
    data = {"pasted": pasted,
            "files": [(io.BytesIO(read(*f)), f[-1]) for f in files]}
    preview = client.post(url, data=data, content_type="multipart/form-data")
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    values = form_values(html, action=f"{url}/confirm")
    return html, values


def confirm(client, collection, values):
    url = f"/collections/{collection.id}/intake/report/confirm"
    return client.post(url, data=values, follow_redirects=True)


def expected_drive(name: str) -> dict:
    e = SMART[name]
    return {"model": e["model"], "serial": e["serial"], "capacity_bytes": e["capacity_bytes"],
            "kind": KINDS[e["device_type"]], "power_on_hours": e["power_on_hours"],
            "smart_passed": e["smart_health"] == "PASSED"}


def drive_dict(drive: Drive) -> dict:
    return {k: getattr(drive, k) for k in ("model", "serial", "capacity_bytes", "kind",
                                           "power_on_hours", "smart_passed")}


@pytest.mark.parametrize("name", sorted(DMI))
def test_every_dmidecode_sample_becomes_the_expected_device(client, db, login_as, name):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    expected = DMI[name]
    html, values = send_reports(client, collection, [("dmidecode", name)])
    if expected["system_manufacturer_is_placeholder"]:
        assert "non renseigné par le constructeur" in html  # the parser's warning is shown
    values["legal_status"] = "reuse"
    page = confirm(client, collection, values).get_data(as_text=True)
    device = db.session.scalar(select(Device))
    assert device is not None, page
    make = "" if expected["system_manufacturer_is_placeholder"] else expected["system_manufacturer"]
    model = "" if expected["product_name_is_placeholder"] else expected["product_name"]
    assert (device.make, device.model) == (make, model)
    assert device.serial is None  # "--" is a placeholder, never a serial
    assert device.device_type == CHASSIS_TYPES[expected["chassis_type"]]
    assert device.chassis == expected["chassis_type"]
    assert device.cpu == expected["cpu_model"]
    assert device.ram_mib == expected["total_ram_mib"]
    assert device.ram_slots_used == expected["populated_memory_slots"]
    assert device.weight_estimated and device.drives == []
    assert f"{device.asset_tag} enregistré avec 0 support(s)" in page


def test_machine_with_its_drives_from_several_files_at_once(client, db, login_as):
    tech = login_as("technician")
    collection = open_collection()
    db.session.commit()
    smart_files = ["nvme-Samsung_SSD_970_EVO_1TB-passed.txt",
                   "hdd-sata-2.5in-HGST_HTS545050A7E380-FAILED.txt"]
    html, values = send_reports(
        client, collection,
        [("dmidecode", "Notebook-Lenovo-ThinkPad_T480_20L6S52C0L.txt"),
         *[("smartctl", f) for f in smart_files],
         ("smartctl_json", "ata-ssd-Crucial_MX500-passed.json")])
    assert "Samsung SSD 970 EVO 1TB" in html and "ÉCHEC" in html  # the preview shows the drives
    # The technician corrects before confirming: serial read on the sticker, a note, waste.
    values.update(serial="PF1K7ZQ3", condition_notes="charnière cassée", legal_status="waste",
                  weight_kg="1,58")
    confirm(client, collection, values)
    device = db.session.scalar(select(Device))
    assert (device.make, device.model, device.serial) == ("LENOVO", "20L6S52C0L", "PF1K7ZQ3")
    assert (device.legal_status, device.condition_notes) == ("waste", "charnière cassée")
    assert not device.weight_estimated and str(device.weight_kg) == "1.58"
    drives = sorted(map(drive_dict, device.drives), key=lambda d: d["model"])
    crucial = dict(SMART_JSON["ata-ssd-Crucial_MX500-passed.json"])
    assert drives == sorted([expected_drive(f) for f in smart_files] + [crucial],
                            key=lambda d: d["model"])
    event = db.session.scalar(select(DeviceEvent).where(DeviceEvent.device_id == device.id))
    assert event.actor_id == tech.id and event.details["collection"] == collection.number
    assert event.details["source"] == "hardware_report"
    assert len(event.details["report"]["drives"]) == 3


def test_lshw_json_is_read_too(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    _, values = send_reports(client, collection, [("lshw", "laptop-Lenovo-ThinkPad_T480.json")])
    confirm(client, collection, values)
    device = db.session.scalar(select(Device))
    expected = LSHW["laptop-Lenovo-ThinkPad_T480.json"]
    assert (device.make, device.model, device.serial, device.ram_mib) == (
        expected["manufacturer"], expected["model"], expected["serial"], expected["ram_mib"])
    assert [d.serial for d in device.drives] == [expected["drives"][0]["serial"]]


def test_pasted_text_works_and_unknown_text_warns(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    smart = read("smartctl", "ssd-sata-Samsung_SSD_860_EVO_1TB-passed.txt").decode()
    html, values = send_reports(client, collection, [], pasted=smart)
    assert "Samsung SSD 860 EVO 1TB" in html
    assert values["device_type"] == ""  # no chassis read: the technician must choose
    refused = confirm(client, collection, values)
    assert refused.status_code == 200 and db.session.scalar(select(Device)) is None
    assert "Samsung SSD 860 EVO 1TB" in refused.get_data(as_text=True)  # drives still shown
    values["device_type"] = "desktop"
    confirm(client, collection, values)
    [drive] = db.session.scalar(select(Device)).drives
    assert drive.serial is None and drive.kind == "ssd" and drive.power_on_hours == 2783
    garbage, _ = send_reports(client, collection, [], pasted="bonjour, ceci n'est pas un rapport")
    assert "Rapport non reconnu" in garbage


def test_nothing_sent_or_tampered_report_never_gives_a_500(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    url = f"/collections/{collection.id}/intake/report"
    empty = client.post(url, data={"pasted": "  "})
    assert empty.status_code == 200 and "Collez un rapport" in empty.get_data(as_text=True)
    for report in ("{not json", '{"drives": [{"capacity_bytes": "huge"}]}', "[]",
                   '{"drives": [{"capacity_bytes": 100000000000000000000000}]}',
                   '{"drives": [{"power_on_hours": 99999999999}]}', '{"drives": 5}',
                   json.dumps({"drives": [{}] * 300}),
                   '{"drives": [{"kind": "floppy", "smart_passed": "yes", "model": 3}]}'):
        response = client.post(f"{url}/confirm", data={
            "device_type": "laptop", "legal_status": "reuse", "report": report},
            follow_redirects=True)
        assert response.status_code == 200
    [device] = db.session.scalars(select(Device))  # only the last one was acceptable
    assert [(d.kind, d.smart_passed, d.model) for d in device.drives] == [("other", None, "3")]


# -- CLI ------------------------------------------------------------------------------------
def test_cli_prints_the_report_as_json(app, db):
    paths = [str(FIXTURES / "dmidecode" / "Laptop-Dell-Latitude_E6410.txt"),
             str(FIXTURES / "smartctl_json" / "nvme-WDC_PC_SN520-passed.json")]
    result = app.test_cli_runner().invoke(args=["intake", "parse-report", *paths])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    expected = DMI["Laptop-Dell-Latitude_E6410.txt"]
    assert (data["manufacturer"], data["model"], data["serial"], data["device_type"]) == (
        "Dell Inc.", "Latitude E6410", None, "laptop")
    assert (data["cpu"], data["ram_mib"]) == (expected["cpu_model"], expected["total_ram_mib"])
    assert data["drives"] == [SMART_JSON["nvme-WDC_PC_SN520-passed.json"]]
    assert data["warnings"] == []


def test_cli_registers_the_machine_into_a_collection(app, db):
    collection = open_collection()
    db.session.commit()
    paths = [str(FIXTURES / "dmidecode" / "Mini_PC-Intel-NUC7i7DNHE.txt"),
             str(FIXTURES / "smartctl" / "hdd-sata-3.5in-WDC_WD10EZEX-75ZF5A0-passed-no_rotation_line.txt")]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["intake", "parse-report", *paths, "--into", collection.number])
    assert result.exit_code == 0, result.stderr
    device = db.session.scalar(select(Device))
    assert f"{device.asset_tag} enregistré dans {collection.number}" in result.stderr
    assert (device.make, device.model, device.device_type, device.ram_mib) == (
        "Intel Corporation", "NUC7i7DNHE", "mini_pc", 16384)
    name = "hdd-sata-3.5in-WDC_WD10EZEX-75ZF5A0-passed-no_rotation_line.txt"
    assert [drive_dict(d) for d in device.drives] == [expected_drive(name)]
    only_drive = runner.invoke(args=["intake", "parse-report", paths[1], "--into",
                                     collection.number])
    assert only_drive.exit_code != 0 and "--type" in only_drive.stderr
