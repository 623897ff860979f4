#!/usr/bin/env bash
# Write requirements-dev.lock (everything, for .venv and CI) and requirements.lock (the
# runtime dependencies only, for the image) from pyproject.toml, with hashes, for Python
# 3.11 on any platform. The runtime lock is constrained by the dev lock, so both name the
# same version of every package they share. tests/unit/test_lock_files.py fails when
# pyproject.toml and the locks disagree.
set -euo pipefail
# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

uv="${UV:-$REPO/.venv/bin/uv}"
[[ -x "$uv" ]] || die "no uv at $uv (it is a dev dependency: deploy/bin/venv.sh installs it)"
common=(--universal --python-version 3.11 --generate-hashes --quiet)
"$uv" pip compile pyproject.toml --extra dev "${common[@]}" -o requirements-dev.lock
"$uv" pip compile pyproject.toml -c requirements-dev.lock "${common[@]}" -o requirements.lock
log "wrote requirements-dev.lock and requirements.lock"
