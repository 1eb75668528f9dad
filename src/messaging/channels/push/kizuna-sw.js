// Kizuna's push service worker, served as /kizuna-sw.js. Plain browser JavaScript, no dependencies.
// A service worker must come from the shop's own origin, so the shop puts a one-line worker at its
// site root (its own /kizuna-sw.js) that loads this one:
//   importScripts("https://crm.example.com/kizuna-sw.js");
// It shows each push message as a notification, and opens the message's URL when it is clicked.
(() => {
  const sw = self;

  // Only web pages: a javascript: or data: URL in a payload must not run.
  function safeUrl(url) {
    try {
      const u = new URL(url, sw.location.origin);
      return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
    } catch (_) {
      return null;
    }
  }

  function read(event) {
    if (!event.data) return {};
    try {
      return event.data.json() || {};
    } catch (_) {
      return { body: event.data.text() };
    }
  }

  sw.addEventListener("push", (event) => {
    const message = read(event);
    const options = { body: message.body || "", data: { url: safeUrl(message.url || "/") } };
    if (message.icon) options.icon = message.icon;
    // Browsers require a notification for every push (userVisibleOnly), so one is shown even when the
    // payload is not ours.
    event.waitUntil(sw.registration.showNotification(message.title || "", options));
  });

  sw.addEventListener("notificationclick", (event) => {
    event.notification.close();
    const url = event.notification.data?.url;
    if (!url) return;
    event.waitUntil(
      sw.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
        for (const win of windows) if (win.url === url && win.focus) return win.focus();
        return sw.clients.openWindow(url);
      }),
    );
  });
})();
