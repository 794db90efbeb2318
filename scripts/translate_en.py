"""Fill English translations into the catalogue from a {French: English} table (kept in
refurb/translations/en_table.py); run scripts/i18n afterwards to compile."""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from refurb.translations.en_table import EN  # noqa: E402

path = ROOT / "refurb/translations/en/LC_MESSAGES/messages.po"
with path.open("rb") as fh:
    catalog = read_po(fh, locale="en")
filled = missing = 0
for message in catalog:
    if not message.id:
        continue
    if isinstance(message.id, tuple):  # plural: EN maps the singular to (singular, plural)
        if message.id[0] in EN:
            message.string = tuple(EN[message.id[0]])
            filled += 1
        elif not any(message.string):
            missing += 1
        continue
    if message.id in EN:
        message.string = EN[message.id]
        filled += 1
    elif not message.string:
        missing += 1
with path.open("wb") as fh:
    write_po(fh, catalog, width=100)
print(f"{filled} translated from the table, {missing} still untranslated")
