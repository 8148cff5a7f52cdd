// Keep what the user typed in a dialog across a connection blip (issue 9).
// Every text field inside an open dialog is saved to sessionStorage as it is
// typed (keyed by page and field). If the dialog disappears while the page is
// reconnecting (the "Reconnecting…" badge is shown) or the page reloads, the
// draft stays; when the same dialog opens again with empty fields, they are
// filled back in. A dialog closed normally (connected) forgets its draft.
(() => {
  const PREFIX = "rehome-draft:";
  const offline = () => !!document.getElementById("rehome-reconnecting");
  const fieldKey = (el) =>
    PREFIX + location.pathname + ":" + (el.name || el.id || el.getAttribute("aria-label") || el.placeholder || "");
  const fields = (root) => root.querySelectorAll("[role=dialog] input[type=text], [role=dialog] input:not([type]), [role=dialog] textarea");
  const setValue = (el, value) => {
    // React owns the value: use the native setter, then tell React.
    const proto = el.tagName === "TEXTAREA" ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, "value").set.call(el, value);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  };
  document.addEventListener("input", (event) => {
    const el = event.target;
    if (el.closest && el.closest("[role=dialog]") && (el.tagName === "TEXTAREA" || el.tagName === "INPUT")) {
      sessionStorage.setItem(fieldKey(el), el.value);
    }
  });
  // Keys of the fields on screen; a key that stays gone for a second while
  // connected belongs to a dialog closed normally (React may swap a field
  // for a new one in between, which must not lose the draft).
  let shown = new Set();
  new MutationObserver(() => {
    const now = Array.from(fields(document));
    const keys = new Set(now.map(fieldKey));
    for (const key of shown) {
      if (!keys.has(key) && !offline()) {
        setTimeout(() => {
          if (!offline() && !Array.from(fields(document)).some((el) => fieldKey(el) === key)) {
            sessionStorage.removeItem(key);
          }
        }, 1000);
      }
    }
    for (const el of now) {
      if (!el.dataset.draftSeen) {
        el.dataset.draftSeen = "1";
        const saved = sessionStorage.getItem(fieldKey(el));
        if (saved && !el.value) setValue(el, saved);
      }
    }
    shown = keys;
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
