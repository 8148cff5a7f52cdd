// Mounts a heavy control only when someone reaches for it (see
// rehome/ui/components/on_use.py). Its first child is a light stand-in with
// the same look; the second is the real control (a Radix menu root), rendered
// from then on:
// - on a primary pointer press on the stand-in, opened by that press (its
//   `defaultOpen`), as its own trigger would have opened it;
// - when the stand-in gets the keyboard focus, closed, with the focus moved to
//   its real trigger, so the key that follows works exactly as it always did.
import { Children, cloneElement, useEffect, useRef, useState } from "react";

export function MountOnUse({ children }) {
  const [used, setUsed] = useState(null); // null, "press" or "focus"
  const box = useRef(null);
  const [idle, real] = Children.toArray(children);
  useEffect(() => {
    if (used === "focus") {
      box.current?.querySelector("button")?.focus();
    }
  }, [used]);
  if (used) {
    return (
      <span ref={box} style={{ display: "contents" }}>
        {cloneElement(real, { defaultOpen: used === "press" })}
      </span>
    );
  }
  return cloneElement(idle, {
    onPointerDown: (event) => {
      if (event.button === 0 && !event.ctrlKey) {
        setUsed("press");
      }
    },
    onFocus: () => setUsed((now) => now || "focus"),
  });
}
