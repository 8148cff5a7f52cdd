// Browser sign-in helpers. Passwords go straight from the form to the sign-in
// endpoints over HTTP (which set the HttpOnly session cookie); they never pass
// through Reflex state. A successful call reloads the page so the websocket
// reconnects carrying the new cookie.
window.rehome = {
  // A path on this site or the fallback: the server's rule (validation.local_path)
  // again, since browsers drop tabs and newlines in URLs and read a backslash as "/",
  // so "/\t/evil.example" would leave the site. One leading "/", then no
  // whitespace, control character or backslash.
  localPath(value, fallback) {
    const ok = typeof value === "string" && /^\/(?![\/\\])[^\s\\\p{C}]*$/u.test(value);
    return ok ? value : fallback;
  },
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
      window.location.assign(window.rehome.localPath(body.redirect, "/"));
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
  // Sign out: revoke the session, have the server empty this tab's state
  // tree, and drop the tab's Reflex token so the next page starts a new tree.
  async signOut(url) {
    const tab = window.sessionStorage.getItem("token") || "";
    try {
      await fetch(url, {
        method: "POST",
        credentials: "include",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ tab }),
      });
    } catch (e) {
      // offline: the cookie stays until it expires, but this tab forgets it all the same
    }
    window.sessionStorage.removeItem("token");
    window.location.replace("/login");
  },
  // A new API token is shown once, here in the page: it never passes through
  // Reflex state. Returns only whether it worked, for the page's state.
  async createToken(formId, url, boxId) {
    const form = document.getElementById(formId);
    const name = (new FormData(form).get("token_name") || "").toString();
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        credentials: "include",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name }),
      });
    } catch (e) {
      return { ok: false, error: { message: "The server cannot be reached. Check your connection." } };
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) return { ok: false, error: body.error || { message: "The token was not created." } };
    form.reset();
    window.rehome.showOnce(boxId, body.token);
    return { ok: true, error: null };
  },
  showOnce(boxId, secret) {
    const box = document.getElementById(boxId);
    if (!box) return;
    box.replaceChildren();
    const note = document.createElement("p");
    note.textContent = "Copy your new token now; it will not be shown again:";
    const code = document.createElement("code");
    code.id = "new-token";
    code.textContent = secret;
    const copy = document.createElement("button");
    copy.type = "button";
    copy.textContent = "Copy";
    copy.addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText(secret));
    const done = document.createElement("button");
    done.type = "button";
    done.textContent = "Done";
    done.addEventListener("click", () => box.replaceChildren());
    box.append(note, code, copy, done);
  },
  async submitForm(formId, url, extra) {
    const form = document.getElementById(formId);
    const data = Object.fromEntries(new FormData(form).entries());
    return window.rehome.postJson(url, Object.assign(data, extra || {}));
  },
};
