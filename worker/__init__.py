"""Celery worker and beat for ReHome; imports the core, never the UI."""
