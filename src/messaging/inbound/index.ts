// Bounces, complaints and mailto unsubscribes coming back to the shop: what other modules may use.
// The HTTP app mounts inboundRoutes; the CLI's `kizuna inbound` runs startInboundSmtp.
export {
  type InboundRole,
  type InboundRoute,
  loadInboundAddressBook,
  shopInboundAddresses,
} from "./addresses.js";
export {
  applyInboundReport,
  INBOUND_CONSENT_SOURCES,
  INBOUND_OUTCOMES,
  INBOUND_PROVIDER,
  type InboundOutcome,
  type InboundResult,
} from "./apply.js";
export { type InboundEnvelope, type ParseInboundOptions, parseInboundMail } from "./dsn.js";
export { type InboundSmtpOptions, type InboundSmtpServer, startInboundSmtp } from "./listener.js";
export type { InboundReport, MessageRef, RecipientStatus } from "./report.js";
export { BOUNCE_EVENTS_PATH, INBOUND_MAIL_PATH, inboundRoutes } from "./routes.js";
export {
  INBOUND_SIGNATURE_HEADER,
  inboundWebhookSecret,
  signInboundBody,
  verifyInboundSignature,
} from "./signature.js";
export { type BounceEvent, bounceEventSchema } from "./webhook-events.js";
