// Property-based fuzzing of the ingestion API (fast-check): customers, orders and products (single and
// batch), storefront events and identify with the public key, consents and points. For any payload:
// never a 5xx; a 4xx is in the error shape (a 400 names the field at fault) and leaves every table's row
// count as it was (nothing half-written); a 200 leaves the rows it reports. The runs are fixed by a seed
// (FUZZ_SEED, FUZZ_RUNS to explore further); a failure prints the seed and the shrunk payload.
import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../support/app.js";
import {
  consentsArb,
  customerArb,
  EXTERNAL_IDS,
  eventsBodyArb,
  identifyArb,
  orderArb,
  pathIdArb,
  payloads,
  pointsArb,
  productArb,
  SKUS,
  toJsonText,
} from "./fuzz-payloads.js";
import { createHostileTestApp, rowCounts, tableNames } from "./hostile-support.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_601);
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
// A property's runs on PostgreSQL take a few seconds; this bounds a slow machine.
const PROPERTY_TIMEOUT = 90_000;
const SHRINK_TIME_LIMIT = 45_000;

type Key = "secret" | "public";
interface Sent {
  url: string;
  payload: unknown;
  key: Key;
}
type Counts = Record<string, number>;

let t: TestApp;
let tables: string[];

beforeAll(async () => {
  // No rate limits: hundreds of requests from one address are the point here.
  t = await createHostileTestApp("2026-06-01T00:00:00.000Z", { rateLimits: false });
  tables = await tableNames(t.testDb);
  for (const externalId of EXTERNAL_IDS.slice(0, 2)) {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: t.secret,
      payload: { externalId, email: `${externalId.toLowerCase()}@example.jp` },
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  for (const sku of SKUS) {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/products",
      headers: t.secret,
      payload: { sku, name: sku, price: 1000 },
    });
    expect(res.statusCode, res.body).toBe(200);
  }
});
afterAll(async () => t?.close());

async function exists(table: "customers" | "orders" | "products", column: "id" | "sku", values: unknown[]) {
  const rows = await t.ctx.db
    .selectFrom(table)
    .select(column)
    .where("shop_id", "=", t.shop.shop.id)
    .where(column, "in", values as never[])
    .execute();
  return new Set(rows.map((r) => (r as Record<string, unknown>)[column])).size;
}

const unique = (values: unknown[]) => [...new Set(values)];

interface Endpoint {
  name: string;
  requests: fc.Arbitrary<Sent>;
  /** After a 200: the rows the answer reports are there. */
  check(body: Record<string, unknown>, sent: Sent, before: Counts, after: Counts): Promise<void>;
}

const post = (url: string, body: fc.Arbitrary<unknown>, key: Key = "secret") =>
  payloads(body).map((payload): Sent => ({ url, payload, key }));

const ENDPOINTS: Endpoint[] = [
  {
    name: "POST /v1/customers",
    requests: post("/v1/customers", customerArb),
    async check(body) {
      const { customer } = body as { customer: { id: number } };
      expect(await exists("customers", "id", [customer.id])).toBe(1);
    },
  },
  {
    name: "POST /v1/customers/batch",
    requests: post(
      "/v1/customers/batch",
      fc.record({ customers: fc.array(customerArb, { minLength: 1, maxLength: 4 }) }),
    ),
    async check(body) {
      const ids = unique((body as { results: Array<{ id: number }> }).results.map((r) => r.id));
      expect(await exists("customers", "id", ids)).toBe(ids.length);
    },
  },
  {
    name: "POST /v1/orders",
    requests: post("/v1/orders", orderArb),
    async check(body) {
      expect(await exists("orders", "id", [(body as { id: number }).id])).toBe(1);
    },
  },
  {
    name: "POST /v1/orders/batch",
    requests: post(
      "/v1/orders/batch",
      fc.record({ orders: fc.array(orderArb, { minLength: 1, maxLength: 3 }) }),
    ),
    async check(body) {
      const ids = unique((body as { results: Array<{ id: number }> }).results.map((r) => r.id));
      expect(await exists("orders", "id", ids)).toBe(ids.length);
    },
  },
  {
    name: "POST /v1/products",
    requests: post("/v1/products", productArb),
    async check(body) {
      expect(await exists("products", "id", [(body as { product: { id: number } }).product.id])).toBe(1);
    },
  },
  {
    name: "POST /v1/products/batch",
    requests: post(
      "/v1/products/batch",
      fc.record({ products: fc.array(productArb, { minLength: 1, maxLength: 4 }) }),
    ),
    async check(body) {
      const skus = unique((body as { results: Array<{ sku: string }> }).results.map((r) => r.sku));
      expect(await exists("products", "sku", skus)).toBe(skus.length);
    },
  },
  {
    name: "POST /v1/events (public key)",
    requests: fc
      .tuple(payloads(eventsBodyArb), fc.constantFrom<Key>("public", "public", "public", "secret"))
      .map(([payload, key]) => ({ url: "/v1/events", payload, key })),
    async check(body, _sent, before, after) {
      const { accepted } = body as { accepted: number };
      expect(after.events - before.events).toBe(accepted);
    },
  },
  {
    name: "POST /v1/identify",
    requests: fc
      .tuple(payloads(identifyArb), fc.constantFrom<Key>("public", "public", "secret"))
      .map(([payload, key]) => ({ url: "/v1/identify", payload, key })),
    async check(body) {
      expect(await exists("customers", "id", [(body as { customerId: number }).customerId])).toBe(1);
    },
  },
  {
    name: "POST /v1/customers/:id/consents",
    requests: fc
      .tuple(pathIdArb, payloads(consentsArb))
      .map(([id, payload]) => ({ url: `/v1/customers/${id}/consents`, payload, key: "secret" as const })),
    async check(body, sent) {
      const stated = Object.keys((sent.payload as { consents: Record<string, boolean> }).consents);
      const { consents } = body as { consents: Record<string, unknown> };
      for (const channel of stated) expect(consents[channel], channel).toBeDefined();
    },
  },
  {
    name: "POST /v1/customers/:id/points",
    requests: fc
      .tuple(pathIdArb, payloads(pointsArb))
      .map(([id, payload]) => ({ url: `/v1/customers/${id}/points`, payload, key: "secret" as const })),
    async check(body, _sent, before, after) {
      const { recorded } = body as { recorded: boolean };
      expect(after.point_ledger - before.point_ledger).toBe(recorded ? 1 : 0);
    },
  },
];

/** The tables whose row count moved, with their counts before and after. */
function changed(before: Counts, after: Counts): Record<string, [number, number]> {
  return Object.fromEntries(
    Object.keys({ ...before, ...after })
      .filter((table) => before[table] !== after[table])
      .map((table) => [table, [before[table], after[table]]]),
  );
}

/** The error shape: a code and a message; a 400 names at least one field. */
function expectErrorShape(res: LightMyRequestResponse) {
  const body = res.json() as { error?: { code?: unknown; message?: unknown; issues?: unknown } };
  expect(Object.keys(body)).toEqual(["error"]);
  const { code, message, issues } = body.error ?? {};
  expect(typeof code === "string" && code.length > 0, "error.code").toBe(true);
  expect(typeof message === "string" && message.length > 0, "error.message").toBe(true);
  expect(Array.isArray(issues), "error.issues").toBe(true);
  for (const issue of issues as Array<{ field?: unknown; message?: unknown }>) {
    expect(typeof issue.field === "string" && issue.field.length > 0, "issue.field").toBe(true);
    expect(typeof issue.message === "string" && issue.message.length > 0, "issue.message").toBe(true);
  }
  if (res.statusCode === 400) expect((issues as unknown[]).length, "a 400 names a field").toBeGreaterThan(0);
}

function describeSent(sent: Sent, res: LightMyRequestResponse): string {
  const text = toJsonText(sent.payload);
  const shown = text.length > 600 ? `${text.slice(0, 600)}… (${text.length} chars)` : text;
  return `${sent.url} with ${sent.key} key: ${shown}\n→ ${res.statusCode} ${res.body.slice(0, 400)}`;
}

describe("fuzzing the ingestion API", () => {
  it.each(ENDPOINTS.map((e) => [e.name, e] as const))(
    "%s: no 5xx, 4xx in the error shape with nothing written, 200 with its rows",
    async (_, endpoint) => {
      // The failing request, told in a few lines: fast-check's own counterexample can be megabytes.
      let failure = "";
      const statuses = new Map<number, number>();
      const property = fc.asyncProperty(endpoint.requests, async (sent) => {
        const before = await rowCounts(t.ctx.db, tables);
        const started = performance.now();
        const res = await t.app.inject({
          method: "POST",
          url: sent.url,
          headers: { ...(sent.key === "secret" ? t.secret : t.public), "content-type": "application/json" },
          payload: toJsonText(sent.payload),
        });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (process.env.FUZZ_TRACE) {
          const ms = Math.round(performance.now() - started);
          console.log(
            `${res.statusCode} ${ms} ms ${toJsonText(sent.payload).length} chars ${res.body.slice(0, 160)}`,
          );
          if (res.statusCode >= 500) console.log(`PAYLOAD ${toJsonText(sent.payload)}`);
        }
        try {
          expect(res.statusCode).toBeLessThan(500);
          const after = await rowCounts(t.ctx.db, tables);
          if (res.statusCode >= 400) {
            expectErrorShape(res);
            expect(changed(before, after), "rows written by a refused request").toEqual({});
          } else {
            expect(res.statusCode).toBe(200);
            await endpoint.check(res.json(), sent, before, after);
          }
        } catch (err) {
          // The last failure is the counterexample fast-check reports once it has shrunk it.
          failure = `${describeSent(sent, res)}\n${(err as Error).message.split("\n").slice(0, 12).join("\n")}`;
          throw err;
        }
      });
      try {
        // Shrinking a failure stops after a while, with the smallest counterexample found by then.
        await fc.assert(property, {
          seed: SEED,
          numRuns: RUNS,
          interruptAfterTimeLimit: SHRINK_TIME_LIMIT,
          markInterruptAsFailure: false,
        });
      } catch (err) {
        const message = (err as Error).message;
        const replay = /\{ seed: -?\d+, path: "[^"]*"/.exec(message)?.[0] ?? `{ seed: ${SEED}`;
        throw new Error(
          `fuzz failed (FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}; fast-check replay: ${replay} }):\n${failure}`,
        );
      }
      // Both ways were taken: payloads that pass validation and are written, and payloads refused.
      if (process.env.FUZZ_STATS) console.log(endpoint.name, Object.fromEntries(statuses));
      expect(statuses.get(200) ?? 0, "runs answered 200").toBeGreaterThan(RUNS / 20);
      expect([...statuses].filter(([s]) => s >= 400).length, "kinds of 4xx").toBeGreaterThan(0);
    },
    PROPERTY_TIMEOUT,
  );
});
