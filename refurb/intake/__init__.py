"""Intake: machines entered into a collection (bench form, hardware reports, donor CSV lists)
and the collection receipt (bon de prise en charge)."""
