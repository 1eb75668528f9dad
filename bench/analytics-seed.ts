// A realistic shop for the analytics benchmark, built fast on either engine through the migrated
// schema: customers, three years of orders with their items, 90 days of storefront events, scenario and
// campaign runs with their messages and conversions, consents and point balances. Kept between runs
// (a SQLite file under data/bench/, a PostgreSQL database named after the sizes); --reseed rebuilds.
//
// How it stays fast: each customer's purchase history is drawn in JS (a BG/NBD process: purchases at a
// gamma-distributed rate until a beta-distributed dropout, the model the predictions fit), but only as
// a plan of one row per customer (order count, first and last order); the big tables are generated
// from that plan by INSERT … SELECT inside the database, in chunks, with the secondary indexes dropped
// and rebuilt afterwards. Row-level randomness is a hash of the row's id written in plain integer SQL,
// so both engines produce the same data and an order's items add up to its subtotal.
import { createHash } from "node:crypto";
import { existsSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import pg from "pg";
import { campaignScenario, createCampaign } from "../src/campaigns/index.js";
import { ManualClock, toIso } from "../src/core/clock.js";
import { bulkInsert } from "../src/db/bulk.js";
import { type Db, type Engine, MIGRATION_NAMES, migrateToLatest, openDb } from "../src/db/index.js";
import { durationMs } from "../src/scenarios/definition.js";
import {
  createScenario,
  enableLibraryScenario,
  ensureTemplates,
  type ScenarioDefinition,
} from "../src/scenarios/index.js";
import { createShop } from "../src/shops/index.js";

/** The moment the seeded history ends: reports are asked "as of" it. */
export const ANALYTICS_AS_OF = new Date("2026-10-31T15:00:00.000Z");
/** Bump when the generated data changes: databases seeded by an older version are rebuilt. */
const SEED_VERSION = 1;
const MARKER_KEY = "bench.analytics.seed";

const DAY = 86_400;
const AS_OF = ANALYTICS_AS_OF.getTime() / 1000;
const HISTORY_DAYS = 3 * 365;
const START = AS_OF - HISTORY_DAYS * DAY;
const RECENT = AS_OF - 90 * DAY;
const PRODUCTS = 20_000;
/** Rows per INSERT … SELECT: big enough to amortise planning, small enough for steady progress. */
const CHUNK = 250_000;

export interface AnalyticsSeedOptions {
  customers: number;
  orders: number;
  events: number;
  messages: number;
  reseed: boolean;
  postgresUrl: string;
  log: (line: string) => void;
}

export interface SeededShop {
  db: Db;
  shopId: number;
  /** File path or database name. */
  location: string;
  /** Where another process opens the same database (a DATABASE_URL). */
  url: string;
  reused: boolean;
  /** Migrated forward since it was seeded: what the metrics pass keeps must be rebuilt. */
  migrated: boolean;
  /** How long the seed took (when reused: as recorded when it was built). */
  seedSeconds: number;
  bytesOnDisk(): Promise<number>;
}

interface Marker {
  version: number;
  /** The migrated schema it was built on (see schemaFingerprint). */
  schema: string;
  customers: number;
  orders: number;
  events: number;
  messages: number;
  shopId: number;
  seconds: number;
  seededAt: string;
}

/** Opens the seeded shop for these sizes, building it first when missing, incomplete or --reseed. */
export async function openAnalyticsShop(engine: Engine, options: AnalyticsSeedOptions): Promise<SeededShop> {
  const tag = `c${options.customers}_o${options.orders}_e${options.events}_m${options.messages}_v${SEED_VERSION}`;
  const store = engine === "postgres" ? postgresStore(options.postgresUrl, tag) : sqliteStore(tag);
  const schema = await schemaFingerprint();
  let marker = options.reseed ? null : await store.marker();
  let migrated = false;
  if (marker && marker.schema !== schema) {
    // Seeded before migrations were added (not edited): bring it forward, as a shop's upgrade would.
    const seededAt = await migrationWithFingerprint(marker.schema);
    if (seededAt) {
      options.log(`${engine}: ${store.location} was seeded at ${seededAt}; migrating it forward`);
      const db = store.open();
      try {
        await migrateToLatest(db);
        marker = { ...marker, schema };
        await writeMarker(db, marker);
        migrated = true;
      } finally {
        await db.destroy();
      }
    } else {
      options.log(`${engine}: the migrations changed since ${store.location} was seeded; seeding again`);
      marker = null;
    }
  }
  const reused = marker !== null;
  if (!marker) {
    await store.reset();
    const db = store.open();
    try {
      await migrateToLatest(db);
      marker = await seed(db, engine, options, schema);
    } finally {
      await db.destroy();
    }
  }
  const db = store.open({ serving: true });
  return {
    db,
    shopId: marker.shopId,
    location: store.location,
    url: store.url,
    reused,
    migrated,
    seedSeconds: marker.seconds,
    bytesOnDisk: () => store.bytes(db),
  };
}

// ---- Where the seeded database lives ---------------------------------------------------------------

interface Store {
  location: string;
  url: string;
  marker(): Promise<Marker | null>;
  reset(): Promise<void>;
  open(options?: { serving: boolean }): Db;
  bytes(db: Db): Promise<number>;
}

/** The checkout this file is in, whether run from bench/ (vite-node) or built into dist/bench/. */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/**
 * A digest of the schema the migrations build (on an in-memory SQLite database, a proxy for both
 * engines): the migrations under development still change, and a database seeded on an older schema
 * would measure the wrong indexes.
 */
async function schemaFingerprint(upTo?: string): Promise<string> {
  const db = openDb({ engine: "sqlite", location: ":memory:" });
  try {
    await migrateToLatest(db, upTo);
    const r = await sql<{ definition: string }>`
      select type || ' ' || name || ' ' || coalesce(sql, '') as definition from sqlite_master
      where name not like 'kysely_migration%' and name not like 'sqlite_stat%'
      order by type, name`.execute(db);
    return createHash("sha256")
      .update(r.rows.map((row) => row.definition).join("\n"))
      .digest("hex")
      .slice(0, 16);
  } finally {
    await db.destroy();
  }
}

/** The migration after which the schema had this fingerprint, if an earlier one did. */
async function migrationWithFingerprint(fingerprint: string): Promise<string | null> {
  for (const name of MIGRATION_NAMES.slice(0, -1)) {
    if ((await schemaFingerprint(name)) === fingerprint) return name;
  }
  return null;
}

async function writeMarker(db: Db, marker: Marker): Promise<void> {
  await db
    .insertInto("instance_settings")
    .values({ key: MARKER_KEY, value: JSON.stringify(marker) })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: JSON.stringify(marker) }))
    .execute();
}

async function readMarker(db: Db): Promise<Marker | null> {
  try {
    const row = await db
      .selectFrom("instance_settings")
      .select("value")
      .where("key", "=", MARKER_KEY)
      .executeTakeFirst();
    return row ? (JSON.parse(row.value) as Marker) : null;
  } catch {
    return null; // not migrated: an interrupted seed
  }
}

function sqliteStore(tag: string): Store {
  const file = resolve(repositoryRoot(), "data/bench", `analytics_${tag}.db`);
  const files = [file, `${file}-wal`, `${file}-shm`];
  // As `kizuna serve` opens it (src/cli/instance.ts) when measuring; plainly while seeding.
  const open = (o?: { serving: boolean }) =>
    openDb({ engine: "sqlite", location: file }, { backgroundCheckpoints: o?.serving ?? false });
  return {
    location: file,
    url: `sqlite:${file}`,
    async marker() {
      if (!existsSync(file)) return null;
      const db = open();
      try {
        return await readMarker(db);
      } finally {
        await db.destroy();
      }
    },
    async reset() {
      for (const f of files) rmSync(f, { force: true });
    },
    open,
    async bytes() {
      return files.reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0);
    },
  };
}

function postgresStore(serverUrl: string, tag: string): Store {
  const name = `kizuna_analytics_${tag}`;
  if (name.length > 63) throw new Error(`database name ${name} is longer than PostgreSQL allows`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const admin = async <T extends pg.QueryResultRow>(statement: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      return (await client.query<T>(statement, values)).rows;
    } finally {
      await client.end();
    }
  };
  const open = () => openDb({ engine: "postgres", location: url.toString() });
  return {
    location: `${url.host}/${name}`,
    url: url.toString(),
    async marker() {
      const found = await admin("select 1 from pg_database where datname = $1", [name]);
      if (found.length === 0) return null;
      const db = open();
      try {
        return await readMarker(db);
      } finally {
        await db.destroy();
      }
    },
    async reset() {
      await admin(`drop database if exists ${name} with (force)`);
      await admin(`create database ${name}`);
    },
    open,
    async bytes(db) {
      const r = await sql<{ bytes: number }>`select pg_database_size(current_database()) as bytes`.execute(
        db,
      );
      return Number(r.rows[0].bytes);
    },
  };
}

// ---- The seed ---------------------------------------------------------------------------------------

interface Loader {
  db: Db;
  engine: Engine;
  shopId: number;
  g: Fragments;
  /** Statements run side by side: PostgreSQL has a backend per connection, SQLite one writer. */
  concurrency: number;
}

async function seed(db: Db, engine: Engine, options: AnalyticsSeedOptions, schema: string): Promise<Marker> {
  const started = performance.now();
  const step = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const result = await work();
    options.log(`${engine}: ${label} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return result;
  };
  options.log(
    `${engine}: seeding ${options.customers.toLocaleString()} customers, ${options.orders.toLocaleString()} orders, ` +
      `${options.events.toLocaleString()} events, ~${options.messages.toLocaleString()} messages`,
  );
  const { shop } = await createShop(db, new ManualClock(new Date((START - 30 * DAY) * 1000)), {
    name: "きずな珈琲店",
  });
  const l: Loader = {
    db,
    engine,
    shopId: shop.id,
    g: fragments(engine),
    concurrency: engine === "postgres" ? 2 : 1,
  };
  const plan = await step("planned purchase histories", async () =>
    planCustomers(options.customers, options.orders),
  );
  await step("plan, catalogue and ad costs", () => writePlanAndCatalogue(l, plan));
  const flows = await step("journeys and campaigns", () => writeFlows(l));
  await prepareBulkLoad(l);
  const indexes = await dropSecondaryIndexes(l);
  await step("customers, consents and points", () => writeCustomers(l, plan));
  await step("orders", () => writeOrders(l, plan));
  await step("order items", () => writeOrderItems(l, options.orders));
  await step("storefront events", () => writeEvents(l, options));
  await step("runs and messages", () => writeRunsAndMessages(l, options, flows));
  await step("secondary indexes", () =>
    runAll(l, "indexes", indexes.length, indexes, { count: "statements" }),
  );
  await step("conversions and message events", () => writeConversions(l));
  await step("statistics", () => finishBulkLoad(l));
  const marker: Marker = {
    version: SEED_VERSION,
    schema,
    customers: options.customers,
    orders: options.orders,
    events: options.events,
    messages: options.messages,
    shopId: shop.id,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    seededAt: new Date().toISOString(),
  };
  await writeMarker(db, marker);
  options.log(`${engine}: seeded in ${marker.seconds} s`);
  return marker;
}

// ---- Customers' purchase histories (JS, one row per customer) ---------------------------------------

interface Plan {
  orders: Int32Array;
  firstAt: Float64Array;
  lastAt: Float64Array;
  createdAt: Float64Array;
  acquisition: Uint8Array;
}

export const ACQUISITION_CHANNELS = ["organic", "google", "meta", "affiliate"] as const;
const ACQUISITION_SHARES = [0.4, 0.28, 0.2, 0.12];
/**
 * BG/NBD parameters: purchase rate ~ Gamma(RATE_SHAPE), dropout after each purchase ~ Beta(A, B); the
 * rate's scale is fitted so the orders add up to the requested total. Ten orders per customer is a
 * loyal shop (a coffee subscription more than a furniture store): at that ratio this gives about a
 * quarter one-time buyers, a median of three orders, and a top tenth of buyers with 60 % of the
 * orders. Orders are at least MIN_GAP_DAYS apart, or heavy buyers would order several times a day.
 */
const RATE_SHAPE = 0.6;
const DROPOUT_A = 0.6;
const DROPOUT_B = 2.0;
const MIN_GAP_DAYS = 2;
const MAX_ORDERS = 1000;

function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

function gamma(random: () => number, shape: number): number {
  if (shape < 1) return gamma(random, shape + 1) * random() ** (1 / shape);
  // Marsaglia–Tsang
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Customers in sign-up order (ids follow it), each with an order count and first/last order time. */
function planCustomers(n: number, totalOrders: number): Plan {
  const random = sfc32(0x6b697a75, 0x6e61, n, totalOrders);
  const people = Array.from({ length: n }, () => {
    // The shop grows: sign-ups become more frequent over the three years.
    const created = HISTORY_DAYS * Math.sqrt(random());
    const buyer = random() < 0.88;
    const delay = random() < 0.7 ? random() * 0.02 : -30 * Math.log(1 - random());
    const pick = random();
    let acquisition = 0;
    let cumulative = ACQUISITION_SHARES[0];
    while (pick >= cumulative && acquisition < ACQUISITION_SHARES.length - 1) {
      cumulative += ACQUISITION_SHARES[++acquisition];
    }
    const x = gamma(random, DROPOUT_A);
    return {
      created,
      first: buyer && created + delay < HISTORY_DAYS ? created + delay : -1,
      rate: gamma(random, RATE_SHAPE),
      dropout: x / (x + gamma(random, DROPOUT_B)),
      seed: Math.floor(random() * 2 ** 32),
      acquisition,
    };
  });
  people.sort((a, b) => a.created - b.created);

  const orders = new Int32Array(n);
  const lastAt = new Float64Array(n);
  const simulate = (scale: number) => {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const p = people[i];
      orders[i] = 0;
      if (p.first < 0) continue;
      const draw = sfc32(p.seed, 7, 11, 13);
      let t = p.first;
      let k = 1;
      lastAt[i] = t;
      while (k < MAX_ORDERS && draw() >= p.dropout) {
        t += MIN_GAP_DAYS - Math.log(1 - draw()) / (p.rate * scale);
        if (t >= HISTORY_DAYS) break;
        k++;
        lastAt[i] = t;
      }
      orders[i] = k;
      total += k;
    }
    return total;
  };
  // Bisect the rate scale (in log space) until the total is within 0.2 %, then adjust exactly.
  let low = 1e-6;
  let high = 1e3;
  let total = 0;
  for (let i = 0; i < 60; i++) {
    const mid = Math.sqrt(low * high);
    total = simulate(mid);
    if (Math.abs(total - totalOrders) <= totalOrders * 0.002) break;
    if (total < totalOrders) low = mid;
    else high = mid;
  }
  adjustTotal(people, orders, lastAt, totalOrders - total, random);

  const plan: Plan = {
    orders,
    lastAt: new Float64Array(n),
    firstAt: new Float64Array(n),
    createdAt: new Float64Array(n),
    acquisition: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const p = people[i];
    plan.createdAt[i] = START + Math.floor(p.created * DAY);
    plan.acquisition[i] = p.acquisition;
    if (orders[i] > 0) {
      plan.firstAt[i] = START + Math.floor(p.first * DAY);
      plan.lastAt[i] = Math.max(plan.firstAt[i], START + Math.floor(lastAt[i] * DAY));
    }
  }
  return plan;
}

/** Adds or removes orders from random repeat buyers (inside their first–last window) to hit the total. */
function adjustTotal(
  people: Array<{ first: number }>,
  orders: Int32Array,
  lastAt: Float64Array,
  delta: number,
  random: () => number,
): void {
  const eligible = (min: number) => [...orders.keys()].filter((i) => orders[i] >= min);
  let pool = eligible(2);
  while (delta !== 0) {
    if (pool.length === 0) pool = eligible(1);
    if (pool.length === 0) throw new Error("cannot place orders: no buyers");
    const at = Math.floor(random() * pool.length);
    const i = pool[at];
    if (delta > 0) {
      if (orders[i] === 1) lastAt[i] = Math.min(HISTORY_DAYS - 1e-3, people[i].first + 30 * random());
      orders[i]++;
      delta--;
    } else {
      orders[i]--;
      if (orders[i] === 1) lastAt[i] = people[i].first;
      delta++;
      if (orders[i] < 2) {
        pool[at] = pool[pool.length - 1];
        pool.pop();
      }
    }
  }
}

// ---- SQL fragments, the same data on both engines -------------------------------------------------

/** Named streams of row-level randomness: each salt gives an independent uniform per row id. */
const S = {
  hasEmail: 1,
  emailGranted: 2,
  hasLine: 3,
  lineGranted: 4,
  hasPhone: 5,
  smsGranted: 6,
  lastName: 7,
  firstName: 8,
  gender: 9,
  prefecture: 10,
  birthday: 11,
  member: 12,
  points: 13,
  orderTime: 14,
  orderStatus: 15,
  orderChannel: 16,
  channelPreference: 17,
  orderLines: 18,
  coupon: 19,
  pointsUsed: 20,
  shipping: 21,
  favourite: 22,
  favouritePick: 23,
  product: 24,
  quantity: 25,
  eventCustomer: 26,
  eventAnonymous: 27,
  eventType: 28,
  eventProduct: 29,
  eventTime: 30,
  runFlow: 31,
  runCustomer: 32,
  runArm: 33,
  runSends: 34,
  runConverts: 35,
  runTime: 36,
  messageStatus: 37,
  messageOpen: 38,
  messageClick: 39,
  unsubscribe: 40,
  complaint: 41,
  pointsExpiry: 42,
} as const;

type Fragments = ReturnType<typeof fragments>;

function fragments(engine: Engine) {
  const pg = engine === "postgres";
  const TWO32 = 4294967296;
  const real = (x: number) => `cast(${x} as double precision)`;
  const LN10 = Math.log(10);
  const ZIPF_SPAN = Math.log(PRODUCTS + 10) - LN10;
  const g = {
    fence: pg ? "offset 0" : "limit -1 offset 0",
    floorInt: (x: string) => `cast(floor(${x}) as bigint)`,
    /**
     * A uniform draw in [0, 1) from a non-negative integer below 2^30 and a salt: a multiplicative
     * hash, an xor-shift, and a second multiply, in integer arithmetic that stays inside 63 bits.
     */
    u(x: string, salt: number): string {
      let a = Math.imul(salt, 0x9e3779b1) >>> 0;
      a = (Math.imul(a ^ (a >>> 15), 0x85ebca6b) | 0x80000001) >>> 0;
      const b = Math.imul(a ^ (a >>> 13), 0xc2b2ae35) >>> 0;
      const h1 = `((cast(${x} as bigint) * ${a} + ${b}) % ${TWO32})`;
      const h2 = `((${h1} | (${h1} >> 16)) - (${h1} & (${h1} >> 16)))`;
      return `(cast((${h2} * 1597334677) % ${TWO32} as double precision) / ${real(TWO32)})`;
    },
    /** A product id 1…PRODUCTS, Zipf-like (weight ∝ 1 / (rank + 9)) from a uniform draw. */
    zipf: (u: string) => `(cast(floor(exp(${real(LN10)} + ${u} * ${real(ZIPF_SPAN)})) as bigint) - 9)`,
    ts: (seconds: string) =>
      pg ? `to_timestamp(${seconds})` : `strftime('%Y-%m-%dT%H:%M:%fZ', ${seconds}, 'unixepoch')`,
    date: (seconds: string) =>
      pg ? `cast(to_timestamp(${seconds}) at time zone 'UTC' as date)` : `date(${seconds}, 'unixepoch')`,
    epoch: (column: string) =>
      pg ? `cast(extract(epoch from ${column}) as bigint)` : `unixepoch(${column})`,
    json: (text: string) => (pg ? `cast(${text} as jsonb)` : text),
    series: (n: number) =>
      pg
        ? `select i from generate_series(1, ${n}) as s(i)`
        : `with recursive s(i) as (select 1 union all select i + 1 from s where i < ${n}) select i from s`,
    /** The value at an integer index. */
    pick: (index: string, values: readonly string[]) =>
      `case ${index} ${values.map((v, i) => `when ${i} then ${quote(v)}`).join(" ")} end`,
    /** A value chosen by a uniform draw (a column, so it is computed once) against weights. */
    weighted(u: string, entries: ReadonlyArray<readonly [string | null, number]>): string {
      const sum = entries.reduce((s, [, w]) => s + w, 0);
      let cumulative = 0;
      const whens = entries.slice(0, -1).map(([v, w]) => {
        cumulative += w / sum;
        return `when ${u} < ${cumulative.toFixed(6)} then ${v === null ? "null" : quote(v)}`;
      });
      const last = entries[entries.length - 1][0];
      return `case ${whens.join(" ")} else ${last === null ? "null" : quote(last)} end`;
    },
    /** The product on line `line` of order `order` bought by `customer`: often the customer's favourite first. */
    product(order: string, line: string, customer: string): string {
      const key = `(${order}) * 4 + ${line}`;
      return `case when ${line} = 1 and ${g.u(key, S.favouritePick)} < 0.35 then ${g.zipf(g.u(customer, S.favourite))} else ${g.zipf(g.u(key, S.product))} end`;
    },
    /** 1 mostly, 2 for about 8 %, 3 for about 5 %. */
    quantity: (order: string, line: string) =>
      `1 + cast(floor(pow(${g.u(`(${order}) * 4 + ${line}`, S.quantity)}, 8) * 3) as bigint)`,
    /** Lines of an order: 1 to 4, about 1.5 on average. */
    lines: (order: string) => `1 + cast(floor(pow(${g.u(order, S.orderLines)}, 4) * 4) as bigint)`,
    emailReachable: (c: string) => `(${g.u(c, S.hasEmail)} < 0.95 and ${g.u(c, S.emailGranted)} < 0.8)`,
    lineReachable: (c: string) => `(${g.u(c, S.hasLine)} < 0.3 and ${g.u(c, S.lineGranted)} < 0.92)`,
  };
  return g;
}

const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;

// ---- Running statements in chunks, with progress --------------------------------------------------

/** Runs statements (each on a connection with the bulk-load session settings), reporting rows/s. */
async function runAll(
  l: Loader,
  label: string,
  /** Rows (or statements) expected, for the progress line; 0 when not known. */
  total: number,
  statements: string[],
  options: { count?: "rows" | "statements" } = {},
): Promise<void> {
  const started = performance.now();
  let done = 0;
  let reported = started;
  const report = (final: boolean) => {
    const now = performance.now();
    if (!final && now - reported < 5000) return;
    reported = now;
    const rate = Math.round(done / ((now - started) / 1000));
    const unit = options.count === "statements" ? "" : ` (${rate.toLocaleString()} rows/s)`;
    const of = total > 0 ? ` / ${total.toLocaleString()}` : "";
    process.stderr.write(
      `  ${l.engine} ${label}: ${done.toLocaleString()}${of}${unit}${final ? " done" : ""}\n`,
    );
  };
  const queue = [...statements];
  const worker = () =>
    l.db.connection().execute(async (conn) => {
      if (l.engine === "postgres") {
        await sql`set synchronous_commit = off`.execute(conn);
        // The generated statements are long expressions: compiling them costs more than it saves.
        await sql`set jit = off`.execute(conn);
        await sql`set work_mem = '256MB'`.execute(conn);
        await sql`set maintenance_work_mem = '1GB'`.execute(conn);
        // Two builds side by side already use both cores.
        await sql`set max_parallel_maintenance_workers = 0`.execute(conn);
        // Every row is generated consistent: skip the per-row foreign-key triggers (superuser only).
        await sql`set session_replication_role = replica`.execute(conn).catch(() => undefined);
      }
      for (let statement = queue.shift(); statement !== undefined; statement = queue.shift()) {
        const result = await sql.raw(statement).execute(conn);
        done += options.count === "statements" ? 1 : Number(result.numAffectedRows ?? 0n);
        report(false);
      }
    });
  await Promise.all(Array.from({ length: Math.min(l.concurrency, statements.length) }, worker));
  report(true);
}

/** [from, to] ranges covering 1…total in steps of `size`. */
function ranges(total: number, size: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let from = 1; from <= total; from += size) out.push([from, Math.min(total, from + size - 1)]);
  return out;
}

// The tables the bulk load fills: their secondary indexes are dropped first and rebuilt at the end
// from the definitions the migrations created, so the end state is the migrated schema.
const BULK_TABLES = [
  "customers",
  "orders",
  "order_items",
  "events",
  "scenario_runs",
  "messages",
  "point_balances",
];

async function dropSecondaryIndexes(l: Loader): Promise<string[]> {
  const tables = sql.join(BULK_TABLES.map((t) => sql.lit(t)));
  const found =
    l.engine === "postgres"
      ? await sql<{ name: string; definition: string }>`
          select indexname as name, indexdef as definition from pg_indexes
          where schemaname = current_schema() and tablename in (${tables})
            and indexname not in (select conname from pg_constraint)`.execute(l.db)
      : await sql<{ name: string; definition: string }>`
          select name, sql as definition from sqlite_master
          where type = 'index' and sql is not null and tbl_name in (${tables})`.execute(l.db);
  for (const index of found.rows) await sql`drop index ${sql.ref(index.name)}`.execute(l.db);
  return found.rows.map((r) => r.definition);
}

async function prepareBulkLoad(l: Loader): Promise<void> {
  if (l.engine === "sqlite") {
    // A failed seed is rebuilt from scratch (no marker), so the load needs no journal or fsync.
    for (const pragma of [
      "foreign_keys = off",
      "journal_mode = off",
      "synchronous = off",
      "cache_size = -1048576",
      "threads = 2",
    ]) {
      await sql.raw(`pragma ${pragma}`).execute(l.db);
    }
  }
}

async function finishBulkLoad(l: Loader): Promise<void> {
  for (const table of ["bench_seed_plan", "bench_seed_seq", "bench_seed_flow", "bench_seed_flow_step"]) {
    await sql`drop table ${sql.ref(table)}`.execute(l.db);
  }
  if (l.engine === "postgres") {
    // Ids written explicitly: move the identity sequences past them.
    for (const table of ["customers", "products", "orders", "events", "scenario_runs", "messages"]) {
      await sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select max(id) from ${sql.table(table)}))`.execute(
        l.db,
      );
    }
    // Statistics, the visibility map and hint bits, as a live database has them after autovacuum.
    const tables = [...BULK_TABLES, "consents", "products", "conversions", "message_events"];
    await runAll(
      l,
      "vacuum analyze",
      tables.length,
      tables.map((t) => `vacuum (analyze) ${t}`),
      { count: "statements" },
    );
  } else {
    await sql`pragma analysis_limit = 1000`.execute(l.db);
    await sql`analyze`.execute(l.db);
    await sql`pragma journal_mode = wal`.execute(l.db);
    await sql`pragma foreign_keys = on`.execute(l.db);
  }
}

// ---- Plan, catalogue, scenarios and campaigns -----------------------------------------------------

const CATEGORIES = [
  "food:rice,noodles,snacks,seasoning,frozen,fruit,bakery,dairy,meat,seafood",
  "coffee:beans,ground,drip-bags,instant,capsules,decaf,cold-brew,syrups,filters,equipment",
  "tea:green,black,herbal,matcha,barley,oolong,teabags,teapots,gift,cups",
  "sweets:chocolate,cookies,japanese,cakes,candy,jelly,ice-cream,gift,seasonal,baking",
  "drink:water,juice,beer,sake,wine,soda,sports,milk,smoothie,energy",
  "beauty:skincare,makeup,haircare,fragrance,nail,bodycare,mens,sunscreen,masks,tools",
  "health:supplements,vitamins,protein,diet,eyecare,oralcare,first-aid,sleep,herbal,collagen",
  "home:storage,cleaning,laundry,bath,bedding,lighting,decor,furniture,curtains,rugs",
  "kitchen:cookware,knives,tableware,glasses,utensils,appliances,lunch-boxes,bottles,towels,storage",
  "fashion:tops,bottoms,outerwear,dresses,knitwear,shirts,loungewear,socks,underwear,hats",
  "shoes:sneakers,boots,sandals,pumps,loafers,slippers,kids,running,care,insoles",
  "bags:backpacks,totes,shoulder,wallets,pouches,suitcases,eco-bags,clutches,mens,kids",
  "kids:toys,clothing,books,feeding,diapers,bath,outdoor,school,crafts,baby-care",
  "pet:dog-food,cat-food,treats,toys,care,beds,litter,aquarium,small-animals,birds",
  "outdoor:camping,hiking,cycling,fishing,bbq,picnic,lanterns,chairs,tents,travel",
  "sports:running,golf,swimming,yoga,fitness,tennis,baseball,soccer,skiing,wear",
  "electronics:audio,cables,chargers,cameras,phones,pc,gaming,smart-home,batteries,wearables",
  "books:fiction,business,cooking,comics,children,travel,hobby,study,magazines,art",
  "stationery:pens,notebooks,planners,letters,stickers,files,desk,art,calendars,wrapping",
  "garden:plants,seeds,soil,pots,tools,watering,outdoor-decor,fertiliser,bulbs,cut-flowers",
].flatMap((line) => {
  const [top, subs] = line.split(":");
  return subs.split(",").map((sub) => `${top}/${sub}`);
});
const CONSUMABLE = new Set(["food", "coffee", "tea", "sweets", "drink", "beauty", "health", "pet"]);

async function writePlanAndCatalogue(l: Loader, plan: Plan): Promise<void> {
  const { db, g } = l;
  const n = plan.orders.length;
  await sql`create table bench_seed_plan (customer_id integer primary key, orders integer not null,
    first_s bigint, last_s bigint, created_s bigint not null, order_base bigint not null,
    acquisition integer not null)`.execute(db);
  let base = 0;
  const rows: unknown[][] = [];
  for (let i = 0; i < n; i++) {
    const k = plan.orders[i];
    rows.push([
      i + 1,
      k,
      k ? plan.firstAt[i] : null,
      k ? plan.lastAt[i] : null,
      plan.createdAt[i],
      base,
      plan.acquisition[i],
    ]);
    base += k;
  }
  const columns = [
    ["customer_id", "integer"],
    ["orders", "integer"],
    ["first_s", "bigint"],
    ["last_s", "bigint"],
    ["created_s", "bigint"],
    ["order_base", "bigint"],
    ["acquisition", "integer"],
  ] as const;
  for (let from = 0; from < n; from += 20_000) {
    await bulkInsert(db, "bench_seed_plan", columns, rows.slice(from, from + 20_000));
  }
  const maxOrders = plan.orders.reduce((m, k) => Math.max(m, k), 0);
  await sql`create table bench_seed_seq (j integer primary key)`.execute(db);
  await sql.raw(`insert into bench_seed_seq (j) ${g.series(Math.max(CHUNK, maxOrders, 4))}`).execute(db);
  if (l.engine === "postgres") await sql`analyze bench_seed_plan, bench_seed_seq`.execute(db);

  const random = sfc32(20_000, 200, 7, 1);
  const now = toIso((START - 30 * DAY) * 1000);
  const products = Array.from({ length: PRODUCTS }, (_, i) => {
    const id = i + 1;
    const category = CATEGORIES[(i * 37) % CATEGORIES.length];
    const [top, sub] = category.split("/");
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const price = Math.min(
      50_000,
      Math.max(200, Math.round(Math.exp(Math.log(1800) + 0.8 * normal) / 10) * 10),
    );
    const consumable = CONSUMABLE.has(top);
    return [
      id,
      l.shopId,
      `SKU-${String(id).padStart(5, "0")}`,
      `${sub} ${id}`,
      category,
      price,
      "JPY",
      100,
      consumable ? 1 : 0,
      consumable ? 30 + (id % 4) * 15 : null,
      "{}",
      now,
      now,
    ];
  });
  const productColumns = [
    ["id", "bigint"],
    ["shop_id", "bigint"],
    ["sku", "text"],
    ["name", "text"],
    ["category_path", "text"],
    ["price", "bigint"],
    ["currency", "text"],
    ["stock", "integer"],
    ["consumable", "integer"],
    ["replenishment_days", "integer"],
    ["attributes", "jsonb"],
    ["created_at", "timestamptz"],
    ["updated_at", "timestamptz"],
  ] as const;
  for (let from = 0; from < PRODUCTS; from += 5_000) {
    await bulkInsert(db, "products", productColumns, products.slice(from, from + 5_000));
  }
  const coupon = { shop_id: l.shopId, customer_id: null, currency: "JPY", created_at: now } as const;
  const never = { expires_at: null, redeemed_at: null, redeemed_order_external_id: null } as const;
  await db
    .insertInto("coupons")
    .values([
      { ...coupon, ...never, code: "WELCOME10", kind: "percent", value: 10, min_order: 0 },
      { ...coupon, ...never, code: "SALE500", kind: "amount", value: 500, min_order: 3000 },
    ])
    .execute();
  await writeAdCosts(l, plan, random);
}

/** Advertising spend per paid channel and month, near a channel's cost per acquired buyer. */
async function writeAdCosts(l: Loader, plan: Plan, random: () => number): Promise<void> {
  const cpa: Record<string, number> = { google: 4500, meta: 3800, affiliate: 5200 };
  const spend = new Map<string, number>();
  for (let i = 0; i < plan.orders.length; i++) {
    if (plan.orders[i] === 0) continue;
    const channel = ACQUISITION_CHANNELS[plan.acquisition[i]];
    if (!(channel in cpa)) continue;
    const month = new Date((plan.firstAt[i] + 9 * 3600) * 1000).toISOString().slice(0, 7); // Asia/Tokyo
    const key = `${channel} ${month}`;
    spend.set(key, (spend.get(key) ?? 0) + cpa[channel]);
  }
  const now = toIso(ANALYTICS_AS_OF);
  const rows = [...spend].map(([key, amount]) => {
    const [channel, month] = key.split(" ");
    const noisy = Math.round((amount * (0.85 + 0.3 * random())) / 1000) * 1000;
    return { shop_id: l.shopId, channel, month, amount: noisy, currency: "JPY", updated_at: now };
  });
  for (let from = 0; from < rows.length; from += 500) {
    await l.db
      .insertInto("ad_costs")
      .values(rows.slice(from, from + 500))
      .execute();
  }
}

interface Flow {
  scenarioId: number;
  campaignId: number | null;
  share: number;
  /** A campaign's send time; journeys enter over the whole 90 days. */
  sentAt: number | null;
  steps: SendStep[];
}

interface SendStep {
  arm: string | null;
  stepId: string;
  template: string;
  offset: number;
  lineFirst: boolean;
}

/** The send steps of a definition in the order a run meets them, with their delay from entry. */
function sendSteps(definition: ScenarioDefinition): SendStep[] {
  const byId = new Map(definition.steps.map((s) => [s.id, s]));
  const out: SendStep[] = [];
  const walk = (id: string | undefined, offset: number, arm: string | null) => {
    for (let step = id ? byId.get(id) : undefined; step; ) {
      if (step.type === "split") {
        for (const a of step.arms) if (!a.holdout) walk(a.next, offset, a.name);
        return;
      }
      if (step.type === "wait") offset += durationMs(step.duration) / 1000;
      if (step.type === "send") {
        out.push({
          arm,
          stepId: step.id,
          template: step.template,
          offset,
          lineFirst: step.channels[0] === "line",
        });
      }
      if (step.type === "end" || step.type === "branch" || step.type === "wait_for_event") return;
      step = step.next ? byId.get(step.next) : undefined;
    }
  };
  walk(definition.start, 0, null);
  return out;
}

/** Two library journeys and two A/B campaigns with a holdout, through the app's own functions. */
async function writeFlows(l: Loader): Promise<Flow[]> {
  const { db, shopId } = l;
  const clock = new ManualClock(new Date((RECENT - 10 * DAY) * 1000));
  const cart = await enableLibraryScenario(db, clock, shopId, "cart-abandonment");
  const followUp = await enableLibraryScenario(db, clock, shopId, "post-purchase");
  const flows: Flow[] = [
    { scenarioId: cart.id, campaignId: null, share: 0.35, sentAt: null, steps: sendSteps(cart.definition) },
    {
      scenarioId: followUp.id,
      campaignId: null,
      share: 0.25,
      sentAt: null,
      steps: sendSteps(followUp.definition),
    },
  ];
  for (const [key, name, daysAgo] of [
    ["autumn-fair", "秋のコーヒーフェア", 40],
    ["new-blend", "新ブレンド発売", 12],
  ] as const) {
    const sentAt = AS_OF - daysAgo * DAY + 3 * 3600;
    clock.set(new Date((sentAt - 2 * DAY) * 1000));
    await ensureTemplates(
      db,
      clock,
      shopId,
      ["a", "b"].flatMap((v) =>
        (["email", "line"] as const).map((channel) => ({
          key: `${key}.${v}`,
          channel,
          locale: "ja",
          messageClass: "promotional" as const,
          subject: channel === "email" ? `${name} (${v.toUpperCase()})` : null,
          body: `${name}: {{ customer.last_name }}様へのご案内 (${v})`,
        })),
      ),
    );
    const campaign = await createCampaign(db, clock, shopId, {
      name,
      channels: ["line", "email"],
      variants: [
        { name: "A", template: `${key}.a` },
        { name: "B", template: `${key}.b` },
      ],
      abTest: { testPercent: 90, winnerAfterHours: 4, metric: "clicks" },
      holdoutPercent: 10,
    });
    // As the worker starts a due campaign (campaigns.ts startDueCampaigns), without entering anyone.
    const scenario = await createScenario(db, clock, shopId, {
      key: `campaign-${campaign.id}`,
      kind: "campaign",
      definition: campaignScenario(campaign.definition),
      activate: true,
    });
    const at = toIso(sentAt * 1000);
    await db
      .updateTable("campaigns")
      .set({
        status: "sent",
        scenario_id: scenario.id,
        scheduled_at: at,
        started_at: at,
        finished_at: at,
        updated_at: at,
      })
      .where("id", "=", campaign.id)
      .execute();
    flows.push({
      scenarioId: scenario.id,
      campaignId: campaign.id,
      share: 0.2,
      sentAt,
      steps: sendSteps(scenario.definition),
    });
  }

  await sql`create table bench_seed_flow (scenario_id bigint primary key, campaign_id bigint,
    lo double precision not null, hi double precision not null, max_sends integer not null,
    sent_s bigint, first_offset bigint not null)`.execute(db);
  await sql`create table bench_seed_flow_step (scenario_id bigint not null, campaign_id bigint,
    arm text, seq integer not null, step_id text not null, template_key text not null,
    offset_s bigint not null, line_first integer not null)`.execute(db);
  let lo = 0;
  for (const [i, f] of flows.entries()) {
    const sends = f.campaignId ? 1 : f.steps.length;
    const hi = i === flows.length - 1 ? 2 : lo + f.share;
    await sql`insert into bench_seed_flow values (${f.scenarioId}, ${f.campaignId}, ${lo}, ${hi},
      ${sends}, ${f.sentAt}, ${f.steps[0].offset})`.execute(db);
    lo += f.share;
    for (const [i, s] of f.steps.entries()) {
      await sql`insert into bench_seed_flow_step values (${f.scenarioId}, ${f.campaignId}, ${s.arm},
        ${f.campaignId ? 1 : i + 1}, ${s.stepId}, ${s.template}, ${s.offset}, ${s.lineFirst ? 1 : 0})`.execute(
        db,
      );
    }
  }
  return flows;
}

// ---- The big tables ----------------------------------------------------------------------------

const LAST_NAMES = "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上".split(
  " ",
);
const LAST_KANA =
  "サトウ スズキ タカハシ タナカ イトウ ワタナベ ヤマモト ナカムラ コバヤシ カトウ ヨシダ ヤマダ ササキ ヤマグチ マツモト イノウエ".split(
    " ",
  );
const FIRST_NAMES = "陽菜 結衣 蓮 大翔 葵 湊 凛 陽翔 芽依 悠真 美咲 翔太 さくら 健太 彩 拓海".split(" ");
const FIRST_KANA =
  "ヒナ ユイ レン ヒロト アオイ ミナト リン ハルト メイ ユウマ ミサキ ショウタ サクラ ケンタ アヤ タクミ".split(
    " ",
  );
// Population in ten-thousands (rounded): customers follow where people live.
const PREFECTURES = [
  "北海道 514 青森県 120 岩手県 118 宮城県 228 秋田県 93 山形県 104 福島県 179 茨城県 284 栃木県 192 群馬県 191 埼玉県 734",
  "千葉県 628 東京都 1404 神奈川県 923 新潟県 213 富山県 102 石川県 111 福井県 75 山梨県 80 長野県 202 岐阜県 195",
  "静岡県 355 愛知県 748 三重県 174 滋賀県 141 京都府 255 大阪府 878 兵庫県 537 奈良県 130 和歌山県 90 鳥取県 54 島根県 65",
  "岡山県 185 広島県 275 山口県 131 徳島県 70 香川県 94 愛媛県 131 高知県 67 福岡県 510 佐賀県 80 長崎県 128 熊本県 172",
  "大分県 111 宮崎県 105 鹿児島県 156 沖縄県 147",
]
  .join(" ")
  .split(" ")
  .flatMap((word, i, all) => (i % 2 === 0 ? [[word, Number(all[i + 1])] as const] : []));

async function writeCustomers(l: Loader, plan: Plan): Promise<void> {
  const { g, shopId } = l;
  const n = plan.orders.length;
  const c = "p.customer_id";
  const customerRanges = ranges(n, 100_000);
  const customers = customerRanges.map(
    ([from, to]) => `
    insert into customers (id, shop_id, external_id, email, phone, line_user_id, first_name, last_name,
      first_name_kana, last_name_kana, birthday, gender, postal_code, prefecture, address, member_rank,
      attributes, merged_into_id, created_at, updated_at)
    select c, ${shopId}, 'C' || c,
      case when u_email < 0.95 then 'c' || c || '@example.jp' end,
      case when u_phone < 0.5 then '+8190' || (10000000 + c) end,
      case when u_line < 0.3 then 'U' || (1000000000000 + c) end,
      ${g.pick("first_name", FIRST_NAMES)}, ${g.pick("last_name", LAST_NAMES)},
      ${g.pick("first_name", FIRST_KANA)}, ${g.pick("last_name", LAST_KANA)},
      case when u_birthday < 0.75 then ${g.date(`${AS_OF} - ${g.floorInt(`(18 + u_birthday / 0.75 * 60) * 365.25 * ${DAY}`)}`)} end,
      ${g.weighted("u_gender", [
        ["female", 55],
        ["male", 37],
        ["other", 1],
        [null, 7],
      ])},
      null, ${g.weighted("u_prefecture", PREFECTURES)}, null,
      case when orders = 0 then null when orders < 3 then 'regular' when orders < 10 then 'silver'
        when orders < 30 then 'gold' else 'platinum' end,
      ${g.json(`'{"acquisition_channel":"' || ${g.pick("acquisition", ACQUISITION_CHANNELS)} || '"}'`)},
      null, ${g.ts("created_s")}, ${g.ts("case when last_s > created_s then last_s else created_s end")}
    from (select p.*, ${c} as c, ${g.u(c, S.hasEmail)} as u_email, ${g.u(c, S.hasPhone)} as u_phone,
        ${g.u(c, S.hasLine)} as u_line, ${g.u(c, S.gender)} as u_gender, ${g.u(c, S.prefecture)} as u_prefecture,
        ${g.u(c, S.birthday)} as u_birthday,
        ${g.floorInt(`${g.u(c, S.firstName)} * ${FIRST_NAMES.length}`)} as first_name,
        ${g.floorInt(`${g.u(c, S.lastName)} * ${LAST_NAMES.length}`)} as last_name
      from bench_seed_plan p where ${c} between ${from} and ${to} ${g.fence}) p`,
  );
  await runAll(l, "customers", n, customers);

  // Consent per channel the customer has an address for: granted by most, refused by some.
  const consents = customerRanges.map(
    ([from, to]) => `
    insert into consents (shop_id, customer_id, channel, granted, source, updated_at)
    select ${shopId}, c, channel, granted, 'signup', ${g.ts("created_s")}
    from (select ${c} as c, p.created_s, ch.channel,
        case ch.channel
          when 'email' then case when ${g.u(c, S.hasEmail)} < 0.95 then case when ${g.u(c, S.emailGranted)} < 0.8 then 1 else 0 end end
          when 'line' then case when ${g.u(c, S.hasLine)} < 0.3 then case when ${g.u(c, S.lineGranted)} < 0.92 then 1 else 0 end end
          else case when ${g.u(c, S.hasPhone)} < 0.5 and ${g.u(c, S.smsGranted)} < 0.6 then case when ${g.u(c, S.smsGranted)} < 0.3 then 1 else 0 end end
        end as granted
      from bench_seed_plan p
      join (select 'email' as channel union all select 'line' union all select 'sms') ch on 1 = 1
      where ${c} between ${from} and ${to} ${g.fence}) x
    where granted is not null`,
  );
  await runAll(l, "consents", Math.round(n * 1.4), consents);

  // Members with a balance; most have points expiring in the next six months.
  const points = customerRanges.map(
    ([from, to]) => `
    insert into point_balances (shop_id, customer_id, balance, next_expiry_at, next_expiry_points, updated_at)
    select ${shopId}, c, balance, case when u_expiry < 0.6 then ${g.ts(`${AS_OF} + ${g.floorInt(`u_expiry / 0.6 * 180 * ${DAY}`)}`)} end,
      case when u_expiry < 0.6 then balance / 3 else 0 end, ${g.ts("last_s")}
    from (select ${c} as c, p.last_s, p.orders * 40 + ${g.floorInt(`${g.u(c, S.points)} * 300`)} as balance,
        ${g.u(c, S.pointsExpiry)} as u_expiry
      from bench_seed_plan p
      where ${c} between ${from} and ${to} and p.orders > 0 and ${g.u(c, S.member)} < 0.7 ${g.fence}) x`,
  );
  await runAll(l, "point balances", Math.round(n * 0.6), points);
}

/**
 * Orders per customer from the plan: the first and last at the planned times, the rest spread evenly
 * between them with a random shift of up to ±45 % of a gap, so they stay in order.
 */
async function writeOrders(l: Loader, plan: Plan): Promise<void> {
  const { g, shopId } = l;
  const total = plan.orders.reduce((s, k) => s + k, 0);
  // Customer ranges holding about CHUNK orders each.
  const chunks: Array<[number, number]> = [];
  for (let i = 0, from = 1, count = 0; i < plan.orders.length; i++) {
    count += plan.orders[i];
    if (count >= CHUNK || i === plan.orders.length - 1) {
      chunks.push([from, i + 1]);
      from = i + 2;
      count = 0;
    }
  }
  const oid = "p.order_base + s.j";
  const lines = [1, 2, 3, 4];
  const status = `case when u_status < 0.02 then 'cancelled' when u_status < 0.03 then 'returned'
    when t > ${AS_OF - 2 * DAY} then 'paid' when t > ${AS_OF - 6 * DAY} then 'shipped' else 'completed' end`;
  const welcome = "j = 1 and u_coupon < 0.2";
  const sale = "j > 1 and u_coupon < 0.05 and subtotal >= 3000";
  const discount = `(case when ${welcome} then subtotal / 10 when ${sale} then 500 else 0 end)`;
  const shipping = `(case when channel = 'store' or subtotal - ${discount} >= 5000 then 0 else 550 end)`;
  const pointsUsed = `(case when u_points < 0.08 then case when subtotal - ${discount} >= 5000 then 500 else 100 end else 0 end)`;
  const statements = chunks.map(([from, to]) => {
    const drawn = `select p.customer_id as c, ${oid} as oid, s.j as j, p.orders as k, p.first_s, p.last_s,
        ${g.u(oid, S.orderTime)} as u_time, ${g.u(oid, S.orderStatus)} as u_status,
        ${g.u(oid, S.orderChannel)} as u_channel, ${g.u("p.customer_id", S.channelPreference)} as u_pref,
        ${g.lines(oid)} as n, ${g.u(oid, S.coupon)} as u_coupon, ${g.u(oid, S.pointsUsed)} as u_points,
        ${g.u(oid, S.shipping)} as u_ship
      from bench_seed_plan p join bench_seed_seq s on s.j <= p.orders
      where p.customer_id between ${from} and ${to} ${g.fence}`;
    // Some customers shop in the stores, some on marketplaces; most online.
    const shaped = `select a.*,
        case when j = 1 then first_s when j = k then last_s
          else first_s + ${g.floorInt("(last_s - first_s) * (j - 1 + 0.9 * (u_time - 0.5)) / (k - 1)")} end as t,
        case when u_pref < 0.15 then case when u_channel < 0.8 then 'store' else 'online' end
          when u_pref < 0.23 then case when u_channel < 0.7 then 'marketplace' else 'online' end
          else case when u_channel < 0.92 then 'online' when u_channel < 0.97 then 'store' else 'marketplace' end
        end as channel,
        ${lines
          .map((line) => {
            // Only the lines the order has: most orders have one.
            const only = (x: string) => (line === 1 ? x : `case when n >= ${line} then ${x} end`);
            return `${only(g.product("oid", String(line), "c"))} as pid${line}, ${only(g.quantity("oid", String(line)))} as q${line}`;
          })
          .join(",\n        ")}
      from (${drawn}) a ${g.fence}`;
    // Joins rather than a subquery per line: PostgreSQL runs a correlated subquery per row.
    const priced = `select b.*, q1 * p1.price + ${lines
      .slice(1)
      .map((line) => `coalesce(q${line} * p${line}.price, 0)`)
      .join(" + ")} as subtotal
      from (${shaped}) b join products p1 on p1.id = b.pid1
      ${lines
        .slice(1)
        .map((line) => `left join products p${line} on p${line}.id = b.pid${line}`)
        .join(" ")} ${g.fence}`;
    return `
    insert into orders (id, shop_id, external_id, customer_id, channel, store_id, status, ordered_at, shipped_at,
      currency, subtotal, discount, shipping, tax, total, coupon_code, points_used, created_at, updated_at)
    select oid, ${shopId}, 'O' || oid, c, channel, case when channel = 'store' then 'S' || (1 + c % 12) end,
      ${status}, ${g.ts("t")},
      case when channel <> 'store' and (${status}) in ('shipped', 'completed', 'returned')
        then ${g.ts(`t + ${DAY} * (1 + ${g.floorInt("u_ship * 3")})`)} end,
      'JPY', subtotal, ${discount}, ${shipping}, (subtotal - ${discount}) * 10 / 110,
      subtotal - ${discount} + ${shipping} - ${pointsUsed},
      case when ${welcome} then 'WELCOME10' when ${sale} then 'SALE500' end, ${pointsUsed}, ${g.ts("t")}, ${g.ts("t")}
    from (${priced}) x`;
  });
  await runAll(l, "orders", total, statements);
}

/** Items drawn from the same hashes as the orders' subtotals, so they add up. */
async function writeOrderItems(l: Loader, orders: number): Promise<void> {
  const { g, shopId } = l;
  const statements = ranges(orders, CHUNK).map(
    ([from, to]) => `
    insert into order_items (shop_id, order_id, line_no, product_id, sku, name, quantity, unit_price, line_total)
    select ${shopId}, x.oid, x.line, pr.id, pr.sku, pr.name, x.q, pr.price, x.q * pr.price
    from (select o.id as oid, s.j as line, ${g.product("o.id", "s.j", "o.customer_id")} as pid,
        ${g.quantity("o.id", "s.j")} as q
      from orders o join (select j from bench_seed_seq where j <= 4) s on s.j <= ${g.lines("o.id")}
      where o.id between ${from} and ${to} ${g.fence}) x
    join products pr on pr.id = x.pid`,
  );
  await runAll(l, "order items", Math.round(orders * 1.52), statements);
}

/** Product views and cart adds over the last 90 days; a quarter from visitors not yet identified. */
async function writeEvents(l: Loader, options: AnalyticsSeedOptions): Promise<void> {
  const { g, shopId } = l;
  const statements = ranges(options.events, CHUNK).map(([from, to]) => {
    const e = `${from - 1} + s.j`;
    return `
    insert into events (id, shop_id, customer_id, visitor_id, type, product_id, sku, properties, occurred_at,
      received_at, event_key)
    select e, ${shopId}, case when u_anonymous < 0.25 then null else c end,
      case when u_anonymous < 0.25 then 'a' || ${g.floorInt(`u_anonymous * ${options.events}`)} else 'v' || c end,
      case when u_type < 0.15 then 'cart_add' else 'product_view' end, pr.id, pr.sku, ${g.json("'{}'")},
      ${g.ts("t")}, ${g.ts("t + 1")}, null
    from (select ${e} as e, 1 + ${g.floorInt(`${g.u(e, S.eventCustomer)} * ${options.customers}`)} as c,
        ${g.u(e, S.eventAnonymous)} as u_anonymous, ${g.u(e, S.eventType)} as u_type,
        ${g.zipf(g.u(e, S.eventProduct))} as pid, ${AS_OF} - ${g.floorInt(`${g.u(e, S.eventTime)} * ${90 * DAY}`)} as t
      from bench_seed_seq s where s.j <= ${to - from + 1} ${g.fence}) x
    join products pr on pr.id = x.pid`;
  });
  await runAll(l, "events", options.events, statements);
}

/**
 * Runs of the journeys and campaigns over the last 90 days and the messages they sent. A journey run
 * converts when the customer's last order fell just after entry (the run then entered a day or two
 * before it); a campaign run converts when the last order fell in the 72 hours after the send, less
 * often in the holdout, so the holdout shows a lift. A message's id is its run's id × 8 + its step
 * number (sparse, but the same on both engines whichever chunk finishes first); steps that would fall
 * after as-of are not sent.
 */
async function writeRunsAndMessages(l: Loader, options: AnalyticsSeedOptions, flows: Flow[]): Promise<void> {
  const { g, shopId } = l;
  const perRun = flows.reduce((s, f) => s + f.share * (f.campaignId ? 0.9 : (f.steps.length + 1) / 2), 0);
  const runs = Math.max(1, Math.round(options.messages / perRun));
  const runStatements = ranges(runs, CHUNK).map(([from, to]) => {
    const r = `${from - 1} + s.j`;
    const drawn = `select ${r} as r, ${g.u(r, S.runFlow)} as u_flow,
        1 + ${g.floorInt(`${g.u(r, S.runCustomer)} * ${options.customers}`)} as c,
        ${g.u(r, S.runArm)} as u_arm, ${g.u(r, S.runSends)} as u_sends, ${g.u(r, S.runConverts)} as u_conv,
        ${g.u(r, S.runTime)} as u_time
      from bench_seed_seq s where s.j <= ${to - from + 1} ${g.fence}`;
    const journeyConverts = (p: string) =>
      `${p}orders > 0 and ${p}last_s >= ${AS_OF - 88 * DAY} and u_conv < 0.1`;
    const entered = `select d.*, f.scenario_id, f.campaign_id, f.max_sends, f.sent_s, p.last_s, p.orders,
        case when f.campaign_id is null then null when u_arm < 0.1 then 'holdout' when u_arm < 0.55 then 'A' else 'B' end as arm,
        case when f.campaign_id is not null then f.sent_s + ${g.floorInt("u_time * 7200")}
          when ${journeyConverts("p.")} then p.last_s - f.first_offset - 3600 - ${g.floorInt("u_time * 46 * 3600")}
          else ${RECENT} + ${g.floorInt(`u_time * ${87 * DAY}`)} end as entered_s
      from (${drawn}) d join bench_seed_flow f on d.u_flow >= f.lo and d.u_flow < f.hi
      join bench_seed_plan p on p.customer_id = d.c ${g.fence}`;
    const converted = `select e.*,
        case when campaign_id is null then case when ${journeyConverts("")} then 1 else 0 end
          when orders > 0 and last_s >= entered_s and last_s < sent_s + ${3 * DAY} and (arm <> 'holdout' or u_conv < 0.7) then 1
          else 0 end as conv
      from (${entered}) e ${g.fence}`;
    const sends = `case when arm = 'holdout' then 0 when campaign_id is not null or conv = 1 then 1
      else 1 + ${g.floorInt("u_sends * max_sends")} end`;
    return `
    insert into scenario_runs (id, shop_id, scenario_id, version, customer_id, entry_key, status, step_id, step_seq,
      next_at, waiting_for, arm, holdout, context, entered_at, ended_at, end_reason)
    select r, ${shopId}, scenario_id, 1, c, 'bench:' || r, case when conv = 1 then 'exited' else 'completed' end,
      null, ${sends}, null, null, arm, case when arm = 'holdout' then 1 else 0 end,
      ${g.json(`case when campaign_id is null then '{}' else '{"campaignId":' || campaign_id || '}' end`)},
      ${g.ts("entered_s")},
      ${g.ts(`case when conv = 1 then last_s when entered_s + ${DAY} * (1 + 3 * (${sends})) > ${AS_OF} then ${AS_OF}
        else entered_s + ${DAY} * (1 + 3 * (${sends})) end`)},
      case when conv = 1 then 'goal:order_placed' else 'completed' end
    from (${converted}) x`;
  });
  await runAll(l, "scenario runs", runs, runStatements);

  const messageStatements = ranges(runs, CHUNK).map(([from, to]) => {
    const key = "r.id * 8 + fs.seq";
    const drawn = `select r.id as run_id, r.customer_id as c, r.scenario_id, r.arm, r.step_seq, r.end_reason,
        ${g.epoch("r.entered_at")} as entered_s, ${g.epoch("r.ended_at")} as ended_s,
        fs.seq, fs.step_id, fs.template_key, fs.offset_s, fs.line_first, fs.campaign_id,
        case when ${g.emailReachable("r.customer_id")} then 1 else 0 end as email_ok,
        case when ${g.lineReachable("r.customer_id")} then 1 else 0 end as line_ok,
        ${g.u(key, S.messageStatus)} as u_status, ${g.u(key, S.messageOpen)} as u_open,
        ${g.u(key, S.messageClick)} as u_click
      from scenario_runs r join bench_seed_flow_step fs on fs.scenario_id = r.scenario_id
        and fs.seq <= r.step_seq and (fs.arm is null or fs.arm = r.arm)
      where r.id between ${from} and ${to} ${g.fence}`;
    // The first channel the customer is reachable on with consent, in the step's order.
    const sent = `select d.*, entered_s + offset_s as queued_s,
        case when line_first = 1 and line_ok = 1 then 'line' when email_ok = 1 then 'email'
          when line_ok = 1 then 'line' else 'email' end as channel,
        case when email_ok = 0 and line_ok = 0 then 'suppressed'
          when u_status < 0.015 and not (line_first = 1 and line_ok = 1) and email_ok = 1 then 'bounced'
          when u_status < 0.02 then 'failed' else 'delivered' end as status,
        case when end_reason = 'goal:order_placed' and seq = step_seq then 1 else 0 end as converting
      from (${drawn}) d ${g.fence}`;
    const opened = `select s.*,
        case when status = 'delivered' and (converting = 1 or u_open < case channel when 'line' then 0.55 else 0.3 end)
          then queued_s + 60 + ${g.floorInt("u_open * 1800")} end as opened_s,
        case when status = 'delivered' and converting = 1 then ended_s end as converted_s
      from (${sent}) s ${g.fence}`;
    const clicked = `select o.*, case when opened_s is not null and (converting = 1 or u_click < 0.25)
        then opened_s + 30 + ${g.floorInt("u_click * 600")} end as clicked_s
      from (${opened}) o ${g.fence}`;
    return `
    insert into messages (id, shop_id, customer_id, channel, template_key, message_class, status, status_reason,
      idempotency_key, scenario_id, scenario_version, run_id, step_id, campaign_id, variant, payload, queued_at,
      sent_at, opened_at, clicked_at, updated_at, due_at, attempts, address, provider_id, delivered_at, converted_at)
    select run_id * 8 + seq, ${shopId}, c, channel, template_key, 'promotional', status,
      case status when 'suppressed' then 'no_consent' when 'bounced' then 'hard_bounce' when 'failed' then 'provider_error' end,
      'run:' || run_id || ':' || seq, scenario_id, 1, run_id, step_id, campaign_id, arm, ${g.json("'{}'")},
      ${g.ts("queued_s")}, case when status <> 'suppressed' then ${g.ts("queued_s + 20")} end,
      ${g.ts("opened_s")}, ${g.ts("clicked_s")}, ${g.ts("coalesce(converted_s, clicked_s, opened_s, queued_s + 20)")},
      null, case when status = 'suppressed' then 0 else 1 end,
      case channel when 'line' then 'U' || (1000000000000 + c) else 'c' || c || '@example.jp' end, null,
      case when status = 'delivered' then ${g.ts("queued_s + 22")} end, ${g.ts("converted_s")}
    from (${clicked}) x
    where queued_s <= ${AS_OF - 3600}`;
  });
  await runAll(l, "messages", options.messages, messageStatements);
}

/** Conversions (credited to the converting message, or to the run alone) and unsubscribes and complaints. */
async function writeConversions(l: Loader): Promise<void> {
  const { g, shopId } = l;
  const lastOrder =
    "join bench_seed_plan p on p.customer_id = x.customer_id join orders o on o.id = p.order_base + p.orders";
  await runAll(l, "conversions", 0, [
    `insert into conversions (shop_id, customer_id, order_id, scenario_id, scenario_version, run_id, step_id,
      message_id, campaign_id, revenue, currency, converted_at)
    select ${shopId}, x.customer_id, o.id, x.scenario_id, 1, x.run_id, x.step_id, x.id, x.campaign_id, o.total, 'JPY', x.converted_at
    from messages x ${lastOrder}
    where x.shop_id = ${shopId} and x.converted_at is not null`,
    `insert into conversions (shop_id, customer_id, order_id, scenario_id, scenario_version, run_id, step_id,
      message_id, campaign_id, revenue, currency, converted_at)
    select ${shopId}, x.customer_id, o.id, x.scenario_id, 1, x.id, null, null, f.campaign_id, o.total, 'JPY', x.ended_at
    from scenario_runs x ${lastOrder} join bench_seed_flow f on f.scenario_id = x.scenario_id
    where x.shop_id = ${shopId} and x.end_reason = 'goal:order_placed'
      and not exists (select 1 from messages m where m.run_id = x.id and m.converted_at is not null)`,
    `insert into message_events (shop_id, message_id, type, reason, detail, at)
    select ${shopId}, id,
      case when channel = 'email' and ${g.u("id", S.complaint)} < 0.1 then 'complaint' else 'unsubscribe' end,
      case when channel = 'line' then 'blocked' else 'link' end, null, ${g.ts(`${g.epoch("sent_at")} + 3600`)}
    from messages where shop_id = ${shopId} and status = 'delivered' and ${g.u("id", S.unsubscribe)} < 0.003`,
  ]);
}
