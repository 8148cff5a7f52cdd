"""Choosing a provider.

`make_provider` never builds a network provider without its API key: the
caller (the run's provider plan) decides whether to use the offline one
instead, so a missing key is a clear `ValueError`, not a 401 at call time.
The SDK modules are imported lazily so that the offline path (the embedded
default) never pays for importing them; what the network providers share
lives in `http`, and prices in `prices`.
"""

from __future__ import annotations

from functools import lru_cache

from rehome.core.agent.types import Provider
from rehome.settings import get_settings

PROVIDER_NAMES = ("anthropic", "openai", "offline")


def make_provider(name: str, *, timeout: float) -> Provider:
    """The provider called `name`; `timeout` bounds each network read.

    Raises `ValueError` for an unknown name or a network provider whose API key
    is not set."""
    if name == "offline":
        from rehome.core.agent.providers.offline import OfflineProvider

        return OfflineProvider()
    if name not in PROVIDER_NAMES:
        raise ValueError(f"Unknown AI provider {name!r}; expected one of {', '.join(PROVIDER_NAMES)}.")
    settings = get_settings()
    key = settings.anthropic_api_key if name == "anthropic" else settings.openai_api_key
    if not key:
        raise ValueError(
            f"The {name} provider needs {name.upper()}_API_KEY, which is not set; "
            "use the offline provider instead."
        )
    base_url = (settings.anthropic_base_url if name == "anthropic" else settings.openai_base_url) or None
    return _network_provider(name, key, base_url, float(timeout))


@lru_cache(maxsize=16)
def _network_provider(name: str, key: str, base_url: str | None, timeout: float) -> Provider:
    """One provider (so one SDK client and TLS context, ~30 ms to build) per
    configuration; providers are thread-safe, each call owns its connection."""
    if name == "anthropic":
        from rehome.core.agent.providers.anthropic import AnthropicProvider

        return AnthropicProvider(api_key=key, base_url=base_url, timeout=timeout)
    from rehome.core.agent.providers.openai import OpenAIProvider

    return OpenAIProvider(api_key=key, base_url=base_url, timeout=timeout)
