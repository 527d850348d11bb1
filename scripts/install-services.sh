#!/usr/bin/env bash
# Installs the real PostgreSQL, Redis and nginx servers the backend tests start (throwaway instances on
# loopback; nginx balances webhook POSTs across workers with deploy/nginx/'s config). Idempotent; needs root
# (as on CI). Debian packages: postgresql, redis-server, nginx.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "install-services: ${need[*]} missing and not root; install them with apt-get to run the backend tests" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
