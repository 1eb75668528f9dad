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
  selectIn,
  tidyAfterRewrite,
  toJson,
} from "./dialect.js";
export {
  DatabaseError,
  type DatabaseFault,
  databaseFault,
  describeTarget,
  explainDatabaseError,
  isDatabaseUnreachable,
} from "./errors.js";
export { MIGRATION_NAMES, migrateToLatest } from "./migrate.js";
export * from "./schema.js";
export { inTransaction, isUniqueViolation } from "./transaction.js";
