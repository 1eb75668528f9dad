// Web push: the "web-push" provider, the shop's VAPID keys, browsers' subscriptions and their routes.
export {
  createWebPushAdapter,
  MAX_PUSH_PAYLOAD_BYTES,
  type PushPayload,
  resultOfPushError,
  type WebPushSecrets,
  type WebPushSettings,
  webPushProvider,
  webPushSecretsSchema,
  webPushSettingsSchema,
} from "./adapter.js";
export { PUSH_STOREFRONT_PATHS, pushRoutes } from "./routes.js";
export {
  decodePushAddress,
  encodePushAddress,
  isPushServiceUrl,
  PUSH_SERVICE_HOSTS,
  type PushAddress,
} from "./subscription.js";
export { PUSH_CONSENT_SOURCE, revokeSubscription, saveSubscription } from "./subscriptions.js";
export {
  defaultVapidSubject,
  ensureVapidKeys,
  pushSecretsPurpose,
  type VapidDetails,
  WEB_PUSH_PROVIDER,
} from "./vapid.js";
