"""Demo workspaces for trying ReHome (`python -m rehome demo`)."""
