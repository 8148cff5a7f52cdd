// A full-screen photo viewer, wrapped for Reflex by rehome/ui/components/files.py.
//
// Arrows (keys, buttons, or a swipe) move between slides here in the browser,
// without a round trip; Esc, the close button or a swipe down close it.
// Slides carry short-lived signed preview links the server made; the
// download button asks the server for a fresh link to the original.
import React, { useEffect, useRef, useState } from "react";

export function Lightbox({ slides, start, openKey, onClose, onDownload }) {
  const list = slides || [];
  const [index, setIndex] = useState(start || 0);
  const box = useRef(null);
  const touch = useRef(null);
  const open = openKey > 0 && list.length > 0 && start >= 0;

  useEffect(() => {
    setIndex(Math.min(Math.max(start || 0, 0), Math.max(list.length - 1, 0)));
  }, [openKey, start]);

  const go = (step) => setIndex((i) => (list.length ? (i + step + list.length) % list.length : 0));

  useEffect(() => {
    if (!open) return undefined;
    const onKey = (event) => {
      if (event.key === "ArrowRight") go(1);
      else if (event.key === "ArrowLeft") go(-1);
      else if (event.key === "Escape") onClose && onClose();
      else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    if (box.current) box.current.focus();
    return () => window.removeEventListener("keydown", onKey);
  }, [open, list.length, onClose]);

  useEffect(() => {
    if (!open) return;
    for (const step of [1, -1]) {
      const next = list[(index + step + list.length) % list.length];
      if (next && next.src) new Image().src = next.src;
    }
  }, [open, index, list]);

  if (!open) return null;
  const slide = list[Math.min(index, list.length - 1)];
  const onTouchStart = (event) => {
    const t = event.touches[0];
    touch.current = { x: t.clientX, y: t.clientY };
  };
  const onTouchEnd = (event) => {
    if (!touch.current) return;
    const t = event.changedTouches[0];
    const dx = t.clientX - touch.current.x;
    const dy = t.clientY - touch.current.y;
    touch.current = null;
    if (Math.abs(dx) > 50 && Math.abs(dx) > Math.abs(dy)) go(dx < 0 ? 1 : -1);
    else if (dy > 90 && onClose) onClose();
  };
  return (
    <div
      ref={box}
      className="lightbox"
      role="dialog"
      aria-modal="true"
      aria-label={slide.name}
      tabIndex={-1}
      onTouchStart={onTouchStart}
      onTouchEnd={onTouchEnd}
      onClick={(event) => event.target === box.current && onClose && onClose()}
    >
      <img className="lightbox-image" src={slide.src} alt={slide.name} draggable={false} />
      <div className="lightbox-bar">
        <span className="lightbox-name">{slide.name}</span>
        <span className="lightbox-count">
          {index + 1} / {list.length}
        </span>
        {slide.downloadable && (
          <button type="button" className="lightbox-download" onClick={() => onDownload && onDownload(slide.id)}>
            Download
          </button>
        )}
        <button type="button" className="lightbox-close" aria-label="Close" onClick={() => onClose && onClose()}>
          ×
        </button>
      </div>
      {list.length > 1 && (
        <>
          <button type="button" className="lightbox-prev" aria-label="Previous" onClick={() => go(-1)}>
            ‹
          </button>
          <button type="button" className="lightbox-next" aria-label="Next" onClick={() => go(1)}>
            ›
          </button>
        </>
      )}
    </div>
  );
}
