// zod issues turned into the field issues of a ValidationError, with an optional prefix naming where
// the validated value sits in a larger body (e.g. "orders[3].").
import type { z } from "zod";
import { ValidationError } from "./errors.js";

export function fieldPath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  const tail = path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  return (
    `${prefix}${tail}`.replace(/^\./, "").replace(/\.\[/g, "[").replace(/\.\./g, ".") || prefix || "body"
  );
}

export function validationErrorFromZod(error: z.ZodError, prefix = ""): ValidationError {
  return new ValidationError(
    error.issues.map((i) => ({ field: fieldPath(prefix, i.path), message: i.message })),
  );
}

/** Parses or throws a ValidationError naming the fields, never a bare ZodError (which would be a 500). */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = ""): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationErrorFromZod(result.error, prefix);
  return result.data;
}
