// What the SMS providers share: pacing settings, endpoint checks, reading Retry-After, turning a
// network failure into a retry, and taking the text and number out of an outgoing message. Reasons
// written here end up in status_reason and logs, so they never carry the phone number or the text.
import { z } from "zod";
import type { OutgoingMessage, SendResult } from "../types.js";

/** Rate and width the worker enforces; each provider's defaults suit a small shop's plan. */
export const pacingShape = {
  ratePerSecond: z.number().positive().max(1000).default(10),
  concurrency: z.number().int().min(1).max(100).default(4),
};

export const E164 = /^\+[1-9]\d{6,14}$/;

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** An http(s) URL; plain http only to this machine (tests, a local relay), as numbers travel in it. */
export const endpointUrl = () =>
  z
    .string()
    .max(2000)
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname));
      } catch {
        return false;
      }
    }, "must be an https URL (http only to localhost)");

/**
 * Retry-After in milliseconds: delay-seconds, or an HTTP date measured against the response's own Date
 * header (so no clock is needed here); undefined when absent or unreadable.
 */
export function retryAfterMs(
  value: string | null | undefined,
  responseDate?: string | null,
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const until = Date.parse(trimmed);
  const at = responseDate ? Date.parse(responseDate) : Number.NaN;
  if (Number.isNaN(until) || Number.isNaN(at)) return undefined;
  return Math.max(0, until - at);
}

/** A request that never got an HTTP answer (refused, reset, timed out): the provider may be fine later. */
export function networkFailure(provider: string, err: unknown): SendResult {
  return { status: "deferred", reason: `${provider} unreachable: ${errorCode(err)}` };
}

function errorCode(err: unknown): string {
  if (typeof err !== "object" || err === null) return "unknown error";
  const { code, name, cause } = err as { code?: unknown; name?: unknown; cause?: unknown };
  if (typeof code === "string") return code;
  // fetch wraps the socket error: TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } }).
  if (cause !== undefined && cause !== err) {
    const inner = errorCode(cause);
    if (inner !== "unknown error") return inner;
  }
  return typeof name === "string" ? name : "unknown error";
}

/** Digit runs (phone numbers in a provider's error text) replaced, so a reason can be stored and logged. */
export function withoutNumbers(text: string): string {
  return text.replace(/\+?\d[\d\s()-]{5,}\d/g, "[number]");
}

/** The number and text to send, or why this message cannot go by SMS at all. */
export function smsOf(message: OutgoingMessage): { to: string; text: string } | SendResult {
  if (message.content.kind !== "text") {
    return { status: "failed", reason: `sms takes text content, not ${message.content.kind}` };
  }
  if (!E164.test(message.address)) {
    return { status: "failed", reason: "address is not an E.164 phone number" };
  }
  if (message.content.text.length === 0) return { status: "failed", reason: "empty sms text" };
  return { to: message.address, text: message.content.text };
}

export function isSendResult(value: { to: string; text: string } | SendResult): value is SendResult {
  return "status" in value;
}
