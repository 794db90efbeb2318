"""/healthz: database, migrations, job queue, free disk."""
