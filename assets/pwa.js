// Installs ReHome's service worker (served at /sw.js, scope /) and keeps it
// current: the browser checks for a new worker on every navigation, and a tab
// left open on a site tablet checks again whenever it comes back into view.
(function () {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) {
    return;
  }
  // Hand the worker what this page loaded before the worker controlled it, so
  // the next load (or an offline one) finds it cached.
  function share(registration) {
    const worker = registration.active;
    if (!worker || !window.performance) {
      return;
    }
    const urls = performance.getEntriesByType("resource").map((entry) => entry.name);
    for (const script of document.scripts) {
      if (script.src) urls.push(script.src);
    }
    for (const link of document.querySelectorAll("link[href]")) {
      urls.push(link.href);
    }
    worker.postMessage({ type: "rehome-cache", urls });
  }
  window.addEventListener("load", function () {
    navigator.serviceWorker
      .register("/sw.js", { scope: "/", updateViaCache: "none" })
      .then(function (registration) {
        document.addEventListener("visibilitychange", function () {
          if (document.visibilityState === "visible") registration.update().catch(function () {});
        });
        return navigator.serviceWorker.ready;
      })
      .then(share)
      .catch(function () {
        // No worker (private mode, storage off): the app works as a plain site.
      });
  });
})();
