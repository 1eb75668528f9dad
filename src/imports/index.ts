// CSV import of customers, orders and products: stream the file, map each row through a column
// mapping, validate and normalise it like the API does, and upsert the records in chunks. Used by
// `kizuna import` and by benchmarks.
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import type { Readable } from "node:stream";
import type { Clock } from "../core/clock.js";
import { ValidationError } from "../core/errors.js";
import { type Db, engineOf } from "../db/index.js";
import { getShop } from "../shops/index.js";
import type { ImportContext, RowSink } from "./context.js";
import { customerSink } from "./customers.js";
import { IMPORT_KINDS, type ImportKind } from "./fields.js";
import { defaultMapping, type EncodingOption, loadMapping, type Mapping, parseMapping } from "./mapping.js";
import { orderSink } from "./orders.js";
import { buildRowPlan, type RowPlan } from "./plan.js";
import { productSink } from "./products.js";
import { readCsv } from "./read.js";
import { type ImportReport, type ImportRowError, ReportBuilder } from "./report.js";

export type { Encoding } from "./decode.js";
export { fieldNames, IMPORT_KINDS, type ImportKind } from "./fields.js";
export {
  ENCODINGS,
  type EncodingOption,
  loadMapping,
  type Mapping,
  mappingSchema,
  parseMapping,
} from "./mapping.js";
export { ERROR_CSV_HEADER, errorCsvLine, type ImportReport, type ImportRowError } from "./report.js";

export interface ImportProgress {
  /**
   * "read": the file is being read and written as it goes; done/total are bytes (total 0 when the
   * input is a stream of unknown size). "write": the file is read and the orders it held (scattered
   * rows) are being written; done/total are orders.
   */
  phase: "read" | "write";
  done: number;
  total: number;
  /** Data rows read so far. */
  rows: number;
}

export interface ImportOptions {
  shopId: number;
  kind: ImportKind;
  /** A file path, or a byte stream. */
  input: string | Readable;
  /** Total bytes of a stream input, for progress (a path's size is looked up). */
  inputSize?: number;
  /** A mapping, or the path of a mapping JSON file. Default: the headers are Kizuna's field names. */
  mapping?: Mapping | string;
  /** Overrides the mapping's encoding; default auto. */
  encoding?: EncodingOption;
  /** Do everything, then roll back: the report says what would happen. */
  dryRun?: boolean;
  /** Records per transaction (default 500). */
  chunkSize?: number;
  /**
   * Transactions run side by side where records allow it (orders). Default 4 on PostgreSQL, where
   * it overlaps network round trips; 1 on SQLite, which has one writer anyway.
   */
  concurrency?: number;
  /** How many errors the report lists (all are passed to onError). */
  maxErrors?: number;
  /** Recorded with consents the file states; default "import:<file name>". */
  source?: string;
  onProgress?(progress: ImportProgress): void;
  onError?(error: ImportRowError): void;
}

const SINKS: Record<ImportKind, (ctx: ImportContext) => RowSink> = {
  customers: customerSink,
  orders: orderSink,
  products: productSink,
};

async function resolveMapping(kind: ImportKind, mapping: Mapping | string | undefined): Promise<Mapping> {
  const resolved =
    mapping === undefined
      ? defaultMapping(kind)
      : typeof mapping === "string"
        ? await loadMapping(mapping)
        : parseMapping(mapping);
  if (resolved.kind !== kind) {
    throw ValidationError.field("mapping", `is a mapping for ${resolved.kind}, not ${kind}`);
  }
  return resolved;
}

async function sizeOf(input: string | Readable, given?: number): Promise<number> {
  if (given !== undefined) return given;
  if (typeof input !== "string") return 0;
  try {
    return (await stat(input)).size;
  } catch {
    throw ValidationError.field("file", `no such file: ${input}`);
  }
}

export async function importCsv(db: Db, clock: Clock, options: ImportOptions): Promise<ImportReport> {
  if (!IMPORT_KINDS.includes(options.kind)) {
    throw ValidationError.field("kind", `must be one of ${IMPORT_KINDS.join(", ")}`);
  }
  const shop = await getShop(db, options.shopId);
  const mapping = await resolveMapping(options.kind, options.mapping);
  const totalBytes = await sizeOf(options.input, options.inputSize);
  const builder = new ReportBuilder(
    options.kind,
    options.dryRun ?? false,
    options.maxErrors ?? 1000,
    options.onError,
  );
  const report = builder.report;
  const fileName = typeof options.input === "string" ? basename(options.input) : undefined;
  let bytesRead = 0;
  let phase: ImportProgress["phase"] = "read";
  let heldTotal = 0;
  const progress = (written = 0) =>
    options.onProgress?.(
      phase === "read"
        ? { phase, done: bytesRead, total: totalBytes, rows: report.rows }
        : { phase, done: written, total: heldTotal, rows: report.rows },
    );

  let sink: RowSink | undefined;
  let plan: RowPlan | undefined;
  const ctx = (p: RowPlan): ImportContext => ({
    db,
    clock,
    shop,
    mapping,
    plan: p,
    report: builder,
    dryRun: options.dryRun ?? false,
    chunkSize: options.chunkSize ?? 500,
    concurrency: options.concurrency ?? (engineOf(db) === "postgres" ? 4 : 1),
    source: options.source ?? (fileName ? `import:${fileName}` : "import"),
    onWritten: (written) => progress(written),
    onFinalWrite: (held) => {
      phase = "write";
      heldTotal = held;
      progress(0);
    },
  });

  report.encoding = await readCsv(
    options.input,
    { encoding: options.encoding ?? mapping.encoding ?? "auto", delimiter: mapping.delimiter },
    {
      header(cells) {
        plan = buildRowPlan({ kind: options.kind, mapping, header: cells, timezone: shop.timezone });
        report.warnings.push(...plan.warnings);
        sink = SINKS[options.kind](ctx(plan));
      },
      async record(record) {
        report.rows += 1;
        const row = plan!.map(record);
        if (row === "skipped") report.skipped += 1;
        else await sink!.add(row);
        if (report.rows % 1000 === 0) progress();
      },
      broken(line, reason) {
        report.rows += 1;
        builder.reject([line], [{ line, field: null, column: null, reason }], "row");
      },
      bytes(n) {
        bytesRead = n;
      },
    },
  );
  await sink?.finish();
  progress(report.created + report.updated + report.unchanged);
  return builder.finish();
}
