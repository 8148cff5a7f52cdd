// Uploads for the Files tab, the chat composer and the task dialog, wrapped for
// Reflex by rehome/ui/components/files.py.
//
// Each file goes to the REST endpoint on its own (XMLHttpRequest, so there is
// a progress bar per file and a cancel button that aborts it), with the
// session cookie and the X-Requested-With header the endpoint requires. Three
// files travel at a time. The server decides everything (size, type by
// content, quota, access); the size check here only saves a hopeless wait.
// Only the new file's id goes back to Reflex, which re-reads it on the server.
import React, { useCallback, useEffect, useRef, useState } from "react";

const PARALLEL = 3;
const DONE_SHOWN_MS = 6000; // a finished upload's row stays this long, then the grid has it

function sizeText(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

let counter = 0;

export function FileUploader({
  uploadUrl,
  maxBytes,
  canInternal,
  taskId,
  compact,
  inputId,
  label,
  onUploaded,
}) {
  const [items, setItems] = useState([]);
  const [over, setOver] = useState(false);
  const [keepLocation, setKeepLocation] = useState(false);
  const [internal, setInternal] = useState(false);
  const queue = useRef([]);
  const active = useRef(new Map());
  const options = useRef({});
  options.current = { uploadUrl, keepLocation, internal, taskId, onUploaded };
  const input = useRef(null);

  const update = useCallback((key, patch) => {
    setItems((list) => list.map((item) => (item.key === key ? { ...item, ...patch } : item)));
  }, []);

  const pump = useCallback(() => {
    while (active.current.size < PARALLEL && queue.current.length) {
      const { key, file } = queue.current.shift();
      const o = options.current;
      const form = new FormData();
      form.append("file", file, file.name);
      if (o.keepLocation) form.append("keep_location", "true");
      if (o.internal) form.append("internal", "true");
      if (o.taskId) form.append("task_id", String(o.taskId));
      const xhr = new XMLHttpRequest();
      active.current.set(key, xhr);
      const finish = (patch) => {
        active.current.delete(key);
        update(key, patch);
        pump();
      };
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) update(key, { loaded: event.loaded, total: event.total });
      };
      xhr.onload = () => {
        let body = {};
        try {
          body = JSON.parse(xhr.responseText);
        } catch (e) {
          body = {};
        }
        if (xhr.status === 201 && body.id) {
          finish({ status: "done", loaded: file.size, total: file.size });
          setTimeout(() => setItems((list) => list.filter((item) => item.key !== key)), DONE_SHOWN_MS);
          if (options.current.onUploaded) options.current.onUploaded(body.id);
        } else {
          const message = (body.error && body.error.message) || `The upload failed (${xhr.status}).`;
          finish({ status: "error", error: message });
        }
      };
      xhr.onerror = () => finish({ status: "error", error: "The upload was interrupted. Check your connection." });
      xhr.onabort = () => finish({ status: "cancelled" });
      xhr.open("POST", o.uploadUrl);
      xhr.withCredentials = true;
      xhr.setRequestHeader("X-Requested-With", "rehome");
      update(key, { status: "uploading" });
      xhr.send(form);
    }
  }, [update]);

  const add = useCallback(
    (fileList) => {
      const fresh = [];
      for (const file of Array.from(fileList || [])) {
        const key = `u${++counter}`;
        const tooBig = maxBytes && file.size > maxBytes;
        fresh.push({
          key,
          name: file.name,
          size: file.size,
          loaded: 0,
          total: file.size,
          status: tooBig ? "error" : "queued",
          error: tooBig ? `“${file.name}” is larger than ${sizeText(maxBytes)}, the most one file may be.` : "",
        });
        if (!tooBig) queue.current.push({ key, file });
      }
      setItems((list) => [...list.filter((i) => i.status !== "done"), ...fresh]);
      pump();
    },
    [maxBytes, pump],
  );

  const cancel = (key) => {
    const xhr = active.current.get(key);
    if (xhr) {
      xhr.abort();
      return;
    }
    queue.current = queue.current.filter((entry) => entry.key !== key);
    update(key, { status: "cancelled" });
  };

  const dismiss = (key) => setItems((list) => list.filter((item) => item.key !== key));

  useEffect(() => () => active.current.forEach((xhr) => xhr.abort()), []);

  const onDrop = (event) => {
    event.preventDefault();
    setOver(false);
    add(event.dataTransfer && event.dataTransfer.files);
  };

  return (
    <div className={`file-uploader${compact ? " compact" : ""}`}>
      <div
        className="file-drop"
        data-over={over ? "true" : undefined}
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <input
          ref={input}
          id={inputId}
          type="file"
          multiple
          hidden
          onChange={(event) => {
            add(event.target.files);
            event.target.value = "";
          }}
        />
        <button type="button" className="file-pick" onClick={() => input.current && input.current.click()}>
          {label || "Choose files"}
        </button>
        {!compact && <span className="file-drop-hint">or drop photos and documents here</span>}
        {!compact && (
          <label className="file-option">
            <input type="checkbox" checked={keepLocation} onChange={(e) => setKeepLocation(e.target.checked)} />
            Keep photo location
          </label>
        )}
        {!compact && canInternal && (
          <label className="file-option">
            <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} />
            Internal (not for clients)
          </label>
        )}
      </div>
      {items.length > 0 && (
        <ul className="upload-list" aria-live="polite">
          {items.map((item) => {
            const percent = item.total ? Math.round((100 * item.loaded) / item.total) : 0;
            const busy = item.status === "uploading" || item.status === "queued";
            return (
              <li key={item.key} className="upload-item" data-status={item.status} data-name={item.name}>
                <span className="upload-name">{item.name}</span>
                <span className="upload-size">{sizeText(item.size)}</span>
                {busy && (
                  <progress className="upload-progress" max="100" value={percent} aria-label={`${item.name}: ${percent}%`} />
                )}
                <span className="upload-state">
                  {item.status === "queued" && "waiting"}
                  {item.status === "uploading" && (percent >= 100 ? "checking…" : `${percent}%`)}
                  {item.status === "done" && "uploaded"}
                  {item.status === "cancelled" && "cancelled"}
                  {item.status === "error" && item.error}
                </span>
                {busy ? (
                  <button type="button" className="upload-cancel" onClick={() => cancel(item.key)} aria-label={`Cancel ${item.name}`}>
                    Cancel
                  </button>
                ) : (
                  <button type="button" className="upload-dismiss" onClick={() => dismiss(item.key)} aria-label={`Dismiss ${item.name}`}>
                    ×
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
