// Orders and their items, online, in store and on marketplaces.
export { upsertOrders } from "./batch.js";
export { getOrder, type OrderUpsertResult, upsertOrder } from "./orders.js";
export {
  type OrderInput,
  orderInputSchema,
  orderItemInputSchema,
  orderOutputSchema,
  type ParsedOrderInput,
} from "./schema.js";
