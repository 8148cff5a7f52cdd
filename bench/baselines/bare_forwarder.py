"""The floor for token delivery (issue 13, item 5): a bare Redis-stream-to-
websocket forwarder with nothing else, no auth, no access re-checks, no
database, no shared reader.

It serves the token socket's URL and frames (`<seq>:<text>`, `!<status>`)
from the same Redis streams `rehome.core.agent.stream.Publisher` writes, so
`bench.agent_stream delivery` drives it and ReHome with the same client in
the same run. Each socket waits in its own `XREAD BLOCK` on its own
connection (the simplest forwarder there is), under Granian with the same
number of workers as the app.

    granian --interface asgi --workers 2 --port 8123 bench.baselines.bare_forwarder:app
"""

from __future__ import annotations

import json
import os

import redis.asyncio as aioredis
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13")
WAIT_MS = 10_000


async def tokens(socket: WebSocket) -> None:
    key = f"run:{socket.path_params['run_id']}:stream"
    await socket.accept()
    client = aioredis.Redis.from_url(REDIS_URL, decode_responses=True)
    cursor = "0"
    try:
        while True:
            answer = await client.xread({key: cursor}, block=WAIT_MS, count=500)
            text, last, done = [], 0, None
            for _, entries in answer or []:
                for entry_id, fields in entries:
                    cursor, last = entry_id, int(fields["s"])
                    if "done" in fields:
                        done = json.loads(fields["done"])["status"]
                    else:
                        text.append(fields["t"])
            if text:
                await socket.send_text(f"{last}:{''.join(text)}")
            if done is not None:
                await socket.send_text(f"!{done}")
                await socket.close()
                return
    finally:
        await client.aclose()


app = Starlette(routes=[WebSocketRoute("/api/agent/runs/{run_id}/tokens", tokens)])
