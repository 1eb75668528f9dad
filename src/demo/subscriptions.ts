// 定期便: about one customer in twenty (more of the loyal ones) subscribes to a consumable and receives it
// every SUBSCRIPTION_CYCLE_DAYS from their start date until they cancel, after 2–8 deliveries for half of
// them, never for the others. Starts spread from the programme's launch to now, so a replay of any recent
// month meets customers receiving their 3rd and their 6th delivery. Drawn from a stream of its own: the
// rest of a customer's data does not depend on whether they subscribe.
import type { OrderStatus } from "../db/index.js";
import { type CatalogIndex, type DemoProduct, SUBSCRIPTION_CYCLE_DAYS } from "./catalog.js";
import type { Persona } from "./customers.js";
import type { SimOrder } from "./history.js";
import type { Random } from "./random.js";
import { DAY, HOUR, jstDayStart, MINUTE, timeOfDay } from "./time.js";

export interface SubscriptionPlan {
  product: DemoProduct;
  /** The first delivery's order, placed at checkout. */
  startAt: number;
  /** Deliveries before the customer cancels; Infinity while they keep it. */
  deliveries: number;
}

export interface SubscriptionContext {
  catalog: CatalogIndex;
  now: number;
}

/** The chance of subscribing is this times the customer's loyalty (0–1, mean ≈ 0.47): about 6%. */
const SUBSCRIBE_PER_LOYALTY = 0.13;
/** Later deliveries are ordered by the shop's overnight batch, from this hour (JST). */
const BATCH_HOUR = 5;

/** Whether and what the customer subscribes to, or null for most customers. */
export function planSubscription(
  rng: Random,
  persona: Persona,
  ctx: SubscriptionContext,
): SubscriptionPlan | null {
  const { catalog, now } = ctx;
  if (catalog.subscriptions.length === 0 || !rng.chance(SUBSCRIBE_PER_LOYALTY * persona.loyalty)) return null;
  const product = chooseSubscription(rng, persona, catalog);
  const earliest = Math.max(persona.createdAt, product.launchedAt);
  if (earliest >= now) return null;
  // Starts lean towards the customer's early days with the shop (or the launch, for older members).
  const day = earliest + (now - earliest) * rng.next() ** 1.3;
  const startAt = Math.max(earliest + rng.uniform(2, 20) * MINUTE, timeOfDay(rng, day, "online"));
  const deliveries = rng.chance(0.55) ? Number.POSITIVE_INFINITY : rng.int(2, 8);
  return { product, startAt, deliveries };
}

function chooseSubscription(rng: Random, persona: Persona, catalog: CatalogIndex): DemoProduct {
  const ofLine = persona.favouriteLine ? catalog.subscriptionOfLine(rng, persona.favouriteLine) : null;
  if (ofLine && rng.chance(0.5)) return ofLine;
  for (let tries = 0; tries < 5; tries++) {
    const offer = catalog.drawSubscription(rng, persona.interests.draw(rng), persona.sex);
    if (offer) return offer;
  }
  return catalog.drawSubscription(rng, "health", persona.sex) ?? rng.pick(catalog.subscriptions);
}

/** When delivery `n` (1-based) is ordered: the start, then the overnight batch every cycle after it. */
export function deliveryTime(rng: Random, plan: SubscriptionPlan, n: number): number {
  if (n === 1) return plan.startAt;
  const day = jstDayStart(plan.startAt + (n - 1) * SUBSCRIPTION_CYCLE_DAYS * DAY);
  return day + BATCH_HOUR * HOUR + Math.floor(rng.uniform(0, 50) * MINUTE);
}

/**
 * A delivery as an order: the 定期便 alone, online, free shipping, shipped 1–3 days after it is ordered.
 * Deliveries are never cancelled (a customer who stops cancels the subscription instead).
 */
export function deliveryOrder(
  rng: Random,
  plan: SubscriptionPlan,
  delivery: number,
  externalId: string,
  at: number,
  now: number,
): SimOrder {
  const { product } = plan;
  const shippedAt = at + rng.uniform(1, 3) * DAY;
  const deliveredAt = shippedAt + rng.uniform(1, 2) * DAY;
  let status: OrderStatus = "completed";
  if (shippedAt > now) status = "paid";
  else if (deliveredAt > now) status = "shipped";
  return {
    externalId,
    channel: "online",
    storeId: null,
    status,
    orderedAt: at,
    shippedAt: shippedAt > now ? null : shippedAt,
    updatedAt: Math.min(now, status === "paid" ? at : status === "shipped" ? shippedAt : deliveredAt),
    subtotal: product.price,
    discount: 0,
    shipping: 0,
    tax: 0,
    total: product.price,
    couponCode: null,
    pointsUsed: 0,
    items: [{ product, quantity: 1, unitPrice: product.price, lineTotal: product.price }],
    subscriptionDelivery: delivery,
  };
}
