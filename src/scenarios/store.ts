// Scenarios and their versions. A version is immutable once written: editing a scenario writes the
// next version and new entrants take it, while runs already going finish on the version they entered.
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { ConflictError, NotFoundError, ValidationError } from "../core/errors.js";
import { type Db, fromJson, inTransaction, type Scenario, type ScenarioStatus, toJson } from "../db/index.js";
import type { ScenarioDefinition } from "./definition.js";
import { startCursors } from "./triggers.js";
import { validateDefinition } from "./validate.js";

export interface ScenarioView {
  id: number;
  key: string;
  name: string;
  libraryKey: string | null;
  status: ScenarioStatus;
  version: number;
  activatedAt: string | null;
  definition: ScenarioDefinition;
  createdAt: string;
  updatedAt: string;
}

const KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;

// Parsing a definition costs more than reading it; versions never change, so parsed definitions are
// kept by their text (bounded). Keyed by text rather than id: ids repeat across databases (tests, and
// a process may open more than one).
const parsedDefinitions = new Map<string, ScenarioDefinition>();
const CACHE_MAX = 2_000;

export async function loadDefinition(
  db: Db,
  scenarioId: number,
  version: number,
): Promise<ScenarioDefinition> {
  const row = await db
    .selectFrom("scenario_versions")
    .select("definition")
    .where("scenario_id", "=", scenarioId)
    .where("version", "=", version)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`scenario ${scenarioId} version ${version}`);
  const hit = parsedDefinitions.get(row.definition);
  if (hit) return hit;
  const definition = fromJson<ScenarioDefinition>(row.definition);
  if (parsedDefinitions.size >= CACHE_MAX) parsedDefinitions.clear();
  parsedDefinitions.set(row.definition, definition);
  return definition;
}

async function toView(db: Db, row: Scenario): Promise<ScenarioView> {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    libraryKey: row.library_key,
    status: row.status,
    version: row.version,
    activatedAt: row.activated_at,
    definition: await loadDefinition(db, row.id, row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface CreateScenarioInput {
  key: string;
  definition: unknown;
  libraryKey?: string | null;
  activate?: boolean;
  /** "campaign" for the hidden scenario a campaign runs on. */
  kind?: "journey" | "campaign";
}

export async function createScenario(
  db: Db,
  clock: Clock,
  shopId: number,
  input: CreateScenarioInput,
): Promise<ScenarioView> {
  if (!KEY.test(input.key)) {
    throw new ValidationError([
      { field: "key", message: "lower-case letters, digits, - and _ (at most 64)" },
    ]);
  }
  if (input.key.startsWith("campaign-") && input.kind !== "campaign") {
    throw new ValidationError([
      { field: "key", message: 'keys starting "campaign-" are kept for campaigns' },
    ]);
  }
  const definition = await validateDefinition(db, shopId, input.definition);
  const now = toIso(clock.now());
  await inTransaction(db, async (trx) => {
    const existing = await trx
      .selectFrom("scenarios")
      .select("id")
      .where("shop_id", "=", shopId)
      .where("key", "=", input.key)
      .executeTakeFirst();
    if (existing) throw new ConflictError(`a scenario with key "${input.key}" exists`);
    const row = await trx
      .insertInto("scenarios")
      .values({
        shop_id: shopId,
        key: input.key,
        name: definition.name,
        library_key: input.libraryKey ?? null,
        kind: input.kind ?? "journey",
        status: "draft",
        version: 1,
        activated_at: null,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("scenario_versions")
      .values({
        shop_id: shopId,
        scenario_id: row.id,
        version: 1,
        definition: toJson(definition),
        created_at: now,
      })
      .execute();
  });
  if (input.activate) await setScenarioStatus(db, clock, shopId, input.key, "active");
  return getScenario(db, shopId, input.key);
}

/** Writes the next version; runs already going stay on theirs. */
export async function updateScenario(
  db: Db,
  clock: Clock,
  shopId: number,
  key: string,
  definitionInput: unknown,
): Promise<ScenarioView> {
  const definition = await validateDefinition(db, shopId, definitionInput);
  const now = toIso(clock.now());
  await inTransaction(db, async (trx) => {
    const row = await findScenario(trx, shopId, key);
    const version = row.version + 1;
    await trx
      .insertInto("scenario_versions")
      .values({
        shop_id: shopId,
        scenario_id: row.id,
        version,
        definition: toJson(definition),
        created_at: now,
      })
      .execute();
    await trx
      .updateTable("scenarios")
      .set({ version, name: definition.name, updated_at: now })
      .where("id", "=", row.id)
      .execute();
    // A new trigger type starts watching from now, not from the old trigger's position.
    const previous = await loadDefinition(trx, row.id, row.version);
    if (row.status === "active" && previous.trigger.type !== definition.trigger.type) {
      await startCursors(trx, clock, shopId, row.id, definition);
    }
  });
  return getScenario(db, shopId, key);
}

/**
 * Active: triggers start watching from now (what happened before switching on does not enter anyone).
 * Paused: no one enters and runs hold where they are. Archived: as paused, and hidden from lists.
 */
export async function setScenarioStatus(
  db: Db,
  clock: Clock,
  shopId: number,
  key: string,
  status: ScenarioStatus,
): Promise<ScenarioView> {
  const now = toIso(clock.now());
  await inTransaction(db, async (trx) => {
    const row = await findScenario(trx, shopId, key);
    if (row.status === status) return;
    if (status === "active") {
      const definition = await loadDefinition(trx, row.id, row.version);
      await startCursors(trx, clock, shopId, row.id, definition);
    }
    await trx
      .updateTable("scenarios")
      .set({ status, updated_at: now, ...(status === "active" ? { activated_at: now } : {}) })
      .where("id", "=", row.id)
      .execute();
  });
  return getScenario(db, shopId, key);
}

async function findScenario(db: Db, shopId: number, key: string): Promise<Scenario> {
  const row = await db
    .selectFrom("scenarios")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("key", "=", key)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`scenario "${key}"`);
  return row;
}

export async function getScenario(db: Db, shopId: number, key: string): Promise<ScenarioView> {
  return toView(db, await findScenario(db, shopId, key));
}

export async function listScenarios(db: Db, shopId: number): Promise<ScenarioView[]> {
  const rows = await db
    .selectFrom("scenarios")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("status", "!=", "archived")
    .where("kind", "=", "journey")
    .orderBy("id")
    .execute();
  return Promise.all(rows.map((r) => toView(db, r)));
}

/** Active scenarios of every shop, for the worker's trigger pass. */
export async function activeScenarios(db: Db, shopId?: number): Promise<Scenario[]> {
  let q = db.selectFrom("scenarios").selectAll().where("status", "=", "active");
  if (shopId !== undefined) q = q.where("shop_id", "=", shopId);
  return q.orderBy("id").execute();
}
