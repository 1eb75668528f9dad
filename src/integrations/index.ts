// Integrations with shop platforms: the pieces every provider shares (sealed secrets, connection
// settings, webhook receipts and resource versions, money in minor units). Providers sit in folders.
export { decryptSecret, encryptSecret, SecretDecryptionError } from "./crypto.js";
export { currencyExponent, toMinorUnits } from "./money.js";
export {
  advanceResourceVersion,
  claimDelivery,
  type Delivery,
  type DeliveryStats,
  deliveryStats,
  type ResourceVersion,
  recordFailedDelivery,
  setDeliveryOutcome,
} from "./receipts.js";
export {
  deleteIntegration,
  findIntegration,
  listIntegrations,
  saveIntegration,
  settingsOf,
} from "./settings.js";
