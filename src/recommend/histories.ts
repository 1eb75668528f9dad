// A whole shop's history for training, held as columns of typed arrays (17 bytes per interaction
// instead of a ~650-byte object), read page by page in the tables' own order (sequential on disk) and
// then arranged by customer. Each customer's interactions become objects only while they are used, so
// a rebuild for a million customers holds one compact copy of the history and one customer's objects.
import { sql } from "kysely";
import { type GiveWay, giveWayEvery } from "../core/give-way.js";
import { type Db, engineOf } from "../db/index.js";
import { DenseIds } from "./dense-ids.js";
import { EVENT_KINDS, INTERACTION_KINDS, type Interaction, type InteractionKind } from "./interactions.js";

/** Rows per page: large enough to amortise a round trip, small enough for steady progress; on SQLite a
 * page is one statement on the server's thread (50,000 rows held it ~0.5 s at 1M customers). */
const PAGE = 20_000;
const KIND_CODE = new Map<InteractionKind, number>(INTERACTION_KINDS.map((k, i) => [k, i]));
const SIGNAL_TYPES = Object.keys(EVENT_KINDS);

interface PurchaseRow {
  id: number | string;
  customer_id: number | string;
  product_id: number | string;
  ordered_at: string;
}

interface SignalRow {
  id: number | string;
  customer_id: number | string;
  product_id: number | string;
  type: string;
  occurred_at: string;
}

export interface LoadHistoryOptions {
  /** Epoch ms: leaves out everything from then on. */
  before?: number;
  /** How many rows to expect at most (sizes the columns once); see interactionCount. */
  capacity: number;
  onProgress?: (rowsRead: number) => void;
  /** Rows per page (PAGE). */
  pageSize?: number;
}

/** Rows per counting range: each count is a short statement, so the server gets turns in between. */
const COUNT_RANGE = 1_000_000;

/**
 * Order lines and product signals (views, cart adds, favourites) of the shop: at least as many as the
 * interactions a training reads (it leaves out cancelled orders and anonymous visitors). Counted over
 * ranges of ids (one count of fifteen million rows held SQLite, and the server with it, for a second).
 */
export async function interactionCount(
  db: Db,
  shopId: number,
  giveWay: GiveWay = giveWayEvery(),
): Promise<number> {
  const byId = readByRowid(db);
  let total = 0;
  for (const table of ["order_items", "events"] as const) {
    const last = await db
      .selectFrom(table)
      .select((eb) => eb.fn.max("id").as("id"))
      .executeTakeFirst();
    const signalsOnly = table === "events" ? sql`and t.type in (${sql.join(SIGNAL_TYPES)})` : sql``;
    for (let from = 0; from <= Number(last?.id ?? 0); from += COUNT_RANGE) {
      const { rows } = await sql<{ n: number | string }>`
        select count(*) as n from ${sql.table(table)} t ${byId}
        where t.shop_id = ${shopId} and t.id > ${from} and t.id <= ${from + COUNT_RANGE} ${signalsOnly}`.execute(
        db,
      );
      total += Number(rows[0]?.n ?? 0);
      await giveWay();
    }
  }
  return total;
}

/** SQLite must read these tables by id (the rowid), not through an index on the shop and product. */
function readByRowid(db: Db) {
  return engineOf(db) === "sqlite" ? sql`not indexed` : sql``;
}

/** Every customer's interactions in the shop (purchases from orders that stood, product signals). */
export async function loadShopHistories(
  db: Db,
  shopId: number,
  options: LoadHistoryOptions,
): Promise<CustomerHistories> {
  const before = options.before === undefined ? null : new Date(options.before).toISOString();
  const columns = new Columns(options.capacity);
  const pageSize = options.pageSize ?? PAGE;
  // Keyset pages in id order: a scan of each table as it lies on disk. SQLite must not read them
  // through an index that matches the shop and the non-null product (it would sort every page).
  const byId = readByRowid(db);
  const giveWay = giveWayEvery();
  const ordersBefore = before === null ? sql`` : sql`and o.ordered_at < ${before}`;
  const eventsBefore = before === null ? sql`` : sql`and e.occurred_at < ${before}`;
  const purchases = (after: number) =>
    sql<PurchaseRow>`
      select oi.id, o.customer_id, oi.product_id, o.ordered_at
      from order_items oi ${byId} join orders o on o.id = oi.order_id
      where oi.shop_id = ${shopId} and oi.id > ${after} and oi.product_id is not null
        and o.customer_id is not null and o.status not in ('cancelled', 'returned') ${ordersBefore}
      order by oi.id limit ${pageSize}`.execute(db);
  const signals = (after: number) =>
    sql<SignalRow>`
      select e.id, e.customer_id, e.product_id, e.type, e.occurred_at
      from events e ${byId}
      where e.shop_id = ${shopId} and e.id > ${after} and e.type in (${sql.join(SIGNAL_TYPES)})
        and e.customer_id is not null and e.product_id is not null ${eventsBefore}
      order by e.id limit ${pageSize}`.execute(db);
  let read = 0;
  for (let after = 0; ; ) {
    const { rows } = await purchases(after);
    for (const r of rows) {
      columns.push(Number(r.customer_id), Number(r.product_id), Date.parse(r.ordered_at), "purchase");
    }
    read += rows.length;
    options.onProgress?.(read);
    // On SQLite every statement runs to its end on this thread: the server gets its turns in between.
    await giveWay();
    if (rows.length < pageSize) break;
    after = Number(rows[rows.length - 1].id);
  }
  for (let after = 0; ; ) {
    const { rows } = await signals(after);
    for (const e of rows) {
      columns.push(
        Number(e.customer_id),
        Number(e.product_id),
        Date.parse(e.occurred_at),
        EVENT_KINDS[e.type],
      );
    }
    read += rows.length;
    options.onProgress?.(read);
    await giveWay();
    if (rows.length < pageSize) break;
    after = Number(rows[rows.length - 1].id);
  }
  return await columns.byCustomer(giveWay);
}

/** The columns as rows arrive: customer and product as dense indices, time, kind. */
class Columns {
  private length = 0;
  private customer: Int32Array;
  private product: Int32Array;
  private at: Float64Array;
  private kind: Uint8Array;
  private readonly customers = new DenseIds();
  private readonly products = new DenseIds();

  constructor(capacity: number) {
    this.customer = new Int32Array(capacity);
    this.product = new Int32Array(capacity);
    this.at = new Float64Array(capacity);
    this.kind = new Uint8Array(capacity);
  }

  push(customerId: number, productId: number, at: number, kind: InteractionKind): void {
    // The capacity is counted before reading; rows written meanwhile can pass it.
    if (this.length === this.customer.length) this.grow();
    const i = this.length++;
    this.customer[i] = this.customers.add(customerId);
    this.product[i] = this.products.add(productId);
    this.at[i] = at;
    this.kind[i] = KIND_CODE.get(kind)!;
  }

  private grow(): void {
    const size = Math.max(1_024, this.length * 2);
    const grown = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.customer = grown(this.customer, (n) => new Int32Array(n));
    this.product = grown(this.product, (n) => new Int32Array(n));
    this.at = grown(this.at, (n) => new Float64Array(n));
    this.kind = grown(this.kind, (n) => new Uint8Array(n));
  }

  /** Rows arranged by customer (ascending id), each customer's in time order (ties: as read). */
  async byCustomer(giveWay: GiveWay = giveWayEvery()): Promise<CustomerHistories> {
    const n = this.length;
    const customers = this.customers.size;
    // Dense indices were handed out as customers appeared; renumber them in id order (a typed array's
    // own numeric sort: a comparator over a million ids held the event loop for a second).
    const sortedIds = Float64Array.from(this.customers.ids).sort();
    await giveWay();
    const rank = new Int32Array(customers);
    for (let r = 0; r < customers; r++) rank[this.customers.indexOf(sortedIds[r])!] = r;
    await giveWay();
    // Counting sort by customer keeps each customer's rows in reading order.
    const starts = new Int32Array(customers + 1);
    for (let i = 0; i < n; i++) {
      starts[rank[this.customer[i]] + 1]++;
      if (i % 1_048_576 === 0) await giveWay();
    }
    for (let c = 0; c < customers; c++) starts[c + 1] += starts[c];
    const order = new Int32Array(n);
    const next = starts.slice(0, customers);
    for (let i = 0; i < n; i++) {
      order[next[rank[this.customer[i]]]++] = i;
      if (i % 1_048_576 === 0) await giveWay();
    }
    const at = this.at;
    const inTime = (a: number, b: number) => at[a] - at[b] || a - b;
    for (let c = 0; c < customers; c++) {
      if (starts[c + 1] - starts[c] > 1) order.subarray(starts[c], starts[c + 1]).sort(inTime);
      if (c % 4096 === 0) await giveWay();
    }
    return new CustomerHistories(sortedIds, starts, order, this.product, at, this.kind, this.products.ids);
  }
}

/** A shop's interactions by customer, re-iterable: each pass builds one customer's objects at a time. */
export class CustomerHistories {
  constructor(
    private readonly customerIds: Float64Array,
    private readonly starts: Int32Array,
    private readonly order: Int32Array,
    private readonly product: Int32Array,
    private readonly at: Float64Array,
    private readonly kind: Uint8Array,
    private readonly productIds: number[],
  ) {}

  get customers(): number {
    return this.customerIds.length;
  }

  get interactions(): number {
    return this.order.length;
  }

  /** Each customer's interactions before `before` (epoch ms), oldest first; customers with none left out. */
  *entries(before = Number.POSITIVE_INFINITY): IterableIterator<[number, Interaction[]]> {
    for (let c = 0; c < this.customerIds.length; c++) {
      const customerId = this.customerIds[c];
      const rows: Interaction[] = [];
      for (let k = this.starts[c]; k < this.starts[c + 1]; k++) {
        const i = this.order[k];
        if (this.at[i] >= before) break;
        rows.push({
          customerId,
          productId: this.productIds[this.product[i]],
          at: this.at[i],
          kind: INTERACTION_KINDS[this.kind[i]],
        });
      }
      if (rows.length > 0) yield [customerId, rows];
    }
  }

  /** The histories alone, as `entries` gives them. */
  *values(before?: number): IterableIterator<Interaction[]> {
    for (const [, rows] of this.entries(before)) yield rows;
  }
}
