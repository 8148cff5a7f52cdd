"""The workspace admin dashboard (F-12): overview, projects, users, tasks, activity, search."""
