#!/usr/bin/env bash
# Restores a backup made by backup.sh into an empty database and file store folder; stop the workers first.
#   deploy/backup/restore.sh /var/backups/attestation-bot/20261202T040000Z
set -euo pipefail
dir=${1:?usage: restore.sh BACKUP_DIR}
[[ -z "${DATABASE_URL:-}" && -r /etc/attestation-bot/bot.env ]] && set -a && . /etc/attestation-bot/bot.env && set +a
: "${DATABASE_URL:?DATABASE_URL is not set}"
pg_url=${DATABASE_URL/+asyncpg/}
pg_restore --no-owner --exit-on-error --dbname "$pg_url" "$dir/database.dump"
if [[ -f "$dir/files.tar.gz" ]]; then
    : "${FILE_STORE_DIR:?the backup has files: set FILE_STORE_DIR}"
    mkdir -p "$FILE_STORE_DIR"
    tar -C "$FILE_STORE_DIR" -xzf "$dir/files.tar.gz"
fi
echo "restored $dir"
