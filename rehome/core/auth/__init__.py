"""Accounts: passwords, browser sessions, API tokens, invites, resets (F-03)."""
