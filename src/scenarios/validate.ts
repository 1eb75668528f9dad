// Checks a scenario definition before it is stored: its shape (zod), then what a schema cannot say:
// step ids unique, every `next` pointing at a step, no cycle, every step reachable, a template for
// every channel a send step may use. Every problem names its step, e.g. `steps.wait-1.duration.days`.
import type { z } from "zod";
import { type FieldIssue, ValidationError } from "../core/errors.js";
import { fieldPath } from "../core/zod-errors.js";
import type { Db } from "../db/index.js";
import { type ScenarioDefinition, type Step, scenarioDefinitionSchema, successors } from "./definition.js";

/** The step-naming field path of a zod issue: `steps[2].duration` becomes `steps.wait-1.duration`. */
function issueField(input: unknown, path: ReadonlyArray<PropertyKey>): string {
  if (path[0] === "steps" && typeof path[1] === "number") {
    const steps = (input as { steps?: unknown } | null)?.steps;
    const raw = Array.isArray(steps) ? (steps[path[1]] as { id?: unknown } | undefined) : undefined;
    const id = typeof raw?.id === "string" && raw.id !== "" ? raw.id : `[${path[1]}]`;
    return fieldPath(`steps.${id}`, path.slice(2));
  }
  return fieldPath("", path);
}

function shapeIssues(input: unknown, error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ field: issueField(input, i.path), message: i.message }));
}

/** Graph problems: duplicate ids, dangling links, cycles, unreachable steps. */
export function graphIssues(definition: ScenarioDefinition): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const byId = new Map<string, Step>();
  for (const step of definition.steps) {
    if (byId.has(step.id)) issues.push({ field: `steps.${step.id}.id`, message: "another step has this id" });
    byId.set(step.id, step);
  }
  if (!byId.has(definition.start)) issues.push({ field: "start", message: `no step "${definition.start}"` });
  for (const step of definition.steps) {
    for (const target of successors(step)) {
      if (target !== undefined && !byId.has(target)) {
        issues.push({ field: `steps.${step.id}`, message: `leads to "${target}", which is not a step` });
      }
    }
  }
  if (issues.length > 0) return issues;

  // Depth-first search from the start: a step met again while still on the path closes a cycle.
  const state = new Map<string, "open" | "done">();
  const visit = (id: string, path: string[]): void => {
    state.set(id, "open");
    for (const target of successors(byId.get(id)!)) {
      if (target === undefined) continue;
      const s = state.get(target);
      if (s === "open") {
        const cycle = [...path.slice(path.indexOf(target)), id, target].join(" → ");
        issues.push({ field: `steps.${id}`, message: `makes a cycle: ${cycle}` });
      } else if (s === undefined) visit(target, [...path, id]);
    }
    state.set(id, "done");
  };
  visit(definition.start, []);
  for (const step of definition.steps) {
    if (!state.has(step.id))
      issues.push({ field: `steps.${step.id}`, message: "cannot be reached from the start" });
  }
  for (const step of definition.steps) {
    if (step.type === "wait_until" && step.from === step.to) {
      issues.push({ field: `steps.${step.id}.to`, message: "the window is empty (from equals to)" });
    }
    if (step.type === "split" && new Set(step.arms.map((a) => a.name)).size !== step.arms.length) {
      issues.push({ field: `steps.${step.id}.arms`, message: "arm names must differ" });
    }
  }
  return issues;
}

/** Send steps whose template is missing for a channel they may use. */
async function templateIssues(db: Db, shopId: number, definition: ScenarioDefinition): Promise<FieldIssue[]> {
  // A winner step may send any of its arms' templates.
  const sends = definition.steps.flatMap((s) =>
    s.type === "send"
      ? [{ id: s.id, template: s.template, channels: s.channels }]
      : s.type === "send_winner"
        ? s.arms.map((a) => ({ id: s.id, template: a.template, channels: s.channels }))
        : [],
  );
  if (sends.length === 0) return [];
  const rows = await db
    .selectFrom("templates")
    .select(["key", "channel"])
    .distinct()
    .where("shop_id", "=", shopId)
    .where(
      "key",
      "in",
      sends.map((s) => s.template),
    )
    .execute();
  const have = new Set(rows.map((r) => `${r.key}\u0000${r.channel}`));
  const issues: FieldIssue[] = [];
  for (const step of sends) {
    const missing = step.channels.filter((ch) => !have.has(`${step.template}\u0000${ch}`));
    if (missing.length > 0) {
      issues.push({
        field: `steps.${step.id}.template`,
        message: `no template "${step.template}" for ${missing.join(", ")}`,
      });
    }
  }
  return issues;
}

/** The definition, parsed and checked, or a ValidationError listing every problem by step. */
export async function validateDefinition(
  db: Db,
  shopId: number,
  input: unknown,
): Promise<ScenarioDefinition> {
  const parsed = scenarioDefinitionSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(shapeIssues(input, parsed.error));
  const definition = parsed.data;
  const issues = graphIssues(definition);
  if (issues.length === 0) issues.push(...(await templateIssues(db, shopId, definition)));
  if (issues.length > 0) throw new ValidationError(issues);
  return definition;
}
