"""Settings: defaults give the embedded mode, and `.env.example` documents all."""

from __future__ import annotations

import re

import pytest
import yaml

from rehome.settings import Settings
from tests.support import ROOT


def test_env_example_lists_every_setting_with_a_comment() -> None:
    text = (ROOT / ".env.example").read_text()
    documented = re.findall(r"^([A-Z_0-9]+)=", text, re.M)
    assert set(documented) == {name.upper() for name in Settings.model_fields}
    for name in documented:  # each variable sits under a comment or a section rule
        before = text[: text.index(f"\n{name}=")].rstrip("\n").splitlines()
        assert before[-1].startswith("#") or re.match(r"^[A-Z_0-9]+=", before[-1]), name


def test_defaults_are_the_embedded_mode(tmp_path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)
    assert settings.db_url == f"sqlite:///{tmp_path / 'rehome.db'}"
    assert settings.redis_url == ""
    assert settings.celery_broker_url == ""
    assert settings.ai_provider == "anthropic"
    assert settings.ai_model == "claude-3-5-haiku-20241022"
    assert (settings.ai_max_tokens, settings.ai_timeout, settings.ai_token_safety) == (8192, 60.0, 0.10)
    assert not settings.secure_cookies


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_postgres_urls_use_psycopg3(given: str, expected: str) -> None:
    assert Settings(_env_file=None, database_url=given).db_url == expected


def test_production_needs_a_secret_key(tmp_path) -> None:
    with pytest.raises(RuntimeError):
        Settings(_env_file=None, app_env="production", secret_key="", data_dir=tmp_path).signing_key()
    dev = Settings(_env_file=None, secret_key="", data_dir=tmp_path)
    assert dev.signing_key() == dev.signing_key()  # made once, then kept


def test_render_blueprint_sets_only_known_variables() -> None:
    """A typo in render.yaml would silently leave production on a default."""
    blueprint = yaml.safe_load((ROOT / "render.yaml").read_text())
    platform = {"PYTHON_VERSION", "GRANIAN_WORKERS", "REFLEX_LOG_JSON"}  # read by the platform or Reflex
    known = {name.upper() for name in Settings.model_fields} | platform
    services = [s for s in blueprint["services"] if s["type"] in ("web", "worker", "pserv")]
    assert {s["name"] for s in services} == {"rehome-web", "rehome-worker", "rehome-beat"}
    groups = {g["name"]: {item["key"] for item in g["envVars"]} for g in blueprint.get("envVarGroups", [])}
    assert groups["rehome-secrets"] == {"SECRET_KEY", "METRICS_TOKEN"}  # generated once, shared by all
    for service in services:
        keys = {item["key"] for item in service["envVars"] if "key" in item}
        keys |= {
            key for item in service["envVars"] if "fromGroup" in item for key in groups[item["fromGroup"]]
        }
        assert not any(item.get("generateValue") for item in service["envVars"])  # one value per service
        assert keys <= known, keys - known
        assert {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY"} <= keys
