// Browser sign-in helpers. Passwords go straight from the form to the sign-in
// endpoints over HTTP (which set the HttpOnly session cookie); they never pass
// through Reflex state. A successful call reloads the page so the websocket
// reconnects carrying the new cookie.
window.rehome = {
  async postJson(url, data) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        credentials: "include",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(data),
      });
    } catch (e) {
      return { ok: false, status: 0, error: { message: "The server cannot be reached. Check your connection." } };
    }
    const body = await response.json().catch(() => ({}));
    if (response.ok && body.redirect) {
      window.location.assign(body.redirect);
    }
    return { ok: response.ok, status: response.status, error: body.error || null };
  },
  // Chat scrolling: stay pinned to the newest message unless the reader has
  // scrolled up, keep the reader's place when older messages are prepended,
  // and page older messages in when the top comes into view.
  chatScroll(containerId, olderButtonId) {
    const box = document.getElementById(containerId);
    if (!box || box.dataset.watched) return;
    box.dataset.watched = "1";
    let pinned = true;
    let lastHeight = box.scrollHeight;
    let lastTop = box.scrollTop;
    box.scrollTop = box.scrollHeight;
    box.addEventListener("scroll", () => {
      pinned = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
      lastTop = box.scrollTop;
      if (box.scrollTop < 40) {
        const older = document.getElementById(olderButtonId);
        if (older && !older.disabled) older.click();
      }
    });
    new MutationObserver(() => {
      const grown = box.scrollHeight - lastHeight;
      if (pinned) box.scrollTop = box.scrollHeight;
      else if (grown > 0 && lastTop < 40) box.scrollTop = lastTop + grown;
      lastHeight = box.scrollHeight;
    }).observe(box, { childList: true, subtree: true });
  },
  async submitForm(formId, url, extra) {
    const form = document.getElementById(formId);
    const data = Object.fromEntries(new FormData(form).entries());
    return window.rehome.postJson(url, Object.assign(data, extra || {}));
  },
};
