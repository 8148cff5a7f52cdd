"""Outgoing mail (F-35): queued after commit, sent by a job."""
