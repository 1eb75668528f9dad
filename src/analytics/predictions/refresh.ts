// Per-customer predictions written into customer_metrics, where the profile, segments and reports
// read them: P(alive), expected orders and predicted CLV over the next 365 days, and the next order
// date. Customers are read a page at a time and each page is written by one statement in one
// transaction.
import { CompiledQuery } from "kysely";
import { type Db, engineOf, inTransaction, tidyAfterRewrite } from "../../db/index.js";
import { conditionalExpectedPurchases, medianTimeToNextPurchase, probabilityAlive } from "./bgnbd.js";
import { conditionalExpectedAverageValue } from "./gamma-gamma.js";
import { fitPredictionModel, loadPredictionModel, type PredictionModel } from "./model.js";
import { type CustomerSummary, customerSummaries } from "./summaries.js";

const DAY_MS = 86_400_000;
export const HORIZON_DAYS = 365;
/** A stored model older than this (relative to the as-of moment) is refitted first. */
export const MODEL_MAX_AGE_DAYS = 7;
/**
 * A median wait longer than this is no date a shop can act on (and comes from customers the model
 * knows little about); such customers get no next order date rather than one years away.
 */
export const NEXT_ORDER_HORIZON_DAYS = 730;
const WRITE_PAGE = 2_000;

export interface CustomerPrediction {
  pAlive: number;
  expectedOrders: number;
  /** Days from the as-of moment to the median next purchase, or null (see NEXT_ORDER_HORIZON_DAYS). */
  nextOrderInDays: number | null;
  /** Expected value of one future purchase day, minor units. */
  expectedValue: number;
  /**
   * Expected revenue over the horizon in minor units: expected orders × expected value, undiscounted.
   * Over one year a discount rate of around 10% would move every customer by about the same 5%, which
   * changes no ranking or segment; the plain figure is the one a shop can check against its takings.
   */
  clv: number;
}

/** The predictions for one customer summary under a model. */
export function predictCustomer(
  model: PredictionModel,
  summary: CustomerSummary,
  horizonDays = HORIZON_DAYS,
): CustomerPrediction {
  const history = { x: summary.x, tx: summary.tx, T: summary.T };
  const expectedOrders = conditionalExpectedPurchases(model.bgnbd, horizonDays, history);
  const wait = medianTimeToNextPurchase(model.bgnbd, history);
  // Without a spend model (too few repeat buyers yet) a customer's own average order stands in.
  const expectedValue = model.gammaGamma
    ? conditionalExpectedAverageValue(model.gammaGamma, { x: summary.x, average: summary.repeatAverage ?? 0 })
    : summary.ordersCount > 0
      ? summary.revenue / summary.ordersCount
      : 0;
  return {
    pAlive: probabilityAlive(model.bgnbd, history),
    expectedOrders,
    nextOrderInDays: wait !== null && wait <= NEXT_ORDER_HORIZON_DAYS ? wait : null,
    expectedValue,
    clv: Math.round(expectedOrders * expectedValue),
  };
}

export interface PredictionRefresh {
  model: PredictionModel;
  /** Whether the model was fitted by this call. */
  refitted: boolean;
  customers: number;
  seconds: number;
}

function isStale(model: PredictionModel, asOf: Date): boolean {
  const age = asOf.getTime() - Date.parse(model.asOf);
  // A model fitted on a later moment than asOf has seen orders asOf has not: not usable either.
  return age < 0 || age > MODEL_MAX_AGE_DAYS * DAY_MS;
}

/**
 * Writes the predictions of every buyer of the shop as of `asOf`, fitting the model first when there
 * is none, when it is stale, or when `refit` asks for it.
 */
export async function refreshPredictions(
  db: Db,
  shopId: number,
  asOf: Date,
  options: { refit?: boolean } = {},
): Promise<PredictionRefresh> {
  const started = performance.now();
  let model = options.refit ? null : await loadPredictionModel(db, shopId);
  const refitted = !model || isStale(model, asOf);
  if (!model || refitted) model = await fitPredictionModel(db, shopId, asOf);
  let customers = 0;
  for await (const page of customerSummaries(db, shopId, asOf, { pageSize: WRITE_PAGE })) {
    const rows = page.map((summary) => {
      const p = predictCustomer(model, summary);
      const next = p.nextOrderInDays === null ? null : new Date(asOf.getTime() + p.nextOrderInDays * DAY_MS);
      return [summary.customerId, p.pAlive, p.expectedOrders, next?.toISOString() ?? null, p.clv];
    });
    await inTransaction(db, (trx) => writePredictions(trx, shopId, rows));
    customers += rows.length;
  }
  // Every buyer's row was rewritten.
  await tidyAfterRewrite(db, ["customer_metrics"], { rows: customers });
  return { model, refitted, customers, seconds: (performance.now() - started) / 1000 };
}

// One UPDATE per page with the rows as a single JSON parameter, the technique of db/bulk.ts; that
// helper keys on one column and customer_metrics has a two-column key (shop_id, customer_id), so the
// statement is written out here. On SQLite the plain UPDATE … FROM json_each makes the planner scan
// the shop's whole metrics for every page (measured: minutes for 20,000 customers); materialising the
// rows ("limit -1" keeps the subquery from being flattened) and naming the page's ids with IN makes it
// look each row up by the primary key instead.
const UPDATE_SQLITE = `update customer_metrics set
    p_alive = u.p_alive, expected_orders_365 = u.expected, next_order_at = u.next_at, predicted_clv_365 = u.clv
  from (select value->>0 as id, value->>1 as p_alive, value->>2 as expected, value->>3 as next_at,
          value->>4 as clv
        from json_each(?) limit -1) as u
  where customer_metrics.shop_id = ? and customer_metrics.customer_id in (select value->>0 from json_each(?))
    and customer_metrics.customer_id = u.id`;
const UPDATE_POSTGRES = `update customer_metrics as m set
    p_alive = (u.value->>1)::double precision, expected_orders_365 = (u.value->>2)::double precision,
    next_order_at = (u.value->>3)::timestamptz, predicted_clv_365 = (u.value->>4)::bigint
  from jsonb_array_elements($1::jsonb) as u(value)
  where m.shop_id = $2 and m.customer_id = (u.value->>0)::bigint`;

async function writePredictions(db: Db, shopId: number, rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(rows);
  await db.executeQuery(
    engineOf(db) === "postgres"
      ? CompiledQuery.raw(UPDATE_POSTGRES, [json, shopId])
      : CompiledQuery.raw(UPDATE_SQLITE, [json, shopId, json]),
  );
}
