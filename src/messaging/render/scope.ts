// What a message's Liquid sees: the customer, the shop, and what the message is about (cart, product,
// order, coupon, points, warranty...), looked up for a whole batch of messages at once and formatted in
// the message's language and the shop's time zone. The outbox payload holds ids and amounts as the
// scenario saw them; names, prices and links are read fresh here.
import { anyOf, type Db, fromJson, type Message, selectIn } from "../../db/index.js";
import { storedRecommendations } from "../../recommend/service.js";
import type { ShopForMessages } from "../../shops/profile.js";
import { type Cart, type CartLine, loadCarts } from "./carts.js";
import { couponLabel, formatDate, formatMoney } from "./format.js";
import { PopularProductsCache, type ProductCard, productCards } from "./recommendations.js";

interface Payload {
  event?: { type?: string; productId?: number | null; sku?: string | null };
  product?: { id?: number; sku?: string };
  order?: { id?: number };
  coupon?: { code: string; kind: string; value: number; currency: string; expiresAt: string | null };
  points?: { balance: number; expiringAmount: number; expiresAt: string | null };
  warranty?: { endsAt?: string };
  subscription?: { deliveryCount?: number };
  anniversary?: { years?: number };
}

export type Scope = Record<string, unknown>;

/** What the compiled templates of a batch use, so the batch loads only that (carts, recommendations). */
export interface ScopeNeeds {
  cart: boolean;
  recommendations: boolean;
}

const RECOMMENDATIONS = 8;

/** One scope per message (by message id), without the per-message links (added by the renderer). */
export async function buildScopes(
  db: Db,
  shop: ShopForMessages,
  locale: string,
  messages: Message[],
  needs: ScopeNeeds,
  now: Date,
  popularCache: PopularProductsCache = new PopularProductsCache(),
): Promise<Map<number, Scope>> {
  const payloads = new Map(messages.map((m) => [m.id, fromJson<Payload>(m.payload)]));
  const customerIds = [...new Set(messages.map((m) => m.customer_id))];
  const money = (minor: number, currency = shop.currency) => formatMoney(minor, currency, locale);
  const date = (v: string | null | undefined) => formatDate(v, locale, shop.timezone);

  const customers = await loadCustomers(db, shop.id, customerIds);
  const productIds = new Set<number>();
  const orderIds = new Set<number>();
  for (const p of payloads.values()) {
    const id = p.product?.id ?? p.event?.productId;
    if (typeof id === "number") productIds.add(id);
    if (typeof p.order?.id === "number") orderIds.add(p.order.id);
  }
  const orders = await loadOrders(db, shop.id, [...orderIds]);
  const carts = needs.cart ? await loadCarts(db, shop.id, customerIds, now) : new Map<number, Cart>();
  for (const lines of [...orders.values()]
    .map((o) => o.items)
    .concat([...carts.values()].map((c) => c.lines)))
    for (const l of lines) if (l.productId) productIds.add(l.productId);
  const products = await productCards(db, shop.id, [...productIds]);
  const popular = needs.recommendations ? await popularCache.get(db, shop.id, now, RECOMMENDATIONS * 3) : [];
  // The recommendation engine's lists where the shop has them (re-buyable products they bought included,
  // on purpose); the best sellers they have not bought for the others.
  const personal = needs.recommendations
    ? await storedRecommendations(db, shop.id, customerIds, RECOMMENDATIONS + 1)
    : new Map<number, ProductCard[]>();
  const withoutList = customerIds.filter((id) => !personal.has(id));
  const bought =
    needs.recommendations && withoutList.length > 0
      ? await productsBought(db, shop.id, withoutList)
      : new Map<number, Set<number>>();

  const card = (p: ProductCard) => ({
    name: p.name,
    sku: p.sku,
    url: p.url ?? shop.profile?.url ?? "",
    imageUrl: p.image_url ?? "",
    price: money(p.price, p.currency),
  });
  const line = (l: CartLine) => {
    const p = l.productId ? products.get(l.productId) : undefined;
    return {
      name: l.name ?? p?.name ?? l.sku,
      sku: l.sku,
      quantity: l.quantity,
      price:
        l.unitPrice === null
          ? money(p?.price ?? 0, p?.currency)
          : money(l.unitPrice, l.currency ?? p?.currency),
      url: p?.url ?? shop.profile?.url ?? "",
      imageUrl: p?.image_url ?? "",
    };
  };

  const shopScope = {
    name: shop.name,
    url: shop.profile?.url ?? "",
    address: shop.profile?.address ?? "",
    email: shop.profile?.email ?? "",
    phone: shop.profile?.phone ?? "",
    memberPageUrl: shop.profile?.memberPageUrl ?? shop.profile?.url ?? "",
  };
  const cartUrl =
    shop.profile?.cartUrl ?? (shop.profile ? `${shop.profile.url.replace(/\/$/, "")}/cart` : "");

  const scopes = new Map<number, Scope>();
  for (const m of messages) {
    const p = payloads.get(m.id)!;
    const c = customers.get(m.customer_id);
    const scope: Scope = {
      customer: {
        firstName: c?.first_name ?? "",
        lastName: c?.last_name ?? "",
        firstNameKana: c?.first_name_kana ?? "",
        lastNameKana: c?.last_name_kana ?? "",
      },
      shop: shopScope,
    };
    const productId = p.product?.id ?? p.event?.productId;
    const product = typeof productId === "number" ? products.get(productId) : undefined;
    if (product) scope.product = card(product);
    const order = typeof p.order?.id === "number" ? orders.get(p.order.id) : undefined;
    if (order) {
      scope.order = {
        number: order.external_id,
        orderedAt: date(order.ordered_at),
        shippedAt: date(order.shipped_at),
        items: order.items.map(line),
        total: money(order.total, order.currency),
      };
    }
    if (needs.cart) {
      const cart = carts.get(m.customer_id);
      scope.cart = { items: (cart?.lines ?? []).map(line), url: cart?.url ?? cartUrl };
    }
    if (p.coupon) {
      scope.coupon = {
        code: p.coupon.code,
        label: couponLabel(p.coupon.kind, p.coupon.value, p.coupon.currency, locale),
        expiresAt: date(p.coupon.expiresAt),
      };
    }
    if (p.points) {
      scope.points = {
        balance: p.points.balance,
        expiringAmount: p.points.expiringAmount,
        expiresAt: date(p.points.expiresAt),
      };
    }
    if (p.warranty) scope.warranty = { endsAt: date(p.warranty.endsAt) };
    if (p.subscription) scope.subscription = { deliveryCount: p.subscription.deliveryCount ?? 0 };
    if (p.anniversary) scope.anniversary = { years: p.anniversary.years ?? 0 };
    if (needs.recommendations) {
      const list = personal.get(m.customer_id);
      const own = list ? new Set<number>() : (bought.get(m.customer_id) ?? new Set<number>());
      const exclude = new Set([...own, ...(productId ? [productId] : [])]);
      scope.recommendations = (list ?? popular)
        .filter((r) => !exclude.has(r.id))
        .slice(0, RECOMMENDATIONS)
        .map(card);
    }
    scopes.set(m.id, scope);
  }
  return scopes;
}

async function loadCustomers(db: Db, shopId: number, ids: number[]) {
  const rows = await selectIn(db, ids, (slice) =>
    db
      .selectFrom("customers")
      .select(["id", "first_name", "last_name", "first_name_kana", "last_name_kana"])
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "id", slice))
      .execute(),
  );
  return new Map(rows.map((r) => [r.id, r]));
}

async function loadOrders(db: Db, shopId: number, ids: number[]) {
  const orders = await selectIn(db, ids, (slice) =>
    db
      .selectFrom("orders")
      .select(["id", "external_id", "ordered_at", "shipped_at", "total", "currency"])
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "id", slice))
      .execute(),
  );
  const items = await selectIn(db, ids, (slice) =>
    db
      .selectFrom("order_items")
      .select(["order_id", "product_id", "sku", "name", "quantity", "unit_price"])
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "order_id", slice))
      .orderBy("order_id")
      .orderBy("line_no")
      .execute(),
  );
  const byOrder = new Map(orders.map((o) => [o.id, { ...o, items: [] as CartLine[] }]));
  for (const i of items) {
    const order = byOrder.get(i.order_id);
    order?.items.push({
      productId: i.product_id,
      sku: i.sku,
      name: i.name,
      quantity: i.quantity,
      unitPrice: i.unit_price,
      currency: order.currency,
    });
  }
  return byOrder;
}

async function productsBought(
  db: Db,
  shopId: number,
  customerIds: number[],
): Promise<Map<number, Set<number>>> {
  const rows = await selectIn(db, customerIds, (slice) =>
    db
      .selectFrom("order_items")
      .innerJoin("orders", "orders.id", "order_items.order_id")
      .select(["orders.customer_id", "order_items.product_id"])
      .where("orders.shop_id", "=", shopId)
      .where(anyOf(db, "orders.customer_id", slice))
      .where("order_items.product_id", "is not", null)
      .distinct()
      .execute(),
  );
  const bought = new Map<number, Set<number>>();
  for (const r of rows) {
    let set = bought.get(r.customer_id!);
    if (!set) {
      set = new Set();
      bought.set(r.customer_id!, set);
    }
    set.add(r.product_id!);
  }
  return bought;
}
