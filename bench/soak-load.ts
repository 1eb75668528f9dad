// The soak's load: a storefront and a shop system talking to the API at a steady rate. Open loop: a
// timer works out how many requests of each kind are due by now and sends them whether or not earlier
// ones have been answered, so a slow server meets the same demand (and shows it in latency and in
// requests shed) instead of slowing the load down. Per kind, per second, at --rate R events/s:
//   storefront batches of 10 events (R/10): half from anonymous visitors browsing; four in ten a signed-in
//     member's session (product views, a favourite, a cart add every other session); one in ten a new
//     visitor who browses, signs in (/v1/identify links the visitor's events) and adds to the cart;
//   orders (R/100): four in ten by a member who added to the cart in the last minutes, so that cart
//     abandonment runs end on conversion, the rest by any member (first orders start post-purchase runs);
//   customer upserts (R/100): half sign-ups with email consent, half updates of a member's profile.
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { FIRST_NAMES, LAST_NAMES } from "./outbox-seed.js";
import { memberOf, PRODUCTS, priceOf, skuOf } from "./soak-setup.js";

export interface LoadTarget {
  url: string;
  publicKey: string;
  secretKey: string;
  /** Seeded members M0 … M(customers-1). */
  customers: number;
  /** Storefront events per second. */
  rate: number;
}

/**
 * What happened to the requests answered (or failed) since the last window was taken, and the requests
 * shed meanwhile. A request is counted when it ends, so that `sent` and its outcomes always add up.
 */
export interface LoadWindow {
  sent: number;
  ok: number;
  clientErrors: number;
  serverErrors: number;
  network: number;
  /** Requests not sent because too many were still unanswered: the server fell behind the schedule. */
  shed: number;
  latenciesMs: number[];
}

const TICK_MS = 50;
const EVENTS_PER_BATCH = 10;
/** Unanswered requests beyond which the schedule's next ones are shed (and counted). */
const MAX_IN_FLIGHT = 256;
const REQUEST_TIMEOUT_MS = 30_000;
const ANONYMOUS_VISITORS = 50_000;
/** Members who added to the cart lately, for converting orders. */
const RECENT_CARTS = 2_000;
const KEPT_FAILURES = 5;

const emptyWindow = (): LoadWindow => ({
  sent: 0,
  ok: 0,
  clientErrors: 0,
  serverErrors: 0,
  network: 0,
  shed: 0,
  latenciesMs: [],
});

interface Stream {
  perSecond: number;
  issued: number;
  run: () => Promise<void>;
}

const pick = (n: number) => Math.floor(Math.random() * n);
// As the snippet makes them (uid() in src/events/sdk/kizuna.js): the time in ms, then 80 random bits.
const eventId = () => Date.now().toString(16).padStart(12, "0") + randomBytes(10).toString("hex");

export class SteadyLoad {
  private readonly streams: Stream[];
  private window = emptyWindow();
  private inFlight = 0;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly recentCarts: string[] = [];
  private cartCursor = 0;
  private counter = 0;
  /** The first failed requests, for the report (status and the error's message, or the network error). */
  readonly failures: string[] = [];

  constructor(private readonly target: LoadTarget) {
    const { rate } = target;
    this.streams = [
      { perSecond: rate / EVENTS_PER_BATCH, issued: 0, run: () => this.storefront() },
      { perSecond: rate / 100, issued: 0, run: () => this.order() },
      { perSecond: rate / 100, issued: 0, run: () => this.customerUpsert() },
    ];
  }

  start(): void {
    this.startedAt = performance.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Stops sending and waits for the requests still out. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const deadline = Date.now() + REQUEST_TIMEOUT_MS + 5_000;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }

  takeWindow(): LoadWindow {
    const taken = this.window;
    this.window = emptyWindow();
    return taken;
  }

  private tick(): void {
    const elapsed = (performance.now() - this.startedAt) / 1000;
    for (const stream of this.streams) {
      const due = Math.floor(elapsed * stream.perSecond) - stream.issued;
      for (let i = 0; i < due; i++) {
        stream.issued++;
        if (this.inFlight >= MAX_IN_FLIGHT) {
          this.window.shed++;
          continue;
        }
        this.inFlight++;
        void stream
          .run()
          .catch((err: Error) => this.keepFailure(`load generator: ${err.message}`))
          .finally(() => this.inFlight--);
      }
    }
  }

  /** One request, timed and classified; resolves true on a 2xx. */
  private async request(path: string, key: string, body: unknown): Promise<boolean> {
    const started = performance.now();
    try {
      const response = await fetch(`${this.target.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      this.window.sent++;
      this.window.latenciesMs.push(performance.now() - started);
      if (response.ok) {
        this.window.ok++;
        return true;
      }
      if (response.status >= 500) this.window.serverErrors++;
      else this.window.clientErrors++;
      this.keepFailure(`${path} ${response.status} ${errorMessage(text)}`);
    } catch (err) {
      this.window.sent++;
      this.window.network++;
      this.keepFailure(`${path} ${(err as Error).message}`);
    }
    return false;
  }

  private keepFailure(line: string): void {
    if (this.failures.length < KEPT_FAILURES) this.failures.push(line);
  }

  private events(body: Array<Record<string, unknown>>): Promise<boolean> {
    return this.request("/v1/events", this.target.publicKey, { events: body });
  }

  private async storefront(): Promise<void> {
    const roll = Math.random();
    if (roll < 0.5) {
      const visitorId = `v${pick(ANONYMOUS_VISITORS)}`;
      await this.events(browsing(EVENTS_PER_BATCH, { visitorId }));
      return;
    }
    const member = memberOf(pick(this.target.customers));
    if (roll < 0.9) {
      const who = { visitorId: `mv-${member}`, customerId: member };
      const session = browsing(EVENTS_PER_BATCH - 2, who);
      session.push(event(Math.random() < 0.5 ? "search" : "favourite", who));
      const carts = Math.random() < 0.5;
      session.push(event(carts ? "cart_add" : "page_view", who));
      if ((await this.events(session)) && carts) this.rememberCart(member);
      return;
    }
    // A new visitor browses, signs in, then adds to the cart as the member.
    const visitorId = `nv-${++this.counter}-${randomBytes(4).toString("hex")}`;
    if (!(await this.events(browsing(EVENTS_PER_BATCH - 1, { visitorId })))) return;
    if (!(await this.request("/v1/identify", this.target.publicKey, { visitorId, externalId: member })))
      return;
    if (await this.events([event("cart_add", { visitorId, customerId: member })])) this.rememberCart(member);
  }

  private rememberCart(member: string): void {
    if (this.recentCarts.length < RECENT_CARTS) this.recentCarts.push(member);
    else this.recentCarts[this.cartCursor++ % RECENT_CARTS] = member;
  }

  private async order(): Promise<void> {
    const converting = this.recentCarts.length > 0 && Math.random() < 0.4;
    const customerId = converting
      ? this.recentCarts[pick(this.recentCarts.length)]
      : memberOf(pick(this.target.customers));
    const items = Array.from({ length: 1 + pick(3) }, () => {
      const i = pick(PRODUCTS);
      return { sku: skuOf(i), name: `煎茶 ${i}`, quantity: 1 + pick(2), unitPrice: priceOf(i) };
    });
    await this.request("/v1/orders", this.target.secretKey, {
      externalId: `SOAK-${++this.counter}`,
      customerId,
      orderedAt: new Date().toISOString(),
      items,
    });
  }

  private async customerUpsert(): Promise<void> {
    const n = ++this.counter;
    const body =
      Math.random() < 0.5
        ? {
            externalId: `S${n}`,
            email: `signup${n}@example.jp`,
            lastName: LAST_NAMES[n % LAST_NAMES.length],
            firstName: FIRST_NAMES[(n >> 2) % FIRST_NAMES.length],
            consents: { email: true },
          }
        : {
            externalId: memberOf(pick(this.target.customers)),
            memberRank: ["regular", "silver", "gold"][pick(3)],
            attributes: { lastVisitAt: new Date().toISOString() },
          };
    await this.request("/v1/customers", this.target.secretKey, body);
  }
}

type Who = { visitorId: string; customerId?: string };

function event(type: string, who: Who, secondsAgo = 0): Record<string, unknown> {
  const e: Record<string, unknown> = {
    eventId: eventId(),
    type,
    ...who,
    occurredAt: new Date(Date.now() - secondsAgo * 1000).toISOString(),
  };
  if (type === "product_view" || type === "cart_add" || type === "favourite") e.sku = skuOf(pick(PRODUCTS));
  if (type === "cart_add") e.properties = { quantity: 1 + pick(2) };
  if (type === "search") e.properties = { query: ["煎茶", "玉露", "ギフト", "抹茶"][pick(4)] };
  if (type === "page_view") e.properties = { url: `https://kizuna-sabo.jp/p/${pick(200)}` };
  return e;
}

/** A visit's page and product views, a few seconds apart. */
function browsing(n: number, who: Who): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, k) =>
    event(k % 3 === 0 ? "page_view" : "product_view", who, (n - k) * 3),
  );
}

function errorMessage(body: string): string {
  try {
    return (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? body.slice(0, 200);
  } catch {
    return body.slice(0, 200);
  }
}
