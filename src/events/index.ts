// Storefront events: ingestion (validated, idempotent, coalesced into few transactions) and the
// snippet that sends them from the shop's pages.
export {
  draftEvents,
  type EventDraft,
  type EventGroup,
  type IngestResult,
  MAX_AGE_MS,
  MAX_FUTURE_MS,
  MAX_PROPERTIES_BYTES,
  storeEvents,
} from "./ingest.js";
export {
  MAX_EVENTS_PER_BATCH,
  SKU_EVENT_TYPES,
  STOREFRONT_EVENT_TYPES,
  type StorefrontEventInput,
  type StorefrontEventType,
  storefrontEventSchema,
} from "./schema.js";
export { loadSnippet, STOREFRONT_CORS_PATHS } from "./sdk-routes.js";
export { attributeAnonymousEvents, indexAnonymousEvents, VISITOR_INDEX_BATCH } from "./visitor-index.js";
export { EventWriter, type EventWriterOptions } from "./writer.js";
