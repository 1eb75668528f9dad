// A local stand-in for LINE's Messaging API (a real HTTP server on port 0) that holds requests to the
// documented shapes — Bearer token, JSON body, `to` and `messages` limits, X-Line-Retry-Key a UUID —
// and answers as LINE documents: 200 with x-line-request-id, 400 naming the property at fault, 409 for
// a retry key already accepted (with x-line-accepted-request-id), 429, 5xx. Tests script failures.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  retryKey: string | undefined;
  body: unknown;
  /** What the fake answered. */
  status: number;
}

/** A canned answer for the next request to a path, in place of the normal one. */
export interface ScriptedAnswer {
  path: string;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer normally (accepting the request), but only after this long: a timeout that still went out. */
  delayMs?: number;
}

const USER_ID = /^U[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PUSH = "/v2/bot/message/push";
const MULTICAST = "/v2/bot/message/multicast";
const REPLY = "/v2/bot/message/reply";
const BOT_INFO = "/v2/bot/info";

interface Detail {
  message: string;
  property: string;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

const badRequest = (details: Detail[]): Answer => ({
  status: 400,
  body: { message: `The request body has ${details.length} error(s)`, details },
});

function isHttps(value: unknown): boolean {
  return typeof value === "string" && value.startsWith("https://");
}

/** Checks message objects the way LINE does for the properties Kizuna sends. */
function messageErrors(messages: unknown): Detail[] {
  if (!Array.isArray(messages) || messages.length < 1 || messages.length > 5) {
    return [{ message: "Size must be between 1 and 5", property: "messages" }];
  }
  const errors: Detail[] = [];
  messages.forEach((m: Record<string, unknown>, i) => {
    const at = `messages[${i}]`;
    if (m.type === "text") {
      if (typeof m.text !== "string" || m.text.length === 0)
        errors.push({ message: "May not be empty", property: `${at}.text` });
      else if (m.text.length > 5000)
        errors.push({ message: "Length must be between 0 and 5000", property: `${at}.text` });
    } else if (m.type === "flex") {
      if (typeof m.altText !== "string" || m.altText.length === 0 || m.altText.length > 1500) {
        errors.push({ message: "Length must be between 1 and 1500", property: `${at}.altText` });
      }
      const contents = m.contents as { type?: unknown; contents?: unknown[] } | undefined;
      if (
        contents?.type === "carousel" &&
        (!Array.isArray(contents.contents) || contents.contents.length > 12)
      ) {
        errors.push({ message: "Size must be between 1 and 12", property: `${at}.contents.contents` });
      }
      // Every URL in a card must be https.
      const urls = JSON.stringify(contents ?? {}).match(/"(?:url|uri)":"[^"]*"/g) ?? [];
      if (urls.some((u) => !isHttps(u.slice(u.indexOf(":") + 2, -1)))) {
        errors.push({ message: "must be an https URL", property: `${at}.contents` });
      }
    } else {
      errors.push({
        message: "Must be one of the following values: [text, flex, ...]",
        property: `${at}.type`,
      });
    }
  });
  return errors;
}

export class FakeLineApi {
  readonly requests: RecordedRequest[] = [];
  /** Well-formed user ids LINE does not know (another provider's, or made up). */
  readonly unknownUsers = new Set<string>();
  private readonly acceptedKeys = new Map<string, string>();
  private readonly script: ScriptedAnswer[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly token: string,
  ) {}

  static async start(token = "test-channel-access-token"): Promise<FakeLineApi> {
    let api: FakeLineApi | undefined;
    const server = createServer((req, res) => {
      void api?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    api = new FakeLineApi(server, `http://127.0.0.1:${port}`, token);
    return api;
  }

  /** The next request to `answer.path` gets this answer. */
  answerNext(answer: ScriptedAnswer): void {
    this.script.push(answer);
  }

  /** Requests LINE accepted (answered 200). */
  accepted(path: "push" | "multicast" | "reply"): RecordedRequest[] {
    return this.sent(path).filter((r) => r.status === 200);
  }

  sent(path: "push" | "multicast" | "reply"): RecordedRequest[] {
    const full = { push: PUSH, multicast: MULTICAST, reply: REPLY }[path];
    return this.requests.filter((r) => r.path === full);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const path = new URL(req.url ?? "/", this.url).pathname;
    const retryKey = req.headers["x-line-retry-key"] as string | undefined;
    let body: unknown = null;
    let parseError = false;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        parseError = true;
      }
    }
    const scripted = this.takeScripted(path);
    if (scripted?.delayMs) await new Promise((r) => setTimeout(r, scripted.delayMs));
    const answer =
      scripted && scripted.delayMs === undefined
        ? { status: scripted.status ?? 200, body: scripted.body ?? {}, headers: scripted.headers }
        : this.answer(req, path, retryKey, body, parseError);
    this.requests.push({
      method: req.method ?? "",
      path,
      authorization: req.headers.authorization,
      retryKey,
      body,
      status: answer.status,
    });
    const requestId = randomUUID().replaceAll("-", "");
    if (answer.status === 200 && retryKey) this.acceptedKeys.set(retryKey, requestId);
    if (res.destroyed) return;
    res.writeHead(answer.status, {
      "content-type": "application/json",
      "x-line-request-id": requestId,
      ...answer.headers,
    });
    res.end(JSON.stringify(answer.body));
  }

  private takeScripted(path: string): ScriptedAnswer | undefined {
    const i = this.script.findIndex((s) => s.path === path);
    return i < 0 ? undefined : this.script.splice(i, 1)[0];
  }

  private answer(
    req: IncomingMessage,
    path: string,
    retryKey: string | undefined,
    body: unknown,
    parseError: boolean,
  ): Answer {
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return {
        status: 401,
        body: {
          message:
            "Authentication failed. Confirm that the access token in the authorization header is valid.",
        },
      };
    }
    if (req.method === "GET" && path === BOT_INFO) {
      return {
        status: 200,
        body: {
          userId: "Ub0000000000000000000000000000000",
          basicId: "@123abcde",
          premiumId: "@kizuna",
          displayName: "Kizuna Cosme",
          chatMode: "bot",
          markAsReadMode: "auto",
        },
      };
    }
    if (req.method !== "POST" || ![PUSH, MULTICAST, REPLY].includes(path))
      return { status: 404, body: { message: "Not found" } };
    if (!String(req.headers["content-type"]).startsWith("application/json")) {
      return { status: 415, body: { message: "Unsupported Media Type" } };
    }
    if (parseError || typeof body !== "object" || body === null) {
      return {
        status: 400,
        body: { message: "The request body could not be parsed as JSON (line: 1, column: 1)" },
      };
    }
    if (path === REPLY) {
      const errors = messageErrors((body as { messages?: unknown }).messages);
      return errors.length
        ? badRequest(errors)
        : { status: 200, body: { sentMessages: [{ id: "1", quoteToken: "q" }] } };
    }
    if (retryKey !== undefined && !UUID.test(retryKey)) {
      return { status: 400, body: { message: "The value for the 'X-Line-Retry-Key' header is invalid" } };
    }
    if (retryKey && this.acceptedKeys.has(retryKey)) {
      return {
        status: 409,
        body: { message: "The retry key is already accepted" },
        headers: { "x-line-accepted-request-id": this.acceptedKeys.get(retryKey)! },
      };
    }
    const { to, messages } = body as { to?: unknown; messages?: unknown };
    const errors = path === PUSH ? this.pushRecipientErrors(to) : this.multicastRecipientErrors(to);
    errors.push(...messageErrors(messages));
    if (errors.length) return badRequest(errors);
    if (path === PUSH && this.unknownUsers.has(to as string)) {
      return { status: 400, body: { message: "Failed to send messages" } };
    }
    return { status: 200, body: path === PUSH ? { sentMessages: [{ id: "1", quoteToken: "q" }] } : {} };
  }

  private pushRecipientErrors(to: unknown): Detail[] {
    return typeof to === "string" && USER_ID.test(to)
      ? []
      : [{ message: "The property, 'to', in the request body is invalid", property: "to" }];
  }

  private multicastRecipientErrors(to: unknown): Detail[] {
    if (!Array.isArray(to) || to.length < 1 || to.length > 500) {
      return [{ message: "Size must be between 1 and 500", property: "to" }];
    }
    const errors: Detail[] = [];
    to.forEach((id, i) => {
      if (typeof id !== "string" || !USER_ID.test(id))
        errors.push({ message: "invalid user ID", property: `to[${i}]` });
    });
    return errors;
  }
}
