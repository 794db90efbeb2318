"""Backups: one archive (database, documents, instance files, manifest), verified and restored."""
