// Instance-wide settings: the signing secret is generated on first start and kept in the database,
// so every API and worker process of one instance signs links with the same key.
import { randomBytes } from "node:crypto";
import type { Db } from "../db/index.js";

const SECRET_KEY = "secret";

export async function ensureInstanceSecret(db: Db, configured?: string): Promise<string> {
  if (configured) return configured;
  const existing = await db
    .selectFrom("instance_settings")
    .select("value")
    .where("key", "=", SECRET_KEY)
    .executeTakeFirst();
  if (existing) return existing.value;
  const generated = randomBytes(32).toString("base64url");
  // Two processes starting at once: the loser's insert is ignored and it reads the winner's secret.
  await db
    .insertInto("instance_settings")
    .values({ key: SECRET_KEY, value: generated })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  const stored = await db
    .selectFrom("instance_settings")
    .select("value")
    .where("key", "=", SECRET_KEY)
    .executeTakeFirstOrThrow();
  return stored.value;
}
