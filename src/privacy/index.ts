// Privacy under APPI and GDPR: what each table holds about a customer (customer-data.ts), export of all
// of it as one JSON document, erasure that keeps anonymous aggregates, and the hashed suppression
// entries an erased person leaves behind. Routes: privacy/routes.ts (mounted by http/app.ts).
export {
  CUSTOMER_DATA,
  type CustomerDataTable,
  customerDataOn,
  type Erasure,
  NO_CUSTOMER_DATA,
  type TableName,
} from "./customer-data.js";
export { type ErasureOptions, type ErasureResult, eraseCustomer } from "./erase.js";
export { ERASED_REASON } from "./erase-steps.js";
export { customerExport, customerExportText, EXPORT_FORMAT } from "./export.js";
export { type ContactPoint, loadPerson, type Person, REDACTED } from "./person.js";
export { customerByRef, findCustomerByRef, isErased } from "./resolve.js";
export {
  ERASED_ADDRESS_PREFIX,
  ERASED_UNSUBSCRIBED,
  erasedAddressDigest,
  erasedSuppressions,
} from "./suppressions.js";
