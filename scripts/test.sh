#!/usr/bin/env bash
# Set up everything the tests need on a fresh Debian 12 machine, then run them all.
#   bash scripts/test.sh [extra pytest arguments]
# Creates .venv if missing, installs requirements-dev.txt, Debian's Chromium and
# CJK fonts and axe-core (scripts/install-test-deps.sh), then runs pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
bash scripts/install-test-deps.sh
# --dist loadfile: a module's tests share one worker, so module fixtures (built sites, the
# fuzz run's example count) are made once and counted whole.
exec .venv/bin/python -m pytest -n 2 --dist loadfile "$@"
