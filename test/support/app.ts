// A real Fastify app on a real test database, with a shop and its keys, driven through HTTP injection.
import type { FastifyInstance } from "fastify";
import type { Role } from "../../src/accounts/roles.js";
import { csrfTokenFor, SESSION_COOKIE, signIn } from "../../src/accounts/sessions.js";
import { addMember } from "../../src/accounts/users.js";
import { ManualClock } from "../../src/core/clock.js";
import { silentLogger } from "../../src/core/logger.js";
import { type BuildAppOptions, buildApp } from "../../src/http/app.js";
import type { AppContext } from "../../src/http/context.js";
import { type CreatedShop, createShop } from "../../src/shops/index.js";
import { createTestDb, type TestDb } from "./db.js";

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  clock: ManualClock;
  testDb: TestDb;
  shop: CreatedShop;
  /** Authorization header with the shop's secret key. */
  secret: { authorization: string };
  /** Authorization header with the shop's public (storefront) key. */
  public: { authorization: string };
  close(): Promise<void>;
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export async function createTestApp(
  start = "2026-06-01T00:00:00.000Z",
  options: BuildAppOptions = {},
): Promise<TestApp> {
  const testDb = await createTestDb();
  const clock = new ManualClock(start);
  const ctx: AppContext = { db: testDb.db, clock, logger: silentLogger, secret: "test-secret-0123456789" };
  const shop = await createShop(testDb.db, clock, { name: "Test Shop" });
  const app = await buildApp(ctx, options);
  await app.ready();
  return {
    app,
    ctx,
    clock,
    testDb,
    shop,
    secret: bearer(shop.secretKey),
    public: bearer(shop.publicKey),
    async close() {
      await app.close();
      await testDb.cleanup();
    },
  };
}

/** Headers of a new member of the shop in this role (`<role>@shop.example`), signed in to the admin. */
export async function memberHeaders(t: TestApp, role: Role): Promise<Record<string, string>> {
  const email = `${role}@shop.example`;
  await addMember(t.ctx.db, t.clock, t.shop.shop.id, { email, role, password: "a long passphrase" });
  const outcome = await signIn(t.ctx.db, t.clock, email, "a long passphrase");
  if (!outcome.ok) throw new Error(`could not sign in as ${email}`);
  const { token } = outcome.session;
  return {
    cookie: `${SESSION_COOKIE}=${token}`,
    "x-csrf-token": csrfTokenFor(t.ctx.secret, token),
    "x-kizuna-shop": String(t.shop.shop.id),
  };
}
