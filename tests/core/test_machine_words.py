"""A machine in plain words and the one formatter of sizes (refurb.core.machine_words)."""

from decimal import Decimal

import pytest

from refurb.core.errors import render
from refurb.core.machine_words import MachineFacts, capacity, describe_machine, french, memory

# What the English catalogue says for these msgids (the web layer reads the real one).
ENGLISH = {
    "%(size)s To": "%(size)s TB", "%(size)s Go": "%(size)s GB", "%(size)s Mo": "%(size)s MB",
    "%(size)s o": "%(size)s B", "Portable": "Laptop", "%(type)s %(inches)s pouces":
    "%(type)s %(inches)s-inch", "%(size)s de mémoire": "%(size)s of memory",
    "SSD %(size)s": "SSD %(size)s", "disque dur %(size)s": "hard drive %(size)s",
    "Ordinateur fixe": "Desktop computer",
}


def english(message) -> str:
    return render(message, lambda msgid: ENGLISH.get(msgid, msgid))


@pytest.mark.parametrize(("size", "fr", "en"), [
    (1_000_204_886_016, "1,0 To", "1.0 TB"), (1_500_000_000_000, "1,5 To", "1.5 TB"),
    (256_060_514_304, "256,1 Go", "256.1 GB"), (120 * 10**9, "120 Go", "120 GB"),
    (16_777_216, "16,8 Mo", "16.8 MB"), (999, "999 o", "999 B"),
])
def test_capacities_in_each_language(size, fr, en):
    assert french(capacity(size)) == fr
    assert english(capacity(size, ".")) == en


@pytest.mark.parametrize(("mib", "fr", "en"), [
    (8192, "8 Go", "8 GB"), (1536, "1,5 Go", "1.5 GB"), (512, "512 Mo", "512 MB")])
def test_memory_in_each_language(mib, fr, en):
    assert french(memory(mib)) == fr
    assert english(memory(mib, ".")) == en


@pytest.mark.parametrize("unknown", [None, 0, -5])
def test_an_unknown_size_says_nothing(unknown):
    assert capacity(unknown) is None and memory(unknown) is None and french(None) == ""


def test_a_laptop_in_plain_words():
    laptop = MachineFacts("laptop", ram_mib=8192, screen_inches=Decimal("15.6"),
                          drives=(("nvme", 256 * 10**9),), system="Linux Mint")
    assert str(describe_machine(laptop)) == (
        "Portable 15,6 pouces, 8 Go de mémoire, SSD 256 Go, Linux Mint")
    assert english(describe_machine(laptop, ".")) == (
        "Laptop 15.6-inch, 8 GB of memory, SSD 256 GB, Linux Mint")


def test_what_is_unknown_is_left_out():
    tower = MachineFacts("desktop", drives=(("hdd", 500 * 10**9), ("ssd", None)))
    assert str(describe_machine(tower)) == "Ordinateur fixe, disque dur 500 Go"
    assert str(describe_machine(MachineFacts("printer"))) == "Imprimante"
    assert str(describe_machine(MachineFacts("toaster"))) == "Appareil"


def test_no_jargon_in_the_description():
    """NVMe and raw processor names are the workshop's words, not the family's."""
    text = str(describe_machine(MachineFacts("laptop", ram_mib=4096,
                                             drives=(("nvme", 10**12),))))
    assert "NVMe" not in text and "NVME" not in text and "1 To" in text and "." not in text
