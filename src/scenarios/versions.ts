// A scenario's history: every version it has had (each immutable once written), how many customers
// entered on each, and going back to an earlier one, which writes it again as the newest version so
// the history keeps what ran when.
import type { Clock } from "../core/clock.js";
import { NotFoundError } from "../core/errors.js";
import { type Db, fromJson } from "../db/index.js";
import type { ScenarioDefinition } from "./definition.js";
import { getScenario, type ScenarioView, updateScenario } from "./store.js";

export interface ScenarioVersionSummary {
  version: number;
  name: string;
  steps: number;
  /** Customers who entered the scenario on this version. */
  entered: number;
  current: boolean;
  createdAt: string;
}

export async function listScenarioVersions(
  db: Db,
  shopId: number,
  key: string,
): Promise<ScenarioVersionSummary[]> {
  const scenario = await getScenario(db, shopId, key);
  const [versions, runs] = await Promise.all([
    db
      .selectFrom("scenario_versions")
      .select(["version", "definition", "created_at"])
      .where("shop_id", "=", shopId)
      .where("scenario_id", "=", scenario.id)
      .orderBy("version", "desc")
      .execute(),
    db
      .selectFrom("scenario_runs")
      .select(["version", (eb) => eb.fn.countAll<number | string>().as("runs")])
      .where("shop_id", "=", shopId)
      .where("scenario_id", "=", scenario.id)
      .groupBy("version")
      .execute(),
  ]);
  const entered = new Map(runs.map((r) => [r.version, Number(r.runs)]));
  return versions.map((row) => {
    const definition = fromJson<ScenarioDefinition>(row.definition);
    return {
      version: row.version,
      name: definition.name,
      steps: definition.steps.length,
      entered: entered.get(row.version) ?? 0,
      current: row.version === scenario.version,
      createdAt: row.created_at,
    };
  });
}

export async function getScenarioVersion(
  db: Db,
  shopId: number,
  key: string,
  version: number,
): Promise<{ version: number; createdAt: string; definition: ScenarioDefinition }> {
  const scenario = await getScenario(db, shopId, key);
  const row = await db
    .selectFrom("scenario_versions")
    .select(["version", "definition", "created_at"])
    .where("shop_id", "=", shopId)
    .where("scenario_id", "=", scenario.id)
    .where("version", "=", version)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`scenario ${key} version ${version}`);
  return { version: row.version, createdAt: row.created_at, definition: fromJson(row.definition) };
}

/** Makes an earlier version current again by saving it as the next one (validated as any save is). */
export async function restoreScenarioVersion(
  db: Db,
  clock: Clock,
  shopId: number,
  key: string,
  version: number,
): Promise<ScenarioView> {
  const earlier = await getScenarioVersion(db, shopId, key, version);
  return updateScenario(db, clock, shopId, key, earlier.definition);
}
