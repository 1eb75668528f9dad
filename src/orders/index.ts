// Orders and their items, online, in store and on marketplaces.
export { getOrder, type OrderUpsertResult, upsertOrder } from "./orders.js";
export {
  type OrderInput,
  orderInputSchema,
  orderItemInputSchema,
  orderOutputSchema,
  type ParsedOrderInput,
} from "./schema.js";
