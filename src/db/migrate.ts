// Applies the migrations in order on either engine; run on every start and by `kizuna migrate`.
import { type Kysely, type Migration, type MigrationResultSet, Migrator, sql } from "kysely";
import { type Db, engineOf } from "./connect.js";
import { foundation } from "./migrations/0001_foundation.js";
import { integrations } from "./migrations/0002_integrations.js";
import { scenarios } from "./migrations/0003_scenarios.js";
import { campaigns } from "./migrations/0004_campaigns.js";
import { delivery } from "./migrations/0005_delivery.js";
import { analytics } from "./migrations/0006_analytics.js";
import { reportSpeed } from "./migrations/0007_report_speed.js";
import { salesMonths } from "./migrations/0008_sales_months.js";
import { cohortMonths } from "./migrations/0009_cohort_months.js";
import { pairMonths } from "./migrations/0010_pair_months.js";
import { orderMoves } from "./migrations/0011_order_moves.js";
import { visitorEvents } from "./migrations/0012_visitor_events.js";
import { recommendations } from "./migrations/0013_recommendations.js";
import { recommendationFactors } from "./migrations/0014_recommendation_factors.js";
import { recommendationRegularity } from "./migrations/0015_recommendation_regularity.js";
import { accounts } from "./migrations/0016_accounts.js";
import { customerErasures } from "./migrations/0017_customer_erasures.js";
import type { EngineMigration } from "./migrations/types.js";

/** Append only: a released migration is never edited, a new one is added below it. */
const MIGRATIONS: Array<[string, EngineMigration]> = [
  ["0001_foundation", foundation],
  ["0002_integrations", integrations],
  ["0003_scenarios", scenarios],
  ["0004_campaigns", campaigns],
  ["0005_delivery", delivery],
  ["0006_analytics", analytics],
  ["0007_report_speed", reportSpeed],
  ["0008_sales_months", salesMonths],
  ["0009_cohort_months", cohortMonths],
  ["0010_pair_months", pairMonths],
  ["0011_order_moves", orderMoves],
  ["0012_visitor_events", visitorEvents],
  ["0013_recommendations", recommendations],
  ["0014_recommendation_factors", recommendationFactors],
  ["0015_recommendation_regularity", recommendationRegularity],
  ["0016_accounts", accounts],
  ["0017_customer_erasures", customerErasures],
];

/** The migrations' names, oldest first. */
export const MIGRATION_NAMES: readonly string[] = MIGRATIONS.map(([name]) => name);

/** Applies every migration not applied yet, or (`upTo`) those up to and including that one. */
export async function migrateToLatest(db: Db, upTo?: string): Promise<MigrationResultSet> {
  const engine = engineOf(db);
  const migrations: Record<string, Migration> = {};
  for (const [name, m] of MIGRATIONS) {
    migrations[name] = {
      up: (k: Kysely<unknown>) => m.up(k, engine),
      down: m.down ? (k: Kysely<unknown>) => m.down!(k, engine) : undefined,
    };
  }
  // On PostgreSQL the migration bookkeeping lives in the schema we work in (search_path), not in
  // whichever schema of the database happens to have such tables already.
  const migrationTableSchema =
    engine === "postgres"
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0].schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema,
  });
  const result = upTo ? await migrator.migrateTo(upTo) : await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`migration ${failed} failed: ${String(result.error)}`, { cause: result.error });
  }
  return result;
}
