"""Alembic environment for the plain `alembic` CLI.

`reflex db makemigrations|migrate` drives alembic itself with the same
metadata; this file lets `alembic upgrade head` work too, with the database
URL taken from ReHome's settings rather than alembic.ini.
"""

from logging.config import fileConfig

from sqlalchemy import pool
from sqlmodel import SQLModel, create_engine

import rehome.core.models  # noqa: F401  (registers every table)
from alembic import context
from rehome.core.models.base import in_models
from rehome.settings import get_settings

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=get_settings().db_url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_name=in_models,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(get_settings().db_url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_name=in_models,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
