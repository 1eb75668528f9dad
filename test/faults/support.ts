// Helpers for the fault tests: a seeded random source (the seed is printed, so a failing run can be
// replayed with FAULTS_SEED), the real `kizuna worker` as a child process, polling, and a shop whose
// email goes to an SMTP sink, with a scenario (send, wait, branch, send) and a campaign to a segment.
import { type ChildProcess, spawn } from "node:child_process";
import { sql } from "kysely";
import { createCampaign, scheduleCampaign } from "../../src/campaigns/index.js";
import type { Clock } from "../../src/core/clock.js";
import { toIso } from "../../src/core/clock.js";
import { bulkInsert } from "../../src/db/bulk.js";
import type { Db } from "../../src/db/index.js";
import { saveChannelSettings } from "../../src/messaging/channels/settings.js";
import { createScenario, ensureTemplates } from "../../src/scenarios/index.js";
import { saveSegment } from "../../src/segments/index.js";
import { createShop } from "../../src/shops/index.js";
import { saveShopProfile } from "../../src/shops/profile.js";
import { BIN, type CliResult } from "../support/cli.js";

/** mulberry32: small, fast and good enough to pick kill times reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** FAULTS_SEED when given (to replay a run), else a fresh one; printed either way. */
export function faultSeed(what: string): number {
  const given = process.env.FAULTS_SEED;
  const seed = given ? Number(given) : Math.floor(Math.random() * 2 ** 31);
  console.log(`${what}: seed ${seed} (replay with FAULTS_SEED=${seed})`);
  return seed;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `condition` holds; a condition that throws (a database going away) counts as not yet. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  pollMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await condition()) return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`, { cause: lastError });
    }
    await sleep(pollMs);
  }
}

export const FAULT_SECRET = "faults-test-secret-0123456789";
export const PUBLIC_URL = "https://crm.kizuna-sabo.jp";
/** Seconds a dead worker's claim on a message holds before a new worker takes it over. */
export const LEASE_SECONDS = 3;

export interface WorkerProcess {
  child: ChildProcess;
  /** What the worker wrote to stderr (its log, at the level given). */
  log(): string;
  exited: Promise<number | null>;
}

/** The real `kizuna worker` (built bin), polling every 0.2 s, with a short message lease. */
export function startWorker(
  env: Record<string, string>,
  logLevel = process.env.FAULTS_LOG ?? "silent",
): WorkerProcess {
  const child = spawn(
    process.execPath,
    [BIN, "worker", "--interval", "0.2", "--lease", String(LEASE_SECONDS)],
    {
      env: {
        ...process.env,
        KIZUNA_SECRET: FAULT_SECRET,
        PUBLIC_URL,
        LOG_LEVEL: logLevel,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  // FAULTS_LOG=info shows the workers' logs while a fault test runs.
  if (process.env.FAULTS_LOG) child.stdout?.pipe(process.stderr);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, log: () => log, exited };
}

export async function killHard(worker: WorkerProcess | undefined): Promise<void> {
  if (!worker || worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill("SIGKILL");
  await worker.exited;
}

export async function stopGently(worker: WorkerProcess | undefined): Promise<void> {
  if (!worker || worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill("SIGTERM");
  const done = await Promise.race([worker.exited.then(() => true), sleep(10_000).then(() => false)]);
  if (!done) await killHard(worker);
}

export const isRoot = process.getuid?.() === 0;

/**
 * Runs `kizuna` as another user than the test's: as root (which writes to any file whatever its mode)
 * under `nobody`, so file permissions bind as they do for a real operator; otherwise as the test's user.
 */
export function runKizunaAs(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<CliResult & { timedOut: boolean }> {
  const command = isRoot ? "runuser" : process.execPath;
  const argv = isRoot ? ["-u", "nobody", "--", process.execPath, BIN, ...args] : [BIN, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      env: { ...process.env, LOG_LEVEL: "silent", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** A stack trace line: what an operator should never be handed for a known fault. */
export const STACK_LINE = /^\s+at .+\(?.+:\d+:\d+\)?$/m;

export async function count(db: Db, query: string): Promise<number> {
  const rows = await sql<{ n: number }>`${sql.raw(query)}`.execute(db);
  return Number(rows.rows[0].n);
}

export const SCENARIO_KEY = "welcome-series";
/** Steps logged per scenario run: welcome, pause, check, vip or regular, end. */
export const SCENARIO_STEPS = 5;
export const SEGMENT_KEY = "sale-list";

export interface FaultShop {
  shopId: number;
  scenarioId: number;
  campaignId: number | null;
  /** The Message-ID a mail for message `id` carries. */
  messageId(id: number): string;
}

/**
 * A shop whose email goes through `smtpPort` with `poolWidth` connections; `scenarioCustomers`
 * customers who each add to cart once (entering the welcome series when the worker reads the events),
 * and `campaignCustomers` others, consenting, in a segment that a campaign scheduled for now is sent to.
 */
export async function seedFaultShop(
  db: Db,
  clock: Clock,
  options: { smtpPort: number; poolWidth: number; scenarioCustomers: number; campaignCustomers: number },
): Promise<FaultShop> {
  const { shop } = await createShop(db, clock, { name: "きずな茶房" });
  const shopId = shop.id;
  await saveShopProfile(db, shopId, {
    url: "https://kizuna-sabo.jp",
    address: "〒150-0001 東京都渋谷区神宮前1-2-3",
    email: "info@kizuna-sabo.jp",
    phone: "03-1234-5678",
  });
  await saveChannelSettings(db, clock, FAULT_SECRET, shopId, "email", {
    provider: "smtp",
    settings: {
      host: "127.0.0.1",
      port: options.smtpPort,
      fromAddress: "news@kizuna-sabo.jp",
      fromName: "きずな茶房",
      maxConnections: options.poolWidth,
      ratePerSecond: 10_000,
    },
    secrets: {},
  });
  await ensureTemplates(db, clock, shopId, [
    ...["welcome.first", "welcome.vip", "welcome.regular"].map((key) => ({
      key,
      channel: "email" as const,
      locale: "ja",
      messageClass: "transactional" as const,
      subject: `${key}`,
      body: `{{ customer.first_name }}さん、${key}`,
    })),
    {
      key: "sale.summer",
      channel: "email" as const,
      locale: "ja",
      messageClass: "promotional" as const,
      subject: "夏のセール",
      // What a promotional mail must carry (特定電子メール法): the sender and a way to opt out.
      body:
        "<p>{{ customer.first_name }}さん、夏のセールです</p><p>{{ shop.name }} {{ shop.address }}</p>" +
        '<p><a href="{{ unsubscribeUrl }}">配信停止</a></p>',
    },
  ]);

  const scenario = await createScenario(db, clock, shopId, {
    key: SCENARIO_KEY,
    activate: true,
    definition: {
      name: "Welcome series",
      trigger: { type: "event", eventTypes: ["cart_add"] },
      reentry: "never",
      start: "welcome",
      steps: [
        {
          id: "welcome",
          type: "send",
          template: "welcome.first",
          channels: ["email"],
          messageClass: "transactional",
          next: "pause",
        },
        // A wait that ends at once still parks the run and picks it up again in a later pass.
        { id: "pause", type: "wait", duration: { minutes: 0 }, next: "check" },
        {
          id: "check",
          type: "branch",
          condition: { type: "attribute", name: "vip", op: "eq", value: true },
          yes: "vip",
          no: "regular",
        },
        {
          id: "vip",
          type: "send",
          template: "welcome.vip",
          channels: ["email"],
          messageClass: "transactional",
          next: "end",
        },
        {
          id: "regular",
          type: "send",
          template: "welcome.regular",
          channels: ["email"],
          messageClass: "transactional",
          next: "end",
        },
        { id: "end", type: "end" },
      ],
    },
  });

  const now = toIso(clock.now());
  const addCustomers = async (prefix: string, n: number, attributes: (i: number) => object) => {
    const ids: number[] = [];
    for (let start = 0; start < n; start += 2_000) {
      const rows = Array.from({ length: Math.min(2_000, n - start) }, (_, k) => {
        const i = start + k;
        return [
          shopId,
          `${prefix}${i}`,
          `${prefix.toLowerCase()}${i}@example.jp`,
          "山田",
          `花子${i}`,
          JSON.stringify(attributes(i)),
          now,
          now,
        ];
      });
      const inserted = await bulkInsert<{ id: number }>(
        db,
        "customers",
        [
          ["shop_id", "bigint"],
          ["external_id", "text"],
          ["email", "text"],
          ["last_name", "text"],
          ["first_name", "text"],
          ["attributes", "jsonb"],
          ["created_at", "timestamptz"],
          ["updated_at", "timestamptz"],
        ],
        rows,
        { returning: ["id"] },
      );
      ids.push(...inserted.rows.map((r) => Number(r.id)));
    }
    return ids;
  };

  const scenarioIds = await addCustomers("S", options.scenarioCustomers, (i) => ({ vip: i % 3 === 0 }));
  // Received a little in the past, so the trigger pass (which reads events once settled) takes them now.
  const received = toIso(clock.now().getTime() - 10_000);
  for (let start = 0; start < scenarioIds.length; start += 2_000) {
    await bulkInsert(
      db,
      "events",
      [
        ["shop_id", "bigint"],
        ["customer_id", "bigint"],
        ["type", "text"],
        ["sku", "text"],
        ["properties", "jsonb"],
        ["occurred_at", "timestamptz"],
        ["received_at", "timestamptz"],
      ],
      scenarioIds
        .slice(start, start + 2_000)
        .map((id) => [shopId, id, "cart_add", "MATCHA-100", "{}", received, received]),
    );
  }

  let campaignId: number | null = null;
  if (options.campaignCustomers > 0) {
    const campaignIds = await addCustomers("C", options.campaignCustomers, () => ({ tags: [SEGMENT_KEY] }));
    for (let start = 0; start < campaignIds.length; start += 2_000) {
      await bulkInsert(
        db,
        "consents",
        [
          ["shop_id", "bigint"],
          ["customer_id", "bigint"],
          ["channel", "text"],
          ["granted", "integer"],
          ["source", "text"],
          ["updated_at", "timestamptz"],
        ],
        campaignIds.slice(start, start + 2_000).map((id) => [shopId, id, "email", 1, "test", now]),
      );
    }
    await saveSegment(db, clock, shopId, {
      key: SEGMENT_KEY,
      name: "Sale list",
      rule: { type: "tag", tag: SEGMENT_KEY },
    });
    const campaign = await createCampaign(db, clock, shopId, {
      name: "Summer sale",
      audience: { type: "segment", key: SEGMENT_KEY },
      channels: ["email"],
      variants: [{ name: "A", template: "sale.summer" }],
      holdoutPercent: 10,
    });
    await scheduleCampaign(db, clock, shopId, campaign.id);
    campaignId = campaign.id;
  }

  return {
    shopId,
    scenarioId: scenario.id,
    campaignId,
    messageId: (id) => `<kizuna.${shopId}.${id}@kizuna-sabo.jp>`,
  };
}
