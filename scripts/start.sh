#!/usr/bin/env bash
# Set up and start ReHome on the embedded default (SQLite, in-process jobs,
# console mail, offline AI): installs what it needs, migrates, loads the demo
# workspaces, and serves the app.
source "$(dirname "$0")/env.sh"
ensure_venv requirements.txt
ensure_bun

say "Migrating the database"
LOG_LEVEL=WARNING reflex db migrate
say "Loading the demo workspaces"
python -m rehome demo
PORT="${PORT:-3000}"
export APP_URL="${APP_URL:-http://localhost:$PORT}"
say "Starting ReHome on http://localhost:$PORT (the first start builds the frontend, about a minute)"
exec reflex run --env prod --frontend-port "$PORT" --backend-port "$PORT"
