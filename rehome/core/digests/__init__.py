"""Digests people act on (F-33): the daily project digest (a staff and a
client version), the weekly workspace rollup for admins, Risks & Blockers,
milestone and meeting summaries on demand, and the client weekly update that
a person approves before any client sees it.

Figures come from the database (`facts`, `core.tasks.figures`), read through
the access layer for the audience; `writer` turns them into a short, cited
draft; a model (or the offline provider, which keeps the draft) only words
it, and a draft whose numbers the model changed is kept instead (`generate`).
"""
