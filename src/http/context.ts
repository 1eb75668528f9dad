// What every route module receives: the database, the clock and the logger, passed down explicitly.
import type { FastifyPluginAsync } from "fastify";
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { ConsentRecorder } from "../customers/consents.js";
import type { Db } from "../db/index.js";

export interface AppContext {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Instance signing secret (tracking links, webhooks of our own). */
  secret: string;
  /** How the outside world reaches this instance (PUBLIC_URL), for links and webhook URLs. */
  publicUrl?: string;
  /** How consents stated through the API are recorded (buildApp sets double opt-in's). */
  recordConsents?: ConsentRecorder;
}

/** A feature's routes: a Fastify plugin that takes the app context as its options. */
export type RoutePlugin = FastifyPluginAsync<{ ctx: AppContext }>;
