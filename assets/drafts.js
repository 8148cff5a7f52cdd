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
  let open = [];
  new MutationObserver(() => {
    const now = Array.from(fields(document));
    for (const el of open) {
      if (!now.includes(el) && !offline()) sessionStorage.removeItem(fieldKey(el)); // closed normally
    }
    for (const el of now) {
      if (!open.includes(el) && !el.value) {
        const saved = sessionStorage.getItem(fieldKey(el));
        if (saved) setValue(el, saved);
      }
    }
    open = now;
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
