// Applies the migrations in order on either engine; run on every start and by `kizuna migrate`.
import { type Kysely, type Migration, type MigrationResultSet, Migrator } from "kysely";
import { type Db, engineOf } from "./connect.js";
import { foundation } from "./migrations/0001_foundation.js";
import type { EngineMigration } from "./migrations/types.js";

/** Append only: a released migration is never edited, a new one is added below it. */
const MIGRATIONS: Array<[string, EngineMigration]> = [["0001_foundation", foundation]];

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const engine = engineOf(db);
  const migrations: Record<string, Migration> = {};
  for (const [name, m] of MIGRATIONS) {
    migrations[name] = {
      up: (k: Kysely<unknown>) => m.up(k, engine),
      down: m.down ? (k: Kysely<unknown>) => m.down!(k, engine) : undefined,
    };
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`migration ${failed} failed: ${String(result.error)}`, { cause: result.error });
  }
  return result;
}
