"""Reminders and notices by e-mail or SMS, sent by background jobs, every message logged."""
