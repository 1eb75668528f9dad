// Storefront events around a customer's history, as the tracking snippet would have sent them:
// anonymous browsing before sign-up, the sessions that led to each online order, browsing sessions while
// the customer was active (some leave a cart behind, some meet a sold-out product and ask to be told of
// its restock), and a second device for some. Also visitors who never became customers.
import type { EventType } from "../db/index.js";
import { type CatalogIndex, type DemoProduct, isAvailable } from "./catalog.js";
import type { Persona } from "./customers.js";
import type { History, SimOrder } from "./history.js";
import type { Random } from "./random.js";
import { DAY, MINUTE } from "./time.js";

export interface SimEvent {
  /**
   * Whether the customer was logged in. Once a visitor is identified, all its events belong to the
   * customer, earlier anonymous ones included (as linkVisitor does), so only never-identified
   * visitors leave events without a customer.
   */
  identified: boolean;
  visitorId: string;
  type: EventType;
  product: DemoProduct | null;
  properties: Record<string, unknown>;
  at: number;
}

export interface SimVisitor {
  visitorId: string;
  /** Linked to the customer from this moment; null for a visitor never recognised. */
  linkedAt: number | null;
  firstSeenAt: number;
}

export interface StorefrontContext {
  catalog: CatalogIndex;
  historyStart: number;
  now: number;
}

type Step = [type: EventType, product: DemoProduct | null, properties: Record<string, unknown>];

const PAGES = ["/", "/ranking", "/campaign/season-sale", "/mypage/points", "/mypage/orders", "/news"];
const GENERIC_QUERIES = [
  "保湿",
  "敏感肌 化粧水",
  "美白 美容液",
  "ギフト",
  "送料無料",
  "プチプラ",
  "詰め替え",
  "限定",
];

const productProps = (p: DemoProduct) => ({ price: p.price, category: p.categoryPath });

/** Spreads a session's steps between start and end, in order, with a little jitter. */
function placeSteps(
  rng: Random,
  steps: Step[],
  start: number,
  end: number,
  visitorId: string,
  identifiedFrom: number | null,
  out: SimEvent[],
): void {
  const span = Math.max(end - start, steps.length * 1000);
  steps.forEach(([type, product, properties], i) => {
    const at = Math.floor(start + (span * (i + 0.2 + 0.6 * rng.next())) / steps.length);
    out.push({
      identified: identifiedFrom !== null && at >= identifiedFrom,
      visitorId,
      type,
      product,
      properties,
      at,
    });
  });
}

class CustomerStorefront {
  readonly events: SimEvent[] = [];

  constructor(
    private readonly rng: Random,
    private readonly persona: Persona,
    private readonly history: History,
    private readonly ctx: StorefrontContext,
  ) {}

  run(): { events: SimEvent[]; visitors: SimVisitor[] } {
    const { rng, persona, history, ctx } = this;
    const first = history.orders[0];
    const checkoutSignup = first !== undefined && first.orderedAt - persona.createdAt < 30 * MINUTE;

    if (!persona.joinedInStore) {
      const visits = rng.chance(0.55) ? (rng.chance(0.3) ? 2 : 1) : 0;
      for (let i = 0; i < visits; i++) {
        const at = persona.createdAt - rng.uniform(1 / 24, 30) * DAY;
        if (at >= ctx.historyStart) this.browse(at, persona.visitorIds[0], null);
      }
      if (!checkoutSignup) {
        const method = persona.lineLinkedAt === persona.createdAt ? "line" : "email";
        const device = persona.visitorIds[0];
        this.push(
          "page_view",
          null,
          { path: "/account/register" },
          persona.createdAt - rng.uniform(1, 4) * MINUTE,
          device,
          false,
        );
        this.push("login", null, { method }, persona.createdAt, device, true);
      }
    }
    if (persona.secondDeviceAt !== null) {
      const method = persona.lineUserId ? "line" : "email";
      this.push("login", null, { method }, persona.secondDeviceAt, persona.visitorIds[1], true);
    }

    // Deliveries after a subscription's first come without a visit to the shop.
    for (const order of history.orders) {
      if (order.channel === "online" && (order.subscriptionDelivery ?? 1) === 1) {
        this.checkout(order, order === first && checkoutSignup);
      }
    }
    for (const wish of history.restockWishes) this.askForRestock(wish.product, wish.at);

    const [from, until] = this.activeWindow();
    const sessions = Math.min(60, rng.poisson((persona.engagement * (until - from)) / (30 * DAY)));
    for (let i = 0; i < sessions; i++) {
      const at = rng.uniform(from, until);
      this.browse(at, this.deviceAt(at), rng.chance(0.85) ? at : null);
    }

    const events = this.events.filter((e) => e.at <= ctx.now).sort((a, b) => a.at - b.at);
    return { events, visitors: visitorsOf(events) };
  }

  /** From sign-up until the customer drifted away (or now, while still buying). */
  private activeWindow(): [number, number] {
    const { rng, persona, history, ctx } = this;
    const drift = rng.exponential(60) * DAY;
    if (history.lastOrderAt === null)
      return [persona.createdAt, Math.min(ctx.now, persona.createdAt + drift)];
    if (!history.churned) return [persona.createdAt, ctx.now];
    return [persona.createdAt, Math.min(ctx.now, history.lastOrderAt + drift)];
  }

  private deviceAt(at: number): string {
    const { persona, rng } = this;
    return persona.secondDeviceAt !== null && at >= persona.secondDeviceAt && rng.chance(0.4)
      ? persona.visitorIds[1]
      : persona.visitorIds[0];
  }

  /** The session that ended in an online order: views, cart, checkout, a few minutes before the order. */
  private checkout(order: SimOrder, atSignup: boolean): void {
    const { rng, persona } = this;
    const steps: Step[] = [];
    if (!atSignup && rng.chance(0.5))
      steps.push(["login", null, { method: persona.lineUserId ? "line" : "email" }]);
    if (rng.chance(0.3)) {
      steps.push([
        "search",
        null,
        { query: rng.pick(order.items[0].product.searchTerms), results: rng.int(3, 40) },
      ]);
    }
    for (const item of order.items) {
      steps.push(["product_view", item.product, productProps(item.product)]);
      steps.push(["cart_add", item.product, { quantity: item.quantity, price: item.unitPrice }]);
    }
    if (rng.chance(0.1)) {
      const other = this.catalog.draw(rng, persona.interests.draw(rng), persona.sex);
      steps.push(["cart_add", other, { quantity: 1, price: other.price }]);
      steps.push(["cart_remove", other, { quantity: 1 }]);
    }
    // Checkout starts a little before the order, and after the account exists when joining at checkout.
    const end = Math.max(
      order.orderedAt - rng.uniform(0.5, 3) * MINUTE,
      atSignup ? persona.createdAt + 30_000 : Number.NEGATIVE_INFINITY,
    );
    const start = end - rng.uniform(3, 25) * MINUTE;
    const device = atSignup ? persona.visitorIds[0] : this.deviceAt(order.orderedAt);
    placeSteps(rng, steps, start, end - 20_000, device, atSignup ? persona.createdAt : start, this.events);
    if (atSignup)
      this.push("page_view", null, { path: "/account/register" }, persona.createdAt - 20_000, device, false);
    const cart = { cart_value: order.subtotal, item_count: order.items.length };
    this.push("checkout_start", null, cart, end, device, true);
  }

  private push(
    type: EventType,
    product: DemoProduct | null,
    properties: Record<string, unknown>,
    at: number,
    visitorId: string,
    identified: boolean,
  ): void {
    this.events.push({ identified, visitorId, type, product, properties, at: Math.floor(at) });
  }

  private askForRestock(product: DemoProduct, at: number): void {
    const channel = this.persona.lineUserId ? "line" : "email";
    const device = this.deviceAt(at);
    placeSteps(
      this.rng,
      [
        ["product_view", product, productProps(product)],
        ["restock_request", product, { channel }],
      ],
      at - MINUTE,
      at,
      device,
      at - MINUTE,
      this.events,
    );
  }

  /** A browsing session that did not end in an order; carts left here are abandoned. */
  private browse(at: number, visitorId: string, identifiedFrom: number | null): void {
    const { rng, persona } = this;
    const steps: Step[] = [];
    if (identifiedFrom !== null && rng.chance(0.2)) {
      steps.push(["login", null, { method: persona.lineUserId ? "line" : "email" }]);
    }
    steps.push(["page_view", null, { path: rng.pick(PAGES) }]);
    const views = rng.int(1, 4);
    let query: string | null = rng.chance(0.35) ? rng.pick(GENERIC_QUERIES) : null;
    for (let i = 0; i < views; i++) {
      const product =
        persona.favouriteLine && rng.chance(0.3)
          ? this.catalog.drawFromLine(rng, persona.favouriteLine)
          : this.catalog.draw(rng, persona.interests.draw(rng), persona.sex);
      if (at < product.launchedAt) continue;
      if (query === null && i === 0 && rng.chance(0.25)) query = rng.pick(product.searchTerms);
      if (i === 0 && query !== null) steps.push(["search", null, { query, results: rng.int(0, 60) }]);
      steps.push(["product_view", product, productProps(product)]);
      if (!isAvailable(product, at)) {
        if (rng.chance(0.35))
          steps.push(["restock_request", product, { channel: persona.lineUserId ? "line" : "email" }]);
        continue;
      }
      if (rng.chance(0.06)) steps.push(["favourite", product, {}]);
      if (rng.chance(0.12)) {
        steps.push(["cart_add", product, { quantity: 1, price: product.price }]);
        if (rng.chance(0.3)) steps.push(["cart_remove", product, { quantity: 1 }]);
      }
    }
    placeSteps(rng, steps, at, at + rng.uniform(2, 25) * MINUTE, visitorId, identifiedFrom, this.events);
  }

  private get catalog(): CatalogIndex {
    return this.ctx.catalog;
  }
}

function visitorsOf(events: SimEvent[]): SimVisitor[] {
  const byId = new Map<string, SimVisitor>();
  for (const e of events) {
    let v = byId.get(e.visitorId);
    if (!v) {
      v = { visitorId: e.visitorId, linkedAt: null, firstSeenAt: e.at };
      byId.set(e.visitorId, v);
    }
    if (e.identified && v.linkedAt === null) v.linkedAt = e.at;
  }
  return [...byId.values()];
}

export function simulateStorefront(
  rng: Random,
  persona: Persona,
  history: History,
  ctx: StorefrontContext,
): { events: SimEvent[]; visitors: SimVisitor[] } {
  return new CustomerStorefront(rng, persona, history, ctx).run();
}

/** A visitor who browsed and never signed up (about one for every three customers). */
export function simulateAnonymousVisitor(
  rng: Random,
  ctx: StorefrontContext,
): { events: SimEvent[]; visitor: SimVisitor } | null {
  if (!rng.chance(0.35)) return null;
  const visitorId = rng.hex(32);
  const events: SimEvent[] = [];
  const sessions = rng.chance(0.25) ? 2 : 1;
  for (let s = 0; s < sessions; s++) {
    const at = rng.uniform(ctx.historyStart, ctx.now - 10 * MINUTE);
    const steps: Step[] = [["page_view", null, { path: rng.pick(PAGES) }]];
    for (let i = rng.int(0, 3); i > 0; i--) {
      const product = rng.pick(ctx.catalog.products);
      if (at < product.launchedAt) continue;
      steps.push(["product_view", product, productProps(product)]);
      if (isAvailable(product, at) && rng.chance(0.1)) {
        steps.push(["cart_add", product, { quantity: 1, price: product.price }]);
      }
    }
    placeSteps(rng, steps, at, at + rng.uniform(1, 10) * MINUTE, visitorId, null, events);
  }
  events.sort((a, b) => a.at - b.at);
  return { events, visitor: { visitorId, linkedAt: null, firstSeenAt: events[0].at } };
}
