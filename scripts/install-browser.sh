#!/usr/bin/env bash
# Installs what the browser test needs: Debian's chromium (with an emoji font, so the bot's emoji show in
# screenshots) and the Playwright client library.
# Idempotent; never runs `playwright install` (that downloads a browser build, and there is no internet).
set -euo pipefail
cd "$(dirname "$0")/.."
PLAYWRIGHT_VERSION="1.65.2"

if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-color-emoji
fi
installed=$(.venv/bin/python -c "import importlib.metadata as m; print(m.version('playwright'))" 2>/dev/null || true)
if [ "$installed" != "$PLAYWRIGHT_VERSION" ]; then
    .venv/bin/pip install -q "playwright==$PLAYWRIGHT_VERSION"
fi
