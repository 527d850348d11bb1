"""All settings in one place, read from the environment and `.env` (documented in the README)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

OFFICIAL_BOT_API_URL = "https://api.telegram.org"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    # Base URL of the Bot API server: the official one, a local telegram-bot-api, or the sandbox.
    bot_api_url: str = OFFICIAL_BOT_API_URL
    database_url: str = "sqlite+aiosqlite:///./data/attestation.db"
    # FSM storage in Redis when set; otherwise in the database (never only in memory).
    redis_url: str | None = None
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    timezone: str = "Asia/Almaty"
    default_locale: Literal["kk", "ru"] = "kk"
    # Webhook mode is on when WEBHOOK_URL is set; long polling otherwise.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_path: str = "/webhook"
    webhook_host: str = "0.0.0.0"
    webhook_port: int = 8080
    # Optional override of scoring/rules.toml (assumed numbers and interpretations).
    rules_file: Path | None = None
    log_level: str = "INFO"

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @property
    def token(self) -> str:
        return self.bot_token.get_secret_value() if self.bot_token else ""

    @property
    def use_webhook(self) -> bool:
        return bool(self.webhook_url)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
