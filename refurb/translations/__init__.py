"""Keep this module importable without Flask: translation table only."""
