// The answer being streamed. The server sends only new text (window.rhLive),
// never the whole answer again, so websocket traffic grows with the answer,
// not with its square; this component reveals the text smoothly and renders
// it as markdown (no raw HTML) about twenty times a second.
import React, { useEffect, useState } from "react";
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";

const runs = new Map(); // runId -> { text, upto, listeners:Set }

function entry(runId) {
  const key = String(runId);
  if (!runs.has(key)) runs.set(key, { text: "", upto: 0, listeners: new Set() });
  return runs.get(key);
}

// mode 1: replace (a snapshot after a reload or reconnect); 0: append.
// `upto` is the last sequence number in `text`: a chunk already applied is ignored.
function push(runId, text, mode, upto) {
  const run = entry(runId);
  if (mode !== 1 && upto <= run.upto) return;
  run.text = mode === 1 ? text : run.text + text;
  run.upto = upto;
  run.listeners.forEach((listener) => listener(run.text));
}

if (typeof window !== "undefined") {
  window.rhLive = push;
  window.rhLiveEnd = (runId) => runs.delete(String(runId));
}

const FRAME_MS = 50;

export function LiveAnswer({ runId, className }) {
  const [shown, setShown] = useState(() => entry(runId).text);
  useEffect(() => {
    const run = entry(runId);
    let target = run.text;
    let visible = Math.min(shown.length, target.length);
    let timer = null;
    const tick = () => {
      const backlog = target.length - visible;
      if (backlog <= 0) {
        timer = null;
        return;
      }
      visible += Math.max(2, Math.ceil(backlog / 6));
      setShown(target.slice(0, visible));
      timer = setTimeout(tick, FRAME_MS);
    };
    const listener = (text) => {
      if (text.length < visible) visible = 0; // replaced by a snapshot
      target = text;
      if (timer === null) timer = setTimeout(tick, 0);
    };
    run.listeners.add(listener);
    listener(run.text);
    return () => {
      run.listeners.delete(listener);
      if (timer !== null) clearTimeout(timer);
    };
  }, [runId]);
  return (
    <div className={className} data-run-id={runId} aria-live="polite">
      <ReactMarkdown remarkPlugins={[remarkGfm]} skipHtml>
        {shown}
      </ReactMarkdown>
    </div>
  );
}
