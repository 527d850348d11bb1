#!/usr/bin/env bash
# Runs every test; pytest's exit code 5 ("no tests collected") counts as a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# Real PostgreSQL and Redis for the back-end tests; Debian's chromium for the browser test; GNU Unifont for
# the PDF documents' fallback font. Each script does nothing when everything is already there.
bash scripts/install-services.sh
bash scripts/install-browser.sh
bash scripts/install-fonts.sh
.venv/bin/pytest "$@"
