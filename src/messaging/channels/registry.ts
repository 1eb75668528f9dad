// Every provider Kizuna can send through, by channel and name. Adding a provider is adding it here.
import type { Channel } from "../../db/index.js";
import { smtpProvider } from "./email/smtp.js";
import { lineProvider } from "./line/index.js";
import { webPushProvider } from "./push/index.js";
import { httpSmsProvider, twilioSmsProvider } from "./sms/index.js";
import type { ProviderDefinition } from "./types.js";

// biome-ignore lint/suspicious/noExplicitAny: the registry holds providers of different settings types
export const PROVIDERS: ProviderDefinition<any, any>[] = [
  smtpProvider,
  lineProvider,
  twilioSmsProvider,
  httpSmsProvider,
  webPushProvider,
];

// biome-ignore lint/suspicious/noExplicitAny: as above
export function providerFor(channel: Channel, provider: string): ProviderDefinition<any, any> | undefined {
  return PROVIDERS.find((p) => p.channel === channel && p.provider === provider);
}
