// The soak benchmark's shop: N members who agreed to email, written straight into the database (through
// the API they would take minutes on PostgreSQL, where each upsert is a few round trips), then through
// the HTTP API as a shop's own integration would: a catalogue, the sender identity promotional mail
// needs, an SMTP channel pointing at the loopback sink, and three ready-made scenarios switched on from
// the library, saved again with every wait shortened to a minute so that within minutes runs advance
// and send.
import { systemClock, toIso } from "../src/core/clock.js";
import type { Db } from "../src/db/index.js";
import { insertMembers } from "./outbox-seed.js";

export const PRODUCTS = 500;
/** Catalogue SKU i, and the price it sells at. */
export const skuOf = (i: number) => `SKU-${String(i).padStart(5, "0")}`;
export const priceOf = (i: number) => 800 + ((i * 37) % 40) * 100;
/** Seeded member i: their member id. */
export const memberOf = (i: number) => `M${i}`;

const SCENARIOS = ["cart-abandonment", "browse-abandonment", "post-purchase"] as const;
const MEMBERS_PER_STATEMENT = 5_000;

export interface SetupOptions {
  db: Db;
  shopId: number;
  url: string;
  secretKey: string;
  smtpPort: number;
  customers: number;
}

/** Calls the API with the secret key; anything but a 2xx is a failed set-up. */
async function callApi(url: string, key: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function setUpSoakShop(options: SetupOptions): Promise<void> {
  const now = toIso(systemClock.now());
  for (let start = 0; start < options.customers; start += MEMBERS_PER_STATEMENT) {
    const n = Math.min(MEMBERS_PER_STATEMENT, options.customers - start);
    await insertMembers(options.db, options.shopId, start, n, now);
  }
  const api = (method: string, path: string, body?: unknown) =>
    callApi(options.url, options.secretKey, method, path, body);
  await api("POST", "/v1/products/batch", {
    products: Array.from({ length: PRODUCTS }, (_, i) => ({
      sku: skuOf(i),
      name: `煎茶 ${i}`,
      categoryPath: `お茶/${["煎茶", "玉露", "ほうじ茶", "抹茶"][i % 4]}`,
      price: priceOf(i),
      stock: 1000,
      url: `https://kizuna-sabo.jp/products/${skuOf(i)}`,
    })),
  });
  await api("PUT", "/v1/shop/profile", {
    url: "https://kizuna-sabo.jp",
    address: "〒150-0001 東京都渋谷区神宮前1-2-3",
    email: "info@kizuna-sabo.jp",
    phone: "03-1234-5678",
  });
  await api("PUT", "/v1/channels/email", {
    provider: "smtp",
    settings: {
      host: "127.0.0.1",
      port: options.smtpPort,
      fromAddress: "news@kizuna-sabo.jp",
      fromName: "きずな茶房",
      maxConnections: 4,
      ratePerSecond: 500,
    },
    secrets: {},
  });

  for (const key of SCENARIOS) {
    const enabled = await api("POST", `/v1/scenarios/from-template/${key}`);
    await api("PUT", `/v1/scenarios/${key}`, { definition: forSoak(key, enabled.definition) });
  }
}

type Definition = Record<string, unknown> & { steps: Array<Record<string, unknown>> };

/**
 * The library's definition, made to reach a steady state within minutes: every wait a minute; no
 * frequency cap a soak's customers would hit (the default allows one promotional mail a day, which would
 * suppress every reminder after the first); abandonment scenarios re-entered whenever a run is over (the
 * library's 3 and 7 days would run out of customers within the half hour); and the post-purchase mails
 * started by the first order itself instead of the day after it ships, which no order in a soak does.
 */
function forSoak(key: (typeof SCENARIOS)[number], definition: unknown): Definition {
  const d = definition as Definition;
  return {
    ...d,
    steps: d.steps.map((step) => (step.type === "wait" ? { ...step, duration: { minutes: 1 } } : step)),
    guardrails: { frequencyCaps: [{ max: 100, perDays: 1 }] },
    ...(key === "post-purchase"
      ? { trigger: { type: "order", firstOrderOnly: true } }
      : { reentry: "always" }),
  };
}
