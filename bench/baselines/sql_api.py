"""The floor for the REST API (issue 13): a bare FastAPI app that sends, per
list endpoint, exactly the SQL ReHome sends for it and nothing else.

The statements and their parameters are recorded from ReHome itself
(`bench.api_load.record`, through the real routes with a statement listener),
so the floor cannot drift from the app: same token lookup, same access check,
same page query, same name and attachment look-ups. What the floor leaves
out is everything around the SQL: sessions, ORM objects, validation, the
rate-limit call, middleware. It replays them on one psycopg connection per
server thread (autocommit, no pings) from a plain sync route, and writes the
last statement's rows as JSON.

    SQL_API_DATABASE_URL=postgresql://... SQL_API_RECORDING=/tmp/rec.pickle \\
    granian --interface asgi bench.baselines.sql_api:app
"""

from __future__ import annotations

import json
import os
import pickle
import threading
from pathlib import Path
from typing import Any

import psycopg
from fastapi import FastAPI, Response

Recording = dict[str, list[tuple[str, Any]]]
_local = threading.local()


def _recording() -> Recording:
    loaded: Recording = pickle.loads(Path(os.environ["SQL_API_RECORDING"]).read_bytes())  # noqa: S301 (our own file)
    return loaded


def _connection() -> psycopg.Connection:
    conn: psycopg.Connection | None = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = psycopg.connect(os.environ["SQL_API_DATABASE_URL"], autocommit=True)
        _local.conn = conn
    return conn


def replay(statements: list[tuple[str, Any]]) -> bytes:
    """Run each statement, keep the last one's rows, answer them as JSON."""
    items: list[dict[str, Any]] = []
    with _connection().cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            if cursor.description is None:
                continue
            names = [column.name for column in cursor.description]
            items = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return json.dumps({"items": items, "next_cursor": None}, default=str).encode()


def app() -> FastAPI:
    recorded = _recording()
    api = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @api.get("/api/projects")
    def projects() -> Response:
        return Response(replay(recorded["projects"]), media_type="application/json")

    @api.get("/api/projects/{project_id}/tasks")
    def tasks(project_id: int) -> Response:
        return Response(replay(recorded["tasks"]), media_type="application/json")

    @api.get("/api/projects/{project_id}/messages")
    def messages(project_id: int) -> Response:
        return Response(replay(recorded["messages"]), media_type="application/json")

    return api
