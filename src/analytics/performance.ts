// Messaging performance: what the marketing sends (a scenario's or a campaign's messages) did, per
// scenario, step, campaign, variant and channel; A/B arms compared with a significance test; and the
// holdout groups turned into incremental revenue and lift.
//
// Set-based: each table below is one GROUP BY in the database over all scenarios and campaigns at once,
// read once (messages, their unsubscribe/complaint events, conversions, runs); the finest cells come
// back (a few hundred rows) and are rolled up here. Definitions:
// - sent: messages handed to a provider (sent_at set); suppressed ones are counted apart; rates are per
//   message sent. delivered: a delivery report came back (email DSN); opened/clicked: first open/click
//   stamped on the message (a click counts as an open, tracking-routes.ts).
// - converted, revenue: orders credited to the messages (conversions naming the message: last-touch
//   attribution, or an exit goal credited to the run's latest message), as scenarios/stats.ts counts
//   them per step. A goal conversion of a run that had no message yet (a holdout run, or an order
//   before the first send) belongs to no message, so it appears only in the A/B and holdout tables.
// - unsubscribes, complaints, blocks: messages with such an event. A LINE block is recorded as an
//   "unsubscribe" event with reason "line:unfollow" (messaging/channels/line/friendship.ts) and counted
//   as a block, not as an unsubscribe.
// - A/B (per scenario or campaign with two or more arms, holdout aside): as campaigns/report.ts counts
//   an arm, runs entered into it and every order credited to them; the conversion rate is runs with a
//   credited order per run, the click rate clicked messages per message sent (the winner step's
//   metrics, scenarios/steps.ts), each tested against the first arm of the split (two-proportion
//   z-test, significance.ts). A message's arm comes from its variant (see armSends).
// - Holdout: treated runs (an arm that is not the holdout) against holdout runs. Only orders credited
//   while the run was live (up to its end: for a campaign, the send and its conversion window) count,
//   because the holdout can only earn goal conversions in that window while treated runs also earn
//   attribution credit afterwards; campaigns/report.ts counts every credit, so its treated revenue can
//   be larger than here when orders were credited after the window. Incremental revenue =
//   (revenue per treated run − revenue per holdout run) × treated runs, with a 95 % interval.
import { type ExpressionBuilder, sql } from "kysely";
import { toIso } from "../core/clock.js";
import { NotFoundError } from "../core/errors.js";
import { type Db, fromJson, type Schema } from "../db/index.js";
import type { ScenarioDefinition } from "../scenarios/index.js";
import { successors } from "../scenarios/index.js";
import type { Report, ReportColumn, ReportContext, ReportRow, ReportTable } from "./report.js";
import { meanDifference, type SampleSums, twoProportionTest } from "./significance.js";
import { inKeyRanges, unindexed } from "./sql.js";

export interface PerformanceOptions {
  /** Messages queued (runs entered) at or after this instant. */
  from?: Date;
  /** …and before this one (default: the report's asOf, inclusive). */
  to?: Date;
  scenarioId?: number;
  campaignId?: number;
}

/** The reason friendship.ts records on the "unsubscribe" event of a LINE block. */
const LINE_BLOCK_REASON = "line:unfollow";

// ---- The finest cells: one per scenario × step × campaign × variant × channel ---------------------

interface Tally {
  sent: number;
  suppressed: number;
  delivered: number;
  bounced: number;
  opened: number;
  clicked: number;
  converted: number;
  revenue: number;
  unsubscribes: number;
  complaints: number;
  blocks: number;
}

const emptyTally = (): Tally => ({
  sent: 0,
  suppressed: 0,
  delivered: 0,
  bounced: 0,
  opened: 0,
  clicked: 0,
  converted: 0,
  revenue: 0,
  unsubscribes: 0,
  complaints: 0,
  blocks: 0,
});

function addTally(into: Tally, from: Partial<Tally>): void {
  for (const key of Object.keys(into) as Array<keyof Tally>) into[key] += Number(from[key] ?? 0);
}

interface CellKey {
  scenario_id: number | null;
  step_id: string | null;
  campaign_id: number | null;
  variant: string | null;
  channel: string;
}

interface Cell extends CellKey {
  tally: Tally;
}

const cellKey = (k: CellKey) =>
  JSON.stringify([k.scenario_id, k.step_id, k.campaign_id, k.variant, k.channel]);

interface Window {
  from: string | null;
  to: string;
  toInclusive: boolean;
  scenarioIds: number[] | null;
  campaignId: number | null;
}

type MessageScope = ExpressionBuilder<Schema & { m: Schema["messages"] }, "m">;

/** Marketing messages of the shop in the window, as the filters narrow them. */
function messageFilter(db: Db, shopId: number, w: Window) {
  return (eb: MessageScope) => {
    const conditions = [
      // Every table here is read front to back: SQLite would otherwise walk the (shop_id, …) index
      // and fetch the rows out of order, ten times slower on a shop of millions.
      eb(unindexed(db, "m.shop_id"), "=", shopId),
      eb.or([eb("m.scenario_id", "is not", null), eb("m.campaign_id", "is not", null)]),
      eb("m.queued_at", w.toInclusive ? "<=" : "<", w.to),
    ];
    if (w.from) conditions.push(eb("m.queued_at", ">=", w.from));
    if (w.scenarioIds)
      conditions.push(eb("m.scenario_id", "in", w.scenarioIds.length ? w.scenarioIds : [-1]));
    if (w.campaignId !== null) conditions.push(eb("m.campaign_id", "=", w.campaignId));
    return eb.and(conditions);
  };
}

const CELL_COLUMNS = ["m.scenario_id", "m.step_id", "m.campaign_id", "m.variant", "m.channel"] as const;

/** One pass over messages: counts per cell (a cell may come in several rows, to be added up). */
async function messageCells(db: Db, shopId: number, w: Window) {
  return inKeyRanges(db, "messages", (range) => {
    let q = db.selectFrom("messages as m");
    if (range) q = q.where("m.id", ">=", range.from).where("m.id", "<", range.to);
    return q
      .select([
        ...CELL_COLUMNS,
        sql<number>`count(m.sent_at)`.as("sent"),
        sql<number>`sum(case when m.status = 'suppressed' then 1 else 0 end)`.as("suppressed"),
        sql<number>`count(m.delivered_at)`.as("delivered"),
        sql<number>`sum(case when m.status = 'bounced' then 1 else 0 end)`.as("bounced"),
        sql<number>`count(m.opened_at)`.as("opened"),
        sql<number>`count(m.clicked_at)`.as("clicked"),
      ])
      .where(messageFilter(db, shopId, w))
      .groupBy([...CELL_COLUMNS])
      .execute();
  });
}

/** Orders credited to the window's messages, per cell. */
async function conversionCells(db: Db, shopId: number, w: Window, asOf: string) {
  return db
    .selectFrom("conversions as c")
    .innerJoin("messages as m", "m.id", "c.message_id")
    .select([
      ...CELL_COLUMNS,
      sql<number>`count(*)`.as("converted"),
      sql<number>`sum(c.revenue)`.as("revenue"),
    ])
    .where(unindexed(db, "c.shop_id"), "=", shopId)
    .where("c.converted_at", "<=", asOf)
    .where(messageFilter(db, shopId, w))
    .groupBy([...CELL_COLUMNS])
    .execute();
}

/** Messages with an unsubscribe, complaint or block event, per cell (the events index by type). */
async function eventCells(db: Db, shopId: number, w: Window) {
  const block = sql.lit(LINE_BLOCK_REASON);
  return db
    .selectFrom("message_events as e")
    .innerJoin("messages as m", "m.id", "e.message_id")
    .select([
      ...CELL_COLUMNS,
      sql<number>`count(distinct case when e.type = 'unsubscribe' and (e.reason is null or e.reason <> ${block}) then e.message_id end)`.as(
        "unsubscribes",
      ),
      sql<number>`count(distinct case when e.type = 'complaint' then e.message_id end)`.as("complaints"),
      sql<number>`count(distinct case when e.type = 'unsubscribe' and e.reason = ${block} then e.message_id end)`.as(
        "blocks",
      ),
    ])
    .where("e.shop_id", "=", shopId)
    .where("e.type", "in", ["unsubscribe", "complaint"])
    .where(messageFilter(db, shopId, w))
    .groupBy([...CELL_COLUMNS])
    .execute();
}

// ---- Runs: arms, holdouts and what was credited to them -------------------------------------------

interface ArmOutcome {
  scenarioId: number;
  arm: string | null;
  holdout: boolean;
  runs: number;
  /** Every order credited to the arm's runs (campaigns/report.ts). */
  convertedRuns: number;
  orders: number;
  revenue: number;
  /** Credited while the run was live, with the sums a confidence interval needs. */
  windowConverted: number;
  windowRevenue: SampleSums;
}

type RunScope = ExpressionBuilder<Schema & { r: Schema["scenario_runs"] }, "r">;

function runFilter(db: Db, shopId: number, w: Window) {
  return (eb: RunScope) => {
    const conditions = [
      eb(unindexed(db, "r.shop_id"), "=", shopId),
      eb("r.entered_at", w.toInclusive ? "<=" : "<", w.to),
    ];
    if (w.from) conditions.push(eb("r.entered_at", ">=", w.from));
    if (w.scenarioIds)
      conditions.push(eb("r.scenario_id", "in", w.scenarioIds.length ? w.scenarioIds : [-1]));
    return eb.and(conditions);
  };
}

async function armOutcomes(db: Db, shopId: number, w: Window, asOf: string): Promise<ArmOutcome[]> {
  const entered = sumRuns(
    await inKeyRanges(db, "scenario_runs", (range) => {
      let q = db.selectFrom("scenario_runs as r");
      if (range) q = q.where("r.id", ">=", range.from).where("r.id", "<", range.to);
      return (
        q
          .select(["r.scenario_id", "r.arm", "r.holdout", sql<number>`count(*)`.as("runs")])
          .where(runFilter(db, shopId, w))
          // Not along the (scenario_id, …) index: that order costs a random read per run.
          .groupBy([unindexed(db, "r.scenario_id"), "r.arm", "r.holdout"])
          .execute()
      );
    }),
  );
  // Per run first (a run may be credited several orders), then per arm.
  const live = sql`c.converted_at <= coalesce(r.ended_at, ${asOf})`;
  const perRun = db
    .selectFrom("conversions as c")
    .innerJoin("scenario_runs as r", "r.id", "c.run_id")
    .select([
      "r.scenario_id",
      "r.arm",
      "r.holdout",
      sql<number>`count(*)`.as("orders"),
      sql<number>`sum(c.revenue)`.as("revenue"),
      sql<number>`sum(case when ${live} then 1 else 0 end)`.as("window_orders"),
      sql<number>`sum(case when ${live} then c.revenue else 0 end)`.as("window_revenue"),
    ])
    .where(unindexed(db, "c.shop_id"), "=", shopId)
    .where("c.converted_at", "<=", asOf)
    .where(runFilter(db, shopId, w))
    .groupBy(["r.id", "r.scenario_id", "r.arm", "r.holdout"])
    .as("per_run");
  const credited = await db
    .selectFrom(perRun)
    .select([
      "scenario_id",
      "arm",
      "holdout",
      sql<number>`count(*)`.as("converted_runs"),
      sql<number>`sum(orders)`.as("orders"),
      sql<number>`sum(revenue)`.as("revenue"),
      sql<number>`sum(case when window_orders > 0 then 1 else 0 end)`.as("window_converted"),
      sql<number>`sum(window_revenue)`.as("window_revenue"),
      // As a float: squares of large order totals overflow SQLite's 64-bit integer sum.
      sql<number>`sum(cast(window_revenue as double precision) * window_revenue)`.as("window_revenue_sq"),
    ])
    .groupBy(["scenario_id", "arm", "holdout"])
    .execute();

  const key = (r: { scenario_id: number; arm: string | null; holdout: number }) =>
    JSON.stringify([r.scenario_id, r.arm, Number(r.holdout) === 1]);
  const byKey = new Map(credited.map((c) => [key(c), c]));
  return entered.map((e) => {
    const c = byKey.get(key(e));
    const runs = Number(e.runs);
    return {
      scenarioId: e.scenario_id,
      arm: e.arm,
      holdout: Number(e.holdout) === 1,
      runs,
      convertedRuns: Number(c?.converted_runs ?? 0),
      orders: Number(c?.orders ?? 0),
      revenue: Number(c?.revenue ?? 0),
      windowConverted: Number(c?.window_converted ?? 0),
      windowRevenue: {
        n: runs,
        sum: Number(c?.window_revenue ?? 0),
        sumOfSquares: Number(c?.window_revenue_sq ?? 0),
      },
    };
  });
}

/** One row per scenario, arm and holdout flag, from rows counted over ranges of runs. */
function sumRuns<T extends { scenario_id: number; arm: string | null; holdout: number; runs: number }>(
  rows: T[],
): T[] {
  const byKey = new Map<string, T>();
  for (const row of rows) {
    const key = JSON.stringify([row.scenario_id, row.arm, Number(row.holdout)]);
    const seen = byKey.get(key);
    if (seen) seen.runs = Number(seen.runs) + Number(row.runs);
    else byKey.set(key, { ...row, runs: Number(row.runs) });
  }
  return [...byKey.values()];
}

// ---- Names and the order of steps and arms --------------------------------------------------------

interface ScenarioNames {
  name: string;
  /** Step ids in the current definition's order. */
  steps: string[];
  /** The split's arm names in order: the first is the A/B control. */
  arms: string[];
  /** The arm whose runs a winner step's messages went to (the step is reached from that arm alone). */
  winnerStepArm: Map<string, string>;
}

interface Names {
  scenario: Map<number, ScenarioNames>;
  campaign: Map<number, { name: string; scenarioId: number | null }>;
  campaignOfScenario: Map<number, number>;
}

/** Scenarios and campaigns of the shop (a few hundred rows), with their current definition's order. */
async function loadNames(db: Db, shopId: number): Promise<Names> {
  const scenarios = await db
    .selectFrom("scenarios as s")
    .leftJoin("scenario_versions as v", (j) =>
      j.onRef("v.scenario_id", "=", "s.id").onRef("v.version", "=", "s.version"),
    )
    .select(["s.id", "s.name", "v.definition"])
    .where("s.shop_id", "=", shopId)
    .execute();
  const campaigns = await db
    .selectFrom("campaigns")
    .select(["id", "name", "scenario_id"])
    .where("shop_id", "=", shopId)
    .execute();
  const scenario = new Map(
    scenarios.map((s) => [s.id, scenarioNames(s.name, fromJson<Partial<ScenarioDefinition>>(s.definition))]),
  );
  return {
    scenario,
    campaign: new Map(campaigns.map((c) => [c.id, { name: c.name, scenarioId: c.scenario_id }])),
    campaignOfScenario: new Map(
      campaigns.flatMap((c) => (c.scenario_id === null ? [] : [[c.scenario_id, c.id]])),
    ),
  };
}

/** A scenario's name, and from its current definition the order of its steps and arms. */
function scenarioNames(name: string, definition: Partial<ScenarioDefinition>): ScenarioNames {
  const steps = definition.steps ?? [];
  const byId = new Map(steps.map((st) => [st.id, st]));
  const split = steps.find((st) => st.type === "split");
  const arms = split?.type === "split" ? split.arms.map((a) => a.name) : [];
  const winnerStepArm = new Map<string, string>();
  if (split?.type === "split") {
    const reachedFrom = new Map<string, Set<string>>();
    for (const arm of split.arms) {
      const seen = new Set<string>();
      const queue = [arm.next];
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        if (seen.has(id)) continue;
        seen.add(id);
        reachedFrom.set(id, (reachedFrom.get(id) ?? new Set()).add(arm.name));
        const step = byId.get(id);
        if (step) for (const next of successors(step)) if (next) queue.push(next);
      }
    }
    for (const st of steps) {
      const from = reachedFrom.get(st.id);
      if (st.type === "send_winner" && from?.size === 1) winnerStepArm.set(st.id, [...from][0]);
    }
  }
  return { name, steps: steps.map((st) => st.id), arms, winnerStepArm };
}

/** Position in a definition's list, unknown names (older versions) after the known ones. */
function orderIn(list: readonly string[], name: string | null): number {
  const i = name === null ? -1 : list.indexOf(name);
  return i === -1 ? list.length : i;
}

// ---- Tables ---------------------------------------------------------------------------------------

const METRIC_COLUMNS: ReportColumn[] = [
  { key: "sent", label: "Sent", kind: "integer" },
  { key: "suppressed", label: "Suppressed (not sent)", kind: "integer" },
  { key: "delivered", label: "Delivered (delivery report)", kind: "integer" },
  { key: "bounced", label: "Bounced", kind: "integer" },
  { key: "opened", label: "Opened", kind: "integer" },
  { key: "clicked", label: "Clicked", kind: "integer" },
  { key: "converted", label: "Orders credited", kind: "integer" },
  { key: "revenue", label: "Revenue credited", kind: "money" },
  { key: "unsubscribes", label: "Unsubscribes", kind: "integer" },
  { key: "complaints", label: "Complaints", kind: "integer" },
  { key: "blocks", label: "LINE blocks", kind: "integer" },
  { key: "delivery_rate", label: "Delivered ÷ sent", kind: "ratio" },
  { key: "open_rate", label: "Opened ÷ sent", kind: "ratio" },
  { key: "click_rate", label: "Clicked ÷ sent", kind: "ratio" },
  { key: "conversion_rate", label: "Orders ÷ sent", kind: "ratio" },
  { key: "revenue_per_sent", label: "Revenue per message sent", kind: "money" },
  { key: "unsubscribe_rate", label: "Unsubscribes ÷ sent", kind: "ratio" },
  { key: "complaint_rate", label: "Complaints ÷ sent", kind: "ratio" },
  { key: "block_rate", label: "Blocks ÷ sent", kind: "ratio" },
];

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

function metricValues(t: Tally): ReportRow {
  return {
    ...t,
    delivery_rate: ratio(t.delivered, t.sent),
    open_rate: ratio(t.opened, t.sent),
    click_rate: ratio(t.clicked, t.sent),
    conversion_rate: ratio(t.converted, t.sent),
    revenue_per_sent: t.sent > 0 ? Math.round(t.revenue / t.sent) : null,
    unsubscribe_rate: ratio(t.unsubscribes, t.sent),
    complaint_rate: ratio(t.complaints, t.sent),
    block_rate: ratio(t.blocks, t.sent),
  };
}

/** Sums the cells by a grouping; `identity` names the group (null: the cell is not in any). */
function rollUp(
  cells: Iterable<Cell>,
  identity: (c: Cell) => { key: string; row: ReportRow; order: Array<number | string> } | null,
): ReportRow[] {
  const groups = new Map<string, { row: ReportRow; order: Array<number | string>; tally: Tally }>();
  for (const cell of cells) {
    const id = identity(cell);
    if (!id) continue;
    let g = groups.get(id.key);
    if (!g) {
      g = { row: id.row, order: id.order, tally: emptyTally() };
      groups.set(id.key, g);
    }
    addTally(g.tally, cell.tally);
  }
  return [...groups.values()]
    .sort((a, b) => compareOrder(a.order, b.order))
    .map((g) => ({ ...g.row, ...metricValues(g.tally) }));
}

function compareOrder(a: Array<number | string>, b: Array<number | string>): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

function metricTable(title: string, lead: ReportColumn[], rows: ReportRow[], x: string): ReportTable {
  return {
    title,
    columns: [...lead, ...METRIC_COLUMNS],
    rows,
    chart: { type: "bar", x, y: ["sent", "opened", "clicked", "converted"] },
  };
}

function deliveryTables(cells: Cell[], names: Names): Record<string, ReportTable> {
  const scenarioName = (id: number | null) =>
    id === null ? null : (names.scenario.get(id)?.name ?? `#${id}`);
  const campaignName = (id: number | null) =>
    id === null ? null : (names.campaign.get(id)?.name ?? `#${id}`);
  const scenarioCol: ReportColumn[] = [
    { key: "scenario_id", label: "Scenario id", kind: "integer" },
    { key: "scenario", label: "Scenario", kind: "text" },
  ];
  const campaignCol: ReportColumn[] = [
    { key: "campaign_id", label: "Campaign id", kind: "integer" },
    { key: "campaign", label: "Campaign", kind: "text" },
  ];
  const stepOrder = (c: Cell) => orderIn(names.scenario.get(c.scenario_id ?? -1)?.steps ?? [], c.step_id);
  return {
    scenarios: metricTable(
      "By scenario (journeys; campaigns are listed apart)",
      scenarioCol,
      rollUp(cells, (c) =>
        c.scenario_id === null || c.campaign_id !== null
          ? null
          : {
              key: String(c.scenario_id),
              row: { scenario_id: c.scenario_id, scenario: scenarioName(c.scenario_id) },
              order: [c.scenario_id],
            },
      ),
      "scenario",
    ),
    steps: metricTable(
      "By step",
      [...scenarioCol, ...campaignCol, { key: "step", label: "Step", kind: "text" }],
      rollUp(cells, (c) =>
        c.scenario_id === null
          ? null
          : {
              key: JSON.stringify([c.scenario_id, c.step_id]),
              row: {
                scenario_id: c.scenario_id,
                scenario: scenarioName(c.scenario_id),
                campaign_id: names.campaignOfScenario.get(c.scenario_id) ?? c.campaign_id,
                campaign: campaignName(names.campaignOfScenario.get(c.scenario_id) ?? c.campaign_id),
                step: c.step_id,
              },
              order: [c.scenario_id, stepOrder(c), c.step_id ?? ""],
            },
      ),
      "step",
    ),
    campaigns: metricTable(
      "By campaign",
      campaignCol,
      rollUp(cells, (c) =>
        c.campaign_id === null
          ? null
          : {
              key: String(c.campaign_id),
              row: { campaign_id: c.campaign_id, campaign: campaignName(c.campaign_id) },
              order: [c.campaign_id],
            },
      ),
      "campaign",
    ),
    variants: metricTable(
      "By variant",
      [...scenarioCol, ...campaignCol, { key: "variant", label: "Variant", kind: "text" }],
      rollUp(cells, (c) =>
        c.variant === null
          ? null
          : {
              key: JSON.stringify([c.scenario_id, c.campaign_id, c.variant]),
              row: {
                scenario_id: c.scenario_id,
                scenario: scenarioName(c.scenario_id),
                campaign_id: c.campaign_id,
                campaign: campaignName(c.campaign_id),
                variant: c.variant,
              },
              order: [c.scenario_id ?? 0, c.campaign_id ?? 0, c.variant],
            },
      ),
      "variant",
    ),
    channels: metricTable(
      "By channel",
      [{ key: "channel", label: "Channel", kind: "text" }],
      rollUp(cells, (c) => ({ key: c.channel, row: { channel: c.channel }, order: [c.channel] })),
      "channel",
    ),
  };
}

function subjectOf(scenarioId: number, names: Names): ReportRow {
  const campaignId = names.campaignOfScenario.get(scenarioId) ?? null;
  const name =
    campaignId !== null
      ? (names.campaign.get(campaignId)?.name ?? `#${campaignId}`)
      : (names.scenario.get(scenarioId)?.name ?? `#${scenarioId}`);
  return { scenario_id: scenarioId, campaign_id: campaignId, name };
}

const SUBJECT_COLUMNS: ReportColumn[] = [
  { key: "scenario_id", label: "Scenario id", kind: "integer" },
  { key: "campaign_id", label: "Campaign id", kind: "integer" },
  { key: "name", label: "Scenario or campaign", kind: "text" },
];

const yesNo = (significant: boolean) => (significant ? "yes" : "no");

function abTable(
  outcomes: ArmOutcome[],
  sends: Map<string, { sent: number; clicked: number }>,
  names: Names,
) {
  const byScenario = new Map<number, ArmOutcome[]>();
  for (const o of outcomes) {
    if (o.holdout || o.arm === null) continue;
    byScenario.set(o.scenarioId, [...(byScenario.get(o.scenarioId) ?? []), o]);
  }
  const rows: ReportRow[] = [];
  for (const [scenarioId, arms] of [...byScenario].sort((a, b) => a[0] - b[0])) {
    if (arms.length < 2) continue;
    const order = names.scenario.get(scenarioId)?.arms ?? [];
    arms.sort(
      (a, b) => orderIn(order, a.arm) - orderIn(order, b.arm) || String(a.arm).localeCompare(String(b.arm)),
    );
    const withSends = arms.map((a) => ({
      ...a,
      ...(sends.get(JSON.stringify([scenarioId, a.arm])) ?? { sent: 0, clicked: 0 }),
    }));
    const control = withSends[0];
    for (const arm of withSends) {
      const isControl = arm === control;
      const conversion = isControl
        ? null
        : twoProportionTest(control.convertedRuns, control.runs, arm.convertedRuns, arm.runs);
      const click = isControl
        ? null
        : twoProportionTest(control.clicked, control.sent, arm.clicked, arm.sent);
      rows.push({
        ...subjectOf(scenarioId, names),
        arm: arm.arm,
        role: isControl ? "control" : "variant",
        runs: arm.runs,
        sent: arm.sent,
        clicked: arm.clicked,
        click_rate: ratio(arm.clicked, arm.sent),
        click_p_value: click?.p ?? null,
        clicks_significant: click ? yesNo(click.significant) : null,
        converted: arm.convertedRuns,
        conversion_rate: ratio(arm.convertedRuns, arm.runs),
        conversion_p_value: conversion?.p ?? null,
        conversions_significant: conversion ? yesNo(conversion.significant) : null,
        orders: arm.orders,
        revenue: arm.revenue,
        revenue_per_run: arm.runs > 0 ? Math.round(arm.revenue / arm.runs) : null,
      });
    }
  }
  return {
    title: "A/B arms against the first arm of the split (two-proportion z-test, 95 %)",
    columns: [
      ...SUBJECT_COLUMNS,
      { key: "arm", label: "Arm", kind: "text" },
      { key: "role", label: "Control or variant", kind: "text" },
      { key: "runs", label: "Runs (customers entered)", kind: "integer" },
      { key: "sent", label: "Messages sent", kind: "integer" },
      { key: "clicked", label: "Messages clicked", kind: "integer" },
      { key: "click_rate", label: "Click rate (clicked ÷ sent)", kind: "ratio" },
      { key: "click_p_value", label: "Click rate p-value vs control", kind: "number" },
      { key: "clicks_significant", label: "Click difference significant at 95 %", kind: "text" },
      { key: "converted", label: "Runs with an order credited", kind: "integer" },
      { key: "conversion_rate", label: "Conversion rate (converted runs ÷ runs)", kind: "ratio" },
      { key: "conversion_p_value", label: "Conversion rate p-value vs control", kind: "number" },
      { key: "conversions_significant", label: "Conversion difference significant at 95 %", kind: "text" },
      { key: "orders", label: "Orders credited", kind: "integer" },
      { key: "revenue", label: "Revenue credited", kind: "money" },
      { key: "revenue_per_run", label: "Revenue per run", kind: "money" },
    ],
    rows,
    chart: { type: "bar", x: "arm", y: ["conversion_rate", "click_rate"], series: "name" },
  } satisfies ReportTable;
}

function holdoutTable(outcomes: ArmOutcome[], names: Names): ReportTable {
  const byScenario = new Map<number, { treated: ArmOutcome[]; holdout: ArmOutcome[] }>();
  for (const o of outcomes) {
    if (o.arm === null) continue; // never reached the split: neither treated nor held out
    const g = byScenario.get(o.scenarioId) ?? { treated: [], holdout: [] };
    (o.holdout ? g.holdout : g.treated).push(o);
    byScenario.set(o.scenarioId, g);
  }
  const rows: ReportRow[] = [];
  for (const [scenarioId, g] of [...byScenario].sort((a, b) => a[0] - b[0])) {
    const treated = combine(g.treated);
    const held = combine(g.holdout);
    if (held.runs === 0 || treated.runs === 0) continue;
    const perTreated = treated.windowRevenue.sum / treated.runs;
    const perHoldout = held.windowRevenue.sum / held.runs;
    const conversion = twoProportionTest(
      held.windowConverted,
      held.runs,
      treated.windowConverted,
      treated.runs,
    );
    const revenue = meanDifference(held.windowRevenue, treated.windowRevenue);
    rows.push({
      ...subjectOf(scenarioId, names),
      treated_runs: treated.runs,
      holdout_runs: held.runs,
      treated_converted: treated.windowConverted,
      holdout_converted: held.windowConverted,
      treated_conversion_rate: treated.windowConverted / treated.runs,
      holdout_conversion_rate: held.windowConverted / held.runs,
      conversion_lift: treated.windowConverted / treated.runs - held.windowConverted / held.runs,
      conversion_p_value: conversion?.p ?? null,
      treated_revenue: treated.windowRevenue.sum,
      holdout_revenue: held.windowRevenue.sum,
      revenue_per_treated: Math.round(perTreated),
      revenue_per_holdout: Math.round(perHoldout),
      revenue_lift: perHoldout > 0 ? perTreated / perHoldout - 1 : null,
      incremental_revenue: Math.round((perTreated - perHoldout) * treated.runs),
      incremental_low: revenue ? Math.round(revenue.low * treated.runs) : null,
      incremental_high: revenue ? Math.round(revenue.high * treated.runs) : null,
      revenue_p_value: revenue?.p ?? null,
      significant: revenue ? yesNo(revenue.significant) : null,
    });
  }
  return {
    title: "Holdout groups: lift and incremental revenue (orders credited while the run was live)",
    columns: [
      ...SUBJECT_COLUMNS,
      { key: "treated_runs", label: "Treated customers (runs)", kind: "integer" },
      { key: "holdout_runs", label: "Holdout customers (runs)", kind: "integer" },
      { key: "treated_converted", label: "Treated who ordered", kind: "integer" },
      { key: "holdout_converted", label: "Holdout who ordered", kind: "integer" },
      { key: "treated_conversion_rate", label: "Treated conversion rate", kind: "ratio" },
      { key: "holdout_conversion_rate", label: "Holdout conversion rate", kind: "ratio" },
      { key: "conversion_lift", label: "Conversion lift (treated − holdout rate)", kind: "ratio" },
      { key: "conversion_p_value", label: "Conversion p-value (two-proportion z-test)", kind: "number" },
      { key: "treated_revenue", label: "Treated revenue", kind: "money" },
      { key: "holdout_revenue", label: "Holdout revenue", kind: "money" },
      { key: "revenue_per_treated", label: "Revenue per treated customer", kind: "money" },
      { key: "revenue_per_holdout", label: "Revenue per holdout customer", kind: "money" },
      { key: "revenue_lift", label: "Lift (revenue per customer, treated ÷ holdout − 1)", kind: "ratio" },
      {
        key: "incremental_revenue",
        label: "Incremental revenue ((per treated − per holdout) × treated)",
        kind: "money",
      },
      { key: "incremental_low", label: "Incremental revenue, 95 % low", kind: "money" },
      { key: "incremental_high", label: "Incremental revenue, 95 % high", kind: "money" },
      { key: "revenue_p_value", label: "Revenue p-value (Welch z-test)", kind: "number" },
      { key: "significant", label: "Revenue difference significant at 95 %", kind: "text" },
    ],
    rows,
    chart: { type: "bar", x: "name", y: ["revenue_per_treated", "revenue_per_holdout"] },
  };
}

function combine(arms: ArmOutcome[]) {
  return {
    runs: arms.reduce((s, a) => s + a.runs, 0),
    windowConverted: arms.reduce((s, a) => s + a.windowConverted, 0),
    windowRevenue: {
      n: arms.reduce((s, a) => s + a.windowRevenue.n, 0),
      sum: arms.reduce((s, a) => s + a.windowRevenue.sum, 0),
      sumOfSquares: arms.reduce((s, a) => s + a.windowRevenue.sumOfSquares, 0),
    },
  };
}

/** The cells of the three queries added together (a cell missing from one has none of its counts). */
function addUp(parts: Array<Array<CellKey & Partial<Tally>>>): Map<string, Cell> {
  const cells = new Map<string, Cell>();
  for (const rows of parts) {
    for (const row of rows) {
      const key = cellKey(row);
      let cell = cells.get(key);
      if (!cell) {
        const { scenario_id, step_id, campaign_id, variant, channel } = row;
        cell = { scenario_id, step_id, campaign_id, variant, channel, tally: emptyTally() };
        cells.set(key, cell);
      }
      addTally(cell.tally, row);
    }
  }
  return cells;
}

/**
 * Messages sent and clicked per scenario and arm. A message's arm is its variant (a send step records
 * the run's arm), except at a winner step, which records the winning variant: those messages went to
 * the arm that leads there (a campaign's "rest"). So the messages need not be joined to their runs.
 */
function armSends(messages: Array<CellKey & { sent: number; clicked: number }>, names: Names) {
  const sends = new Map<string, { sent: number; clicked: number }>();
  for (const m of messages) {
    if (m.scenario_id === null) continue;
    const winnerArm =
      m.step_id === null ? undefined : names.scenario.get(m.scenario_id)?.winnerStepArm.get(m.step_id);
    const arm = winnerArm ?? m.variant;
    if (arm === null) continue;
    const key = JSON.stringify([m.scenario_id, arm]);
    const s = sends.get(key) ?? { sent: 0, clicked: 0 };
    s.sent += Number(m.sent);
    s.clicked += Number(m.clicked);
    sends.set(key, s);
  }
  return sends;
}

// ---- The report -----------------------------------------------------------------------------------

export async function performanceReport(
  db: Db,
  ctx: ReportContext,
  options: PerformanceOptions = {},
): Promise<Report> {
  const asOf = toIso(ctx.asOf);
  const names = await loadNames(db, ctx.shopId);
  if (options.scenarioId !== undefined && !names.scenario.has(options.scenarioId)) {
    throw new NotFoundError(`scenario ${options.scenarioId}`);
  }
  let scenarioIds: number[] | null = options.scenarioId === undefined ? null : [options.scenarioId];
  if (options.campaignId !== undefined) {
    const campaign = names.campaign.get(options.campaignId);
    if (!campaign) throw new NotFoundError(`campaign ${options.campaignId}`);
    // A campaign runs as a scenario (none until it starts): its runs are that scenario's.
    const runsAs = campaign.scenarioId;
    scenarioIds = runsAs === null ? [] : (scenarioIds ?? [runsAs]).filter((id) => id === runsAs);
  }
  const w: Window = {
    from: options.from ? toIso(options.from) : null,
    to: options.to ? toIso(options.to) : asOf,
    toInclusive: options.to === undefined,
    scenarioIds,
    campaignId: options.campaignId ?? null,
  };

  // One after another: SQLite has one connection, and on PostgreSQL each is a parallel scan already.
  const messages = await messageCells(db, ctx.shopId, w);
  const cells = addUp([
    messages,
    await conversionCells(db, ctx.shopId, w, asOf),
    await eventCells(db, ctx.shopId, w),
  ]);
  const outcomes = await armOutcomes(db, ctx.shopId, w, asOf);

  const total = emptyTally();
  for (const c of cells.values()) addTally(total, c.tally);
  return {
    name: "performance",
    title: "Messaging performance",
    shopId: ctx.shopId,
    asOf,
    timezone: ctx.timezone,
    currency: ctx.currency,
    tables: {
      ...deliveryTables([...cells.values()], names),
      abTests: abTable(outcomes, armSends(messages, names), names),
      holdouts: holdoutTable(outcomes, names),
    },
    summary: {
      from: w.from,
      to: w.to,
      ...metricValues(total),
      note:
        "Rates are per message sent. Orders and revenue are those credited to the messages (attribution and exit goals). " +
        "A/B arms count every order credited to their runs; holdout lift counts orders credited while the run was live.",
    },
  };
}
