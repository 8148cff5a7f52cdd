"""The floor for the project page (issue 13, item 4): the same board cards as
plain HTML from a bare server, with nothing else (no framework, no state, no
socket, no access layer).

It runs the board's own reads as plain SQL (one query per column, the first
25 cards by position, and the totals) on the same database, and writes the
cards as HTML with the `.task-card` class the page benchmark waits for.

Usage: python -m bench.baselines.plain_board --db postgresql://... --project 1 [--port 8765]
or `serve(db_url, port)` from a benchmark (a daemon thread).
"""

from __future__ import annotations

import argparse
import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg

STATUSES = ("backlog", "todo", "in_progress", "blocked", "done")
PER_COLUMN = 25
_CARDS = """
SELECT t.id, t.title, t.priority, t.due_date, t.internal, coalesce(u.name, '')
FROM tasks t LEFT JOIN users u ON u.id = t.assignee_id
WHERE t.project_id = %s AND t.status = %s ORDER BY t.position LIMIT %s
"""
_TOTALS = "SELECT status, count(*) FROM tasks WHERE project_id = %s GROUP BY status"


def render(conn: psycopg.Connection, project_id: int) -> bytes:
    totals = dict(conn.execute(_TOTALS, (project_id,)).fetchall())
    columns = []
    for status in STATUSES:
        cards = "".join(
            f'<div class="task-card" data-task-id="{row[0]}"><b>{html.escape(row[1])}</b>'
            f"<span>{row[2]}</span><span>{row[3] or ''}</span>"
            f"{'<em>Internal</em>' if row[4] else ''}<span>{html.escape(row[5])}</span></div>"
            for row in conn.execute(_CARDS, (project_id, status, PER_COLUMN)).fetchall()
        )
        columns.append(
            f'<section class="kanban-column" data-status="{status}"><h2>{status} '
            f"({totals.get(status, 0)})</h2>{cards}</section>"
        )
    page = (
        "<!doctype html><html><head><meta charset=utf-8><title>Board</title><style>"
        "body{font-family:sans-serif}main{display:flex;gap:12px}.kanban-column{width:260px}"
        ".task-card{border:1px solid #ddd;border-radius:8px;padding:8px;margin:6px 0}"
        f"</style></head><body><main>{''.join(columns)}</main></body></html>"
    )
    return page.encode()


def serve(db_url: str, port: int) -> ThreadingHTTPServer:
    """Serve `/projects/<id>` on a daemon thread; one connection per request, as a bare app would."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = [p for p in self.path.split("/") if p]
            if len(parts) != 2 or parts[0] != "projects" or not parts[1].isdigit():
                self.send_error(404)
                return
            with psycopg.connect(db_url) as conn:
                body = render(conn, int(parts[1]))
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            del format, args

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server = serve(args.db, args.port)
    print(f"plain board on http://127.0.0.1:{args.port}/projects/<id>")
    try:
        threading.Event().wait()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
