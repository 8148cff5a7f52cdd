"""Digests in the app: the project's Digest, Risks & Blockers and Client update
tabs, and the admin assistant page's Daily, Weekly and Risks & Blockers tabs."""
