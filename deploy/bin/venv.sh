#!/usr/bin/env bash
# Create .venv and install exactly the locked dependencies (requirements-dev.lock, with hashes),
# then the project itself (editable, no dependencies of its own): once per pyproject/lock change.
# The lock is written from pyproject.toml by deploy/bin/lock.sh (`make lock`).
set -euo pipefail
# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$REPO"
python=""
for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null &&
        "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        python="$candidate"
        break
    fi
done
if [[ -z "$python" ]]; then
    apt_install python3 python3-venv python3-pip
    python=python3
fi
if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
    apt_install python3-venv
fi

stamp=".venv/.installed-$(cat pyproject.toml requirements-dev.lock | sha256sum | cut -c1-16)"
if [[ -f "$stamp" && -x .venv/bin/python ]]; then
    echo "$REPO/.venv"
    exit 0
fi
[[ -x .venv/bin/python ]] || "$python" -m venv .venv
log "installing the locked Python dependencies into .venv (first time only)"
.venv/bin/python -m pip install -q --upgrade pip
# --require-hashes: every wheel must be the one that was locked, byte for byte.
.venv/bin/python -m pip install -q --require-hashes -r requirements-dev.lock
.venv/bin/python -m pip install -q --no-deps -e .
rm -f .venv/.installed-*
touch "$stamp"
echo "$REPO/.venv"
