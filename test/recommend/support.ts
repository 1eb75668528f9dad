// Shops for the recommendation tests, written as "this customer bought these SKUs so many days ago".
import type { upsertOrders } from "../../src/orders/index.js";

export const DAY = 86_400_000;

export type OrderInput = Parameters<typeof upsertOrders>[4][number];

/** Orders relative to `now`: `order(customer, daysAgo, skus)` adds one, `orders` holds them all. */
export function orderBook(now: number) {
  const orders: OrderInput[] = [];
  const order = (customer: string, daysAgo: number, skus: string[]) =>
    orders.push({
      externalId: `${customer}-${daysAgo}`,
      customerId: customer,
      orderedAt: new Date(now - daysAgo * DAY).toISOString(),
      items: skus.map((sku) => ({ sku, name: sku, quantity: 1, unitPrice: 1000 })),
    });
  return { orders, order };
}
