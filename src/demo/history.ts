// Two years of one customer's purchases, simulated forward in time from the sign-up:
// - a first order soon after joining (most buyers check out in the session they sign up in);
// - after each order the customer either comes back or churns; the chance of coming back grows with the
//   number of orders and with the customer's loyalty, which gives an F2 rate around a third;
// - the next order falls when a consumable bought earlier runs out (its replenishment_days times the
//   quantity, scaled by the customer's pace, with noise), or after a few months without consumables;
// - birthday coupons pull a next order forward for some; a win-back coupon brings a few churned back;
// - customers who churned more than 180 days ago are the dormant ones;
// - a 定期便 subscriber also receives a delivery every cycle (subscriptions.ts), interleaved in time.
//
// Money: prices are tax-included, as Japanese shops must display them (総額表示), so order lines,
// subtotal, discount and shipping already contain consumption tax (10%, 8% on food) and `tax` is 0:
// total = subtotal - discount + shipping + tax holds with tax = 0, and nothing is added at checkout.
// points_used is a means of payment (1 point = ¥1), not a discount: the charged amount is total - points_used.
import type { OrderChannel, OrderStatus } from "../db/index.js";
import { type CatalogIndex, type DemoProduct, isAvailable } from "./catalog.js";
import { type Persona, reachableAt } from "./customers.js";
import { PointPurse } from "./points.js";
import type { Random } from "./random.js";
import { deliveryOrder, deliveryTime, type SubscriptionPlan } from "./subscriptions.js";
import { DAY, HOUR, jst, jstYear, MINUTE, timeOfDay } from "./time.js";

export interface SimOrderItem {
  product: DemoProduct;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
}

export interface SimOrder {
  externalId: string;
  channel: OrderChannel;
  storeId: string | null;
  status: OrderStatus;
  orderedAt: number;
  shippedAt: number | null;
  updatedAt: number;
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  couponCode: string | null;
  pointsUsed: number;
  items: SimOrderItem[];
  /** Which delivery of the customer's 定期便 this is (1-based), or null for an order placed by hand. */
  subscriptionDelivery: number | null;
}

export interface SimCoupon {
  code: string;
  kind: "amount" | "percent";
  value: number;
  minOrder: number;
  createdAt: number;
  expiresAt: number;
  redeemedAt: number | null;
  redeemedOrderExternalId: string | null;
}

/** A wish for a sold-out product the customer met while shopping; becomes a restock_request event. */
export interface RestockWish {
  product: DemoProduct;
  at: number;
}

export interface History {
  orders: SimOrder[];
  coupons: SimCoupon[];
  purse: PointPurse;
  restockWishes: RestockWish[];
  /** Last order time, or null for members who never bought. */
  lastOrderAt: number | null;
  /** Whether the customer stopped buying (as opposed to being between orders at `now`). */
  churned: boolean;
}

export interface HistoryContext {
  catalog: CatalogIndex;
  historyStart: number;
  now: number;
}

/** A customer's 定期便 and the random stream its deliveries draw from. */
export interface Subscription {
  plan: SubscriptionPlan;
  rng: Random;
}

export const FREE_SHIPPING_FROM = 5_000;
const SHIPPING = 550;
const SHIPPING_REMOTE = 1_100;
const WELCOME_BONUS_POINTS = 100;
const WIN_BACK_AFTER_DAYS = 150;

interface Regular {
  product: DemoProduct;
  quantity: number;
  dueAt: number;
}

class CustomerHistory {
  readonly orders: SimOrder[] = [];
  readonly coupons: SimCoupon[] = [];
  readonly purse = new PointPurse();
  readonly restockWishes: RestockWish[] = [];
  private readonly regulars = new Map<string, Regular>();
  private wonBack = false;
  /** Orders placed by hand (not subscription deliveries): what the chance of coming back grows with. */
  private placedByHand = 0;

  constructor(
    private readonly rng: Random,
    private readonly persona: Persona,
    private readonly ctx: HistoryContext,
    private readonly subscription: Subscription | null,
  ) {}

  run(): History {
    const { persona, ctx } = this;
    const code = persona.number.toString(36).toUpperCase().padStart(4, "0");
    this.coupons.push({
      code: `WELCOME-${code}`,
      kind: "amount",
      value: 500,
      minOrder: 3_000,
      createdAt: persona.createdAt,
      expiresAt: persona.createdAt + 30 * DAY,
      redeemedAt: null,
      redeemedOrderExternalId: null,
    });
    this.issueBirthdayCoupons(code);
    this.purse.credit(persona.createdAt, WELCOME_BONUS_POINTS, "earn", "signup_bonus");

    // Orders by hand and subscription deliveries in time order: the point purse moves forward only.
    let nextByHand = persona.buyer ? this.firstOrderTime() : null;
    let delivery = 1;
    let nextDelivery = this.subscription ? this.subscription.plan.startAt : null;
    for (;;) {
      const byHandFirst = nextByHand !== null && (nextDelivery === null || nextByHand < nextDelivery);
      const at = byHandFirst ? nextByHand : nextDelivery;
      if (at === null || at > ctx.now) break;
      if (byHandFirst) {
        nextByHand = this.nextOrderTime(this.placeOrder(at), code);
      } else if (this.subscription) {
        this.deliver(this.subscription, delivery, at);
        delivery++;
        nextDelivery =
          delivery <= this.subscription.plan.deliveries
            ? deliveryTime(this.subscription.rng, this.subscription.plan, delivery)
            : null;
      }
    }
    // Churned: stopped ordering by hand and has no subscription running.
    const churned = this.orders.length > 0 && nextByHand === null && nextDelivery === null;
    this.coupons.sort((a, b) => a.createdAt - b.createdAt);
    const lastOrderAt = this.orders.at(-1)?.orderedAt ?? null;
    return {
      orders: this.orders,
      coupons: this.coupons,
      purse: this.purse,
      restockWishes: this.restockWishes,
      lastOrderAt,
      churned,
    };
  }

  /** 10% off in the birthday month, for customers the shop can reach then. */
  private issueBirthdayCoupons(code: string): void {
    const { persona, ctx } = this;
    if (!persona.birthday) return;
    for (let year = jstYear(ctx.historyStart); year <= jstYear(ctx.now); year++) {
      const issuedAt = jst(year, persona.birthday.month, 1, 9);
      if (issuedAt < persona.createdAt || issuedAt > ctx.now || !reachableAt(persona, issuedAt)) continue;
      const month = persona.birthday.month;
      this.coupons.push({
        code: `BDAY${year}-${code}`,
        kind: "percent",
        value: 10,
        minOrder: 0,
        createdAt: issuedAt,
        expiresAt: month === 12 ? jst(year + 1, 1, 1) : jst(year, month + 1, 1),
        redeemedAt: null,
        redeemedOrderExternalId: null,
      });
    }
  }

  private firstOrderTime(): number {
    const { rng, persona } = this;
    if (persona.joinedInStore) return persona.createdAt + rng.uniform(2, 15) * MINUTE;
    const roll = rng.next();
    if (roll < 0.6) return persona.createdAt + rng.uniform(2, 25) * MINUTE;
    if (roll < 0.85) return timeOfDay(rng, persona.createdAt + rng.uniform(1, 30) * DAY, "online");
    return timeOfDay(rng, persona.createdAt + rng.uniform(30, 240) * DAY, "online");
  }

  /** When the customer orders next, or null once they churn for good. */
  private nextOrderTime(last: SimOrder, code: string): number | null {
    const { rng, persona, ctx } = this;
    const k = this.placedByHand;
    const comeBack = Math.min(0.92, 0.12 + 0.6 * persona.loyalty + 0.07 * (k - 1));
    if (rng.chance(comeBack)) {
      const dues = [...this.regulars.values()].map((r) => r.dueAt);
      let next =
        dues.length > 0
          ? last.orderedAt + Math.max(7 * DAY, (Math.min(...dues) - last.orderedAt) * rng.lognormal(0.2))
          : last.orderedAt + (14 + rng.exponential(100)) * DAY;
      // Forgetting to reorder on time happens.
      if (rng.chance(0.2)) next += rng.uniform(10, 60) * DAY;
      const birthdayCoupon = this.coupons.find(
        (c) => c.code.startsWith("BDAY") && c.createdAt > last.orderedAt + 3 * DAY && c.createdAt < next,
      );
      if (birthdayCoupon && rng.chance(0.3)) next = birthdayCoupon.createdAt + rng.uniform(1, 20) * DAY;
      return this.channelTime(next);
    }
    if (this.wonBack) return null;
    const issuedAt = last.orderedAt + WIN_BACK_AFTER_DAYS * DAY;
    if (issuedAt > ctx.now || !reachableAt(persona, issuedAt)) return null;
    this.wonBack = true;
    this.coupons.push({
      code: `COMEBACK-${code}`,
      kind: "amount",
      value: 1_000,
      minOrder: 5_000,
      createdAt: issuedAt,
      expiresAt: issuedAt + 30 * DAY,
      redeemedAt: null,
      redeemedOrderExternalId: null,
    });
    return rng.chance(0.12) ? this.channelTime(issuedAt + rng.uniform(2, 25) * DAY) : null;
  }

  private channelTime(at: number): number {
    return timeOfDay(this.rng, at, this.persona.homeStore ? "store" : "online");
  }

  /** Order numbers run over all of a customer's orders, deliveries included. */
  private nextExternalId(): string {
    const k = this.orders.length + 1;
    return `O${String(this.persona.number).padStart(7, "0")}-${String(k).padStart(2, "0")}`;
  }

  /** A subscription delivery: it earns points like any order, and uses no coupon or points. */
  private deliver({ plan, rng }: Subscription, delivery: number, at: number): void {
    const order = deliveryOrder(rng, plan, delivery, this.nextExternalId(), at, this.ctx.now);
    if (order.status === "completed" || order.status === "shipped") {
      this.purse.credit(at, Math.floor(order.total / 100), "earn", "order", order.externalId);
    }
    this.orders.push(order);
  }

  private placeOrder(at: number): SimOrder {
    const { rng, persona, ctx } = this;
    this.placedByHand++;
    const k = this.placedByHand;
    const externalId = this.nextExternalId();
    const items = this.chooseItems(at, k === 1);

    const channel: OrderChannel =
      (k === 1 && persona.joinedInStore) || (persona.homeStore && rng.chance(0.6))
        ? "store"
        : rng.chance(persona.marketplaceShare)
          ? "marketplace"
          : "online";
    const { status, shippedAt, updatedAt } = this.fulfilment(channel, at);
    const live = status !== "cancelled";

    const subtotal = items.reduce((sum, i) => sum + i.lineTotal, 0);
    const coupon =
      live && channel !== "marketplace" && persona.couponUser
        ? this.coupons.find(
            (c) => c.redeemedAt === null && c.createdAt <= at && at < c.expiresAt && subtotal >= c.minOrder,
          )
        : undefined;
    const useCoupon = coupon !== undefined && rng.chance(0.75);
    let discount = 0;
    if (coupon && useCoupon) {
      discount =
        coupon.kind === "amount"
          ? Math.min(coupon.value, subtotal)
          : Math.floor((subtotal * coupon.value) / 100);
      coupon.redeemedAt = at;
      coupon.redeemedOrderExternalId = externalId;
    }
    const shipping =
      channel === "store" || subtotal >= FREE_SHIPPING_FROM
        ? 0
        : persona.prefecture.remote
          ? SHIPPING_REMOTE
          : SHIPPING;
    const tax = 0;
    const total = subtotal - discount + shipping + tax;

    let pointsUsed = 0;
    if (live && channel !== "marketplace" && persona.pointsUser && rng.chance(0.5)) {
      const balance = this.purse.balanceAt(at);
      if (balance >= 100) {
        pointsUsed = Math.min(total, rng.chance(0.6) ? balance : Math.floor(balance / 100) * 100);
        this.purse.spend(at, pointsUsed, externalId);
      }
    }
    // Points are granted once the goods are on their way; cancelled and returned orders earn none, and
    // marketplace orders earn the marketplace's points, not the shop's.
    if ((status === "completed" || status === "shipped") && channel !== "marketplace") {
      const earned = Math.floor((total - pointsUsed) / 100);
      this.purse.credit(at, earned, "earn", "order", externalId);
      if (channel === "online" && rng.chance(0.01)) {
        this.purse.credit(at + 2 * DAY, 300, "adjust", "apology_late_delivery");
      }
    }

    const order: SimOrder = {
      externalId,
      channel,
      storeId: channel === "store" ? (persona.homeStore?.id ?? null) : null,
      status,
      orderedAt: at,
      shippedAt,
      updatedAt: Math.min(updatedAt, ctx.now),
      subtotal,
      discount,
      shipping,
      tax,
      total,
      couponCode: coupon && useCoupon ? coupon.code : null,
      pointsUsed,
      items,
      subscriptionDelivery: null,
    };
    this.orders.push(order);
    if (live) this.rememberRegulars(order);
    return order;
  }

  private fulfilment(
    channel: OrderChannel,
    at: number,
  ): { status: OrderStatus; shippedAt: number | null; updatedAt: number } {
    const { rng, ctx } = this;
    if (rng.chance(0.025))
      return { status: "cancelled", shippedAt: null, updatedAt: at + rng.uniform(1, 20) * HOUR };
    if (channel === "store") {
      return rng.chance(0.008)
        ? { status: "returned", shippedAt: null, updatedAt: at + rng.uniform(1, 14) * DAY }
        : { status: "completed", shippedAt: null, updatedAt: at };
    }
    const shippedAt = at + rng.uniform(0.3, 2.5) * DAY;
    if (shippedAt > ctx.now) {
      return { status: ctx.now - at < 2 * HOUR ? "pending" : "paid", shippedAt: null, updatedAt: at };
    }
    const deliveredAt = shippedAt + rng.uniform(1, 3) * DAY;
    if (deliveredAt > ctx.now) return { status: "shipped", shippedAt, updatedAt: shippedAt };
    if (ctx.now - at > 14 * DAY && rng.chance(0.015)) {
      return { status: "returned", shippedAt, updatedAt: deliveredAt + rng.uniform(2, 10) * DAY };
    }
    return { status: "completed", shippedAt, updatedAt: deliveredAt };
  }

  private chooseItems(at: number, first: boolean): SimOrderItem[] {
    const { rng } = this;
    const chosen = new Map<string, SimOrderItem>();
    const add = (product: DemoProduct, quantity: number) => {
      if (chosen.has(product.sku)) return;
      chosen.set(product.sku, {
        product,
        quantity,
        unitPrice: product.price,
        lineTotal: product.price * quantity,
      });
    };

    if (!first) {
      for (const regular of this.regulars.values()) {
        if (regular.dueAt > at + 10 * DAY) continue;
        if (!rng.chance(0.8)) {
          this.regulars.delete(regular.product.sku);
          continue;
        }
        if (isAvailable(regular.product, at)) add(regular.product, regular.quantity);
        else {
          this.restockWishes.push({ product: regular.product, at: at - rng.uniform(5, 30) * MINUTE });
          if (rng.chance(0.5)) this.addNew(at, add);
        }
      }
    }
    const extra = first ? drawLineCount(rng) : chosen.size === 0 ? 1 : rng.chance(0.3) ? 1 : 0;
    for (let i = 0; i < extra; i++) this.addNew(at, add);
    if (chosen.size === 0) {
      // Everything wanted was sold out or not yet launched: fall back to any product on sale.
      for (let tries = 0; tries < 50 && chosen.size === 0; tries++) {
        const p = rng.pick(this.ctx.catalog.products);
        if (isAvailable(p, at)) add(p, 1);
      }
    }
    return [...chosen.values()];
  }

  private addNew(at: number, add: (product: DemoProduct, quantity: number) => void): void {
    const { rng, persona, ctx } = this;
    for (let tries = 0; tries < 4; tries++) {
      const interest = persona.interests.draw(rng);
      const product =
        persona.favouriteLine && interest === "skincare" && rng.chance(0.7)
          ? ctx.catalog.drawFromLine(rng, persona.favouriteLine)
          : ctx.catalog.draw(rng, interest, persona.sex);
      if (!isAvailable(product, at)) {
        if (at >= product.launchedAt && rng.chance(0.3)) this.restockWishes.push({ product, at });
        continue;
      }
      const quantity = product.consumable && product.price < 2_500 && rng.chance(0.15) ? 2 : 1;
      add(product, quantity);
      return;
    }
  }

  /** Consumables with a cycle become regulars, due again when they should run out. */
  private rememberRegulars(order: SimOrder): void {
    for (const item of order.items) {
      const days = item.product.replenishmentDays;
      if (days === null) continue;
      this.regulars.set(item.product.sku, {
        product: item.product,
        quantity: item.quantity,
        dueAt: order.orderedAt + days * item.quantity * this.persona.pace * DAY,
      });
    }
  }
}

function drawLineCount(rng: Random): number {
  const r = rng.next();
  return r < 0.55 ? 1 : r < 0.83 ? 2 : r < 0.95 ? 3 : rng.int(4, 5);
}

export function simulateHistory(
  rng: Random,
  persona: Persona,
  ctx: HistoryContext,
  subscription: Subscription | null = null,
): History {
  return new CustomerHistory(rng, persona, ctx, subscription).run();
}
