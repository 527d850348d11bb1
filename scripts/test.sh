#!/usr/bin/env bash
# Runs every test; pytest's exit code 5 ("no tests collected") counts as a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-services.sh
.venv/bin/pytest "$@"
