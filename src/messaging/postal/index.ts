// Postal DM: due postal messages exported as a print vendor's CSV, and the batches exported so far.
export { type PostalAddress, postalAddressOf } from "./address.js";
export { listPostalBatches, type PostalBatch } from "./batches.js";
export { CSV_ENCODINGS, type CsvEncoding, csvContentType, defuseFormula, encodeCsv, toCsv } from "./csv.js";
export {
  DEFAULT_POSTAL_EXPORT_LIMIT,
  exportPostalBatch,
  MAX_POSTAL_EXPORT_LIMIT,
  POSTAL_CSV_COLUMNS,
  type PostalExport,
  type PostalExportOptions,
  postalBatchCsv,
  type SkippedMessage,
} from "./export.js";
export { POSTAL_BATCH_HEADER, postalRoutes } from "./routes.js";
