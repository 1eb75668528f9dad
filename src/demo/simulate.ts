// One demo customer from start to finish: persona, purchase history (with any 定期便), points, storefront
// events. Each customer draws from their own random streams, so the result does not depend on what was
// generated before.
import type { CatalogIndex } from "./catalog.js";
import { createPersona, type Persona } from "./customers.js";
import { type History, simulateHistory } from "./history.js";
import type { PointBalance } from "./points.js";
import { STREAM, streamRandom } from "./random.js";
import {
  type SimEvent,
  type SimVisitor,
  simulateAnonymousVisitor,
  simulateStorefront,
} from "./storefront.js";
import { planSubscription } from "./subscriptions.js";
import { DAY } from "./time.js";

export interface SimulationContext {
  seed: number;
  catalog: CatalogIndex;
  historyStart: number;
  now: number;
  /** The size of the whole population (member numbers follow sign-up order across it). */
  customers: number;
}

export interface SimulatedCustomer {
  persona: Persona;
  history: History;
  balance: PointBalance | null;
  events: SimEvent[];
  visitors: SimVisitor[];
  /** A visitor who never signed up, drawn alongside this customer (about one in three customers has one). */
  passerby: AnonymousVisitor | null;
  memberRank: string;
  updatedAt: number;
}

export interface AnonymousVisitor {
  events: SimEvent[];
  visitor: SimVisitor;
}

/** Member ranks by the last twelve months' spend on orders that went through. */
const RANKS: ReadonlyArray<readonly [minimumSpend: number, rank: string]> = [
  [80_000, "プラチナ"],
  [30_000, "ゴールド"],
  [10_000, "シルバー"],
  [0, "レギュラー"],
];

function memberRank(history: History, now: number): string {
  let spend = 0;
  for (const o of history.orders) {
    if (o.orderedAt >= now - 365 * DAY && (o.status === "completed" || o.status === "shipped"))
      spend += o.total;
  }
  return RANKS.find(([min]) => spend >= min)?.[1] ?? "レギュラー";
}

export function simulateCustomer(ctx: SimulationContext, number: number): SimulatedCustomer {
  const rng = streamRandom(ctx.seed, STREAM.customer, number);
  const persona = createPersona(rng, ctx, number);
  const subscriptionRng = streamRandom(ctx.seed, STREAM.subscription, number);
  const plan = planSubscription(subscriptionRng, persona, ctx);
  const history = simulateHistory(rng, persona, ctx, plan && { plan, rng: subscriptionRng });
  const balance = history.purse.close(ctx.now);
  const { events, visitors } = simulateStorefront(rng, persona, history, ctx);
  const lastChange = Math.max(
    persona.createdAt,
    persona.lineLinkedAt ?? 0,
    persona.consentLog.at(-1)?.at ?? 0,
    history.lastOrderAt ?? 0,
  );
  return {
    persona,
    history,
    balance,
    events,
    visitors,
    passerby: simulateAnonymousVisitor(streamRandom(ctx.seed, STREAM.visitor, number), ctx),
    memberRank: memberRank(history, ctx.now),
    updatedAt: Math.min(ctx.now, lastChange),
  };
}
