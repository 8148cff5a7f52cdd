#!/usr/bin/env bash
# Set up what the tests need and run the whole suite: lint, type check, unit tests, API and
# integration tests (PostgreSQL and Redis on loopback when they are there),
# and browser tests in headless Chromium. Extra arguments go to pytest.
source "$(dirname "$0")/env.sh"
ensure_venv requirements-dev.txt
ensure_bun

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing Chromium from Debian's packages for the browser tests"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    say "Chromium is missing and cannot be installed here: browser tests will be skipped"
  fi
fi

if ! command -v redis-server >/dev/null 2>&1; then  # the fault suite starts its own Redis to kill
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing redis-server from Debian's packages for the fault suite"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
fi

say "Lint (ruff)"
ruff check .
ruff format --check . >/dev/null || { ruff format --diff . | head -50; die "ruff format would change files"; }

say "Types (mypy over rehome/ and worker/, settings in pyproject.toml)"
mypy || die "mypy found type errors"

say "Tests (pytest)"
exec python -m pytest -q -p no:cacheprovider "$@"
