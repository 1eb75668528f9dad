// Shopify as the tests see it: fixtures shaped like Shopify's webhook payloads, and deliveries signed
// the way Shopify signs them.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { shopifyHmac } from "../../src/integrations/shopify/index.js";
import type { TestApp } from "../support/app.js";

export const DOMAIN = "kizuna-cosme.myshopify.com";
export const SECRET = "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";

// biome-ignore lint/suspicious/noExplicitAny: fixtures are Shopify's JSON, edited per scenario
export type Json = any;

export function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8"));
}

export interface DeliveryOptions {
  shopId?: number;
  secret?: string;
  domain?: string;
  webhookId?: string;
  /** A signature to send as is; null sends none. */
  hmac?: string | null;
  /** The exact body text (defaults to compact JSON of the payload). */
  body?: string;
  /** Extra headers, e.g. X-Shopify-Test. */
  headers?: Record<string, string>;
}

export async function deliver(t: TestApp, topic: string, payload: Json, options: DeliveryOptions = {}) {
  const body = options.body ?? JSON.stringify(payload);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-shopify-topic": topic,
    "x-shopify-shop-domain": options.domain ?? DOMAIN,
    "x-shopify-webhook-id": options.webhookId ?? randomUUID(),
    "x-shopify-api-version": "2025-07",
    "x-shopify-triggered-at": "2026-06-01T00:00:00.000Z",
    ...options.headers,
  };
  const hmac =
    options.hmac === undefined ? shopifyHmac(Buffer.from(body), options.secret ?? SECRET) : options.hmac;
  if (hmac !== null) headers["x-shopify-hmac-sha256"] = hmac;
  return t.app.inject({
    method: "POST",
    url: `/webhooks/shopify/${options.shopId ?? t.shop.shop.id}`,
    headers,
    payload: body,
  });
}

/** Connects the test app's shop to the fixtures' store through the API. */
export async function connectStore(t: TestApp): Promise<void> {
  const res = await t.app.inject({
    method: "PUT",
    url: "/v1/integrations/shopify",
    headers: t.secret,
    payload: { shopDomain: DOMAIN, webhookSecret: SECRET },
  });
  if (res.statusCode !== 200) throw new Error(`connecting the store failed: ${res.body}`);
}
