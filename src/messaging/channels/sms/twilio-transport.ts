// The Twilio library's HTTP client, bent to two needs: sending to another API host (a local fake, a
// relay), and keeping what its own RestException drops — the status and Retry-After of a refusal —
// so a throttled send is retried when Twilio says, not on a guess.
import type { Agent } from "node:http";
import twilio from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient.js";
import type * as TwilioResponse from "twilio/lib/http/response.js";
import { retryAfterMs } from "./sms-provider.js";

/** A non-2xx answer from Twilio: HTTP status, Twilio's error code and message, and Retry-After. */
export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    readonly detail: string,
    readonly retryAfterMs?: number,
  ) {
    super(`twilio answered HTTP ${status}${code ? ` (error ${code})` : ""}`);
    this.name = "TwilioApiError";
  }

  static fromResponse(response: { statusCode: number; body: unknown; headers: unknown }): TwilioApiError {
    const body = parseBody(response.body);
    // Legacy errors carry {code, message}; RFC 9457 ones {code, title, detail}.
    const code = typeof body.code === "number" ? body.code : undefined;
    const detail =
      [body.message, body.detail, body.title].find((v): v is string => typeof v === "string") ?? "";
    const header = (name: string) => headerOf(response.headers, name);
    return new TwilioApiError(
      response.statusCode,
      code,
      detail,
      retryAfterMs(header("retry-after"), header("date")),
    );
  }
}

function parseBody(body: unknown): Record<string, unknown> {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return {};
    }
  }
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (typeof headers !== "object" || headers === null) return undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

const TWILIO_ORIGIN = /^https:\/\/[^/]+\.twilio\.com(?=\/|$)/;

export class TwilioTransport extends twilio.RequestClient {
  private readonly baseUrl: string | undefined;

  constructor(baseUrl: string | undefined, options: RequestClient.RequestClientOptions) {
    super(options);
    this.baseUrl = baseUrl?.replace(/\/+$/, "");
  }

  override async request<TData>(
    opts: RequestClient.RequestOptions<TData>,
  ): Promise<TwilioResponse.default<TData>> {
    const uri = this.baseUrl ? opts.uri.replace(TWILIO_ORIGIN, this.baseUrl) : opts.uri;
    const response = await super.request({ ...opts, uri });
    if (response.statusCode >= 400) throw TwilioApiError.fromResponse(response);
    return response;
  }

  /** Drops the kept-alive sockets of the library's agent. */
  close(): void {
    const agent: unknown = this.axios.defaults.httpsAgent;
    if (agent && typeof (agent as Agent).destroy === "function") (agent as Agent).destroy();
  }
}
