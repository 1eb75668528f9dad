export { type Db, type DbTarget, type Engine, engineOf, openDb, parseDatabaseUrl } from "./connect.js";
export { chunk, forClaim, fromJson, jsonParam, maxParams, selectIn, toJson } from "./dialect.js";
export { migrateToLatest } from "./migrate.js";
export * from "./schema.js";
export { inTransaction, isUniqueViolation } from "./transaction.js";
