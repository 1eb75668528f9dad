// Group commit for events: requests that arrive while the database is busy are stored together in
// the next transaction, so a thousand single-event requests cost a few transactions, not a thousand.
// Each request still waits for the commit of its own events before it is answered.
import type { Clock } from "../core/clock.js";
import { type Db, engineOf, inTransaction } from "../db/index.js";
import { type EventDraft, type EventGroup, type IngestResult, storeEvents } from "./ingest.js";
import { indexAnonymousEvents, VISITOR_INDEX_BATCH } from "./visitor-index.js";

export interface EventWriterOptions {
  /** Most events stored in one transaction; a request's events are never split across two. */
  maxEventsPerFlush?: number;
  /**
   * Transactions in flight at once. SQLite has one writer, so 1; PostgreSQL overlaps a few so that
   * one transaction's round trips do not leave the others waiting.
   */
  concurrency?: number;
}

interface Pending extends EventGroup {
  resolve(result: IngestResult): void;
  reject(err: unknown): void;
}

export interface EventWriterStats {
  /** Transactions committed. */
  flushes: number;
  /** Requests (writes) stored. */
  writes: number;
  events: number;
}

export class EventWriter {
  /** Running totals, e.g. for the benchmark to report how well requests coalesce. */
  readonly stats: EventWriterStats = { flushes: 0, writes: 0, events: 0 };
  private readonly queue: Pending[] = [];
  private readonly maxEvents: number;
  private readonly concurrency: number;
  private active = 0;
  /** Events stored since the writer last indexed anonymous events by visitor (visitor-index.ts). */
  private sinceIndexed = 0;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    options: EventWriterOptions = {},
  ) {
    this.maxEvents = options.maxEventsPerFlush ?? 5_000;
    this.concurrency = options.concurrency ?? (engineOf(db) === "postgres" ? 4 : 1);
  }

  /** Resolves once the events are committed (all of them) or rejects (none of them stored). */
  write(shopId: number, drafts: EventDraft[]): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ shopId, drafts, resolve, reject });
      this.schedule();
    });
  }

  /** Waits until everything written so far is stored. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.active > 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  // Flushing on the next turn of the event loop, not at once, lets the requests parsed in this turn
  // join the same transaction; while all transaction slots are busy, arrivals simply queue up.
  private schedule(): void {
    if (this.scheduled || this.active >= this.concurrency) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.active < this.concurrency && this.queue.length > 0) void this.flush(this.take());
    });
  }

  private take(): Pending[] {
    const taken: Pending[] = [];
    let events = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (taken.length > 0 && events + next.drafts.length > this.maxEvents) break;
      taken.push(this.queue.shift()!);
      events += next.drafts.length;
    }
    return taken;
  }

  private async flush(items: Pending[]): Promise<void> {
    this.active++;
    try {
      await this.store(items);
      for (const item of items) this.sinceIndexed += item.drafts.length;
      // The writer is what makes the backlog grow, so it keeps it a batch long; the worker's job does
      // the same for events written by other paths. A failed batch is simply retried later: until
      // then identify reads the events above the watermark by id.
      if (this.sinceIndexed >= VISITOR_INDEX_BATCH) {
        this.sinceIndexed = 0;
        await indexAnonymousEvents(this.db, VISITOR_INDEX_BATCH).catch(() => 0);
      }
    } finally {
      this.active--;
      if (this.queue.length > 0) this.schedule();
      else if (this.active === 0) {
        for (const wake of this.idleWaiters.splice(0)) wake();
      }
    }
  }

  private async store(items: Pending[]): Promise<void> {
    try {
      const results = await inTransaction(this.db, (trx) => storeEvents(trx, this.clock, items));
      this.stats.flushes++;
      this.stats.writes += items.length;
      for (const item of items) this.stats.events += item.drafts.length;
      for (const [i, item] of items.entries()) item.resolve(results[i]);
    } catch (err) {
      if (items.length === 1) {
        items[0].reject(err);
        return;
      }
      // One request's events must not fail the others': store each on its own to find out whose.
      for (const item of items) await this.store([item]);
    }
  }
}
