// What a JSON body may hold beyond what each route's schema says, checked once for every route: text
// PostgreSQL can store (no NUL, no lone surrogate halves: refused in text and jsonb columns, or stored
// altered) and nesting that stays shallow (free-form attributes and properties are stored with
// JSON.stringify, which runs out of stack thousands of levels down). A body past either is a 400 naming
// the field, before any feature sees it.
import type { FastifyInstance } from "fastify";
import { type FieldIssue, ValidationError } from "../../core/errors.js";

/** Levels of objects and arrays in a body: API payloads use a handful; 64 leaves room for any shop's. */
export const MAX_JSON_DEPTH = 64;
/** At most this many issues are reported; the first ones tell the caller what to fix. */
const MAX_ISSUES = 20;

function isPlainContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return true;
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What is wrong with a piece of text, or null: NUL, or a surrogate half without its pair. */
function textProblem(text: string): string | null {
  if (text.includes("\u0000")) return "must not contain NUL characters";
  // Most text has no surrogates at all (emoji do, in pairs): the cheap test first.
  if (SURROGATE.test(text) && LONE_SURROGATE.test(text)) {
    return "must not contain unpaired surrogate halves (not valid Unicode text)";
  }
  return null;
}

/** A 400 in the error shape; statusCode too, for the recipient pages' own error handler. */
class JsonBodyError extends ValidationError {
  readonly statusCode = 400;
}

// Field paths as the error handler writes them: customers[0].attributes.size; an empty key as "".
const child = (path: string, key: string | number) =>
  typeof key === "number" ? `${path}[${key}]` : `${path}${path ? "." : ""}${key === "" ? '""' : key}`;

// Anything worth a closer look: NUL or any surrogate (emoji carry them in pairs).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point (PostgreSQL refuses it in text).
const SUSPECT = /[\u0000\ud800-\udfff]/;

/**
 * Whether a body is sound, as fast as it can be told: on the events endpoint every batch of a thousand
 * events passes through here, so paths are only worked out (jsonBodyIssues) once something is found.
 */
function looksSound(body: unknown): boolean {
  const values: unknown[] = [body];
  const depths: number[] = [1];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (typeof value === "string") {
      if (SUSPECT.test(value)) return false;
    } else if (typeof value === "object" && value !== null) {
      if (depth > MAX_JSON_DEPTH) return false;
      if (Array.isArray(value)) {
        for (const item of value) {
          values.push(item);
          depths.push(depth + 1);
        }
      } else if (isPlainContainer(value)) {
        for (const key in value) {
          if (SUSPECT.test(key)) return false;
          values.push((value as Record<string, unknown>)[key]);
          depths.push(depth + 1);
        }
      }
    }
  }
  return true;
}

/** The issues of a parsed JSON body (an empty list when it is sound). Walks without recursion. */
export function jsonBodyIssues(body: unknown): FieldIssue[] {
  if (looksSound(body)) return [];
  if (!isPlainContainer(body)) {
    const problem = typeof body === "string" ? textProblem(body) : null;
    return problem ? [{ field: "body", message: problem }] : [];
  }
  const issues: FieldIssue[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: "", depth: 1 }];
  while (stack.length > 0 && issues.length < MAX_ISSUES) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === "string") {
      const problem = textProblem(value);
      if (problem) issues.push({ field: path || "body", message: problem });
      continue;
    }
    if (!isPlainContainer(value)) continue;
    if (depth > MAX_JSON_DEPTH) {
      issues.push({ field: path || "body", message: `is nested deeper than ${MAX_JSON_DEPTH} levels` });
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], path: child(path, i), depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const keyProblem = textProblem(key);
      if (keyProblem) {
        issues.push({ field: path || "body", message: `has a key that ${keyProblem}` });
        continue;
      }
      stack.push({ value: value[key], path: child(path, key), depth: depth + 1 });
    }
  }
  return issues;
}

/** Checks every parsed body before the route's own validation (webhooks' raw Buffers pass untouched). */
export function registerJsonBodyCheck(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    if (request.body === undefined || request.body === null) return;
    const issues = jsonBodyIssues(request.body);
    if (issues.length > 0) throw new JsonBodyError(issues);
  });
}
