"""Fill English translations into the catalogue from JSON files of {French msgid: English}
(e.g. a batch of new messages translated at once); the .po file stays the only home of the
translations. Usage: .venv/bin/python scripts/po_fill.py FILE.json [...]; then scripts/i18n."""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "refurb/translations/en/LC_MESSAGES/messages.po"

table: dict = {}
for name in sys.argv[1:]:
    table.update(json.loads(Path(name).read_text(encoding="utf-8")))
with PO.open("rb") as fh:
    catalog = read_po(fh, locale="en")
filled = 0
for message in catalog:
    key = message.id[0] if isinstance(message.id, tuple) else message.id
    if key and key in table:
        value = table[key]
        message.string = tuple(value) if isinstance(message.id, tuple) else value
        message.flags.discard("fuzzy")
        filled += 1
missing = [m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
with PO.open("wb") as fh:
    write_po(fh, catalog, width=100)
print(f"{filled} filled, {len(missing)} still untranslated")
for msgid in missing[:50]:
    print("  untranslated:", msgid)
