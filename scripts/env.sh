#!/usr/bin/env bash
# Shared setup for the start and test commands: a virtual environment with the
# pinned packages, and bun (the JS runtime Reflex builds with) from the npm
# registry. Idempotent and quick when nothing changed. Source it, don't run it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
TOOLS="$ROOT/.tools"
BUN_VERSION="1.4.5"

say() { printf '\033[1;33m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

ensure_venv() {  # $1: requirements file
  local requirements="$ROOT/$1" stamp="$VENV/.installed-$(basename "$1")"
  if [ ! -x "$VENV/bin/python" ]; then
    local python; python="$(find_python)" || die "Python 3.11 or newer is needed (python3 --version)."
    say "Creating the virtual environment in .venv"
    "$python" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
  fi
  local want; want="$(cat "$ROOT"/requirements*.txt | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "Installing Python packages from $1 (about a minute the first time)"
    # (the filter hides pip's notes about this machine's extra package folders)
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" 2>&1 |
      { grep -v "is ignored: it is neither a file nor a directory" || true; }
    echo "$want" > "$stamp"
  fi
}

ensure_bun() {
  local bin="$TOOLS/bun/node_modules/.bin"
  if [ ! -x "$bin/bun" ] || [ "$("$bin/bun" --version 2>/dev/null)" != "$BUN_VERSION" ]; then
    command -v npm >/dev/null 2>&1 || die "npm (Node.js) is needed to fetch bun, which Reflex builds the frontend with."
    say "Installing bun $BUN_VERSION from the npm registry into .tools/bun"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS/bun" "bun@$BUN_VERSION" >/dev/null
  fi
  export PATH="$bin:$VENV/bin:$PATH"
  export REFLEX_USE_SYSTEM_BUN=1
}

cd "$ROOT"
