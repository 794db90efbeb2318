"""Pure business rules: no Flask, SQLAlchemy, WTForms, PIL or barcode imports here."""
