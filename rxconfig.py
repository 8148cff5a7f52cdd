"""Reflex configuration, built from ReHome's settings (the only env reader)."""

import os

import reflex as rx

from rehome.settings import get_settings

_settings = get_settings()
_settings.data_dir.mkdir(parents=True, exist_ok=True)  # home of the embedded SQLite file
# Reflex reads its pool cap from the environment when it makes its Redis client,
# after this file has run; without it the pool grows with the open tabs. Plain
# numbers: our settings read the same variables again (seconds, for both).
os.environ.setdefault("REFLEX_REDIS_MAX_CONNECTIONS", str(_settings.reflex_redis_max_connections))
os.environ.setdefault("REFLEX_REDIS_POOL_TIMEOUT", str(_settings.reflex_redis_pool_timeout))

config = rx.Config(
    app_name="rehome",
    db_url=_settings.db_url,
    redis_url=_settings.redis_url or None,
    # Without Redis, tab state lives in memory: pages reload it from the database,
    # so writing it to disk after every event would only cost time.
    state_manager_mode="redis" if _settings.redis_url else "memory",
    cors_allowed_origins=_settings.allowed_origins,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="orange", gray_color="sand", radius="medium"),
        ),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
