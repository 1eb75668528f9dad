// Runs the served snippet (the text GET /sdk.js returns) in a Node vm context dressed as a browser
// page: localStorage, cookies, timers the test advances by hand, navigator.sendBeacon, and a fetch that
// goes to the real app through inject. Lets the snippet's logic be tested without a browser.
import { webcrypto } from "node:crypto";
import { createContext, runInContext } from "node:vm";
import type { TestApp } from "../support/app.js";

export class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/** A cookie jar behind document.cookie: `name=value; max-age=…` sets, max-age=0 deletes. */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  get header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  set(assignment: string): void {
    const [pair, ...attributes] = assignment.split(";").map((s) => s.trim());
    const [name, value] = pair.split("=");
    if (attributes.includes("max-age=0")) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

/** setTimeout/clearTimeout on a clock the test moves. */
export class ManualTimers {
  private now = 0;
  private seq = 0;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  setTimeout = (fn: () => void, ms = 0): number => {
    this.due.set(++this.seq, { at: this.now + ms, fn });
    return this.seq;
  };
  clearTimeout = (id: number | null): void => {
    if (id !== null) this.due.delete(id);
  };
  get pending(): number {
    return this.due.size;
  }
  /** Runs the timers due within `ms`, in order, letting each one's requests finish. */
  async advance(ms: number, settle: () => Promise<void>): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      const next = [...this.due].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      this.due.delete(next[0]);
      this.now = next[1].at;
      next[1].fn();
      await settle();
    }
    this.now = end;
  }
}

export interface Request {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

export interface Page {
  /** The snippet's `window.kizuna`. */
  kizuna: {
    init(key: string, options?: { endpoint?: string }): unknown;
    track(type: string, props?: Record<string, unknown>): string | undefined;
    cartAdd(sku: string, quantity?: number): string | undefined;
    cartRemove(sku: string): string | undefined;
    page(props?: Record<string, unknown>): string | undefined;
    identify(customerId: string): Promise<unknown>;
    reset(): void;
    flush(): Promise<void>;
    visitorId(): string;
  };
  timers: ManualTimers;
  requests: Request[];
  beacons: Array<{ url: string; body: string }>;
  /** Fires a window or document event (pagehide, visibilitychange, online). */
  fire(type: string): void;
  /** Waits until no request the snippet made is still in flight. */
  settle(): Promise<void>;
  queue(): Array<Record<string, unknown>>;
}

export interface PageOptions {
  storage?: MemoryStorage | "blocked";
  cookies?: CookieJar;
  /** Make fetch fail as if the network were down. */
  offline?: () => boolean;
  scriptSrc?: string;
}

export function openPage(t: TestApp, snippet: string, options: PageOptions = {}): Page {
  const storage = options.storage ?? new MemoryStorage();
  const cookies = options.cookies ?? new CookieJar();
  const timers = new ManualTimers();
  const requests: Request[] = [];
  const beacons: Array<{ url: string; body: string }> = [];
  const inFlight = new Set<Promise<unknown>>();
  const listeners = new Map<string, Array<() => void>>();
  const listen = (type: string, fn: () => void) => listeners.set(type, [...(listeners.get(type) ?? []), fn]);

  const document = {
    currentScript: { src: options.scriptSrc ?? "https://crm.example/sdk.js" },
    title: "Green tea | Shop",
    referrer: "",
    visibilityState: "visible",
    get cookie() {
      return cookies.header;
    },
    set cookie(value: string) {
      cookies.set(value);
    },
    addEventListener: listen,
  };

  const fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => {
    const request = { url, method: init.method, headers: init.headers, body: init.body };
    requests.push(request);
    const response = (async () => {
      if (options.offline?.()) throw new TypeError("Failed to fetch");
      const target = new URL(url);
      const res = await t.app.inject({
        method: init.method as "POST",
        url: `${target.pathname}${target.search}`,
        headers: init.headers,
        payload: init.body,
      });
      return { ok: res.statusCode < 300, status: res.statusCode, json: async () => res.json() };
    })();
    inFlight.add(response);
    void response.catch(() => {}).finally(() => inFlight.delete(response));
    return response;
  };

  const window: Record<string, unknown> = {
    location: { href: "https://shop.example/products/tea", origin: "https://shop.example" },
    navigator: {
      sendBeacon: (url: string, body: string) => {
        beacons.push({ url, body });
        return true;
      },
    },
    localStorage:
      storage === "blocked"
        ? new Proxy(
            {},
            {
              get: () => {
                throw new Error("SecurityError: storage is blocked");
              },
            },
          )
        : storage,
    crypto: webcrypto,
    console: { warn: () => {} },
    fetch,
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    addEventListener: listen,
    URL,
    document,
  };
  window.window = window;
  const context = createContext(window);
  runInContext(snippet, context);

  const settle = async () => {
    do {
      await Promise.allSettled([...inFlight]);
      await new Promise((resolve) => setImmediate(resolve));
    } while (inFlight.size > 0);
  };

  return {
    kizuna: window.kizuna as Page["kizuna"],
    timers,
    requests,
    beacons,
    fire(type: string) {
      if (type === "visibilitychange") document.visibilityState = "hidden";
      for (const fn of listeners.get(type) ?? []) fn();
    },
    settle,
    queue() {
      if (storage === "blocked") return [];
      return JSON.parse(storage.getItem("kizuna_queue") ?? "[]");
    },
  };
}
