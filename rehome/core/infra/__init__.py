"""Plumbing every domain uses: database, Redis, event bus, jobs, errors, limits,
breaker, idempotency, health, validation, pagination and list paging.

Nothing here knows about tasks, chat or projects; the domain packages build on it.
"""
