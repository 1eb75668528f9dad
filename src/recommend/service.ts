// Recommendations in service: a full rebuild trains the configuration the shop's own history picks and
// stores a list per customer; the incremental pass recomputes the lists of customers whose orders or
// storefront behaviour changed since, against the stored model, without retraining. Lists are read by
// templates, the LINE carousel and the API, with stock checked on the way out.
import type { Insertable } from "kysely";
import { toIso } from "../core/clock.js";
import { type GiveWay, giveWayEvery } from "../core/give-way.js";
import {
  anyOf,
  chunk,
  type Db,
  fromJson,
  inTransaction,
  type RecommendationProductTable,
  selectIn,
  toJson,
} from "../db/index.js";
import { type ProductCard, popularProducts, productCards } from "../messaging/render/recommendations.js";
import { type AlsModel, alsScorer, DEFAULT_ALS_OPTIONS } from "./als.js";
import { easeNeighbours } from "./ease.js";
import { DEFAULT_TRAIN_SHARE, selectConfig } from "./evaluate.js";
import { interactionCount, loadShopHistories } from "./histories.js";
import { byCustomer, loadInteractions, productCategories, purchaseSpan } from "./interactions.js";
import { DEFAULT_KNN_OPTIONS, type Neighbours } from "./item-knn.js";
import { hybridRecommender, type Recommender } from "./models.js";
import type { Popularity } from "./popularity.js";
import type { RepurchaseProfile } from "./repurchase.js";
import { knnScorer } from "./scoring.js";
import { CANDIDATES, configName, type ModelConfig, train } from "./training.js";

/** Products kept per customer: more than any message shows, so out-of-stock ones can be skipped. */
export const LIST_LENGTH = 30;
/** Neighbours kept per product. */
export const STORED_NEIGHBOURS = 50;
/** Customers recomputed per incremental pass at most; the rest wait for the next pass. */
const REFRESH_BATCH = 5_000;
/** Lists are served with stock checked then: it changes by the minute. */
const IN_STOCK = { inStockOnly: true };
const WRITE_BATCH = 500;

/** What serving needs of a trained model; stored in recommendation_products and read back. */
export interface ServingModel {
  config: ModelConfig;
  /** Item-kNN's (or EASE's top rows): what "similar products" shows, and the scorer unless ALS is. */
  neighbours: Neighbours;
  /** The products' factors when the shop's model is ALS. */
  als: AlsModel | null;
  repurchase: Map<number, RepurchaseProfile>;
  popular: Popularity;
  /** Product → top-level category (read from the catalogue, not stored with the model). */
  categories: Map<number, string>;
}

interface Cursor {
  /** Orders written after this (updated_at) may change someone's list. */
  ordersUpdatedAfter: string;
  /** Storefront events after this id. */
  eventsAfter: number;
}

export interface RebuildReport {
  customers: number;
  products: number;
  selected: string;
  seconds: number;
}

/** The recommender serving uses at `now`: stored neighbours for both item-kNN and EASE (its top rows). */
export function servingRecommender(model: ServingModel, now: number): Recommender {
  return hybridRecommender(configName(model.config), {
    asOf: now,
    scorer: model.als ? alsScorer(model.als) : knnScorer(model.neighbours),
    knnOptions: DEFAULT_KNN_OPTIONS,
    popular: model.popular,
    repurchase: model.repurchase,
    blend: model.config.blend ?? undefined,
    categories: model.categories,
  });
}

export async function rebuildRecommendations(
  db: Db,
  shopId: number,
  options: {
    now: Date;
    onProgress?: (done: number, total: number, label: string) => void;
    /** Train this configuration instead of the one the shop's history picks. */
    config?: ModelConfig;
  },
): Promise<RebuildReport> {
  const started = performance.now();
  // Models read what happened before their moment: one ms past now takes in what happened just now.
  const now = options.now.getTime() + 1;
  const cursor = await currentCursor(db, shopId);
  const capacity = await interactionCount(db, shopId);
  const histories = await loadShopHistories(db, shopId, {
    before: now,
    capacity,
    onProgress: (read) => options.onProgress?.(read, capacity, "reading history"),
  });
  const categories = await productCategories(db, shopId);
  const span = await purchaseSpan(db, shopId);
  options.onProgress?.(0, 1, "choosing the model");
  // Picked as the evaluation picks it: trained on the first 80% of the history, measured on the rest.
  const config =
    options.config ??
    (span && span.last > span.first
      ? await selectConfig(
          histories,
          Math.round(span.first + DEFAULT_TRAIN_SHARE * (span.last - span.first)),
          now,
          categories,
        )
      : CANDIDATES[0]);
  options.onProgress?.(0, 1, "training");
  const giveWay = giveWayEvery();
  const trained = await train(histories.values(), now, categories, giveWay, [config.scorer]);
  const neighbours =
    config.scorer === "ease" && trained.ease
      ? easeNeighbours(trained.ease, STORED_NEIGHBOURS)
      : trained.neighbours;
  const model: ServingModel = {
    config,
    neighbours,
    als: config.scorer === "als" ? trained.als : null,
    repurchase: trained.repurchase,
    popular: trained.popular,
    categories,
  };
  options.onProgress?.(0, 1, "storing the model");
  await storeModel(db, shopId, model, options.now, cursor, giveWay);

  const recommender = servingRecommender(model, now);
  let batch: Array<[number, number[]]> = [];
  let done = 0;
  const flush = async () => {
    await storeLists(db, shopId, batch, options.now);
    done += batch.length;
    options.onProgress?.(done, histories.customers, "customers");
    batch = [];
    await giveWay();
  };
  for (const [customerId, rows] of histories.entries()) {
    batch.push([customerId, recommender.recommend(rows, LIST_LENGTH)]);
    if (batch.length === WRITE_BATCH) await flush();
    else await giveWay();
  }
  await flush();
  options.onProgress?.(0, 1, "removing old lists");
  // Lists from an earlier rebuild whose customer has no history any more (merged, erased).
  await db
    .deleteFrom("customer_recommendations")
    .where("shop_id", "=", shopId)
    .where("computed_at", "<", toIso(options.now))
    .execute();
  return {
    customers: done,
    products: model.neighbours.size,
    selected: configName(config),
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Recomputes the lists of customers whose orders or storefront behaviour changed since the last pass.
 * Returns how many (0: nothing to do, or no model yet). On PostgreSQL an event committed late with a
 * lower id than the cursor is only seen by the next rebuild (ids are handed out before commit).
 */
export async function refreshRecommendations(db: Db, shopId: number, now: Date): Promise<number> {
  const row = await db
    .selectFrom("recommendation_models")
    .select(["cursor"])
    .where("shop_id", "=", shopId)
    .executeTakeFirst();
  if (!row) return 0;
  const cursor = fromJson<Cursor>(row.cursor);
  const next = await currentCursor(db, shopId);
  const changed = new Set<number>();
  const ordered = await db
    .selectFrom("orders")
    .select("customer_id")
    .distinct()
    .where("shop_id", "=", shopId)
    .where("updated_at", ">", cursor.ordersUpdatedAfter)
    .where("updated_at", "<=", next.ordersUpdatedAfter)
    .where("customer_id", "is not", null)
    .limit(REFRESH_BATCH)
    .execute();
  for (const o of ordered) changed.add(Number(o.customer_id));
  const behaved = await db
    .selectFrom("events")
    .select("customer_id")
    .distinct()
    .where("shop_id", "=", shopId)
    .where("id", ">", cursor.eventsAfter)
    .where("id", "<=", next.eventsAfter)
    .where("type", "in", ["product_view", "cart_add", "favourite"])
    .where("customer_id", "is not", null)
    .limit(REFRESH_BATCH)
    .execute();
  for (const e of behaved) changed.add(Number(e.customer_id));
  if (changed.size > 0) {
    const model = await loadServingModel(db, shopId);
    const asOf = now.getTime() + 1;
    const recommender = servingRecommender(model, asOf);
    const histories = byCustomer(await loadInteractions(db, shopId, [...changed], asOf));
    const lists: Array<[number, number[]]> = [];
    for (const customerId of changed) {
      lists.push([customerId, recommender.recommend(histories.get(customerId) ?? [], LIST_LENGTH)]);
    }
    for (const part of chunk(lists, WRITE_BATCH)) await storeLists(db, shopId, part, now);
  }
  // A pass that hit its batch limit leaves the cursor where it was, so the rest come next time.
  if (ordered.length < REFRESH_BATCH && behaved.length < REFRESH_BATCH) {
    await db
      .updateTable("recommendation_models")
      .set({ cursor: toJson(next) })
      .where("shop_id", "=", shopId)
      .execute();
  }
  return changed.size;
}

/** Each customer's recommended products in stock, best first; best sellers for those with no list. */
export async function recommendationsFor(
  db: Db,
  shopId: number,
  customerIds: number[],
  limit: number,
  now: Date,
): Promise<Map<number, ProductCard[]>> {
  const stored = await storedRecommendations(db, shopId, customerIds, limit);
  const missing = customerIds.filter((id) => !stored.has(id));
  if (missing.length > 0) {
    const fallback = await bestSellerIds(db, shopId, LIST_LENGTH, now);
    const cards = await productCards(db, shopId, fallback, IN_STOCK);
    const best = fallback.flatMap((id) => cards.get(id) ?? []).slice(0, limit);
    for (const id of missing) stored.set(id, best);
  }
  return stored;
}

/** The stored lists (in stock, best first) of the customers that have one. */
export async function storedRecommendations(
  db: Db,
  shopId: number,
  customerIds: number[],
  limit: number,
): Promise<Map<number, ProductCard[]>> {
  const rows = await selectIn(db, customerIds, (slice) =>
    db
      .selectFrom("customer_recommendations")
      .select(["customer_id", "products"])
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "customer_id", slice))
      .execute(),
  );
  const lists = new Map(rows.map((r) => [Number(r.customer_id), fromJson<number[]>(r.products)]));
  const wanted = new Set<number>();
  for (const list of lists.values()) for (const p of list) wanted.add(p);
  const cards = await productCards(db, shopId, [...wanted], IN_STOCK);
  const out = new Map<number, ProductCard[]>();
  for (const [customerId, ids] of lists) {
    out.set(customerId, ids.flatMap((id) => cards.get(id) ?? []).slice(0, limit));
  }
  return out;
}

/** Products like this one (the model's neighbours) and bought in the same orders (the last year). */
export async function relatedProducts(
  db: Db,
  shopId: number,
  productId: number,
  limit: number,
  now: Date,
): Promise<{ similar: ProductCard[]; boughtTogether: ProductCard[] }> {
  const row = await db
    .selectFrom("recommendation_products")
    .select("neighbours")
    .where("shop_id", "=", shopId)
    .where("product_id", "=", productId)
    .executeTakeFirst();
  const similarIds = row ? fromJson<Array<[number, number]>>(row.neighbours).map(([id]) => id) : [];
  const yearAgo = new Date(now.getTime() - 365 * 86_400_000).toISOString().slice(0, 7);
  const pairs = await db
    .selectFrom("product_pair_months")
    .select(["product_a", "product_b", (eb) => eb.fn.sum<number>("orders").as("orders")])
    .where("shop_id", "=", shopId)
    .where("month", ">=", yearAgo)
    .where((eb) => eb.or([eb("product_a", "=", productId), eb("product_b", "=", productId)]))
    .groupBy(["product_a", "product_b"])
    .orderBy("orders", "desc")
    .limit(LIST_LENGTH)
    .execute();
  const togetherIds = pairs.map((p) => Number(p.product_a === productId ? p.product_b : p.product_a));
  const cards = await productCards(db, shopId, [...similarIds, ...togetherIds], IN_STOCK);
  const pick = (ids: number[]) =>
    ids
      .filter((id) => id !== productId)
      .flatMap((id) => cards.get(id) ?? [])
      .slice(0, limit);
  return { similar: pick(similarIds), boughtTogether: pick(togetherIds) };
}

async function currentCursor(db: Db, shopId: number): Promise<Cursor> {
  const orders = await db
    .selectFrom("orders")
    .select((eb) => eb.fn.max("updated_at").as("at"))
    .where("shop_id", "=", shopId)
    .executeTakeFirst();
  const events = await db
    .selectFrom("events")
    .select((eb) => eb.fn.max("id").as("id"))
    .executeTakeFirst();
  return {
    ordersUpdatedAfter: orders?.at ? String(orders.at) : "0000",
    eventsAfter: Number(events?.id ?? 0),
  };
}

async function storeModel(
  db: Db,
  shopId: number,
  model: ServingModel,
  now: Date,
  cursor: Cursor,
  giveWay: GiveWay,
) {
  const rank = new Map(model.popular.ranked.map((p, i) => [p, i]));
  const als = model.als;
  const productIds = new Set([
    ...model.neighbours.keys(),
    ...model.repurchase.keys(),
    ...rank.keys(),
    ...(als?.ids ?? []),
  ]);
  const factorsOf = (productId: number) => {
    const i = als?.index.get(productId);
    if (!als || i === undefined) return null;
    const f = als.options.factors;
    return toJson(Array.from(als.itemFactors.subarray(i * f, (i + 1) * f)));
  };
  const rows: Insertable<RecommendationProductTable>[] = [];
  for (const productId of productIds) {
    // Tens of thousands of products' JSON: the server gets its turns meanwhile.
    await giveWay();
    const profile = model.repurchase.get(productId);
    rows.push({
      shop_id: shopId,
      product_id: productId,
      neighbours: toJson(
        (model.neighbours.get(productId) ?? []).map((n) => [
          n.productId,
          Math.round(n.similarity * 1e6) / 1e6,
        ]),
      ),
      repurchase_rate: profile?.rate ?? 0,
      cycle_days: profile?.cycleDays ?? null,
      regularity: profile?.regularity ?? null,
      popularity_rank: rank.get(productId) ?? null,
      popularity_share: model.popular.share.get(productId) ?? 0,
      trending_share: model.popular.trending.get(productId) ?? 0,
      factors: factorsOf(productId),
    });
  }
  await inTransaction(db, async (trx) => {
    await trx.deleteFrom("recommendation_products").where("shop_id", "=", shopId).execute();
    for (const part of chunk(rows, 100)) {
      await trx.insertInto("recommendation_products").values(part).execute();
      // Requests that need the database wait for the transaction; the others go on.
      await giveWay();
    }
    const values = {
      config: toJson(model.config),
      as_of: toIso(now),
      trained_at: toIso(now),
      cursor: toJson(cursor),
    };
    await trx
      .insertInto("recommendation_models")
      .values({ shop_id: shopId, ...values })
      .onConflict((oc) => oc.column("shop_id").doUpdateSet(values))
      .execute();
  });
  modelCache.delete(shopId);
}

const modelCache = new Map<number, { trainedAt: string; model: ServingModel }>();

/** The stored model, parsed once per training (cached by its trained_at). */
export async function loadServingModel(db: Db, shopId: number): Promise<ServingModel> {
  const head = await db
    .selectFrom("recommendation_models")
    .select(["config", "trained_at"])
    .where("shop_id", "=", shopId)
    .executeTakeFirstOrThrow();
  const cached = modelCache.get(shopId);
  if (cached && cached.trainedAt === head.trained_at) return cached.model;
  const rows = await db
    .selectFrom("recommendation_products")
    .selectAll()
    .where("shop_id", "=", shopId)
    .execute();
  const neighbours: Neighbours = new Map();
  const repurchase = new Map<number, RepurchaseProfile>();
  const share = new Map<number, number>();
  const trending = new Map<number, number>();
  const ranked: Array<[number, number]> = [];
  const factors: Array<[number, number[]]> = [];
  for (const r of rows) {
    const id = Number(r.product_id);
    if (r.factors !== null) factors.push([id, fromJson<number[]>(r.factors)]);
    neighbours.set(
      id,
      fromJson<Array<[number, number]>>(r.neighbours).map(([productId, similarity]) => ({
        productId,
        similarity,
      })),
    );
    repurchase.set(id, {
      rate: r.repurchase_rate,
      cycleDays: r.cycle_days,
      ...(r.regularity !== null ? { regularity: r.regularity } : {}),
      buyers: 0,
    });
    if (r.popularity_share > 0) share.set(id, r.popularity_share);
    if (r.trending_share > 0) trending.set(id, r.trending_share);
    if (r.popularity_rank !== null) ranked.push([id, r.popularity_rank]);
  }
  ranked.sort((a, b) => a[1] - b[1]);
  const model: ServingModel = {
    config: fromJson<ModelConfig>(head.config),
    neighbours,
    als: factors.length > 0 ? alsModelOf(factors) : null,
    repurchase,
    popular: { ranked: ranked.map(([id]) => id), share, trending },
    categories: await productCategories(db, shopId),
  };
  modelCache.set(shopId, { trainedAt: head.trained_at, model });
  return model;
}

/** ALS factors as stored, per product, back into a model. */
function alsModelOf(factors: Array<[number, number[]]>): AlsModel {
  const f = factors[0][1].length;
  const itemFactors = new Float64Array(factors.length * f);
  for (const [i, [, row]] of factors.entries()) itemFactors.set(row, i * f);
  const ids = factors.map(([id]) => id);
  return {
    ids,
    index: new Map(ids.map((id, i) => [id, i])),
    itemFactors,
    options: { ...DEFAULT_ALS_OPTIONS, factors: f },
  };
}

async function storeLists(db: Db, shopId: number, lists: Array<[number, number[]]>, now: Date) {
  if (lists.length === 0) return;
  const computedAt = toIso(now);
  await db
    .insertInto("customer_recommendations")
    .values(
      lists.map(([customerId, products]) => ({
        shop_id: shopId,
        customer_id: customerId,
        products: toJson(products),
        computed_at: computedAt,
      })),
    )
    .onConflict((oc) =>
      oc.columns(["shop_id", "customer_id"]).doUpdateSet((eb) => ({
        products: eb.ref("excluded.products"),
        computed_at: eb.ref("excluded.computed_at"),
      })),
    )
    .execute();
}

/** The model's best sellers, or the last 90 days' when no model has been trained yet. */
async function bestSellerIds(db: Db, shopId: number, limit: number, now: Date): Promise<number[]> {
  const rows = await db
    .selectFrom("recommendation_products")
    .select("product_id")
    .where("shop_id", "=", shopId)
    .where("popularity_rank", "is not", null)
    .orderBy("popularity_rank")
    .limit(limit)
    .execute();
  if (rows.length > 0) return rows.map((r) => Number(r.product_id));
  return (await popularProducts(db, shopId, now, limit)).map((p) => p.id);
}

/** A model older than this is retrained by the worker; in between, lists are refreshed incrementally. */
export const REBUILD_EVERY_MS = 24 * 3_600_000;

/**
 * The worker's job: per shop with orders, a rebuild when there is no model or it is a day old, else
 * the incremental pass. Returns the customers whose lists were refreshed incrementally.
 */
export async function keepRecommendationsCurrent(db: Db, now: Date): Promise<number> {
  const shops = await db
    .selectFrom("shops")
    .leftJoin("recommendation_models", "recommendation_models.shop_id", "shops.id")
    .select(["shops.id", "recommendation_models.trained_at"])
    .execute();
  let refreshed = 0;
  for (const shop of shops) {
    const shopId = Number(shop.id);
    const stale = !shop.trained_at || now.getTime() - Date.parse(shop.trained_at) >= REBUILD_EVERY_MS;
    if (!stale) {
      refreshed += await refreshRecommendations(db, shopId, now);
      continue;
    }
    if (!(await purchaseSpan(db, shopId))) continue;
    await rebuildRecommendations(db, shopId, { now });
  }
  return refreshed;
}
