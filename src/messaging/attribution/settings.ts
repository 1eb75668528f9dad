// How far back an order looks for the message that earned it: a click counts for longer than an open,
// because a click is a decision and an open may be a preview pane. Each shop may set its own windows in
// shops.settings.attribution; anything missing or malformed there falls back to the defaults, field by
// field, so one typo in the settings document never stops attribution.
import { z } from "zod";
import { fromJson } from "../../db/index.js";

export interface AttributionWindows {
  /** An order within this many days after a click is credited to the clicked message. */
  clickDays: number;
  /** Without such a click: within this many days after an open. */
  openDays: number;
}

export const DEFAULT_ATTRIBUTION_WINDOWS: Readonly<AttributionWindows> = { clickDays: 7, openDays: 1 };

/** Beyond a quarter, "the message made them buy" stops meaning anything. */
export const MAX_ATTRIBUTION_DAYS = 90;

const days = (fallback: number) => z.number().min(0).max(MAX_ATTRIBUTION_DAYS).catch(fallback);

const windowsSchema = z
  .object({
    clickDays: days(DEFAULT_ATTRIBUTION_WINDOWS.clickDays),
    openDays: days(DEFAULT_ATTRIBUTION_WINDOWS.openDays),
  })
  .catch({ ...DEFAULT_ATTRIBUTION_WINDOWS });

const settingsSchema = z.object({ attribution: windowsSchema }).catch({
  attribution: { ...DEFAULT_ATTRIBUTION_WINDOWS },
});

/** The shop's attribution windows from its settings document (shops.settings), defaults where unset. */
export function attributionWindows(settingsJson: string | null | undefined): AttributionWindows {
  let settings: unknown;
  try {
    settings = fromJson<unknown>(settingsJson);
  } catch {
    settings = {};
  }
  return settingsSchema.parse(settings).attribution;
}
