"""Build profile matching: pure, table-driven."""

import pytest

from refurb.core.profiles import (
    DriveFacts,
    MachineFacts,
    Profile,
    format_capacity,
    match_profile,
    match_profiles,
    software_key,
)

PACK_FAMILLE = Profile(
    name="Pack famille",
    device_types=frozenset({"desktop", "laptop", "all_in_one", "mini_pc"}),
    min_ram_mib=4096,
    min_storage_gb=120,
    storage_kinds=frozenset({"ssd", "nvme"}),
    os_names=frozenset({"linux_mint"}),
    software=("LibreOffice",),
)
SSD_240 = DriveFacts("ssd", 240_057_409_536)
MINT = dict(os="linux_mint", software=("LibreOffice", "Firefox"))


def laptop(**overrides) -> MachineFacts:
    values = dict(device_type="laptop", ram_mib=8192, drives=(SSD_240,), **MINT)
    values.update(overrides)
    return MachineFacts(**values)


CASES = [
    # (id, facts, expected missing: substrings, one per missing line, in order)
    ("meets everything", laptop(), []),
    ("exactly the minimums", laptop(ram_mib=4096, drives=(DriveFacts("nvme", 120 * 10**9),)), []),
    ("ram too small", laptop(ram_mib=2048), ["Mémoire vive : 2 Go (au moins 4 Go)"]),
    ("ram unknown", laptop(ram_mib=None), ["Mémoire vive non renseignée (au moins 4 Go)"]),
    ("hdd only", laptop(drives=(DriveFacts("hdd", 500 * 10**9),)),
     ["Stockage : SSD d'au moins 120 Go requis (présent : HDD 500 Go)"]),
    ("ssd too small", laptop(drives=(DriveFacts("ssd", 64 * 10**9),)),
     ["Stockage : SSD d'au moins 120 Go requis (présent : SSD 64 Go)"]),
    ("no drive at all", laptop(drives=()), ["(présent : aucun support)"]),
    ("a big hdd and a small ssd is not enough",
     laptop(drives=(DriveFacts("hdd", 10**12), DriveFacts("ssd", 32 * 10**9))),
     ["présent : HDD 1 To, SSD 32 Go"]),
    ("second drive qualifies", laptop(drives=(DriveFacts("hdd", 10**12), SSD_240)), []),
    ("nothing installed", laptop(os=None, software=()),
     ["Système d'exploitation non installé (attendu : Linux Mint)",
      "Logiciel manquant : LibreOffice"]),
    ("windows instead of mint", laptop(os="windows"),
     ["Système d'exploitation : Windows (attendu : Linux Mint)"]),
    ("office missing", laptop(software=("Firefox",)), ["Logiciel manquant : LibreOffice"]),
    ("software names compared loosely", laptop(software=("  libreoffice ",)), []),
    ("wrong type", laptop(device_type="tablet"),
     ["Type d'appareil : Tablette (attendu : Mini PC, Ordinateur portable, Tout-en-un, "
      "Unité centrale)"]),
    ("everything wrong", MachineFacts(device_type="monitor"),
     ["Type d'appareil", "Mémoire vive", "Stockage", "Système d'exploitation", "Logiciel"]),
]


@pytest.mark.parametrize(("facts", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_pack_famille(facts, expected):
    result = match_profile(PACK_FAMILLE, facts)
    assert result.matches is (not expected)
    assert len(result.missing) == len(expected), result.missing
    for line, wanted in zip(result.missing, expected, strict=True):
        assert wanted in line


@pytest.mark.parametrize(
    ("profile", "facts", "matches"),
    [
        (Profile("Tout"), MachineFacts("monitor"), True),
        (Profile("8 Go", min_ram_mib=8192), laptop(ram_mib=8192), True),
        (Profile("8 Go", min_ram_mib=8192), laptop(ram_mib=8191), False),
        (Profile("Tout disque 250", min_storage_gb=250), laptop(drives=(DriveFacts("hdd", 250 * 10**9),)), True),
        (Profile("Tout disque 250", min_storage_gb=250), laptop(drives=(DriveFacts("hdd", None),)), False),
        (Profile("Un SSD", storage_kinds=frozenset({"ssd"})), laptop(drives=(DriveFacts("ssd", None),)), True),
        (Profile("Libre", os_names=frozenset({"debian", "linux_mint"})), laptop(os="debian"), True),
        (Profile("Libre", os_names=frozenset({"debian", "linux_mint"})), laptop(os="other"), False),
        (Profile("Emmabuntüs", software=("Émmabuntüs Tools",)), laptop(software=("emmabuntus tools",)), True),
    ],
)
def test_each_rule(profile, facts, matches):
    assert match_profile(profile, facts).matches is matches


def test_all_profiles_at_once_keep_their_order():
    results = match_profiles([PACK_FAMILLE, Profile("Tout")], laptop(ram_mib=1024))
    assert [r.profile.name for r in results] == ["Pack famille", "Tout"]
    assert [r.matches for r in results] == [False, True]


@pytest.mark.parametrize(("raw", "key"), [("LibreOffice", "libreoffice"),
                                          ("  Emmabuntüs   DE ", "emmabuntus de"),
                                          ("ÉCOLE", "ecole")])
def test_software_key(raw, key):
    assert software_key(raw) == key


@pytest.mark.parametrize(("size", "text"), [(None, "capacité inconnue"), (120 * 10**9, "120 Go"),
                                            (10**12, "1 To"), (1_500 * 10**9, "1,5 To")])
def test_format_capacity(size, text):
    assert format_capacity(size) == text
