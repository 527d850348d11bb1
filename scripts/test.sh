#!/usr/bin/env bash
# Runs every test; pytest's exit code 5 ("no tests collected") counts as a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# The browser test needs Debian's chromium and Playwright; the script does nothing when both are there.
bash scripts/install-browser.sh
.venv/bin/pytest "$@"
