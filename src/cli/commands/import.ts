// `kizuna import customers|orders|products FILE`: CSV import with a column mapping, a progress bar,
// a row-level error report, and an exit code that says whether every row made it (0) or not (1).
import { createWriteStream, type WriteStream } from "node:fs";
import type { Command } from "commander";
import { systemClock } from "../../core/clock.js";
import { ValidationError } from "../../core/errors.js";
import {
  ENCODINGS,
  type EncodingOption,
  ERROR_CSV_HEADER,
  errorCsvLine,
  IMPORT_KINDS,
  type ImportKind,
  type ImportReport,
  importCsv,
} from "../../imports/index.js";
import { resolveShop } from "../../shops/index.js";
import { withInstance } from "../instance.js";
import { formatTable, printJson } from "../output.js";
import { createProgress } from "../progress.js";

interface ImportCommandOptions {
  shop?: string;
  mapping?: string;
  encoding?: string;
  dryRun?: boolean;
  json?: boolean;
  errors?: string;
}

const SHOWN_ERRORS = 50;

function printSummary(report: ImportReport, file: string): void {
  const seconds = report.elapsedMs / 1000;
  const records = report.created + report.updated + report.unchanged;
  const rate = seconds > 0 ? Math.round(records / seconds) : records;
  const verb = report.dryRun ? "dry run (nothing written) of" : "imported";
  console.log(`${verb} ${report.kind} from ${file} (${report.encoding})`);
  console.log(
    `  rows       ${report.rows}${report.skipped ? ` (${report.skipped} skipped by the mapping)` : ""}`,
  );
  console.log(
    `  ${report.kind.padEnd(10)} ${records}: ${report.created} created, ${report.updated} updated, ` +
      `${report.unchanged} unchanged`,
  );
  console.log(`  rejected   ${report.rejected} row(s)`);
  console.log(`  time       ${seconds.toFixed(1)} s (${rate} ${report.kind}/s)`);
  for (const warning of report.warnings) console.log(`  warning: ${warning}`);
  const errors = [...report.errors];
  if (errors.length === 0) return;
  console.log("");
  console.log(
    formatTable(
      errors.slice(0, SHOWN_ERRORS).map((e) => ({
        row: e.row,
        column: e.column ?? "",
        field: e.field ?? "",
        reason: e.reason,
      })),
    ),
  );
  const more = errors.length - SHOWN_ERRORS + report.moreErrors;
  if (more > 0) console.log(`… and ${more} more error(s); --errors FILE writes them all`);
}

async function openErrorFile(path: string): Promise<WriteStream> {
  const out = createWriteStream(path);
  await new Promise<void>((resolve, reject) => {
    out.once("open", () => resolve());
    out.once("error", (err) =>
      reject(ValidationError.field("errors", `cannot write ${path}: ${err.message}`)),
    );
  });
  // A BOM so that spreadsheet programs read the Japanese column names as UTF-8.
  out.write(`\uFEFF${ERROR_CSV_HEADER}`);
  return out;
}

export function registerImportCommand(program: Command): void {
  program
    .command("import")
    .description("import customers, orders or products from a CSV file (UTF-8 or Shift_JIS)")
    .argument("<kind>", IMPORT_KINDS.join(" | "))
    .argument("<file>", "the CSV file")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--mapping <file>", "column mapping JSON (default: headers are Kizuna field names)")
    .option("--encoding <encoding>", "utf8, cp932 or auto (default: the mapping's, else auto)")
    .option("--dry-run", "validate and report without writing anything")
    .option("--json", "print the report as JSON")
    .option("--errors <file>", "write every rejected row as CSV (row,column,field,reason)")
    .addHelpText(
      "after",
      "\nExit code: 0 when every row was imported, 1 when some rows were rejected, 2 when the import could not run.",
    )
    .action(async (kind: string, file: string, opts: ImportCommandOptions) => {
      if (!(IMPORT_KINDS as readonly string[]).includes(kind)) {
        throw ValidationError.field("kind", `must be one of ${IMPORT_KINDS.join(", ")}, not "${kind}"`);
      }
      if (opts.encoding !== undefined && !(ENCODINGS as readonly string[]).includes(opts.encoding)) {
        throw ValidationError.field("encoding", `must be one of ${ENCODINGS.join(", ")}`);
      }
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const errorFile = opts.errors ? await openErrorFile(opts.errors) : undefined;
        const progress = createProgress(`import ${kind}`);
        let lastProgress = "";
        let report: ImportReport;
        try {
          report = await importCsv(db, systemClock, {
            shopId: shop.id,
            kind: kind as ImportKind,
            input: file,
            mapping: opts.mapping,
            encoding: opts.encoding as EncodingOption | undefined,
            dryRun: opts.dryRun,
            onProgress: (p) => {
              // Non-terminals get a line per update: skip the ones that say nothing new.
              const key = `${p.phase}:${p.done}`;
              if (key === lastProgress) return;
              lastProgress = key;
              progress.update(p.done, p.total, p.phase === "read" ? `${p.rows} rows` : `${kind} written`);
            },
            onError: errorFile ? (e) => errorFile.write(errorCsvLine(e)) : undefined,
          });
        } finally {
          progress.stop();
          if (errorFile) await new Promise((resolve) => errorFile.end(resolve));
        }
        if (opts.json) printJson(report);
        else printSummary(report, file);
        if (report.rejected > 0) process.exitCode = 1;
      });
    });
}
