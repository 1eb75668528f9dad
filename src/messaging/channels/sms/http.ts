// SMS through any HTTP gateway (most Japanese SMS services, or a shop's own relay): one signed JSON POST
// per message. The gateway checks X-Kizuna-Signature (HMAC-SHA256 of the raw body) to know the request
// is ours, and may use messageId, stable across retries, to drop repeats.
import { createHmac } from "node:crypto";
import { z } from "zod";
import type { ChannelAdapter, ProviderDefinition, SendResult } from "../types.js";
import {
  endpointUrl,
  isSendResult,
  networkFailure,
  pacingShape,
  retryAfterMs,
  smsOf,
} from "./sms-provider.js";

/**
 * How the gateway says "this number cannot take SMS" (the number is then suppressed): an HTTP status,
 * a JSON field (dotted path) with one of some values, or both. Matched on any response, 2xx included,
 * since many gateways answer 200 with an error code in the body.
 */
const invalidNumberRule = z
  .object({
    status: z.number().int().min(200).max(599).optional(),
    field: z.string().min(1).max(200).optional(),
    values: z
      .array(z.union([z.string(), z.number()]))
      .min(1)
      .optional(),
  })
  .refine((r) => r.status !== undefined || r.field !== undefined, "status or field is required")
  .refine((r) => (r.field === undefined) === (r.values === undefined), "field and values go together");

export const httpSmsSettingsSchema = z.object({
  url: endpointUrl(),
  /** Sender: E.164 number or the sender name the gateway registered for the shop. */
  from: z.string().min(1).max(20),
  invalidNumber: invalidNumberRule.optional(),
  /** Checked by verify(): GET, signed like a send; without it, verify() asks the send URL with HEAD. */
  verifyUrl: endpointUrl().optional(),
  ...pacingShape,
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
});

export const httpSmsSecretsSchema = z.object({
  signingSecret: z.string().min(16),
  bearerToken: z.string().min(1).optional(),
});

export type HttpSmsSettings = z.infer<typeof httpSmsSettingsSchema>;
export type HttpSmsSecrets = z.infer<typeof httpSmsSecretsSchema>;

export const SIGNATURE_HEADER = "X-Kizuna-Signature";

/** The signature header's value for a raw body: `sha256=<hex HMAC-SHA256>`. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

function valueAt(body: unknown, path: string): unknown {
  let value = body;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function isInvalidNumber(rule: HttpSmsSettings["invalidNumber"], status: number, body: unknown): boolean {
  if (!rule) return false;
  if (rule.status !== undefined && rule.status !== status) return false;
  if (rule.field === undefined || rule.values === undefined) return true;
  const value = valueAt(body, rule.field);
  // Gateways disagree on "101" versus 101; compare as text.
  return value !== undefined && value !== null && rule.values.some((v) => String(v) === String(value));
}

async function jsonOf(response: Response): Promise<unknown> {
  try {
    return JSON.parse(await response.text());
  } catch {
    return undefined;
  }
}

/** What the gateway's answer means for the message. */
export function httpSmsResult(
  rule: HttpSmsSettings["invalidNumber"],
  response: Pick<Response, "status" | "headers">,
  body: unknown,
): SendResult {
  const { status } = response;
  if (isInvalidNumber(rule, status, body)) {
    return { status: "failed", reason: `gateway ${status}: invalid number`, suppress: true };
  }
  if (status >= 200 && status < 300) {
    const id = valueAt(body, "id");
    return typeof id === "string" || typeof id === "number"
      ? { status: "sent", providerId: String(id) }
      : { status: "sent" };
  }
  const reason = `gateway ${status}`;
  // Rejected credentials are the channel's problem, not the message's: kept for when they are fixed.
  if (status === 401) return { status: "deferred", reason: `${reason} (credentials rejected)` };
  // 408 is the gateway timing out on us: as transient as a 429 or a 5xx.
  if (status === 408 || status === 429 || status >= 500) {
    const wait = retryAfterMs(response.headers.get("retry-after"), response.headers.get("date"));
    return wait === undefined
      ? { status: "deferred", reason }
      : { status: "deferred", reason, retryAfterMs: wait };
  }
  return { status: "failed", reason };
}

function createHttpSmsAdapter(settings: HttpSmsSettings, secrets: HttpSmsSecrets): ChannelAdapter {
  const headersFor = (body: string): Record<string, string> => ({
    [SIGNATURE_HEADER]: signBody(secrets.signingSecret, body),
    ...(secrets.bearerToken !== undefined && { authorization: `Bearer ${secrets.bearerToken}` }),
  });

  return {
    channel: "sms",
    concurrency: settings.concurrency,
    ratePerSecond: settings.ratePerSecond,
    async send(message) {
      const sms = smsOf(message);
      if (isSendResult(sms)) return sms;
      const body = JSON.stringify({
        to: sms.to,
        from: settings.from,
        text: sms.text,
        messageId: message.headerMessageId,
        kizunaId: message.id,
      });
      try {
        const response = await fetch(settings.url, {
          method: "POST",
          headers: { "content-type": "application/json", ...headersFor(body) },
          body,
          redirect: "error",
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
        return httpSmsResult(settings.invalidNumber, response, await jsonOf(response));
      } catch (err) {
        return networkFailure("gateway", err);
      }
    },
    async verify() {
      const url = settings.verifyUrl ?? settings.url;
      const response = await fetch(url, {
        method: settings.verifyUrl ? "GET" : "HEAD",
        headers: headersFor(""),
        redirect: "error",
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      await response.body?.cancel();
      // Without a verify URL any answer but a refusal of our credentials or an outage will do: a
      // gateway may well answer 405 to HEAD, which still shows it is there.
      const refused = response.status === 401 || response.status === 403 || response.status >= 500;
      if (refused || (settings.verifyUrl !== undefined && !response.ok)) {
        throw new Error(`sms gateway check failed: HTTP ${response.status}`);
      }
    },
    async close() {},
  };
}

export const httpSmsProvider: ProviderDefinition<HttpSmsSettings, HttpSmsSecrets> = {
  channel: "sms",
  provider: "http",
  settingsSchema: httpSmsSettingsSchema,
  secretsSchema: httpSmsSecretsSchema,
  create: createHttpSmsAdapter,
};
