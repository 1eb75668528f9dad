// Web push for the storefront snippet, served as /sdk-push.js. Plain browser JavaScript, no
// dependencies. sdk.js loads it on the first kizuna.subscribePush() or kizuna.unsubscribePush(), so
// pages that never ask for notifications do not download it. It defines
//   window.kizunaPush = { supported(), subscribe(context, options, permission), unsubscribe(context, options) }
// where `context` is {key, endpoint, visitorId, customerId} from sdk.js, and `permission` the promise
// of Notification.requestPermission() that sdk.js asked in the caller's click handler (browsers refuse
// the prompt once an await has passed).
// options: { serviceWorker: "/kizuna-sw.js" (the shop's own one-line worker), scope }.
(() => {
  const w = window;
  const nav = w.navigator;
  if (w.kizunaPush) return;

  function supported() {
    return Boolean(nav.serviceWorker && w.PushManager && w.Notification);
  }

  function api(context, method, path, body) {
    return w
      .fetch(context.endpoint + path, {
        method: method,
        headers: { authorization: "Bearer " + context.key, "content-type": "application/json" },
        body: body ? JSON.stringify(body) : undefined,
        credentials: "omit",
      })
      .then((res) => {
        if (!res.ok) throw new Error("kizuna: " + method + " " + path + " failed (" + res.status + ")");
        return res.json();
      });
  }

  function bytesOf(base64url) {
    const b64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const raw = w.atob(b64 + "===".slice((b64.length + 3) % 4));
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function sameKey(subscription, key) {
    const current = subscription.options?.applicationServerKey;
    if (!current) return false;
    const a = new Uint8Array(current);
    if (a.length !== key.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== key[i]) return false;
    return true;
  }

  function registration(options) {
    const script = options.serviceWorker || "/kizuna-sw.js";
    return nav.serviceWorker
      .register(script, options.scope ? { scope: options.scope } : undefined)
      .then(() => nav.serviceWorker.ready);
  }

  function subscribe(context, options, permission) {
    const opts = options || {};
    if (!supported()) return Promise.reject(new Error("kizuna: this browser cannot receive web push"));
    return Promise.resolve(permission || w.Notification.requestPermission())
      .then((granted) => {
        if (granted !== "granted") throw new Error("kizuna: notifications are not allowed (" + granted + ")");
        return Promise.all([api(context, "GET", "/v1/push/vapid-public-key"), registration(opts)]);
      })
      .then((both) => {
        const key = bytesOf(both[0].publicKey);
        const manager = both[1].pushManager;
        return manager.getSubscription().then((existing) => {
          if (existing && sameKey(existing, key)) return existing;
          // Subscribed with another key (the shop's keys were replaced): start over.
          const cleared = existing ? existing.unsubscribe() : Promise.resolve();
          return cleared.then(() => manager.subscribe({ userVisibleOnly: true, applicationServerKey: key }));
        });
      })
      .then((subscription) => {
        const json = subscription.toJSON();
        const body = { endpoint: json.endpoint, keys: json.keys, visitorId: context.visitorId };
        if (context.customerId) body.customerId = context.customerId;
        return api(context, "POST", "/v1/push/subscriptions", body);
      });
  }

  function unsubscribe(context, options) {
    if (!supported()) return Promise.resolve(false);
    const opts = options || {};
    return nav.serviceWorker
      .getRegistration(opts.scope)
      .then((reg) => reg?.pushManager.getSubscription())
      .then((subscription) => {
        if (!subscription) return false;
        return api(context, "DELETE", "/v1/push/subscriptions", { endpoint: subscription.endpoint })
          .then(() => subscription.unsubscribe())
          .then(() => true);
      });
  }

  w.kizunaPush = { supported: supported, subscribe: subscribe, unsubscribe: unsubscribe };
})();
