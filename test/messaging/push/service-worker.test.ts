// The service worker (kizuna-sw.js) run against a stand-in for the browser's ServiceWorkerGlobalScope:
// a push shows the notification, a click opens the message's URL (and never a javascript: one).
import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";

const SOURCE = readFileSync(
  new URL("../../../src/messaging/channels/push/kizuna-sw.js", import.meta.url),
  "utf8",
);

interface Shown {
  title: string;
  options: { body: string; icon?: string; data: { url: string | null } };
}

function worker() {
  const listeners = new Map<string, (event: unknown) => void>();
  const shown: Shown[] = [];
  const opened: string[] = [];
  const waits: Promise<unknown>[] = [];
  const self = {
    location: { origin: "https://shop.example.jp" },
    addEventListener: (type: string, fn: (event: unknown) => void) => listeners.set(type, fn),
    registration: {
      showNotification: async (title: string, options: Shown["options"]) => {
        shown.push({ title, options });
      },
    },
    clients: {
      matchAll: async () => [],
      openWindow: async (url: string) => {
        opened.push(url);
      },
    },
  };
  runInNewContext(SOURCE, { self, URL });
  const fire = async (type: string, event: object) => {
    listeners.get(type)?.({ ...event, waitUntil: (p: Promise<unknown>) => waits.push(p) });
    await Promise.all(waits);
  };
  const push = (payload: string) =>
    fire("push", { data: { json: () => JSON.parse(payload), text: () => payload } });
  const click = (n: Shown) =>
    fire("notificationclick", { notification: { data: n.options.data, close() {} } });
  return { shown, opened, push, click };
}

describe("the push service worker", () => {
  it("shows the message and opens its URL on click", async () => {
    const sw = worker();
    await sw.push(
      JSON.stringify({
        title: "再入荷",
        body: "玉露が入荷しました",
        url: "https://shop.example.jp/p/1",
        icon: "/i.png",
      }),
    );
    expect(sw.shown).toEqual([
      {
        title: "再入荷",
        options: { body: "玉露が入荷しました", icon: "/i.png", data: { url: "https://shop.example.jp/p/1" } },
      },
    ]);
    await sw.click(sw.shown[0]);
    expect(sw.opened).toEqual(["https://shop.example.jp/p/1"]);
  });

  it("shows a payload that is not JSON as text, and opens no javascript: URL", async () => {
    const sw = worker();
    await sw.push("plain words");
    expect(sw.shown[0]).toMatchObject({ title: "", options: { body: "plain words" } });
    await sw.push(JSON.stringify({ title: "x", body: "y", url: "javascript:alert(1)" }));
    await sw.click(sw.shown[1]);
    expect(sw.opened).toEqual([]);
  });
});
