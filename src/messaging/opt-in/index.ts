// Double opt-in: what other modules may use. The customer routes record API and storefront consent
// through setConsentsWithOptIn; the HTTP app mounts optInRoutes (/c/<token>); the renderer turns an
// opt-in payload's token into {{ confirmUrl }}.
export { type StatedConsents, setConsentsWithOptIn } from "./consents.js";
export {
  type ConfirmationRequest,
  type ConfirmationState,
  confirmationMessageKey,
  confirmationState,
  confirmRequest,
  OPT_IN_SOURCES,
  type OptInPayload,
  RESEND_AFTER_MS,
  type RequestOutcome,
  requestConfirmation,
} from "./requests.js";
export { optInRoutes } from "./routes.js";
export { doubleOptInRequired, OPT_IN_CHANNELS, type OptInChannel } from "./settings.js";
export {
  ensureOptInTemplates,
  OPT_IN_TEMPLATE_KEY,
  OPT_IN_TEMPLATE_VARIABLES,
  optInTemplates,
} from "./templates.js";
export {
  CONFIRMATION_VALID_DAYS,
  type ConfirmationRef,
  confirmationToken,
  readConfirmationToken,
} from "./token.js";
