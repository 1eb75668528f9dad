// `kizuna postal`: postal DM for print vendors. `export` claims the shop's due postal messages and
// writes their CSV (to a file, or to stdout with the summary on stderr); `batches` lists past exports;
// `export --batch ID` writes a past batch's CSV again.
import { closeSync, openSync, writeSync } from "node:fs";
import type { Command } from "commander";
import { systemClock } from "../../core/clock.js";
import { ValidationError } from "../../core/errors.js";
import {
  CSV_ENCODINGS,
  type CsvEncoding,
  exportPostalBatch,
  listPostalBatches,
  type PostalExport,
  postalBatchCsv,
} from "../../messaging/postal/index.js";
import { resolveShop } from "../../shops/index.js";
import { withInstance } from "../instance.js";
import { formatTable, printJson } from "../output.js";

interface ExportOptions {
  shop?: string;
  out?: string;
  encoding: string;
  limit?: string;
  batch?: string;
  json?: boolean;
}

function encodingOf(value: string): CsvEncoding {
  const found = CSV_ENCODINGS.find((e) => e === value);
  if (!found)
    throw ValidationError.field("encoding", `must be ${CSV_ENCODINGS.join(" or ")}, not "${value}"`);
  return found;
}

function limitOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw ValidationError.field("limit", `not a positive whole number: "${value}"`);
  return n;
}

/**
 * Opened before the export, so a path that cannot be written fails before any message is recorded as
 * sent; the bytes go in after the export committed.
 */
function openOutput(path: string | undefined): { write(bytes: Buffer): void } {
  if (path === undefined) return { write: (bytes) => process.stdout.write(bytes) };
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (err) {
    throw ValidationError.field("out", `cannot write ${path}: ${(err as Error).message}`);
  }
  return {
    write(bytes) {
      try {
        writeSync(fd, bytes);
      } finally {
        closeSync(fd);
      }
    },
  };
}

function summary(result: PostalExport) {
  return {
    batchId: result.batchId,
    rows: result.rows,
    skipped: result.skipped.length,
    skippedMessages: result.skipped,
    lossyMessageIds: result.lossyMessageIds,
    encoding: result.encoding,
  };
}

function describe(result: PostalExport): string {
  const lines = [
    result.batchId
      ? `batch ${result.batchId}: ${result.rows} rows, ${result.skipped.length} skipped (no postal address)`
      : `nothing to export: ${result.rows} rows, ${result.skipped.length} skipped (no postal address)`,
  ];
  if (result.lossyMessageIds.length > 0) {
    lines.push(
      `warning: ${result.lossyMessageIds.length} rows have characters CP932 lacks (printed as "?"): ` +
        `DM ${result.lossyMessageIds.slice(0, 20).join(", ")}${result.lossyMessageIds.length > 20 ? ", …" : ""}`,
    );
  }
  return lines.join("\n");
}

export function registerPostalCommand(program: Command): void {
  const postal = program.command("postal").description("postal DM: CSV exports for print vendors");

  postal
    .command("export")
    .description("export the shop's due postal DMs as CSV; exported messages are recorded as sent")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--out <file>", "write the CSV to this file (default: stdout, with the summary on stderr)")
    .option("--encoding <encoding>", "utf8 (with BOM) or cp932 (Shift_JIS)", "utf8")
    .option("--limit <n>", "at most this many messages, the earliest due first")
    .option("--batch <id>", "write a past batch's CSV again instead (records nothing)")
    .option("--json", "print the summary as JSON")
    .action(async (opts: ExportOptions) => {
      const encoding = encodingOf(opts.encoding);
      const limit = limitOf(opts.limit);
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const output = openOutput(opts.out);
        const result =
          opts.batch !== undefined
            ? await postalBatchCsv(db, shop.id, opts.batch, encoding)
            : await exportPostalBatch(db, systemClock, { shopId: shop.id, limit, encoding });
        output.write(result.csv);
        const text = opts.json ? `${JSON.stringify(summary(result))}\n` : `${describe(result)}\n`;
        // With the CSV on stdout, the summary must not end up inside it.
        if (opts.out === undefined) process.stderr.write(text);
        else process.stdout.write(text);
      });
    });

  postal
    .command("batches")
    .description("list the postal DM batches exported so far, the latest first")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--json", "print as JSON")
    .action(async (opts: { shop?: string; json?: boolean }) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const batches = await listPostalBatches(db, shop.id);
        if (opts.json) return printJson({ batches });
        console.log(
          formatTable(batches.map((b) => ({ batch: b.batchId, rows: b.rows, exported: b.exportedAt }))),
        );
      });
    });
}
