"""The web process's API and streams without the Reflex pages, for the fault
suite: the same FastAPI app Reflex mounts (`api_transformer`), the same
logging and job dispatch, served by Granian like `reflex run --env prod`.

    granian --interface asgi --factory bench.webapp:app
"""

from __future__ import annotations

from fastapi import FastAPI

from rehome.api.app import build_api
from rehome.logs import configure_logging
from worker.dispatch import install_dispatcher


def app() -> FastAPI:
    configure_logging()
    install_dispatcher()
    return build_api()
