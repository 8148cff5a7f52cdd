"""Project chat: messages with @mentions and their reader-facing views (F-06)."""
