// Kizuna storefront snippet, served as /sdk.js. Plain browser JavaScript, no dependencies.
//   <script src="https://crm.example.com/sdk.js"></script>
//   <script>kizuna.init("kz_pk_..."); kizuna.track("product_view", { sku: "A-1" });</script>
// Events queue in localStorage and go out in batches (every 2 s, or at once at 20 events), retried
// with backoff; when the page is hidden or left, what remains goes out with navigator.sendBeacon.
// Each event carries an eventId, so a batch that is sent twice is stored once.
// Requests use ?key= and a text/plain body: "simple" requests, with no CORS preflight.
(() => {
  const w = window;
  const d = document;
  if (w.kizuna?.version) return;

  const TYPES = [
    "product_view",
    "cart_add",
    "cart_remove",
    "checkout_start",
    "favourite",
    "restock_request",
    "search",
    "login",
    "page_view",
  ];
  const SKU_TYPES = ["product_view", "cart_add", "cart_remove", "favourite", "restock_request"];
  const QUEUE_KEY = "kizuna_queue";
  const VISITOR_KEY = "kizuna_vid";
  const CUSTOMER_KEY = "kizuna_cid";
  const LINK_KEY = "kizuna_link";
  const BATCH_SIZE = 20;
  const FLUSH_MS = 2000;
  const MAX_SEND = 100;
  const MAX_QUEUE = 500;
  const MAX_AGE_MS = 7 * 864e5;
  const MAX_BACKOFF_MS = 60000;
  const BEACON_BYTES = 60000;

  // Calls made before the script loaded: window.kizuna = [["init", key], ["track", ...]].
  const early = Array.isArray(w.kizuna) ? w.kizuna : [];
  const script = d.currentScript;
  const scriptOrigin = script?.src ? new URL(script.src, w.location.href).origin : w.location.origin;

  let key = null;
  let endpoint = scriptOrigin;
  let timer = null;
  let sending = false;
  let failures = 0;
  let memoryQueue = [];
  const inFlight = {};

  const store = (() => {
    try {
      const s = w.localStorage;
      s.setItem("kizuna_probe", "1");
      s.removeItem("kizuna_probe");
      return s;
    } catch (_) {
      return null;
    }
  })();

  const warn = (message) => w.console?.warn("kizuna: " + message);

  function readCookie(name) {
    const m = d.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : null;
  }
  function writeCookie(name, value, maxAge) {
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is async and missing in Safari and Firefox.
    d.cookie = name + "=" + encodeURIComponent(value) + "; path=/; max-age=" + maxAge + "; samesite=lax";
  }
  // localStorage first; a cookie as well, so the ids survive where storage is blocked or cleared.
  function getItem(name) {
    return store?.getItem(name) || readCookie(name);
  }
  function setItem(name, value) {
    try {
      if (store) store.setItem(name, value);
    } catch (_) {}
    writeCookie(name, value, 34560000);
  }
  function removeItem(name) {
    if (store) store.removeItem(name);
    writeCookie(name, "", 0);
  }

  // 32 hex digits: the time in ms (12), then 80 random bits. Time first, so the ids the server
  // receives in one moment sort next to each other and its index of event ids grows at one end
  // instead of at random places (random ids made each stored event cost twice the disk writes).
  function uid() {
    const bytes = new Uint8Array(10);
    if (w.crypto?.getRandomValues) w.crypto.getRandomValues(bytes);
    else for (let i = 0; i < 10; i++) bytes[i] = Math.floor(Math.random() * 256);
    let hex = Date.now().toString(16).padStart(12, "0");
    for (let i = 0; i < 10; i++) hex += (bytes[i] + 256).toString(16).slice(1);
    return hex;
  }

  function visitorId() {
    let id = getItem(VISITOR_KEY);
    if (!id) {
      id = uid();
      setItem(VISITOR_KEY, id);
    }
    return id;
  }

  // The queue is re-read before every change, so tabs of the same shop add to it without losing
  // each other's events; an event two tabs both send is stored once, thanks to its eventId.
  function readQueue() {
    if (!store) return memoryQueue;
    try {
      const q = JSON.parse(store.getItem(QUEUE_KEY) || "[]");
      return Array.isArray(q) ? q : [];
    } catch (_) {
      return [];
    }
  }
  function writeQueue(queue) {
    const cutoff = Date.now() - MAX_AGE_MS;
    const kept = queue.filter((e) => Date.parse(e.occurredAt) > cutoff).slice(-MAX_QUEUE);
    memoryQueue = kept;
    if (!store) return;
    try {
      if (kept.length) store.setItem(QUEUE_KEY, JSON.stringify(kept));
      else store.removeItem(QUEUE_KEY);
    } catch (_) {}
  }
  function forget(ids) {
    writeQueue(readQueue().filter((e) => !ids[e.eventId]));
  }

  function eventsUrl() {
    return endpoint + "/v1/events?key=" + encodeURIComponent(key);
  }
  function payload(events) {
    return JSON.stringify({ events: events, sentAt: new Date().toISOString() });
  }

  function schedule() {
    if (timer || sending || !key) return;
    const queued = readQueue().length;
    if (!queued && !getItem(LINK_KEY)) return;
    let delay = queued >= BATCH_SIZE ? 0 : FLUSH_MS;
    if (failures) delay = Math.min(MAX_BACKOFF_MS, FLUSH_MS * 2 ** failures) * (0.5 + Math.random() / 2);
    timer = w.setTimeout(flush, delay);
  }

  // 4xx other than 408/429 means the request itself is wrong: sending it again would not help.
  function permanent(status) {
    return status >= 400 && status < 500 && status !== 408 && status !== 429;
  }

  function send(events) {
    const ids = {};
    for (const e of events) ids[e.eventId] = inFlight[e.eventId] = true;
    return w
      .fetch(eventsUrl(), {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: payload(events),
        credentials: "omit",
      })
      .then((res) => {
        if (!res.ok && !permanent(res.status)) throw new Error("status " + res.status);
        if (!res.ok) warn("events rejected (" + res.status + ")");
        forget(ids);
      })
      .finally(() => {
        for (const id in ids) delete inFlight[id];
      });
  }

  function flush() {
    w.clearTimeout(timer);
    timer = null;
    if (!key || sending) return Promise.resolve();
    const batch = readQueue()
      .filter((e) => !inFlight[e.eventId])
      .slice(0, MAX_SEND);
    const link = getItem(LINK_KEY);
    if (!batch.length && !link) return Promise.resolve();
    sending = true;
    return Promise.resolve()
      .then(() => link && sendLink(link))
      .then(() => batch.length && send(batch))
      .then(
        () => {
          failures = 0;
        },
        () => {
          failures++;
        },
      )
      .then(() => {
        sending = false;
        schedule();
      });
  }

  function enqueue(event) {
    const queue = readQueue();
    queue.push(event);
    writeQueue(queue);
    if (queue.length >= BATCH_SIZE && !failures && !sending) flush();
    else schedule();
  }

  function beacon() {
    if (!key || !w.navigator.sendBeacon) return;
    const queue = readQueue();
    const sent = {};
    let i = 0;
    while (i < queue.length) {
      const part = [];
      let size = 100;
      while (i < queue.length) {
        size += JSON.stringify(queue[i]).length + 1;
        if (part.length && size > BEACON_BYTES) break;
        part.push(queue[i++]);
      }
      // A string body goes out as text/plain, which the events endpoint reads as JSON.
      if (!w.navigator.sendBeacon(eventsUrl(), payload(part))) break;
      for (const e of part) sent[e.eventId] = true;
    }
    forget(sent);
  }

  function sendLink(customerId) {
    return w
      .fetch(endpoint + "/v1/identify", {
        method: "POST",
        headers: { authorization: "Bearer " + key, "content-type": "application/json" },
        body: JSON.stringify({ visitorId: visitorId(), externalId: customerId }),
        credentials: "omit",
      })
      .then((res) => {
        if (!res.ok && !permanent(res.status)) throw new Error("status " + res.status);
        if (getItem(LINK_KEY) === customerId) removeItem(LINK_KEY);
        if (!res.ok) throw new Error("kizuna: identify rejected (" + res.status + ")");
        return res.json();
      });
  }

  // Web push lives in /sdk-push.js, loaded on first use. The permission prompt is asked at once, in
  // the caller's click handler: browsers refuse it once an await has passed.
  let push = null;
  function withPush(method, options) {
    const asked = method === "subscribe" && w.Notification?.requestPermission();
    push =
      push ||
      new Promise((resolve, reject) => {
        const s = d.createElement("script");
        s.src = endpoint + "/sdk-push.js";
        s.onload = () => resolve(w.kizunaPush);
        s.onerror = () => {
          push = null;
          reject(new Error("kizuna: /sdk-push.js failed to load"));
        };
        d.head.appendChild(s);
      });
    const ids = { key: key, endpoint: endpoint, visitorId: visitorId(), customerId: getItem(CUSTOMER_KEY) };
    return push.then((p) => p[method](ids, options, asked));
  }

  const kizuna = {
    version: "1",
    subscribePush: (options) => withPush("subscribe", options),
    unsubscribePush: (options) => withPush("unsubscribe", options),
    init(publicKey, options) {
      key = publicKey;
      const url = options?.endpoint;
      endpoint = (url || scriptOrigin).replace(/\/+$/, "");
      schedule();
      return kizuna;
    },
    /** Queues an event; `props.sku` names the product, the other props become its properties. */
    track(type, props) {
      if (TYPES.indexOf(type) < 0) return warn("unknown event type " + type);
      const properties = {};
      let sku = null;
      let any = false;
      for (const k in props || {}) {
        if (k === "sku") sku = props.sku == null ? null : String(props.sku);
        else {
          properties[k] = props[k];
          any = true;
        }
      }
      if (!sku && SKU_TYPES.indexOf(type) >= 0) return warn(type + " needs a sku");
      const event = {
        eventId: uid(),
        type: type,
        visitorId: visitorId(),
        occurredAt: new Date().toISOString(),
      };
      const customerId = getItem(CUSTOMER_KEY);
      if (customerId) event.customerId = customerId;
      if (sku) event.sku = sku;
      if (any) event.properties = properties;
      enqueue(event);
      return event.eventId;
    },
    page(props) {
      const p = { url: w.location.href, title: d.title, referrer: d.referrer };
      for (const k in props || {}) p[k] = props[k];
      return kizuna.track("page_view", p);
    },
    cartAdd(sku, quantity) {
      return kizuna.track("cart_add", { sku: sku, quantity: quantity == null ? 1 : quantity });
    },
    cartRemove(sku) {
      return kizuna.track("cart_remove", { sku: sku });
    },
    /**
     * The visitor is this member: their anonymous events become the member's, and later events name
     * the member. Retried with the event queue when the request fails.
     */
    identify(customerId) {
      const id = String(customerId);
      setItem(CUSTOMER_KEY, id);
      setItem(LINK_KEY, id);
      if (!key) return Promise.resolve(null);
      return sendLink(id).catch((err) => {
        failures++;
        schedule();
        throw err;
      });
    },
    /** Forgets the member and starts a new anonymous visitor (call on logout). */
    reset() {
      removeItem(CUSTOMER_KEY);
      removeItem(LINK_KEY);
      setItem(VISITOR_KEY, uid());
    },
    flush: flush,
    visitorId: visitorId,
  };
  w.kizuna = kizuna;

  w.addEventListener("pagehide", beacon);
  d.addEventListener("visibilitychange", () => {
    if (d.visibilityState === "hidden") beacon();
  });
  w.addEventListener("online", () => {
    failures = 0;
    flush();
  });
  for (const call of early) kizuna[call[0]].apply(kizuna, call.slice(1));
})();
