// The snippet's push addition (sdk-push.js) against the real server over HTTP, with the browser's push
// machinery stood in for: it asks for permission, subscribes with the shop's VAPID key, registers the
// subscription for the logged-in member, and withdraws it again.
import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEventsTestApp } from "../../events/support.js";
import type { TestApp } from "../../support/app.js";
import { newSubscriber } from "./push-service.js";

const SOURCE = readFileSync(
  new URL("../../../src/messaging/channels/push/sdk-push.js", import.meta.url),
  "utf8",
);

interface KizunaPush {
  supported(): boolean;
  subscribe(context: object, options?: object, permission?: Promise<string>): Promise<{ customerId: number }>;
  unsubscribe(context: object, options?: object): Promise<boolean>;
}

function fakeBrowser(permission: string) {
  const keys = newSubscriber();
  const state = {
    registered: [] as string[],
    applicationServerKey: null as Uint8Array | null,
    subscribed: false,
  };
  const endpoint = "https://fcm.googleapis.com/fcm/send/browser-1";
  const subscription = {
    endpoint,
    options: {
      get applicationServerKey() {
        return state.applicationServerKey?.buffer ?? null;
      },
    },
    toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh: keys.p256dh, auth: keys.auth } }),
    unsubscribe: async () => {
      state.subscribed = false;
      return true;
    },
  };
  const registration = {
    pushManager: {
      getSubscription: async () => (state.subscribed ? subscription : null),
      subscribe: async (options: { userVisibleOnly: boolean; applicationServerKey: Uint8Array }) => {
        expect(options.userVisibleOnly).toBe(true);
        state.applicationServerKey = options.applicationServerKey;
        state.subscribed = true;
        return subscription;
      },
    },
  };
  const window: Record<string, unknown> = {
    fetch,
    atob,
    PushManager: function PushManager() {},
    Notification: { requestPermission: async () => permission },
    navigator: {
      serviceWorker: {
        register: async (script: string) => {
          state.registered.push(script);
          return registration;
        },
        ready: Promise.resolve(registration),
        getRegistration: async () => registration,
      },
    },
  };
  runInNewContext(SOURCE, { window, Uint8Array, Promise, JSON, Error, Boolean });
  return { push: window.kizunaPush as KizunaPush, state, endpoint };
}

describe("subscribing from the storefront with sdk-push.js", () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createEventsTestApp();
    base = await t.app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => t?.close());

  const context = () => ({ key: t.shop.publicKey, endpoint: base, visitorId: "v-browser", customerId: "M9" });

  it("subscribes with the shop's key and registers the subscription for the member", async () => {
    const browser = fakeBrowser("granted");
    expect(browser.push.supported()).toBe(true);
    const saved = await browser.push.subscribe(context(), { serviceWorker: "/my-sw.js" });
    expect(browser.state.registered).toEqual(["/my-sw.js"]);

    const key = (
      await t.app.inject({ method: "GET", url: "/v1/push/vapid-public-key", headers: t.public })
    ).json();
    expect(Buffer.from(browser.state.applicationServerKey!).toString("base64url")).toBe(key.publicKey);
    const row = await t.ctx.db
      .selectFrom("push_subscriptions")
      .selectAll()
      .where("endpoint", "=", browser.endpoint)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ visitor_id: "v-browser", customer_id: saved.customerId, revoked_at: null });

    expect(await browser.push.unsubscribe(context())).toBe(true);
    expect(browser.state.subscribed).toBe(false);
    const revoked = await t.ctx.db
      .selectFrom("push_subscriptions")
      .select("revoked_at")
      .where("id", "=", row.id)
      .executeTakeFirstOrThrow();
    expect(revoked.revoked_at).not.toBeNull();
    expect(await browser.push.unsubscribe(context())).toBe(false);
  });

  it("stops when the visitor declines notifications", async () => {
    const browser = fakeBrowser("denied");
    await expect(browser.push.subscribe(context())).rejects.toThrow(/not allowed \(denied\)/);
    expect(browser.state.subscribed).toBe(false);
  });
});
