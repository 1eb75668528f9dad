// Streams a CSV file (or any byte stream) record by record, with the line each record starts on
// (header = line 1), so errors can point at the line a person sees in an editor.
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type CsvError, type Options, parse } from "csv-parse";
import { ValidationError } from "../core/errors.js";
import { decodeText, type Encoding } from "./decode.js";
import type { EncodingOption } from "./mapping.js";

export type CsvInput = string | Readable;

export interface CsvRecord {
  cells: string[];
  line: number;
}

export interface CsvHandlers {
  header(cells: string[]): void;
  record(record: CsvRecord): Promise<void>;
  /** A record the parser could not read (a stray quote): reported, not imported. */
  broken(line: number, reason: string): void;
  bytes(total: number): void;
}

export interface CsvOptions {
  encoding: EncodingOption;
  delimiter?: string;
}

const isBlank = (cells: string[]) => cells.every((c) => c.trim() === "");

export async function readCsv(input: CsvInput, options: CsvOptions, on: CsvHandlers): Promise<Encoding> {
  let encoding: Encoding = "utf8";
  let bytesRead = 0;
  let lastEnd = 0;
  let lastEmpty = 0;
  let sawHeader = false;
  const parserOptions: Options<CsvRecord, string[]> = {
    delimiter: options.delimiter ?? ",",
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_record: (cells, context) => {
      const line = lastEnd + 1 + (context.empty_lines - lastEmpty);
      lastEnd = context.lines;
      lastEmpty = context.empty_lines;
      return { cells, line };
    },
    on_skip: (err: CsvError | undefined) => {
      on.broken(lastEnd + 1, `CSV syntax: ${err?.message ?? "unreadable record"}`);
      if (typeof err?.lines === "number") lastEnd = err.lines;
      return undefined;
    },
  };
  // The typings tie on_record's result to string[]; ours returns records with their line.
  const parser = parse(parserOptions as unknown as Options);
  const source = typeof input === "string" ? createReadStream(input) : input;
  try {
    await pipeline(
      source,
      decodeText(
        options.encoding,
        (e) => {
          encoding = e;
        },
        (n) => {
          bytesRead += n;
          on.bytes(bytesRead);
        },
      ),
      parser,
      async (records: AsyncIterable<CsvRecord>) => {
        for await (const record of records) {
          if (isBlank(record.cells)) continue;
          if (!sawHeader) {
            sawHeader = true;
            on.header(record.cells.map((c) => c.trim()));
            continue;
          }
          await on.record(record);
        }
      },
    );
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") {
      throw ValidationError.field("file", `no such file: ${String(input)}`);
    }
    throw err;
  }
  if (!sawHeader) throw ValidationError.field("file", "the file is empty: no header line");
  return encoding;
}
