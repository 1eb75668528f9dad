// Last-touch attribution, as a pure choice: an order goes to the message the customer last clicked
// within the click window before ordering, else to the one they last opened within the open window.
// A click is also an open (tracking stamps opened_at on a click, since images may be blocked), so a
// recent click still counts under the open rule when a shop sets a click window shorter than its open
// window. Ties on the same instant go to the later message.
import type { AttributionWindows } from "./settings.js";

const DAY_MS = 86_400_000;

/** One engagement with a message: its first open or click (stamped on the message) or any later one. */
export interface Touch {
  messageId: number;
  customerId: number;
  kind: "open" | "click";
  /** ISO timestamp. */
  at: string;
}

function latestWithin(touches: readonly Touch[], from: number, to: number, kinds: ReadonlySet<string>) {
  let best: Touch | null = null;
  for (const t of touches) {
    if (!kinds.has(t.kind)) continue;
    const at = Date.parse(t.at);
    if (at < from || at > to) continue;
    if (!best || at > Date.parse(best.at) || (at === Date.parse(best.at) && t.messageId > best.messageId)) {
      best = t;
    }
  }
  return best;
}

const CLICKS: ReadonlySet<string> = new Set(["click"]);
const OPENS: ReadonlySet<string> = new Set(["open", "click"]);

/** The message an order placed at `orderedAt` is credited to, among its customer's touches; or null. */
export function creditedMessageId(
  orderedAt: string,
  touches: readonly Touch[],
  windows: AttributionWindows,
): number | null {
  const ordered = Date.parse(orderedAt);
  const click = latestWithin(touches, ordered - windows.clickDays * DAY_MS, ordered, CLICKS);
  if (click) return click.messageId;
  const open = latestWithin(touches, ordered - windows.openDays * DAY_MS, ordered, OPENS);
  return open?.messageId ?? null;
}

/** How far before the earliest order of a batch its touches must be read. */
export function lookbackMs(windows: AttributionWindows): number {
  return Math.max(windows.clickDays, windows.openDays) * DAY_MS;
}
