#!/usr/bin/env bash
# A backup of a deployment: the PostgreSQL database (pg_dump, custom format) and the local file store.
#   deploy/backup/backup.sh /var/backups/attestation-bot
# Reads DATABASE_URL and FILE_STORE_DIR from the environment (or /etc/attestation-bot/bot.env if present).
# An S3 file store is backed up by the object store itself (e.g. `mc mirror minio/attestation-documents …`).
set -euo pipefail
target=${1:?usage: backup.sh TARGET_DIR}
[[ -z "${DATABASE_URL:-}" && -r /etc/attestation-bot/bot.env ]] && set -a && . /etc/attestation-bot/bot.env && set +a
: "${DATABASE_URL:?DATABASE_URL is not set}"
# SQLAlchemy's driver suffix (postgresql+asyncpg://) is not part of libpq's URL.
pg_url=${DATABASE_URL/+asyncpg/}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dir="$target/$stamp"
mkdir -p "$dir"
chmod 700 "$dir"
pg_dump --format=custom --no-owner --file "$dir/database.dump" "$pg_url"
if [[ -n "${FILE_STORE_DIR:-}" && -d "$FILE_STORE_DIR" ]]; then
    tar -C "$FILE_STORE_DIR" -czf "$dir/files.tar.gz" .
fi
echo "$dir"
