// The default messages of the one-click scenario library, every step in every channel and locale.
import { templates as anniversary } from "./anniversary.js";
import { templates as backInStock } from "./back-in-stock.js";
import { templates as birthday } from "./birthday.js";
import { templates as browseAbandonment } from "./browse-abandonment.js";
import { templates as cartAbandonment } from "./cart-abandonment.js";
import { templates as pointsExpiry } from "./points-expiry.js";
import { templates as postPurchase } from "./post-purchase.js";
import { templates as recommendations } from "./recommendations.js";
import { templates as replenishment } from "./replenishment.js";
import { templates as storeFollowUp } from "./store-follow-up.js";
import { templates as subscriptionMilestone } from "./subscription-milestone.js";
import type { LibraryTemplate } from "./types.js";
import { templates as warrantyExpiry } from "./warranty-expiry.js";
import { templates as welcome } from "./welcome.js";
import { templates as winback } from "./winback.js";

export type { LibraryChannel, LibraryLocale, LibraryTemplate, MessageClass } from "./types.js";

export const LIBRARY_TEMPLATES: LibraryTemplate[] = [
  ...cartAbandonment,
  ...browseAbandonment,
  ...recommendations,
  ...pointsExpiry,
  ...birthday,
  ...winback,
  ...backInStock,
  ...postPurchase,
  ...replenishment,
  ...warrantyExpiry,
  ...storeFollowUp,
  ...welcome,
  ...anniversary,
  ...subscriptionMilestone,
];

/** Every template of one scenario (all steps, channels and locales); empty for an unknown key. */
export function templatesFor(scenario: string): LibraryTemplate[] {
  return LIBRARY_TEMPLATES.filter((t) => t.scenario === scenario);
}
