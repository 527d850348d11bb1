#!/usr/bin/env bash
# Installs GNU Unifont (Debian's fonts-unifont), the PDF documents' fallback font for characters DejaVu Sans
# lacks (Chinese, emoji, ...); the document tests check that such a name is printed, not dropped.
# Idempotent; needs root (as on CI).
set -euo pipefail
[ -f /usr/share/fonts/opentype/unifont/unifont.otf ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "install-fonts: fonts-unifont missing and not root; install it with apt-get for the document tests" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends fonts-unifont >/dev/null
