export {
  checkpointerOf,
  type Db,
  type DbTarget,
  type Engine,
  engineOf,
  type OpenOptions,
  openDb,
  parseDatabaseUrl,
} from "./connect.js";
export {
  anyOf,
  chunk,
  forClaim,
  fromJson,
  jsonIsTrue,
  jsonParam,
  jsonTextOf,
  maxParams,
  monthDayOf,
  refreshPlannerStatistics,
  selectIn,
  toJson,
} from "./dialect.js";
export { migrateToLatest } from "./migrate.js";
export * from "./schema.js";
export { inTransaction, isUniqueViolation } from "./transaction.js";
