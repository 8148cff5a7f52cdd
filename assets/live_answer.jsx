// The answer being streamed. Tokens come over their own small WebSocket
// (/api/agent/runs/<id>/tokens) as bare text frames, not inside Reflex's
// state updates, so the bytes on the wire stay close to the answer's size.
// The text is revealed smoothly and rendered as markdown (never raw HTML,
// and images from other hosts only as links, as in the stored answer)
// about twenty times a second. A dropped connection resumes after the last
// sequence number seen; the end of the run is reported with onDone.
import React, { useEffect, useRef, useState } from "react";
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { SafeImage } from "./safe_image.jsx";

const FRAME_MS = 50;

function socketUrl(apiBase, runId, after) {
  const base = apiBase || window.location.origin;
  return `${base.replace(/^http/, "ws")}/api/agent/runs/${runId}/tokens?after=${after}`;
}

export function LiveAnswer({ runId, apiBase, onDone, className }) {
  const [shown, setShown] = useState("");
  const doneRef = useRef(onDone);
  doneRef.current = onDone;
  useEffect(() => {
    let text = "";
    let upto = 0;
    let visible = 0;
    let timer = null;
    let socket = null;
    let retry = 250;
    let finished = false;
    const reveal = () => {
      const backlog = text.length - visible;
      if (backlog <= 0) {
        timer = null;
        return;
      }
      visible += Math.max(2, Math.ceil(backlog / 6));
      setShown(text.slice(0, visible));
      timer = setTimeout(reveal, FRAME_MS);
    };
    const apply = (frame) => {
      if (frame.startsWith("!")) {
        finished = true;
        visible = text.length;
        setShown(text);
        if (doneRef.current) doneRef.current(runId);
        return;
      }
      const replace = frame.startsWith("=");
      const body = replace ? frame.slice(1) : frame;
      const colon = body.indexOf(":");
      const seq = Number(body.slice(0, colon));
      const piece = body.slice(colon + 1);
      if (!replace && seq <= upto) return; // already applied
      if (replace) {
        text = piece;
        if (visible > text.length) visible = 0;
      } else {
        text += piece;
      }
      upto = seq;
      if (timer === null) timer = setTimeout(reveal, 0);
    };
    const open = () => {
      socket = new WebSocket(socketUrl(apiBase, runId, upto));
      socket.onmessage = (event) => {
        retry = 250;
        apply(event.data);
      };
      socket.onclose = () => {
        if (!finished && socket !== null) {
          setTimeout(open, retry); // the run goes on: pick it up again
          retry = Math.min(retry * 2, 4000);
        }
      };
    };
    open();
    return () => {
      finished = true;
      if (socket !== null) {
        const closing = socket;
        socket = null;
        closing.close();
      }
      if (timer !== null) clearTimeout(timer);
    };
  }, [runId, apiBase]);
  return (
    <div className={className} data-run-id={runId} aria-live="polite">
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={{ img: SafeImage }} skipHtml>
        {shown}
      </ReactMarkdown>
    </div>
  );
}
