"""Accounts, roles, login with throttling, and the role checks every page uses."""
