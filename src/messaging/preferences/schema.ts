// What the preference centre's forms may post, checked with zod: "save" (the whole form) or
// "resubscribe" (the undo button after unsubscribing). Errors name the form field at fault.
import { z } from "zod";
import type { FieldIssue } from "../../core/errors.js";
import { fieldPath } from "../../core/zod-errors.js";
import { CHANNELS } from "../../db/index.js";
import { FREQUENCIES } from "./preferences.js";

/** Far above any real catalogue's top-level categories; a body beyond it is not a person's form. */
const MAX_CATEGORIES = 200;

const channels = z.array(z.enum(CHANNELS)).max(CHANNELS.length);

export const preferenceFormSchema = z.discriminatedUnion("action", [
  z.object({
    action: z.literal("save"),
    /** The ticked channels; an unticked checkbox is not posted, so absent means off. */
    channel: channels,
    category: z.array(z.string().trim().min(1).max(200)).max(MAX_CATEGORIES),
    frequency: z.enum(FREQUENCIES),
  }),
  z.object({
    action: z.literal("resubscribe"),
    channel: channels.min(1),
  }),
]);

export type PreferenceForm = z.output<typeof preferenceFormSchema>;

export type FormResult = { ok: true; form: PreferenceForm } | { ok: false; issues: FieldIssue[] };

/** Reads the posted fields (repeated ones as lists) and validates them. */
export function readPreferenceForm(fields: URLSearchParams): FormResult {
  const result = preferenceFormSchema.safeParse({
    action: fields.get("action") ?? undefined,
    channel: fields.getAll("channel"),
    category: fields.getAll("category"),
    frequency: fields.get("frequency") ?? undefined,
  });
  if (result.success) return { ok: true, form: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((i) => ({ field: fieldPath("", i.path), message: i.message })),
  };
}
