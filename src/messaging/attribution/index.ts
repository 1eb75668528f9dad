// Attribution: which message earned an order. The worker runs attributeConversions as a job; reports
// read the conversions it writes; the admin shows the windows a shop's settings give.
export { creditedMessageId, type Touch } from "./choose.js";
export { type AttributionOptions, attributeConversions } from "./job.js";
export { type AttributionWindows, attributionWindows, DEFAULT_ATTRIBUTION_WINDOWS } from "./settings.js";
