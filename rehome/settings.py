"""Every setting ReHome reads, from the environment or a `.env` file.

This is the only module that reads environment variables. The defaults give
the embedded mode (SQLite, local files, console mail, in-process jobs and
event bus, offline AI), so a fresh clone runs with nothing set.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT_DIR = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Application settings; names map to upper-case environment variables."""

    model_config = SettingsConfigDict(env_file=ROOT_DIR / ".env", env_file_encoding="utf-8", extra="ignore")

    # Runtime
    app_env: Literal["development", "production", "test"] = "development"
    app_url: str = "http://localhost:3000"
    secret_key: str = ""
    data_dir: Path = ROOT_DIR / "data"
    log_level: str = "INFO"
    log_json: bool = True
    cors_origins: list[str] = Field(default_factory=list)

    # Operations: metrics and error reports
    metrics_token: str = ""  # Bearer token for /metrics; required in production
    prometheus_multiproc_dir: str = ""  # shared by the web workers (and a worker on the same host)
    metrics_port: int = Field(default=0, ge=0, le=65535)  # the Celery worker's own /metrics (0: none)
    sentry_dsn: str = ""
    sentry_environment: str = ""  # defaults to APP_ENV
    sentry_traces_sample_rate: float = Field(default=0.0, ge=0, le=1)

    # Stores
    database_url: str = ""
    redis_url: str = ""
    celery_broker_url: str = ""
    redis_max_connections: int = Field(default=16, ge=2)
    # Reflex's own clients (tab state and its locks; the token manager) are
    # uncapped unless told: their pools kept one connection per tab that was ever
    # busy at once (issue 9: 807 connections after 500 tabs had closed). Reflex
    # reads the same variables (rxconfig passes a .env value on); its minimum is
    # 3, and its wait for a free connection must stay under its 10 s state lock:
    # a burst of tabs waits its turn instead of failing after Reflex's 2 s.
    reflex_redis_max_connections: int = Field(default=48, ge=3)
    reflex_redis_pool_timeout: float = Field(default=8.0, gt=0, lt=10)

    # Sessions and accounts
    session_cookie_name: str = "rehome_session"
    session_idle_minutes: int = Field(default=12 * 60, ge=1)
    session_absolute_hours: int = Field(default=14 * 24, ge=1)
    invite_ttl_hours: int = Field(default=7 * 24, ge=1)
    password_reset_ttl_minutes: int = Field(default=60, ge=1)
    password_min_length: int = Field(default=10, ge=8)
    api_token_ttl_days: int = Field(default=90, ge=1, le=3650)

    # Rate limits (F-34); windows are in seconds
    login_max_failures: int = Field(default=10, ge=1)
    login_failure_window: int = Field(default=15 * 60, ge=1)
    api_rate_per_minute: int = Field(default=600, ge=1)
    agent_rate_per_minute: int = Field(default=5, ge=1)
    agent_rate_per_day: int = Field(default=50, ge=1)
    agent_rate_workspace_per_day: int = Field(default=500, ge=1)

    # HTTP
    max_request_bytes: int = Field(default=1_000_000, ge=1024)

    # AI (F-30..F-34)
    ai_provider: Literal["anthropic", "openai", "offline"] = "anthropic"
    ai_model: str = "claude-3-5-haiku-20241022"
    ai_fallback_provider: Literal["anthropic", "openai", "offline", ""] = "openai"
    ai_fallback_model: str = "gpt-4o-mini"
    ai_temperature: float = Field(default=0.7, ge=0, le=2)
    ai_max_tokens: int = Field(default=8192, ge=1)
    ai_timeout: float = Field(default=60.0, gt=0)
    ai_first_byte_timeout: float = Field(default=15.0, gt=0)
    ai_run_deadline: float = Field(default=300.0, gt=0)
    worker_shutdown_grace: float = Field(default=100.0, ge=0)
    ai_token_safety: float = Field(default=0.10, ge=0, lt=1)
    ai_context_tokens: int = Field(default=24_000, ge=1000)
    anthropic_api_key: str = ""
    openai_api_key: str = ""
    anthropic_base_url: str = ""
    openai_base_url: str = ""
    ai_budget_user_day_cents: int = Field(default=200, ge=0)
    ai_budget_workspace_day_cents: int = Field(default=2_000, ge=0)
    ai_budget_workspace_month_cents: int = Field(default=30_000, ge=0)

    # Digests (F-33)
    digest_hour: int = Field(default=7, ge=0, le=23)  # workspace-local hour of the daily digests
    digest_weekday: int = Field(default=0, ge=0, le=6)  # weekly rollup and client update: 0 = Monday
    digest_stalled_days: int = Field(default=7, ge=1)  # open work untouched this long is "stalled"
    ai_digest_max_tokens: int = Field(default=900, ge=100)

    # Files (F-08)
    s3_bucket: str = ""
    s3_endpoint_url: str = ""
    aws_access_key_id: str = ""
    aws_secret_access_key: str = ""
    aws_region: str = "us-east-1"
    upload_max_mb: int = Field(default=50, ge=1, le=5_000)
    storage_quota_mb: int = Field(default=10_240, ge=1)
    file_url_ttl: int = Field(default=300, ge=5, le=7 * 24 * 3600)
    clamd_url: str = ""

    # Backups (F-40): archives are sealed with this passphrase; without it no backup is made
    backup_key: str = ""

    # Mail (F-35)
    resend_api_key: str = ""
    resend_api_url: str = "https://api.resend.com"
    mail_from: str = "ReHome <no-reply@rehome.local>"
    smtp_url: str = ""
    mention_mail_minutes: int = Field(default=5, ge=1)  # mention alerts: one mail per person per window

    @field_validator("app_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def secure_cookies(self) -> bool:
        """Cookies carry `Secure` whenever the app is served over HTTPS."""
        return self.app_url.startswith("https://")

    @property
    def upload_max_bytes(self) -> int:
        return self.upload_max_mb * 1024 * 1024

    @property
    def storage_quota_bytes(self) -> int:
        return self.storage_quota_mb * 1024 * 1024

    @property
    def db_url(self) -> str:
        """SQLAlchemy URL; PostgreSQL URLs are pointed at the psycopg 3 driver."""
        url = self.database_url or f"sqlite:///{self.data_dir / 'rehome.db'}"
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url

    @property
    def allowed_origins(self) -> list[str]:
        """Explicit origins; a localhost APP_URL also admits its 127.0.0.1 twin."""
        if self.cors_origins:
            return self.cors_origins
        origins = [self.app_url]
        if "://localhost" in self.app_url and not self.is_production:
            origins.append(self.app_url.replace("://localhost", "://127.0.0.1"))
        return origins

    def signing_key(self) -> bytes:
        """The HMAC key; in development one is made once and kept in data_dir."""
        if self.secret_key:
            return self.secret_key.encode()
        if self.is_production:
            raise RuntimeError("SECRET_KEY must be set in production")
        path = self.data_dir / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip().encode()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests clear the cache to change them."""
    return Settings()
