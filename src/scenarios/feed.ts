// Reading a table as a feed of new rows since a cursor, the one mechanism behind the event, order,
// restock and sign-up triggers and the wake-ups. Live, rows are read in id order, and only once they
// are SETTLE_MS old: on PostgreSQL ids are handed out before commit, so a lower id can become visible
// after a higher one, and by then the transactions that wrote them have committed. In a backtest
// (simulate.ts) rows are read by the time they happened, up to the simulated clock, so the data
// "arrives" as it did.
import { type SelectQueryBuilder, sql } from "kysely";
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";

export const SETTLE_MS = 5_000;

export interface FeedOptions {
  /** Replay history by time instead of reading new rows by id (kizuna simulate). */
  backtest?: boolean;
}

export interface FeedWindow {
  backtest: boolean;
  /** Live: the last id read; backtest: the time read up to. */
  cursor: string;
  /** Rows are read up to this time: now in a backtest, SETTLE_MS ago live. */
  upTo: string;
  limit: number;
}

export interface FeedColumns {
  /** When the row happened (occurred_at, ordered_at, created_at): a backtest's order. */
  time: string;
  /** When the row was written, for settling live; null when the caller settles the rows itself. */
  written: string | null;
}

export function settledTime(clock: Clock, options: FeedOptions): string {
  const now = clock.now().getTime();
  return toIso(options.backtest ? now : now - SETTLE_MS);
}

export function feedWindow(clock: Clock, options: FeedOptions, cursor: string, limit: number): FeedWindow {
  return { backtest: options.backtest === true, cursor, upTo: settledTime(clock, options), limit };
}

/** The next batch of the feed: `query` with the window's bounds, order and limit. */
export function inWindow<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  window: FeedWindow,
  columns: FeedColumns,
): SelectQueryBuilder<DB, TB, O> {
  if (window.backtest) {
    const time = sql.ref(columns.time);
    return query
      .where(sql<boolean>`${time} > ${window.cursor} and ${time} <= ${window.upTo}`)
      .orderBy(time)
      .orderBy(sql.ref("id"))
      .limit(window.limit);
  }
  let live = query.where(sql<boolean>`${sql.ref("id")} > ${Number(window.cursor)}`);
  if (columns.written) live = live.where(sql<boolean>`${sql.ref(columns.written)} <= ${window.upTo}`);
  return live.orderBy(sql.ref("id")).limit(window.limit);
}

/**
 * Where the cursor goes after reading `rows` (the rows acted on, in feed order), or null to leave it:
 * live, the last id; in a backtest the last row's time, or the window's end once the feed is drained.
 */
export function nextPosition<R extends { id: number }>(
  window: FeedWindow,
  rows: R[],
  timeOf: (row: R) => string,
  drained: boolean,
): string | null {
  const last = rows[rows.length - 1];
  if (window.backtest) return drained || !last ? window.upTo : timeOf(last);
  return last ? String(last.id) : null;
}
