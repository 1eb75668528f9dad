// The LINE channel: the provider the delivery worker sends through, the message builder renderers use,
// the webhook and link-code routes, and the settings convention (sealed under shop:<id>:channel:line).
export { LINE_MULTICAST_MAX, LineAdapter, lineProvider } from "./adapter.js";
export { type LineChannel, loadLineChannel } from "./channel.js";
export {
  cardableProducts,
  LINE_LIMITS,
  type LineMessage,
  type LineMessageOptions,
  type LineProduct,
  lineMessages,
  lineMessagesProblem,
} from "./flex.js";
export { LINE_BLOCKED } from "./friendship.js";
export {
  createLinkCode,
  LINK_CODE_TTL_MS,
  type LinkCode,
  lineLinkUrl,
  linkCodeIn,
  type RedeemOutcome,
} from "./link-codes.js";
export { LINE_QUOTA_RETRY_MS } from "./responses.js";
export { LINE_WEBHOOK_PATH, LineNotConfiguredError, lineRoutes } from "./routes.js";
export {
  LINE_DEFAULT_CONCURRENCY,
  LINE_DEFAULT_RATE_PER_SECOND,
  type LineSecrets,
  type LineSettings,
  lineSecretsSchema,
  lineSettingsSchema,
} from "./settings.js";
