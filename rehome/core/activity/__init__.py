"""The activity log: what admins did and asked, and its readable feed (F-12, F-34)."""
