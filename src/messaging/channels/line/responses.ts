// What LINE's answers mean for a message. The Messaging API's documented errors: 409 for a retry key
// already accepted (the message went out), 429 for the rate limit or the month's message quota, 5xx for
// its own trouble, 400 for a request it refuses (naming the property at fault), 401/403 for credentials
// or a plan that does not allow the call. A timeout or a broken connection may or may not have been
// accepted; the retry key makes trying again safe.
import { HTTPFetchError } from "@line/bot-sdk";
import type { SendResult } from "../types.js";

/** A month's quota does not come back within minutes; check again hourly (the shop may raise it). */
export const LINE_QUOTA_RETRY_MS = 60 * 60 * 1000;

/** What LINE says in an error body: a message and, for a refused request body, the properties at fault. */
export interface LineErrorBody {
  message: string;
  details: Array<{ message: string; property: string }>;
}

/** Thrown by the adapter when a call takes longer than the channel's timeout. */
export class LineTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer from LINE within ${ms} ms`);
  }
}

const MAX_REASON = 300;

/**
 * The SDK's fetch has no timeout of its own: a call not answered within `ms` counts as lost. It may
 * still reach LINE; the retry key makes the next attempt safe.
 */
export async function withTimeout<T>(call: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LineTimeoutError(ms)), ms);
  });
  // A call answered after its timeout must not surface as an unhandled rejection.
  call.catch(() => {});
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function readLineErrorBody(body: string): LineErrorBody {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === "object") {
      const { message, details } = parsed as { message?: unknown; details?: unknown };
      return {
        message: typeof message === "string" ? message : "",
        details: Array.isArray(details)
          ? details.map((d: { message?: unknown; property?: unknown }) => ({
              message: typeof d?.message === "string" ? d.message : "",
              property: typeof d?.property === "string" ? d.property : "",
            }))
          : [],
      };
    }
  } catch {
    // Not JSON (a proxy's HTML error page): the status alone has to do.
  }
  return { message: "", details: [] };
}

/** The request id LINE gave the accepted request: on a 409, the original's. */
export function acceptedRequestId(headers: Headers): string | undefined {
  return headers.get("x-line-accepted-request-id") ?? headers.get("x-line-request-id") ?? undefined;
}

/**
 * The recipient itself is at fault: a malformed or unknown user id. LINE answers "Failed to send
 * messages" for a user id that does not exist (or belongs to another provider) and names `to` when the
 * id is malformed. A user who blocked the account is not an error at all: LINE answers 200 and drops it.
 */
export function refusesRecipient(body: LineErrorBody): boolean {
  if (/property, 'to',/.test(body.message) || body.message === "Failed to send messages") return true;
  return body.details.some((d) => d.property === "to" || d.property.startsWith("to["));
}

function describe(status: number, body: LineErrorBody): string {
  const details = body.details.map((d) => (d.property ? `${d.property}: ${d.message}` : d.message));
  const text = [body.message, ...details].filter(Boolean).join("; ");
  return `LINE ${status}${text ? `: ${text}` : ""}`.slice(0, MAX_REASON);
}

function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function unreachable(err: unknown): string {
  const what = err instanceof Error ? err.message : String(err);
  const code = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  return `LINE unreachable: ${what}${typeof code === "string" ? ` (${code})` : ""}`.slice(0, MAX_REASON);
}

/** The result of a send that threw: an HTTP error from LINE, a timeout, or a network failure. */
export function lineSendFailure(err: unknown): SendResult {
  if (err instanceof LineTimeoutError) return { status: "deferred", reason: err.message };
  if (!(err instanceof HTTPFetchError)) return { status: "deferred", reason: unreachable(err) };
  const { status, headers } = err;
  const body = readLineErrorBody(err.body);
  if (status === 409) return { status: "sent", providerId: acceptedRequestId(headers) };
  if (status === 429) {
    if (/monthly limit/i.test(body.message)) {
      return {
        status: "deferred",
        reason: `${describe(status, body)} (the LINE Official Account's monthly message quota is used up; raise it in LINE Official Account Manager)`,
        retryAfterMs: LINE_QUOTA_RETRY_MS,
      };
    }
    const after = retryAfterMs(headers);
    return {
      status: "deferred",
      reason: describe(status, body),
      ...(after === undefined ? {} : { retryAfterMs: after }),
    };
  }
  if (status >= 500) return { status: "deferred", reason: describe(status, body) };
  if (status === 401) {
    return {
      status: "failed",
      reason: `${describe(status, body)} (the channel access token is invalid or expired)`,
    };
  }
  if (status === 403) {
    return {
      status: "failed",
      reason: `${describe(status, body)} (the channel's plan or permissions refuse this call)`,
    };
  }
  if (status === 400 && refusesRecipient(body)) {
    return {
      status: "failed",
      reason: `${describe(status, body)} (unknown or invalid LINE user id)`,
      suppress: true,
    };
  }
  return { status: "failed", reason: describe(status, body) };
}

/** Whether a failed multicast should be retried one recipient at a time to find the bad ids. */
export function isRecipientRefusal(err: unknown): boolean {
  return err instanceof HTTPFetchError && err.status === 400 && refusesRecipient(readLineErrorBody(err.body));
}
