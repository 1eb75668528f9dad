// The row plan: built once from the header and the mapping, it turns each record into typed field
// values (or issues naming the column at fault), applying value maps, formats, defaults and derived
// values. Problems with the file as a whole (a required field nothing fills) are thrown here.
import { ValidationError } from "../core/errors.js";
import { type FieldType, fieldType, type ImportKind, REQUIRED_FIELDS } from "./fields.js";
import type { Mapping } from "./mapping.js";
import type { CsvRecord } from "./read.js";
import type { RowIssue } from "./report.js";
import {
  CellError,
  compileDateFormat,
  type DateFormat,
  DEFAULT_DATE_FORMATS,
  parseBoolean,
  parseCalendarDate,
  parseInteger,
  parseMoney,
  parseTimestamp,
  TEMPLATE_FILTERS,
} from "./values.js";

export type Value = string | number | boolean;

export interface FieldValue {
  value: Value;
  /** Where it came from, for errors found later (by the schema or on write). */
  column: string | null;
}

export interface MappedRow {
  line: number;
  values: Map<string, FieldValue>;
  issues: RowIssue[];
}

type TemplatePart = string | { column: number; filter?: (v: string) => string } | { counter: true };

interface Template {
  parts: TemplatePart[];
  columns: string[];
  counted: boolean;
}

interface FieldSource {
  field: string;
  type: FieldType;
  /** Source columns; several are joined with a space (姓 + 名, 住所1 + 住所2). */
  columns: Array<{ index: number; name: string }>;
  template?: Template;
  fallback?: string;
  values?: Record<string, string>;
  formats: DateFormat[];
  /** How errors name the source: the column(s) or the template's columns. */
  label: string | null;
}

export interface RowPlan {
  readonly warnings: string[];
  map(record: CsvRecord): MappedRow | "skipped";
  /** The source column(s) of a field, for errors raised after mapping. */
  columnOf(field: string): string | null;
}

export interface PlanContext {
  kind: ImportKind;
  mapping: Mapping;
  header: string[];
  /** The shop's zone, used when the mapping names none. */
  timezone: string;
}

function columnIndex(header: string[], name: string): number {
  return header.indexOf(name);
}

function compileTemplate(text: string, header: string[], where: string): Template {
  const parts: TemplatePart[] = [];
  const columns: string[] = [];
  let counted = false;
  let last = 0;
  for (const m of text.matchAll(/\{([^}]*)\}/g)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[1] === "#") {
      parts.push({ counter: true });
      counted = true;
      continue;
    }
    const [name, filter] = m[1].split("|");
    const index = columnIndex(header, name);
    if (index < 0) throw ValidationError.field(where, `the file has no column "${name}"`);
    parts.push({ column: index, filter: filter ? TEMPLATE_FILTERS[filter] : undefined });
    columns.push(name);
  }
  if (last < text.length) parts.push(text.slice(last));
  return { parts, columns, counted };
}

export function buildRowPlan(ctx: PlanContext): RowPlan {
  const { kind, mapping, header } = ctx;
  const warnings: string[] = [];
  const sources = new Map<string, FieldSource>();
  const timezone = mapping.timezone ?? ctx.timezone;
  const moneyScale = mapping.moneyScale ?? 1;
  const baseFormats = [mapping.dateFormat ?? DEFAULT_DATE_FORMATS].flat().map(compileDateFormat);

  const source = (field: string): FieldSource => {
    let s = sources.get(field);
    if (!s) {
      const formats = mapping.dateFormats?.[field];
      s = {
        field,
        type: fieldType(kind, field)!,
        columns: [],
        formats: formats ? [formats].flat().map(compileDateFormat) : baseFormats,
        values: mapping.values?.[field],
        label: null,
      };
      sources.set(field, s);
    }
    return s;
  };

  if (mapping.columns) {
    for (const [name, field] of Object.entries(mapping.columns)) {
      const index = columnIndex(header, name);
      if (index < 0) {
        warnings.push(`the file has no column "${name}" (mapped to ${field})`);
        continue;
      }
      source(field).columns.push({ index, name });
    }
  } else {
    header.forEach((name, index) => {
      if (name === "") return;
      if (!fieldType(kind, name)) {
        warnings.push(`column "${name}" is not a field of ${kind} and was ignored`);
        return;
      }
      if (sources.get(name)?.columns.length) {
        warnings.push(`column "${name}" appears twice; the first one is used`);
        return;
      }
      source(name).columns.push({ index, name });
    });
  }
  for (const [field, text] of Object.entries(mapping.derive ?? {})) {
    const s = source(field);
    if (s.columns.length > 0) {
      throw ValidationError.field(`derive.${field}`, "is also filled from a column; choose one");
    }
    s.template = compileTemplate(text, header, `derive.${field}`);
  }
  const defaults: Record<string, Value> = { ...mapping.defaults };
  if (mapping.currency && kind !== "customers" && defaults.currency === undefined) {
    defaults.currency = mapping.currency;
  }
  for (const [field, value] of Object.entries(defaults)) source(field).fallback = String(value);
  for (const s of sources.values()) {
    s.label = s.columns.length
      ? s.columns.map((c) => c.name).join(" + ")
      : s.template?.columns.length
        ? s.template.columns.join(" + ")
        : null;
  }

  const missing = REQUIRED_FIELDS[kind].filter((oneOf) => !oneOf.some((f) => sources.has(f)));
  if (missing.length > 0) {
    throw new ValidationError(
      missing.map((oneOf) => ({
        field: oneOf.join(" or "),
        message: `no column fills it (header: ${header.join(", ")})`,
      })),
    );
  }

  const rowFilter = (where: "keepRowsWhere" | "skipRowsWhere") =>
    Object.entries(mapping[where] ?? {}).map(([name, values]) => {
      const index = columnIndex(header, name);
      if (index < 0) throw ValidationError.field(`${where}.${name}`, `the file has no column "${name}"`);
      return { index, values: new Set(values) };
    });
  const keep = rowFilter("keepRowsWhere");
  const skip = rowFilter("skipRowsWhere");
  const counters = new Map<string, number>();
  const all = [...sources.values()];

  const render = (template: Template, cells: string[]): string | undefined => {
    let text = "";
    for (const part of template.parts) {
      if (typeof part === "string") text += part;
      else if ("counter" in part) text += "\u0000";
      else {
        const cell = (cells[part.column] ?? "").trim();
        if (cell === "") return undefined;
        text += part.filter ? part.filter(cell) : cell;
      }
    }
    if (!template.counted) return text;
    // {#}: how many earlier rows rendered the same text, plus one: deterministic for the same file.
    const n = (counters.get(text) ?? 0) + 1;
    counters.set(text, n);
    return text.replaceAll("\u0000", String(n));
  };

  const convert = (s: FieldSource, text: string): Value => {
    switch (s.type) {
      case "text":
        return text;
      case "integer":
        return parseInteger(text);
      case "money":
        return parseMoney(text, moneyScale);
      case "boolean":
        return parseBoolean(text);
      case "date":
        return parseCalendarDate(text, s.formats);
      case "timestamp":
        return parseTimestamp(text, s.formats, timezone);
    }
  };

  return {
    warnings,
    columnOf: (field) => sources.get(field)?.label ?? null,
    map({ cells, line }) {
      const trimmed = (i: number) => (cells[i] ?? "").trim();
      if (keep.some((f) => !f.values.has(trimmed(f.index)))) return "skipped";
      if (skip.some((f) => f.values.has(trimmed(f.index)))) return "skipped";
      const values = new Map<string, FieldValue>();
      const issues: RowIssue[] = [];
      if (cells.length !== header.length) {
        issues.push({
          field: null,
          column: null,
          reason: `has ${cells.length} fields where the header has ${header.length}`,
        });
        return { line, values, issues };
      }
      for (const s of all) {
        let text = s.template
          ? (render(s.template, cells) ?? "")
          : s.columns
              .map((c) => trimmed(c.index))
              .filter((t) => t !== "")
              .join(" ");
        if (s.values && Object.hasOwn(s.values, text)) text = s.values[text];
        if (text === "" && s.fallback !== undefined) {
          text = s.values && Object.hasOwn(s.values, s.fallback) ? s.values[s.fallback] : s.fallback;
        }
        if (text === "") continue;
        try {
          values.set(s.field, { value: convert(s, text), column: s.label });
        } catch (err) {
          if (!(err instanceof CellError)) throw err;
          issues.push({ field: s.field, column: s.label, reason: err.message });
        }
      }
      return { line, values, issues };
    },
  };
}

/** Nests dotted fields: {"customer.email": …} → {customer: {email: …}}. */
export function nest(entries: Iterable<[string, Value]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of entries) {
    const path = field.split(".");
    let at = out;
    for (const key of path.slice(0, -1)) {
      at[key] ??= {};
      at = at[key] as Record<string, unknown>;
    }
    at[path[path.length - 1]] = value;
  }
  return out;
}

/** The plain values of mapped fields, optionally only those a test accepts. */
export function valuesOf(values: Map<string, FieldValue>, accept?: (field: string) => boolean) {
  const out: Array<[string, Value]> = [];
  for (const [field, { value }] of values) if (!accept || accept(field)) out.push([field, value]);
  return out;
}
