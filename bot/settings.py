"""All settings in one place, read from the environment and `.env` (documented in the README)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, PositiveInt, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url

from scoring.config import use_rules_file

OFFICIAL_BOT_API_URL = "https://api.telegram.org"


class Settings(BaseSettings):
    # A blank value (`RULES_FILE=` as in .env.example) means "not set", not an empty path or URL.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      env_ignore_empty=True)

    bot_token: SecretStr | None = None
    # Base URL of the Bot API server: the official one, a local telegram-bot-api, or the sandbox.
    bot_api_url: str = OFFICIAL_BOT_API_URL
    # A local Bot API server started with `telegram-bot-api --local`: getFile names a file on its disk, which the
    # bot reads there (files up to 2000 MB). BOT_API_FILES_MOUNT="<server dir>:<dir here>" when that disk is
    # mounted at another path on this machine (the server's --dir as seen by it, then as seen by the bot).
    bot_api_local_files: bool = False
    bot_api_files_mount: Annotated[tuple[Path, Path] | None, NoDecode] = None
    database_url: str = "sqlite+aiosqlite:///./data/attestation.db"
    # FSM storage in Redis when set; otherwise in the database (never only in memory).
    redis_url: str | None = None
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    timezone: str = "Asia/Almaty"
    default_locale: Literal["kk", "ru"] = "kk"
    # The bot's calendar day is fixed to this date: for the sandbox and tests (an end-to-end test runs the bot
    # on a day before a holiday, then later). Leave unset in production. bot.clock.local_today reads it.
    clock_fixed_date: date | None = None
    # Webhook mode is on when WEBHOOK_URL is set; long polling otherwise.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_path: str = "/webhook"
    webhook_host: str = "0.0.0.0"
    webhook_port: int = 8080
    # Without WEBHOOK_SECRET anyone who finds the URL can post updates; allowed only when said so.
    webhook_allow_no_secret: bool = False
    # The bot's web server (Mini App, verification page, /healthz) in polling mode: it listens only when
    # WEB_PORT is set. In webhook mode the webhook server (WEBHOOK_HOST:WEBHOOK_PORT) serves the same pages.
    web_host: str = "127.0.0.1"
    web_port: int | None = Field(default=None, ge=0, le=65535)
    # The public HTTPS address of the Mini App page (served under /app/ of the bot's web server); when set,
    # /score and /checklist offer a button that opens it. Unset: the chat flow only.
    webapp_url: str | None = None
    # Telegram's WebApp script the page loads (the sandbox serves its own stand-in).
    webapp_script_url: str = "https://telegram.org/js/telegram-web-app.js"
    # How long a Mini App's signed initData is accepted after Telegram issued it (when the form was opened):
    # every answer is saved at once, so an expired form loses nothing (reopening it is one tap), while a
    # leaked initData is worth an hour at most.
    webapp_auth_max_age: int = Field(default=3600, ge=60, le=86400)
    # The rule set the bot decides with: a whole rule set file (copied from scoring/rulesets/2024-pilot.toml),
    # or a file of a few tables overriding the pilot's keys; read from the environment or .env like every
    # setting, and handed to the rules by `get_settings` (scoring.config.use_rules_file).
    rules_file: Path | None = None
    # Each start applies the database migrations; a deployment of several workers turns this off and runs
    # `python -m storage.migrate` once per release instead (on PostgreSQL concurrent starts wait for each other).
    migrate_on_start: bool = True
    log_level: str = "INFO"
    # "json": one JSON object per line (time, level, logger, message) for a region's log collector.
    log_format: Literal["text", "json"] = "text"
    # Named in the consent text (App 5) as who keeps the data and where: the department running the bot
    # and where its server is. The consent never claims more than these say.
    data_operator: str | None = None
    data_location: str | None = None
    # Broadcasts: messages per second overall; Telegram allows about 30/s for a free bot,
    # and the default leaves room for the bot's other replies and the progress edits.
    broadcast_rate: float = Field(default=25.0, gt=0, le=30)
    # A paid broadcast (the admin's choice per broadcast, Telegram's allow_paid_broadcast): up to 1,000/s,
    # each message costing this many Stars from the bot's balance (Bot API: 0.1 Star per message).
    broadcast_paid_rate: float = Field(default=1000.0, gt=0, le=1000)
    broadcast_paid_stars_per_message: float = Field(default=0.1, ge=0)
    # Network or server errors on one recipient: this many retries, waiting backoff × 2^n seconds.
    broadcast_max_retries: int = Field(default=3, ge=0)
    broadcast_retry_backoff: float = Field(default=1.0, ge=0)
    # A process delivering a broadcast holds it this long and renews it; after a crash another
    # (or the restarted) process takes the broadcast over once the lease has run out.
    broadcast_lease_seconds: float = Field(default=30.0, gt=0)
    # How often the admin's progress message is edited.
    broadcast_progress_seconds: float = Field(default=3.0, gt=0)
    # Reminders: run the APScheduler job in this process (turn off on extra workers), and
    # how often it looks for due reminders.
    scheduler_enabled: bool = True
    # Of several workers with the scheduler enabled, the one holding this lease runs it; a dead holder's
    # lease runs out after this long and another worker takes over (app/leadership.py).
    scheduler_lease_seconds: float = Field(default=30.0, ge=1)
    # A message whose sender died is sent by another process once its claim is this old; keep it above
    # the 20 s a delivery may spend retrying, or a live sender could be overtaken (a duplicate).
    outbox_lease_seconds: float = Field(default=120.0, gt=0)
    # Webhook workers: an update stored by a worker but still unapplied this long after it arrived is applied
    # by whichever worker sweeps the inbox first (its own worker died); above a slow update's handling time.
    inbox_orphan_seconds: float = Field(default=30.0, gt=0)
    reminder_check_minutes: int = Field(default=5, ge=1, le=60)
    # The bot's part in this deployment: "commission" — the attestation commission works in this bot and
    # /submit files the application with it; "portal" — the bot prepares the file and /submit hands the
    # teacher the package and the steps to file it on the Ustaz platform or egov (Rules §15).
    submission_mode: Literal["commission", "portal"] = "commission"
    # A department's own DOCX templates of the protocol, extract and certificate (and PDF fallback fonts in its
    # fonts/ subfolder); any template it lacks is the bot's own (features/commission/documents/templates).
    document_templates_dir: Path | None = None
    # The department's file store, the copy of record of every uploaded and generated document: a folder on
    # this server ("local"), or S3-compatible object storage such as a MinIO of the department's ("s3").
    file_store: Literal["local", "s3"] = "local"
    # Unset: a files/ folder next to the SQLite database (./data/files with PostgreSQL).
    file_store_dir: Path | None = None
    s3_endpoint_url: str | None = None
    s3_bucket: str | None = None
    s3_access_key: SecretStr | None = None
    s3_secret_key: SecretStr | None = None
    # MinIO and most S3-compatible servers accept any region and default to this one.
    s3_region: str = "us-east-1"
    # The department's Ed25519 key that signs every certificate's and extract's QR code (a PEM file, made with
    # mode 0600 on first start if absent). Unset: signing_key.pem next to the SQLite database (./data with
    # PostgreSQL). Several workers need the same file.
    signing_key_file: Path | None = None
    # The public address of the verification page (e.g. https://bot.example.kz/verify): the QR code is then a
    # link a phone opens, VERIFY_URL/<code>#<signed facts>; unset, it holds the signed facts alone.
    verify_url: str | None = None
    # How long the files of a decided application (her uploads) stay in the file store: "validity" — until the
    # category the decision awarded expires; a number — that many days after the decision. Then the retention
    # job erases them. A decision that awards no category has no validity: its files are kept
    # FILE_RETENTION_NO_CATEGORY_DAYS. (The commission's protocols, extracts and certificates are its records,
    # kept as scoring/retention.py says.)
    file_retention: Literal["validity"] | PositiveInt = "validity"
    file_retention_no_category_days: PositiveInt = 365

    @property
    def files_in_bot(self) -> bool:
        """The application is filed with a commission working in this bot."""
        return self.submission_mode == "commission"

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("bot_api_files_mount", mode="before")
    @classmethod
    def _split_mount(cls, value: object) -> object:
        if isinstance(value, str):
            server, sep, local = value.partition(":")
            if not (sep and server.strip() and local.strip()):
                raise ValueError("BOT_API_FILES_MOUNT is '<the server's directory>:<the same directory here>'")
            return Path(server.strip()), Path(local.strip())
        return value

    @model_validator(mode="after")
    def _local_files_need_a_local_server(self) -> Settings:
        if self.bot_api_local_files and self.bot_api_url.rstrip("/") == OFFICIAL_BOT_API_URL:
            raise ValueError("BOT_API_LOCAL_FILES needs BOT_API_URL of a local `telegram-bot-api --local`")
        return self

    @model_validator(mode="after")
    def _s3_needs_a_bucket(self) -> Settings:
        if self.file_store == "s3" and not self.s3_bucket:
            raise ValueError("FILE_STORE=s3 needs S3_BUCKET (and S3_ENDPOINT_URL for a server of your own)")
        return self

    @field_validator("webapp_url")
    @classmethod
    def _webapp_over_https(cls, value: str | None) -> str | None:
        # Telegram opens Mini Apps over HTTPS only; plain HTTP is for this machine (the sandbox, a test).
        if value is None:
            return None
        parts = urlsplit(value)
        local = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")
        if not parts.hostname or (parts.scheme != "https" and not local):
            raise ValueError("WEBAPP_URL must be an https:// address (http:// only for 127.0.0.1 or localhost)")
        return value

    @property
    def files_dir(self) -> Path:
        """Where the local file store keeps its files."""
        if self.file_store_dir is not None:
            return self.file_store_dir
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database).parent / "files"
        return Path("data/files")

    @property
    def signing_key_path(self) -> Path:
        if self.signing_key_file is not None:
            return self.signing_key_file
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database).parent / "signing_key.pem"
        return Path("data/signing_key.pem")

    @property
    def token(self) -> str:
        return self.bot_token.get_secret_value() if self.bot_token else ""

    @property
    def use_webhook(self) -> bool:
        return bool(self.webhook_url)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings, and the rules they name: `default_rules()` reads the RULES_FILE of these settings."""
    settings = Settings()
    use_rules_file(settings.rules_file)
    return settings
