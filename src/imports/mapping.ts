// Column mappings: a JSON file that says which CSV column fills which Kizuna field and how its text is
// read (date formats, time zone, money scale, value maps), what is derived or constant, and how the
// rows of one order find each other. Documented with examples in examples/mappings/README.md.
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ValidationError } from "../core/errors.js";
import { fieldNames, fieldType, IMPORT_KINDS, type ImportKind } from "./fields.js";
import { compileDateFormat, isTimeZone, TEMPLATE_FILTERS } from "./values.js";

export const ENCODINGS = ["utf8", "cp932", "auto"] as const;
export type EncodingOption = (typeof ENCODINGS)[number];

const formats = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const fieldRecord = <T extends z.ZodType>(value: T) => z.record(z.string().min(1), value);

export const mappingSchema = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional().describe("Free text for people: where the export comes from"),
    kind: z.enum(IMPORT_KINDS),
    encoding: z.enum(ENCODINGS).optional().describe("Default auto: BOM or valid UTF-8 → UTF-8, else CP932"),
    delimiter: z.string().length(1).optional().describe('Default ","; "\\t" for TSV'),
    columns: z
      .record(z.string().min(1), z.string().min(1))
      .optional()
      .describe("Source header → Kizuna field. Without it the headers must be Kizuna's field names"),
    derive: fieldRecord(z.string().min(1))
      .optional()
      .describe('Field → template of source columns, e.g. "G-{Member_number}-{Date}", "{name|slug}", {n}'),
    defaults: fieldRecord(z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe("Field → constant used when the file has no value for it"),
    values: fieldRecord(z.record(z.string(), z.string()))
      .optional()
      .describe('Field → {source text: Kizuna text}, e.g. {"status": {"発送済み": "shipped"}}'),
    dateFormat: formats.optional().describe('e.g. "yyyy/MM/dd HH:mm:ss" or a list tried in turn'),
    dateFormats: fieldRecord(formats).optional().describe("Field → format(s), overriding dateFormat"),
    timezone: z.string().optional().describe("Zone of local times in the file; default the shop's"),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional()
      .describe("Currency of the amounts (orders, products); default the shop's"),
    moneyScale: z
      .number()
      .positive()
      .optional()
      .describe("Multiplier to minor units: 100 when amounts are dollars and Kizuna wants cents"),
    keepRowsWhere: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .describe("Source column → values: only rows with one of them are imported"),
    skipRowsWhere: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .describe("Source column → values: rows with one of them are left out"),
    orderRows: z
      .enum(["consecutive", "scattered"])
      .optional()
      .describe(
        "consecutive (default, streams): an order's rows are next to each other; scattered: anywhere",
      ),
    sameSkuLines: z
      .enum(["separate", "merge"])
      .optional()
      .describe("merge: lines of one order with the same SKU become one line, quantities added"),
    buyerDetails: z
      .enum(["always", "guests"])
      .optional()
      .describe("guests: customer.* columns only make a profile when the order has no customerId"),
  })
  .strict();

export type Mapping = z.infer<typeof mappingSchema>;

export function defaultMapping(kind: ImportKind): Mapping {
  return { kind };
}

function check(mapping: Mapping): Mapping {
  const issues: Array<{ field: string; message: string }> = [];
  const fieldKeys = (name: keyof Mapping) => Object.keys((mapping[name] as Record<string, unknown>) ?? {});
  const known = (where: string, field: string) => {
    if (!fieldType(mapping.kind, field)) {
      issues.push({
        field: where,
        message: `"${field}" is not a field of ${mapping.kind} (one of ${fieldNames(mapping.kind).join(", ")})`,
      });
    }
  };
  for (const [column, field] of Object.entries(mapping.columns ?? {})) known(`columns.${column}`, field);
  for (const name of ["derive", "defaults", "values", "dateFormats"] as const) {
    for (const field of fieldKeys(name)) known(`${name}.${field}`, field);
  }
  for (const [field, template] of Object.entries(mapping.derive ?? {})) {
    for (const m of template.matchAll(/\{([^}]*)\}/g)) {
      const [, filter] = m[1].split("|");
      if (filter !== undefined && !Object.hasOwn(TEMPLATE_FILTERS, filter)) {
        issues.push({
          field: `derive.${field}`,
          message: `unknown filter "${filter}" (${Object.keys(TEMPLATE_FILTERS).join(", ")})`,
        });
      }
    }
  }
  const allFormats = [mapping.dateFormat ?? [], ...Object.values(mapping.dateFormats ?? {})].flat();
  for (const format of allFormats) {
    try {
      compileDateFormat(format);
    } catch (err) {
      issues.push({ field: "dateFormat", message: (err as Error).message });
    }
  }
  if (mapping.timezone && !isTimeZone(mapping.timezone)) {
    issues.push({ field: "timezone", message: `unknown time zone "${mapping.timezone}"` });
  }
  if (mapping.kind !== "orders") {
    for (const name of ["orderRows", "sameSkuLines", "buyerDetails"] as const) {
      if (mapping[name] !== undefined) issues.push({ field: name, message: "applies to orders only" });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return mapping;
}

/** Validates a mapping given as a value (the programmatic API) or read from JSON. */
export function parseMapping(value: unknown, where = "mapping"): Mapping {
  const parsed = mappingSchema.safeParse(value);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((i) => ({
        field: [where, ...i.path].join("."),
        message: i.message,
      })),
    );
  }
  return check(parsed.data);
}

export async function loadMapping(path: string): Promise<Mapping> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw ValidationError.field("mapping", `cannot read ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (err) {
    throw ValidationError.field("mapping", `${path} is not JSON: ${(err as Error).message}`);
  }
  return parseMapping(json, path);
}
