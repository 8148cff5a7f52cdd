// Offline capture on the project page (issue 12), wrapped for Reflex by
// rehome/ui/components/offline.py. While the network or the live connection
// is gone, it says so plainly and offers a small form for a chat message, a
// task and photos; what is captured waits in the outbox (offline_outbox.js)
// and is listed here until it is sent. Sending starts when the browser is
// online again, when the page becomes visible, when the live connection
// comes back and when the page starts (Safari has no Background Sync). The
// sent items reach the chat, board and files through the app's own live
// updates, so this list only drops them; it never renders them itself.
import React, { useCallback, useEffect, useRef, useState } from "react";
import { capture, discard, flush, list, markPending, subscribe } from "./offline_outbox.js";

const BANNER =
  "You're offline. Messages, new tasks and photos are saved on this tablet and sent when you're back online. " +
  "The board, chat and files will not update until then.";
const RETRY_EVERY_MS = 30000; // waiting items are tried again this often while the page looks online
const WATCH_EVERY_MS = 2000; // how often the live connection's badge is looked for

const socketDown = () => !!document.getElementById("rehome-reconnecting");

function summary(item) {
  if (item.kind === "message") return `Message: ${item.body}`;
  if (item.kind === "task") return `Task: ${item.title}`;
  return `Photo: ${item.name}`;
}

function sizeText(bytes) {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function useOutbox(apiBase, userId) {
  const [items, setItems] = useState([]);
  const [sending, setSending] = useState("");
  const [unreachable, setUnreachable] = useState(false);
  const busy = useRef(false);

  const reload = useCallback(() => {
    list(userId).then(setItems, () => setItems([]));
  }, [userId]);

  const send = useCallback(async () => {
    if (!userId || busy.current || !navigator.onLine) return;
    busy.current = true;
    try {
      const reached = await flush(apiBase, userId, setSending);
      setUnreachable(!reached);
    } finally {
      busy.current = false;
      setSending("");
      reload();
    }
  }, [apiBase, userId, reload]);

  useEffect(() => {
    reload();
    send(); // on start: what an earlier visit left behind
    const unsubscribe = subscribe(reload);
    const visible = () => document.visibilityState === "visible" && send();
    window.addEventListener("online", send);
    document.addEventListener("visibilitychange", visible);
    return () => {
      unsubscribe();
      window.removeEventListener("online", send);
      document.removeEventListener("visibilitychange", visible);
    };
  }, [reload, send]);

  return { items, sending, unreachable, send, reload };
}

function useOffline(unreachable, send, waiting) {
  const [offline, setOffline] = useState(false);
  const wasDown = useRef(false);
  useEffect(() => {
    let lastTry = Date.now();
    const check = () => {
      const down = socketDown();
      setOffline(!navigator.onLine || down || unreachable);
      if (wasDown.current && !down) send(); // the live connection is back
      else if (waiting && navigator.onLine && Date.now() - lastTry > RETRY_EVERY_MS) {
        lastTry = Date.now();
        send();
      }
      wasDown.current = down;
    };
    check();
    const timer = setInterval(check, WATCH_EVERY_MS);
    window.addEventListener("online", check);
    window.addEventListener("offline", check);
    return () => {
      clearInterval(timer);
      window.removeEventListener("online", check);
      window.removeEventListener("offline", check);
    };
  }, [unreachable, send, waiting]);
  return offline;
}

function CaptureForm({ projectId, userId, canCreateTask, columns, maxBytes, after }) {
  const [message, setMessage] = useState("");
  const [title, setTitle] = useState("");
  const [column, setColumn] = useState((columns[1] || columns[0] || {}).value || "todo");
  const [note, setNote] = useState("");
  const base = { userId, projectId };

  const saveMessage = async () => {
    if (!message.trim()) return;
    await capture({ ...base, kind: "message", body: message.trim() });
    setMessage("");
    after();
  };
  const saveTask = async () => {
    if (!title.trim()) return;
    await capture({ ...base, kind: "task", title: title.trim(), status_column: column });
    setTitle("");
    after();
  };
  const savePhotos = async (files) => {
    const refused = [];
    for (const file of Array.from(files || [])) {
      if (maxBytes && file.size > maxBytes) {
        refused.push(`“${file.name}” is larger than ${sizeText(maxBytes)}, the most one file may be.`);
        continue;
      }
      const data = await file.arrayBuffer(); // bytes, not a File: every browser can store them
      await capture({ ...base, kind: "photo", name: file.name, type: file.type, size: file.size, data });
    }
    setNote(refused.join(" "));
    after();
  };

  return (
    <div id="offline-capture" className="offline-capture">
      <div className="offline-row">
        <textarea
          id="offline-message"
          aria-label="Message to send later"
          placeholder="Write a message for the chat"
          value={message}
          onChange={(e) => setMessage(e.target.value)}
        />
        <button type="button" id="offline-save-message" onClick={saveMessage} disabled={!message.trim()}>
          Save message
        </button>
      </div>
      {canCreateTask && (
        <div className="offline-row">
          <input
            id="offline-task-title"
            aria-label="New task title"
            placeholder="New task title"
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
          <select id="offline-task-column" aria-label="Column" value={column} onChange={(e) => setColumn(e.target.value)}>
            {columns.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
          <button type="button" id="offline-save-task" onClick={saveTask} disabled={!title.trim()}>
            Save task
          </button>
        </div>
      )}
      <div className="offline-row">
        <label className="offline-photo-pick">
          Take or choose photos
          <input
            id="offline-photos"
            type="file"
            accept="image/*"
            capture="environment"
            multiple
            onChange={(e) => {
              savePhotos(e.target.files);
              e.target.value = "";
            }}
          />
        </label>
        {note && <span className="offline-note" role="alert">{note}</span>}
      </div>
    </div>
  );
}

function Outbox({ items, sending, onRetry, onDiscard }) {
  return (
    <div className="offline-outbox">
      <strong>Saved on this tablet, not sent yet ({items.length})</strong>
      <ul id="offline-outbox" aria-live="polite">
        {items.map((item) => {
          const state = item.key === sending ? "sending" : item.status;
          return (
            <li key={item.key} className="offline-item" data-kind={item.kind} data-status={state}>
              <span className="offline-summary">{summary(item)}</span>
              <span className="offline-state">
                {state === "pending" && "pending"}
                {state === "sending" && "sending…"}
                {state === "failed" && `Not sent: ${item.error}`}
              </span>
              {state === "failed" && (
                <button type="button" className="offline-retry" onClick={() => onRetry(item.key)}>
                  Retry
                </button>
              )}
              {state !== "sending" && (
                <button type="button" className="offline-discard" onClick={() => onDiscard(item.key)}>
                  Discard
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function OfflineCapture({ apiBase, projectId, userId, maxBytes, canCreateTask, columns }) {
  const { items, sending, unreachable, send, reload } = useOutbox(apiBase || "", userId);
  const waiting = items.some((item) => item.status === "pending");
  const offline = useOffline(unreachable, send, waiting);
  const here = items.filter((item) => item.projectId === projectId);
  if (!userId || !projectId) return null;
  const retry = async (key) => {
    await markPending(key);
    send();
  };
  const drop = async (key) => {
    await discard(key);
    reload();
  };
  return (
    <section className="offline-panel" aria-label="Offline capture">
      {offline && (
        <p id="offline-banner" role="status">
          {BANNER}
        </p>
      )}
      {offline && (
        <CaptureForm
          projectId={projectId}
          userId={userId}
          canCreateTask={canCreateTask}
          columns={columns || []}
          maxBytes={maxBytes}
          after={reload}
        />
      )}
      {here.length > 0 && <Outbox items={here} sending={sending} onRetry={retry} onDiscard={drop} />}
    </section>
  );
}
