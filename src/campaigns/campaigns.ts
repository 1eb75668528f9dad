// Campaigns: created as drafts (checked, templates included), scheduled for now or later, started by
// the worker (the audience enters the campaign's scenario page by page; a crash resumes where entry
// stopped, since an entry is unique per customer), cancelled (runs end, unsent messages are withdrawn).
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { ConflictError, NotFoundError, ValidationError } from "../core/errors.js";
import { parseOrThrow } from "../core/zod-errors.js";
import {
  type Campaign,
  type CampaignStatus,
  type Db,
  forClaim,
  fromJson,
  inTransaction,
  toJson,
} from "../db/index.js";
import { enterRuns } from "../scenarios/entry.js";
import { createScenario, loadDefinition, validateDefinition } from "../scenarios/index.js";
import { type CampaignInput, campaignInputSchema, campaignScenario } from "./definition.js";

export interface CampaignView {
  id: number;
  name: string;
  status: CampaignStatus;
  definition: CampaignInput;
  scheduledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
}

export function toView(row: Campaign): CampaignView {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    definition: fromJson<CampaignInput>(row.definition),
    scheduledAt: row.scheduled_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    createdAt: row.created_at,
  };
}

/** Stores a draft; refused (naming the field) when the campaign or its templates do not hold up. */
export async function createCampaign(
  db: Db,
  clock: Clock,
  shopId: number,
  input: unknown,
): Promise<CampaignView> {
  const campaign = parseOrThrow(campaignInputSchema, input);
  try {
    await validateDefinition(db, shopId, campaignScenario(campaign));
  } catch (err) {
    // The scenario's steps are named after the variants: report the variant, not a step.
    if (err instanceof ValidationError) {
      throw new ValidationError(
        // The winner step repeats the variants' templates: its complaints are the variants' own.
        err.issues
          .filter((i) => !i.field.startsWith("steps.send-winner."))
          .map((i) => ({
            field: i.field.replace(
              /^steps\.variant-(\d+)\.template$/,
              (_, n) => `variants.${campaign.variants[Number(n) - 1].name}.template`,
            ),
            message: i.message,
          })),
      );
    }
    throw err;
  }
  const now = toIso(clock.now());
  const row = await db
    .insertInto("campaigns")
    .values({
      shop_id: shopId,
      name: campaign.name,
      status: "draft",
      definition: toJson(campaign),
      scenario_id: null,
      scheduled_at: null,
      started_at: null,
      finished_at: null,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toView(row);
}

export async function findCampaign(db: Db, shopId: number, id: number): Promise<Campaign> {
  const row = await db
    .selectFrom("campaigns")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`campaign ${id}`);
  return row;
}

export async function getCampaign(db: Db, shopId: number, id: number): Promise<CampaignView> {
  return toView(await findCampaign(db, shopId, id));
}

export async function listCampaigns(db: Db, shopId: number): Promise<CampaignView[]> {
  const rows = await db
    .selectFrom("campaigns")
    .selectAll()
    .where("shop_id", "=", shopId)
    .orderBy("id", "desc")
    .execute();
  return rows.map(toView);
}

/** Schedules a draft (or moves a scheduled one) to `at`, or now. */
export async function scheduleCampaign(
  db: Db,
  clock: Clock,
  shopId: number,
  id: number,
  at?: string,
): Promise<CampaignView> {
  const row = await findCampaign(db, shopId, id);
  if (row.status !== "draft" && row.status !== "scheduled") {
    throw new ConflictError(
      `campaign ${id} is ${row.status}; only a draft or scheduled campaign can be scheduled`,
    );
  }
  const when = at ? toIso(at) : toIso(clock.now());
  const updated = await db
    .updateTable("campaigns")
    .set({ status: "scheduled", scheduled_at: when, updated_at: toIso(clock.now()) })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toView(updated);
}

/** Cancels: a campaign not started never starts; one under way stops, and unsent messages are withdrawn. */
export async function cancelCampaign(
  db: Db,
  clock: Clock,
  shopId: number,
  id: number,
): Promise<CampaignView> {
  const now = toIso(clock.now());
  return inTransaction(db, async (trx) => {
    const row = await findCampaign(trx, shopId, id);
    if (row.status === "cancelled") return toView(row);
    if (row.scenario_id !== null) {
      await trx
        .updateTable("scenarios")
        .set({ status: "archived", updated_at: now })
        .where("id", "=", row.scenario_id)
        .execute();
      await trx
        .updateTable("scenario_runs")
        .set({ status: "exited", end_reason: "campaign_cancelled", ended_at: now, next_at: null })
        .where("scenario_id", "=", row.scenario_id)
        .where("status", "=", "active")
        .execute();
      await trx
        .updateTable("messages")
        .set({ status: "suppressed", status_reason: "campaign_cancelled", updated_at: now })
        .where("shop_id", "=", shopId)
        .where("campaign_id", "=", id)
        .where("status", "=", "queued")
        .execute();
    }
    const updated = await trx
      .updateTable("campaigns")
      .set({ status: "cancelled", finished_at: now, updated_at: now })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toView(updated);
  });
}

const ENTRY_PAGE = 5_000;

/**
 * Worker job: starts campaigns whose time has come and finishes entering those a crash interrupted.
 * Returns how many customers entered.
 */
export async function startDueCampaigns(db: Db, clock: Clock): Promise<number> {
  const now = toIso(clock.now());
  const due = await inTransaction(db, async (trx) => {
    const rows = await forClaim(
      trx,
      trx
        .selectFrom("campaigns")
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb("status", "=", "scheduled"), eb("scheduled_at", "<=", now)]),
            eb("status", "=", "sending"),
          ]),
        )
        .orderBy("id")
        .limit(1),
    ).execute();
    if (rows.length === 0) return null;
    const row = rows[0];
    if (row.scenario_id !== null) return row;
    const campaign = fromJson<CampaignInput>(row.definition);
    const scenario = await createScenario(trx, clock, row.shop_id, {
      key: `campaign-${row.id}`,
      kind: "campaign",
      definition: campaignScenario(campaign),
      activate: true,
    });
    return trx
      .updateTable("campaigns")
      .set({ status: "sending", scenario_id: scenario.id, started_at: now, updated_at: now })
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  if (!due) return 0;
  const entered = await enterAudience(db, clock, due);
  await db
    .updateTable("campaigns")
    .set({ status: "sent", finished_at: toIso(clock.now()), updated_at: toIso(clock.now()) })
    .where("id", "=", due.id)
    .where("status", "=", "sending")
    .execute();
  return Math.max(entered, 1);
}

async function enterAudience(db: Db, clock: Clock, campaign: Campaign): Promise<number> {
  const scenario = await db
    .selectFrom("scenarios")
    .selectAll()
    .where("id", "=", campaign.scenario_id!)
    .executeTakeFirstOrThrow();
  const definition = await loadDefinition(db, scenario.id, scenario.version);
  let entered = 0;
  let after = 0;
  for (;;) {
    const page = await db
      .selectFrom("customers")
      .select("id")
      .where("shop_id", "=", campaign.shop_id)
      .where("merged_into_id", "is", null)
      .where("id", ">", after)
      .orderBy("id")
      .limit(ENTRY_PAGE)
      .execute();
    if (page.length === 0) break;
    entered += await inTransaction(db, (trx) =>
      enterRuns(
        trx,
        clock,
        scenario,
        definition,
        page.map((c) => ({
          customerId: c.id,
          entryKey: `campaign:${campaign.id}`,
          context: { campaignId: campaign.id },
        })),
      ),
    );
    after = page[page.length - 1].id;
  }
  return entered;
}
