// What a campaign will reach before it is sent (the audience after consent, suppression and frequency
// caps), and what it did afterwards: per arm (variants, the rest that got the winner, the holdout)
// runs, messages, clicks, conversions and revenue, with the lift over the holdout.
import type { Clock } from "../core/clock.js";
import { parseOrThrow } from "../core/zod-errors.js";
import type { Db } from "../db/index.js";
import { evaluateCondition } from "../scenarios/conditions.js";
import { CapLedger, longestCapWindow, shopGuardrails } from "../scenarios/guardrails.js";
import { reachableChannels } from "../scenarios/reachability.js";
import { findCampaign, toView } from "./campaigns.js";
import { campaignInputSchema } from "./definition.js";

export interface AudiencePreview {
  /** Customers the audience condition matches. */
  matching: number;
  /** …of whom reachable on one of the channels (address, consent for promotional, not suppressed). */
  reachable: number;
  /** …of whom not held back by a frequency cap right now: what a send now would deliver. */
  sendable: number;
  holdout: number;
}

const PAGE = 5_000;

export async function previewAudience(
  db: Db,
  clock: Clock,
  shopId: number,
  input: unknown,
): Promise<AudiencePreview> {
  const campaign = parseOrThrow(campaignInputSchema, input);
  const now = clock.now();
  const guardrails = await shopGuardrails(db, shopId);
  const preview: AudiencePreview = { matching: 0, reachable: 0, sendable: 0, holdout: 0 };
  let after = 0;
  for (;;) {
    const page = await db
      .selectFrom("customers")
      .select("id")
      .where("shop_id", "=", shopId)
      .where("merged_into_id", "is", null)
      .where("id", ">", after)
      .orderBy("id")
      .limit(PAGE)
      .execute();
    if (page.length === 0) break;
    after = page[page.length - 1].id;
    let ids = page.map((c) => c.id);
    if (campaign.audience) {
      const answers = await evaluateCondition(
        db,
        shopId,
        now,
        campaign.audience,
        ids.map((customerId) => ({ customerId, enteredAt: now.toISOString() })),
      );
      ids = ids.filter((_, i) => answers[i]);
    }
    preview.matching += ids.length;
    const reach = await reachableChannels(db, shopId, ids, campaign.messageClass);
    const reachable = ids.flatMap((id) => {
      const channel = campaign.channels.find((ch) => reach.get(id)?.has(ch));
      return channel ? [{ id, channel }] : [];
    });
    preview.reachable += reachable.length;
    if (campaign.messageClass === "transactional") {
      preview.sendable += reachable.length;
      continue;
    }
    const caps = await CapLedger.load(db, shopId, ids, now, longestCapWindow(guardrails.frequencyCaps));
    preview.sendable += reachable.filter(
      (r) => caps.breaks(r.id, r.channel, now.getTime(), guardrails.frequencyCaps) === null,
    ).length;
  }
  preview.holdout = Math.round((preview.matching * campaign.holdoutPercent) / 100);
  return preview;
}

export interface ArmReport {
  arm: string;
  runs: number;
  sent: number;
  suppressed: number;
  opened: number;
  clicked: number;
  converted: number;
  revenue: number;
  conversionRate: number;
}

export interface CampaignReport {
  id: number;
  status: string;
  entered: number;
  arms: ArmReport[];
  /** The variant the rest of the audience received, once chosen. */
  winner: string | null;
  /** Conversion rate of everyone treated minus the holdout's, and the revenue that difference is worth. */
  lift: { conversionRate: number; incrementalRevenue: number } | null;
}

export async function campaignReport(db: Db, shopId: number, id: number): Promise<CampaignReport> {
  const row = await findCampaign(db, shopId, id);
  const campaign = toView(row);
  const empty: CampaignReport = {
    id,
    status: campaign.status,
    entered: 0,
    arms: [],
    winner: null,
    lift: null,
  };
  if (row.scenario_id === null) return empty;
  const scenarioId = row.scenario_id;
  const runs = await db
    .selectFrom("scenario_runs")
    .select(["id", "arm"])
    .where("scenario_id", "=", scenarioId)
    .execute();
  // Without a split (one variant, no holdout) runs have no arm: they are all that variant.
  const single = campaign.definition.variants[0].name;
  const armOf = new Map(runs.map((r) => [r.id, r.arm ?? single]));
  const armName = (runId: number) => armOf.get(runId) ?? single;
  const messages = await db
    .selectFrom("messages")
    .select(["run_id", "status", "variant", "step_id", "opened_at", "clicked_at"])
    .where("shop_id", "=", shopId)
    .where("scenario_id", "=", scenarioId)
    .execute();
  const conversions = await db
    .selectFrom("conversions")
    .select(["run_id", "revenue"])
    .where("shop_id", "=", shopId)
    .where("scenario_id", "=", scenarioId)
    .execute();
  const arms = new Map<string, ArmReport>();
  const arm = (name: string) => {
    let a = arms.get(name);
    if (!a) {
      a = {
        arm: name,
        runs: 0,
        sent: 0,
        suppressed: 0,
        opened: 0,
        clicked: 0,
        converted: 0,
        revenue: 0,
        conversionRate: 0,
      };
      arms.set(name, a);
    }
    return a;
  };
  for (const r of runs) arm(r.arm ?? single).runs++;
  let winner: string | null = null;
  for (const m of messages) {
    const a = arm(armName(m.run_id!));
    if (m.status === "suppressed") a.suppressed++;
    else a.sent++;
    if (m.opened_at) a.opened++;
    if (m.clicked_at) a.clicked++;
    if (m.step_id === "send-winner" && m.variant) winner = m.variant;
  }
  for (const c of conversions) {
    const a = arm(armName(c.run_id!));
    a.converted++;
    a.revenue += c.revenue;
  }
  for (const a of arms.values()) a.conversionRate = a.runs === 0 ? 0 : a.converted / a.runs;

  const holdout = arms.get("holdout");
  let lift: CampaignReport["lift"] = null;
  if (holdout && holdout.runs > 0) {
    const treated = [...arms.values()].filter((a) => a.arm !== "holdout");
    const treatedRuns = treated.reduce((s, a) => s + a.runs, 0);
    const treatedConverted = treated.reduce((s, a) => s + a.converted, 0);
    const treatedRevenue = treated.reduce((s, a) => s + a.revenue, 0);
    const rate = treatedRuns === 0 ? 0 : treatedConverted / treatedRuns;
    const revenuePerTreated = treatedRuns === 0 ? 0 : treatedRevenue / treatedRuns;
    const revenuePerHoldout = holdout.revenue / holdout.runs;
    lift = {
      conversionRate: rate - holdout.conversionRate,
      incrementalRevenue: Math.round((revenuePerTreated - revenuePerHoldout) * treatedRuns),
    };
  }
  return { id, status: campaign.status, entered: runs.length, arms: [...arms.values()], winner, lift };
}
