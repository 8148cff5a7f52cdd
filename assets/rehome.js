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
  async submitForm(formId, url, extra) {
    const form = document.getElementById(formId);
    const data = Object.fromEntries(new FormData(form).entries());
    return window.rehome.postJson(url, Object.assign(data, extra || {}));
  },
};
