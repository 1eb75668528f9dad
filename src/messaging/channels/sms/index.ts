// The SMS channel's public surface: its two providers, segment counting for editors and checks, and
// the short tracked links the renderer puts in place of URLs (their redirect is routes.ts).
export {
  type HttpSmsSecrets,
  type HttpSmsSettings,
  httpSmsProvider,
  SIGNATURE_HEADER,
  signBody,
} from "./http.js";
export { type SmsEncoding, type SmsSegments, smsSegments } from "./segments.js";
export { type ShortenLinksInput, shortenLinks } from "./short-links.js";
export { type TwilioSecrets, type TwilioSettings, twilioSmsProvider } from "./twilio.js";
