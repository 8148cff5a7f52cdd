// The offline outbox (issue 12): chat messages, new tasks and photos captured
// while the network is gone, kept in IndexedDB (idb-keyval) until they are
// sent through the REST API. Used by offline_capture.jsx.
//
// Each item carries the Idempotency-Key made when it was captured, so a send
// whose response was lost is replayed by the server, never written twice.
// Sends run under a Web Lock, so two tabs flushing at once take turns and the
// second finds the item gone; the key covers browsers without navigator.locks.
// Only a network failure leaves an item waiting; any answer from the server
// that is not a success marks it failed with the server's message, to be
// retried or discarded by the user. Nothing is dropped without being sent.
import { createStore, del, get, set, values } from "idb-keyval";

const LOCK = "rehome-offline-flush";
const listeners = new Set();
let store = null;
let channel = null;

function db() {
  if (!store) store = createStore("rehome-offline", "outbox");
  return store;
}

function changed() {
  listeners.forEach((fn) => fn());
  if (channel) channel.postMessage("changed");
}

// Call `fn` whenever the outbox changes, in this tab or another one.
export function subscribe(fn) {
  if (!channel && typeof BroadcastChannel !== "undefined") {
    channel = new BroadcastChannel("rehome-offline");
    channel.onmessage = () => listeners.forEach((f) => f());
  }
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Keep one captured item: {userId, projectId, kind, ...payload}.
export async function capture(item) {
  const key = newKey();
  await set(key, { ...item, key, created: Date.now(), status: "pending", error: "" }, db());
  changed();
  return key;
}

export async function list(userId) {
  const all = await values(db());
  return all.filter((item) => item.userId === userId).sort((a, b) => a.created - b.created);
}

export async function discard(key) {
  await del(key, db());
  changed();
}

export async function markPending(key) {
  const item = await get(key, db());
  if (item) await set(key, { ...item, status: "pending", error: "" }, db());
  changed();
}

function request(apiBase, item) {
  const headers = { "X-Requested-With": "rehome", "Idempotency-Key": item.key };
  const base = `${apiBase}/api/projects/${item.projectId}`;
  if (item.kind === "photo") {
    const form = new FormData();
    form.append("file", new Blob([item.data], { type: item.type }), item.name);
    return [`${base}/files`, { method: "POST", credentials: "include", headers, body: form }];
  }
  const json = item.kind === "task" ? { title: item.title, status: item.status_column } : { body: item.body };
  headers["Content-Type"] = "application/json";
  const url = `${base}/${item.kind === "task" ? "tasks" : "messages"}`;
  return [url, { method: "POST", credentials: "include", headers, body: JSON.stringify(json) }];
}

function errorText(status, body) {
  const error = (body && body.error) || {};
  const fields = error.fields ? Object.values(error.fields).join(" ") : "";
  if (status === 401) return "You are signed out. Sign in again, then retry.";
  const message = [error.message, fields].filter(Boolean).join(" ");
  return message || `The server refused it (${status}).`;
}

// Send one item: "sent", "offline" (no answer: it stays waiting) or "failed".
async function send(apiBase, item) {
  let response;
  try {
    response = await fetch(...request(apiBase, item));
  } catch (e) {
    return "offline";
  }
  if (response.ok) {
    await del(item.key, db());
    return "sent";
  }
  const body = await response.json().catch(() => ({}));
  await set(item.key, { ...item, status: "failed", error: errorText(response.status, body) }, db());
  return "failed";
}

// Send this user's waiting items in the order they were captured. Returns
// false when the server could not be reached (the rest keep waiting).
export async function flush(apiBase, userId, onSending) {
  const run = async () => {
    for (const queued of await list(userId)) {
      const item = await get(queued.key, db()); // another tab may have sent it meanwhile
      if (!item || item.status !== "pending") continue;
      if (onSending) onSending(item.key);
      const outcome = await send(apiBase, item);
      changed();
      if (outcome === "offline") return false;
    }
    return true;
  };
  if (navigator.locks) return navigator.locks.request(LOCK, run);
  return run();
}
