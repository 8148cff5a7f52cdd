"""A firm's workspace: its setup, its people, and the admin's overview (F-04, F-12)."""
