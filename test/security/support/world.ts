// The cross-shop test's instance: one real database and app, with every route the app registers
// collected as it is registered, and three shops: A (the one attacked), B (the attacker) and C (B's
// twin, seeded the same way, so an answer B gets can be compared with what a shop like B should get).
import type { FastifyInstance, RouteOptions } from "fastify";
import { ManualClock } from "../../../src/core/clock.js";
import { silentLogger } from "../../../src/core/logger.js";
import { buildApp } from "../../../src/http/app.js";
import type { AppContext } from "../../../src/http/context.js";
import { type CreatedShop, createShop } from "../../../src/shops/index.js";
import { createTestDb, type TestDb } from "../../support/db.js";

/** A route as the app registered it: what the cross-shop table is keyed by. */
export interface RegisteredRoute {
  /** "GET /v1/customers/:externalId" */
  key: string;
  method: string;
  url: string;
  /** config.auth as declared; routes that declare none are open ("none"), as the auth hook treats them. */
  auth: string;
  publicKeyInQuery: boolean;
}

export interface World {
  app: FastifyInstance;
  ctx: AppContext;
  clock: ManualClock;
  testDb: TestDb;
  routes: RegisteredRoute[];
  a: CreatedShop;
  b: CreatedShop;
  c: CreatedShop;
  /** Another app on the same database and context: its key cache starts empty. */
  freshApp(): Promise<FastifyInstance>;
  close(): Promise<void>;
}

export const INSTANCE_SECRET = "cross-shop-instance-secret-0123456789";

function collect(into: RegisteredRoute[]) {
  return (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      // Fastify adds a HEAD twin to every GET; the Swagger UI serves its static files under /docs, the
      // admin its built files under /assets (one route per file of the build, no shop data).
      if (method === "HEAD" || route.url.startsWith("/docs") || route.url.startsWith("/assets/")) continue;
      into.push({
        key: `${method} ${route.url}`,
        method,
        url: route.url,
        auth: String(route.config?.auth ?? "none"),
        publicKeyInQuery: route.config?.publicKeyInQuery === true,
      });
    }
  };
}

/** `marker` goes into A's name; B and C share theirs, so that nothing but their data tells them apart. */
export async function createWorld(start: string, marker: string): Promise<World> {
  const testDb = await createTestDb();
  const clock = new ManualClock(start);
  const ctx: AppContext = { db: testDb.db, clock, logger: silentLogger, secret: INSTANCE_SECRET };
  const a = await createShop(testDb.db, clock, { name: `Shop ${marker}` });
  const b = await createShop(testDb.db, clock, { name: "Twin shop" });
  const c = await createShop(testDb.db, clock, { name: "Twin shop" });
  const routes: RegisteredRoute[] = [];
  const app = await buildApp(ctx, { onRoute: collect(routes) });
  await app.ready();
  const others: FastifyInstance[] = [];
  return {
    app,
    ctx,
    clock,
    testDb,
    routes,
    a,
    b,
    c,
    async freshApp() {
      const other = await buildApp(ctx);
      await other.ready();
      others.push(other);
      return other;
    },
    async close() {
      for (const other of others) await other.close();
      await app.close();
      await testDb.cleanup();
    },
  };
}
