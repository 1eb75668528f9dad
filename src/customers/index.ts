// Customers: profiles, identity resolution and merge, consents, points, visitors.
export { type ConsentMap, type ConsentState, getConsents, setConsents } from "./consents.js";
export { findByExternalId, resolveIdentity } from "./identity.js";
export { mergeCustomers } from "./merge.js";
export * from "./normalize.js";
export { type NormalizedCustomer, normalizeCustomerInput } from "./normalize-input.js";
export {
  balanceFromLedger,
  getPointBalance,
  type LedgerRow,
  type PointBalance,
  type PointEntry,
  recomputePointBalance,
  recordPointEntry,
} from "./points.js";
export { PREFECTURE_NAMES } from "./prefectures.js";
export { customerToOutput, getCustomerProfile, searchCustomers } from "./profile.js";
export { type CustomerInput, customerInputSchema } from "./schema.js";
export {
  ensureCustomerByExternalId,
  ensureCustomersByExternalIds,
  type UpsertResult,
  upsertCustomer,
} from "./upsert.js";
export { linkVisitor } from "./visitors.js";
