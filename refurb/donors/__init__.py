"""Donor organisations and their collections (enlèvements)."""
