// The unsubscribe and preference centre: what other modules may use. The delivery worker reads a
// customer's frequency and categories here; the HTTP app mounts preferenceRoutes.
export { CONSENT_SOURCES, type UnsubscribeSource, unsubscribe } from "./changes.js";
export {
  type CustomerPreferences,
  categoriesAllow,
  chosenCategories,
  FREQUENCIES,
  type Frequency,
  frequencyAllows,
  frequencyWindowDays,
  getPreferences,
  savePreferences,
  shopCategories,
  topLevelCategory,
} from "./preferences.js";
export { preferenceRoutes } from "./routes.js";
