// A segment rule compiled to one SQL condition over `customers c` left-joined to `customer_metrics m`,
// for either engine. Nothing is loaded into memory: a count, a sample page or the membership refresh is
// one statement. Lifetime aggregates, RFM and predictions read the metrics row; questions about a time
// window become `c.id IN (SELECT customer_id … GROUP BY customer_id HAVING …)` over the window's rows
// only, which the database evaluates once (a hash or a temporary index), not once per customer.
import { type RawBuilder, sql } from "kysely";
import { type Channel, type Db, engineOf } from "../db/index.js";
import type { SegmentLeaf, SegmentRule } from "./schema.js";

const DAY_MS = 86_400_000;
const NOT_PURCHASES = sql.join(["cancelled", "returned"].map((s) => sql.lit(s)));

export interface CompileContext {
  db: Db;
  shopId: number;
  now: Date;
  /** Ids of the segments a rule may refer to, by key. */
  segmentIds: ReadonlyMap<string, number>;
}

type Cond = RawBuilder<boolean>;

export interface CompiledRule {
  where: Cond;
  /** Whether the condition reads `m` (customer_metrics), so the join is needed. */
  usesMetrics: boolean;
}

export function compileRule(rule: SegmentRule, ctx: CompileContext): CompiledRule {
  const state = { usesMetrics: false };
  const where = compileNode(rule, ctx, state);
  return { where, usesMetrics: state.usesMetrics };
}

/**
 * `select c.id from customers c left join customer_metrics m where <shop, live profiles, rule>`. The
 * join is on the metrics key, so both engines drop it when the rule does not read `m`.
 */
export function membersQuery(rule: SegmentRule, ctx: CompileContext) {
  const { where } = compileRule(rule, ctx);
  return ctx.db
    .selectFrom("customers as c")
    .leftJoin("customer_metrics as m", (j) =>
      j.onRef("m.customer_id", "=", "c.id").on("m.shop_id", "=", ctx.shopId),
    )
    .select("c.id")
    .where("c.shop_id", "=", ctx.shopId)
    .where("c.merged_into_id", "is", null)
    .where(where);
}

interface State {
  usesMetrics: boolean;
}

function compileNode(node: SegmentRule, ctx: CompileContext, state: State): Cond {
  switch (node.type) {
    case "all":
      return sql<boolean>`(${sql.join(
        node.conditions.map((c) => compileNode(c, ctx, state)),
        sql` and `,
      )})`;
    case "any":
      return sql<boolean>`(${sql.join(
        node.conditions.map((c) => compileNode(c, ctx, state)),
        sql` or `,
      )})`;
    case "not":
      // A leaf on a missing metrics row is NULL, not false; NOT NULL would drop the customer.
      return sql<boolean>`not coalesce(${compileNode(node.condition, ctx, state)}, false)`;
    default:
      // No coalesce here: outside a NOT, a NULL leaf rejects the row exactly as false does (AND and OR
      // are monotone), and a bare comparison on m lets PostgreSQL turn the left join into an inner
      // join driven by a metrics index instead of testing a million customers one by one.
      return compileLeaf(node, ctx, state);
  }
}

function daysAgo(ctx: CompileContext, days: number): string {
  return new Date(ctx.now.getTime() - days * DAY_MS).toISOString();
}

function daysAhead(ctx: CompileContext, days: number): string {
  return new Date(ctx.now.getTime() + days * DAY_MS).toISOString();
}

function between(value: RawBuilder<unknown>, min?: number, max?: number): Cond {
  const parts: Cond[] = [];
  if (min !== undefined) parts.push(sql<boolean>`${value} >= ${min}`);
  if (max !== undefined) parts.push(sql<boolean>`${value} <= ${max}`);
  return parts.length === 0 ? sql<boolean>`true` : sql<boolean>`(${sql.join(parts, sql` and `)})`;
}

function zeroInRange(min?: number, max?: number): boolean {
  return (min === undefined || min <= 0) && (max === undefined || max >= 0);
}

/**
 * A per-customer aggregate over a subset of rows, where customers with no rows have 0: when 0 is in
 * range the customer qualifies unless their aggregate is outside it (NOT IN), otherwise only customers
 * whose aggregate is inside it do (IN).
 */
function aggregateInRange(
  ctx: CompileContext,
  grouped: (having: Cond) => RawBuilder<unknown>,
  aggregate: RawBuilder<unknown>,
  min?: number,
  max?: number,
): Cond {
  const inRange = between(aggregate, min, max);
  if (!zeroInRange(min, max)) return sql<boolean>`c.id in (${grouped(inRange)})`;
  const outside = grouped(sql<boolean>`not ${inRange}`);
  // PostgreSQL runs NOT IN over a large subquery row by row unless it fits work_mem as a hash; NOT
  // EXISTS becomes a hash anti-join. SQLite evaluates NOT IN once into a temporary index.
  return engineOf(ctx.db) === "postgres"
    ? sql<boolean>`not exists (select 1 from (${outside}) x where x.customer_id = c.id)`
    : sql<boolean>`c.id not in (${outside})`;
}

function productFilter(ctx: CompileContext, column: string, skus?: string[], category?: string): Cond {
  const parts: Cond[] = [];
  if (skus) {
    parts.push(
      sql<boolean>`${sql.ref(column)} in (select id from products where shop_id = ${ctx.shopId} and sku in (${sql.join(skus)}))`,
    );
  }
  if (category) {
    parts.push(
      sql<boolean>`${sql.ref(column)} in (select id from products where shop_id = ${ctx.shopId} and category_path like ${`${escapeLike(category)}%`} escape '\\')`,
    );
  }
  return parts.length === 0 ? sql<boolean>`true` : sql<boolean>`(${sql.join(parts, sql` and `)})`;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Customers whose counted orders matching `filters`, grouped, satisfy `having`. */
function windowOrders(ctx: CompileContext, filters: Cond[], having: Cond): RawBuilder<unknown> {
  return sql`select customer_id from orders where shop_id = ${ctx.shopId} and customer_id is not null
    and status not in (${NOT_PURCHASES}) and ordered_at <= ${ctx.now.toISOString()}
    and ${sql.join(filters, sql` and `)} group by customer_id having ${having}`;
}

function metrics(state: State, column: string): RawBuilder<unknown> {
  state.usesMetrics = true;
  return sql.ref(`m.${column}`);
}

function compileLeaf(leaf: SegmentLeaf, ctx: CompileContext, state: State): Cond {
  const { db, shopId } = ctx;
  const pg = engineOf(db) === "postgres";
  switch (leaf.type) {
    case "profile": {
      const column =
        leaf.field === "birthday" && pg ? sql`cast(c.birthday as text)` : sql.ref(`c.${leaf.field}`);
      const values = Array.isArray(leaf.value) ? leaf.value : leaf.value === undefined ? [] : [leaf.value];
      switch (leaf.op) {
        case "exists":
          return sql<boolean>`(${column} is not null and ${column} <> '')`;
        case "missing":
          return sql<boolean>`(${column} is null or ${column} = '')`;
        case "eq":
        case "in":
          return values.length === 0 ? sql<boolean>`false` : sql<boolean>`${column} in (${sql.join(values)})`;
        case "neq":
        case "not_in":
          return values.length === 0
            ? sql<boolean>`true`
            : sql<boolean>`(${column} is null or ${column} not in (${sql.join(values)}))`;
        case "starts_with":
          return sql<boolean>`${column} like ${`${escapeLike(values[0] ?? "")}%`} escape '\\'`;
      }
      break;
    }
    case "birthday_month": {
      const month = pg
        ? sql`cast(extract(month from c.birthday) as integer)`
        : sql`cast(substr(c.birthday, 6, 2) as integer)`;
      return sql<boolean>`${month} in (${sql.join(leaf.months)})`;
    }
    case "signed_up":
      return sql<boolean>`(${sql.join(
        [
          leaf.withinDays !== undefined ? sql`c.created_at >= ${daysAgo(ctx, leaf.withinDays)}` : sql`true`,
          leaf.olderThanDays !== undefined
            ? sql`c.created_at < ${daysAgo(ctx, leaf.olderThanDays)}`
            : sql`true`,
        ],
        sql` and `,
      )})`;
    case "attribute":
      return attributeCondition(pg, leaf);
    case "tag":
      return pg
        ? sql<boolean>`coalesce(c.attributes -> 'tags', '[]'::jsonb) @> jsonb_build_array(${leaf.tag}::text)`
        : sql<boolean>`exists (select 1 from json_each(c.attributes, '$.tags') where value = ${leaf.tag})`;
    case "consent": {
      const granted = sql<boolean>`exists (select 1 from consents k where k.shop_id = ${shopId} and k.customer_id = c.id and k.channel = ${leaf.channel} and k.granted = 1)`;
      return leaf.granted ? granted : sql<boolean>`not ${granted}`;
    }
    case "reachable":
      return reachable(ctx, leaf.channel);
    case "orders": {
      const plain =
        leaf.withinDays === undefined && leaf.channels === undefined && leaf.withCoupon === undefined;
      if (plain) {
        const value = metrics(state, leaf.measure === "count" ? "orders_count" : "revenue");
        // Customers without a metrics row have bought nothing: 0, which only matters when 0 is in range.
        const counted = zeroInRange(leaf.min, leaf.max) ? sql`coalesce(${value}, 0)` : value;
        return between(counted, leaf.min, leaf.max);
      }
      const filters: Cond[] = [];
      if (leaf.withinDays !== undefined)
        filters.push(sql<boolean>`ordered_at >= ${daysAgo(ctx, leaf.withinDays)}`);
      if (leaf.channels) filters.push(sql<boolean>`channel in (${sql.join(leaf.channels)})`);
      if (leaf.withCoupon !== undefined) {
        filters.push(
          leaf.withCoupon ? sql<boolean>`coupon_code is not null` : sql<boolean>`coupon_code is null`,
        );
      }
      const aggregate = leaf.measure === "count" ? sql`count(*)` : sql`sum(total)`;
      if (leaf.withinDays !== undefined && !zeroInRange(leaf.min, leaf.max)) {
        // Someone with an order in the window has their last order in it: a condition the metrics
        // index answers, which narrows the customers before the window's orders are counted, and
        // which is the whole answer for "at least one order".
        const recent = sql<boolean>`${metrics(state, "last_order_at")} >= ${daysAgo(ctx, leaf.withinDays)}`;
        const atLeastOne = leaf.measure === "count" && leaf.min === 1 && leaf.max === undefined;
        if (atLeastOne && filters.length === 1) return recent;
        return sql<boolean>`(${recent} and ${aggregateInRange(
          ctx,
          (having) => windowOrders(ctx, filters, having),
          aggregate,
          leaf.min,
          leaf.max,
        )})`;
      }
      return aggregateInRange(
        ctx,
        (having) => windowOrders(ctx, filters, having),
        aggregate,
        leaf.min,
        leaf.max,
      );
    }
    case "order_date": {
      const column = metrics(state, leaf.which === "first" ? "first_order_at" : "last_order_at");
      const parts: Cond[] = [sql<boolean>`${column} is not null`];
      if (leaf.withinDays !== undefined)
        parts.push(sql<boolean>`${column} >= ${daysAgo(ctx, leaf.withinDays)}`);
      if (leaf.olderThanDays !== undefined) {
        parts.push(sql<boolean>`${column} < ${daysAgo(ctx, leaf.olderThanDays)}`);
      }
      return sql<boolean>`(${sql.join(parts, sql` and `)})`;
    }
    case "bought": {
      const window =
        leaf.withinDays !== undefined ? sql`and o.ordered_at >= ${daysAgo(ctx, leaf.withinDays)}` : sql``;
      return sql<boolean>`c.id in (select o.customer_id from order_items i join orders o on o.id = i.order_id
        where i.shop_id = ${shopId} and o.customer_id is not null and o.status not in (${NOT_PURCHASES})
          and o.ordered_at <= ${ctx.now.toISOString()} ${window}
          and ${productFilter(ctx, "i.product_id", leaf.skus, leaf.category)}
        group by o.customer_id having count(distinct o.id) >= ${leaf.minTimes})`;
    }
    case "rfm": {
      const parts: Cond[] = [];
      const scores = [
        ["recency_score", leaf.recency],
        ["frequency_score", leaf.frequency],
        ["monetary_score", leaf.monetary],
      ] as const;
      for (const [column, values] of scores) {
        if (values) parts.push(sql<boolean>`${metrics(state, column)} in (${sql.join(values)})`);
      }
      if (leaf.groups) parts.push(sql<boolean>`${metrics(state, "rfm_group")} in (${sql.join(leaf.groups)})`);
      return parts.length === 0
        ? sql<boolean>`${metrics(state, "rfm_group")} is not null`
        : sql<boolean>`(${sql.join(parts, sql` and `)})`;
    }
    case "event":
      return sql<boolean>`c.id in (select customer_id from events where shop_id = ${shopId} and type = ${leaf.eventType}
        and occurred_at >= ${daysAgo(ctx, leaf.withinDays)} and occurred_at <= ${ctx.now.toISOString()}
        and customer_id is not null and ${productFilter(ctx, "product_id", leaf.skus, leaf.category)}
        group by customer_id having count(*) >= ${leaf.minCount})`;
    case "abandoned_cart":
      // The newest cart add is after the last order (or there is no order): the cart was left.
      return sql<boolean>`c.id in (select e.customer_id from events e
          left join customer_metrics lm on lm.shop_id = e.shop_id and lm.customer_id = e.customer_id
        where e.shop_id = ${shopId} and e.type = 'cart_add' and e.customer_id is not null
          and e.occurred_at >= ${daysAgo(ctx, leaf.withinDays)} and e.occurred_at <= ${ctx.now.toISOString()}
        group by e.customer_id, lm.last_order_at
        having lm.last_order_at is null or max(e.occurred_at) > lm.last_order_at)`;
    case "engagement": {
      const column = { received: "sent_at", opened: "opened_at", clicked: "clicked_at" }[leaf.action];
      const channel = leaf.channel ? sql`and channel = ${leaf.channel}` : sql``;
      return sql<boolean>`c.id in (select customer_id from messages where shop_id = ${shopId}
        and ${sql.ref(column)} >= ${daysAgo(ctx, leaf.withinDays)} and ${sql.ref(column)} <= ${ctx.now.toISOString()} ${channel})`;
    }
    case "points":
      return aggregateInRange(
        ctx,
        (having) => sql`select customer_id from point_balances where shop_id = ${shopId} and ${having}`,
        sql`balance`,
        leaf.min,
        leaf.max,
      );
    case "points_expiring":
      return sql<boolean>`c.id in (select customer_id from point_balances where shop_id = ${shopId}
        and next_expiry_at > ${ctx.now.toISOString()} and next_expiry_at <= ${daysAhead(ctx, leaf.withinDays)}
        and next_expiry_points >= ${leaf.min})`;
    case "prediction":
      return sql<boolean>`(${metrics(state, leaf.field)} is not null and ${between(metrics(state, leaf.field), leaf.min, leaf.max)})`;
    case "next_order_due": {
      const column = metrics(state, "next_order_at");
      return sql<boolean>`(${column} >= ${ctx.now.toISOString()} and ${column} <= ${daysAhead(ctx, leaf.withinDays)})`;
    }
    case "segment": {
      const id = ctx.segmentIds.get(leaf.key);
      if (id === undefined) throw new Error(`unknown segment ${leaf.key}`); // checked before compiling
      return sql<boolean>`c.id in (select customer_id from segment_memberships where segment_id = ${id} and exited_at is null)`;
    }
  }
  throw new Error(`unhandled segment leaf ${(leaf as { type: string }).type}`);
}

function attributeCondition(pg: boolean, leaf: Extract<SegmentLeaf, { type: "attribute" }>): Cond {
  const path = `$."${leaf.name}"`;
  const text = pg ? sql`(c.attributes ->> ${leaf.name})` : sql`json_extract(c.attributes, ${path})`;
  const kind = pg ? sql`jsonb_typeof(c.attributes -> ${leaf.name})` : sql`json_type(c.attributes, ${path})`;
  const isNumber = pg ? sql<boolean>`${kind} = 'number'` : sql<boolean>`${kind} in ('integer', 'real')`;
  const asNumber = pg ? sql`cast(c.attributes ->> ${leaf.name} as double precision)` : text;
  const value = leaf.value;
  const ops = { eq: "=", neq: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;
  switch (leaf.op) {
    case "exists":
      return sql<boolean>`(${kind} is not null and ${kind} <> 'null' and coalesce(${text}, '') <> '')`;
    case "missing":
      return sql<boolean>`(${kind} is null or ${kind} = 'null' or coalesce(${text}, '') = '')`;
    default: {
      const op = sql.raw(ops[leaf.op]);
      if (typeof value === "number") {
        // Only numbers compare as numbers; a text "12" is not 12 (and would fail a cast on PostgreSQL).
        const compared = sql<boolean>`(case when ${isNumber} then ${asNumber} end) ${op} ${value}`;
        return leaf.op === "neq" ? sql<boolean>`(not coalesce(${isNumber}, false) or ${compared})` : compared;
      }
      if (typeof value === "boolean") {
        // SQLite's json_type names a boolean by its value: 'true' or 'false'.
        const matches = pg
          ? sql<boolean>`(${kind} = 'boolean' and ${text} = ${String(value)})`
          : sql<boolean>`${kind} = ${String(value)}`;
        return leaf.op === "neq" ? sql<boolean>`not coalesce(${matches}, false)` : matches;
      }
      // Text compares with text only: a number 42 is not the string "42".
      const isText = pg ? sql<boolean>`${kind} = 'string'` : sql<boolean>`${kind} = 'text'`;
      if (leaf.op === "neq") return sql<boolean>`not coalesce(${isText} and ${text} = ${value ?? ""}, false)`;
      return sql<boolean>`(${isText} and ${text} ${op} ${value ?? ""})`;
    }
  }
}

function reachable(ctx: CompileContext, channel: Channel): Cond {
  const { shopId } = ctx;
  const consent = sql<boolean>`exists (select 1 from consents k where k.shop_id = ${shopId} and k.customer_id = c.id and k.channel = ${channel} and k.granted = 1)`;
  const notSuppressed = (address: string) =>
    sql<boolean>`not exists (select 1 from suppressions s where s.shop_id = ${shopId} and s.channel = ${channel} and s.address = ${sql.ref(address)})`;
  switch (channel) {
    case "email":
      return sql<boolean>`(c.email is not null and ${consent} and ${notSuppressed("c.email")})`;
    case "sms":
      return sql<boolean>`(c.phone is not null and ${consent} and ${notSuppressed("c.phone")})`;
    case "line":
      return sql<boolean>`(c.line_user_id is not null and ${consent} and ${notSuppressed("c.line_user_id")})`;
    case "postal":
      return sql<boolean>`(c.postal_code is not null and c.address is not null and ${consent})`;
    case "push":
      return sql<boolean>`(${consent} and exists (select 1 from push_subscriptions p where p.shop_id = ${shopId} and p.customer_id = c.id and p.revoked_at is null))`;
  }
}
