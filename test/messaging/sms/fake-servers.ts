// Real HTTP servers on port 0 that stand in for SMS providers: a Twilio that speaks the documented
// REST API (form-encoded Messages.json, Basic auth, Twilio's JSON errors), and a generic gateway that
// checks Kizuna's signature. Each records what it received and answers as the test scripts it.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer only after this long (to test timeouts). */
  delayMs?: number;
}

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  raw: string;
}

interface Running {
  server: Server;
  baseUrl: string;
  close(): Promise<void>;
}

async function listen(handle: (req: IncomingMessage, raw: string) => Reply): Promise<Running> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const reply = handle(req, Buffer.concat(chunks).toString("utf8"));
      const send = () => respond(res, reply);
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function respond(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  const body = reply.body === undefined ? "" : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(reply.body !== undefined && { "content-type": "application/json; charset=utf-8" }),
    ...reply.headers,
  });
  res.end(body);
}

// Twilio ----------------------------------------------------------------------------------------------

export const ACCOUNT_SID = `AC${"a1".repeat(16)}`;
export const AUTH_TOKEN = "f00dfeedf00dfeedf00dfeedf00dfeed";
export const API_KEY_SID = `SK${"b2".repeat(16)}`;
export const API_KEY_SECRET = "sk-secret-0123456789abcdef";
export const SERVICE_SID = `MG${"c3".repeat(16)}`;

/** Twilio's documented error body. */
export function twilioError(status: number, code: number, message: string): Reply {
  return {
    status,
    body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  };
}

export interface FakeTwilio extends Running {
  /** Message creations received, as form fields. */
  messages: Array<{ accountSid: string; auth: string; contentType: string; fields: Record<string, string> }>;
  /** Scripted answers by To number; anything else is accepted. */
  replies: Map<string, Reply>;
  accountStatus: string;
}

function basicAuth(header: string | undefined): string {
  if (!header?.startsWith("Basic ")) return "";
  return Buffer.from(header.slice(6), "base64").toString("utf8");
}

const AUTH_FAILED = twilioError(401, 20003, "Authenticate");

export async function startFakeTwilio(
  credentials = [`${ACCOUNT_SID}:${AUTH_TOKEN}`, `${API_KEY_SID}:${API_KEY_SECRET}`],
): Promise<FakeTwilio> {
  const fake = { messages: [], replies: new Map(), accountStatus: "active" } as Omit<
    FakeTwilio,
    keyof Running
  >;
  const running = await listen((req, raw) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const auth = basicAuth(req.headers.authorization);
    if (!credentials.includes(auth)) return AUTH_FAILED;
    const account = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\.json$/.exec(url.pathname);
    if (req.method === "GET" && account) {
      return {
        status: 200,
        body: { sid: account[1], friendly_name: "Kizuna test", status: fake.accountStatus },
      };
    }
    const messages = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(url.pathname);
    if (req.method !== "POST" || !messages)
      return twilioError(404, 20404, "The requested resource was not found");
    const fields = Object.fromEntries(new URLSearchParams(raw));
    fake.messages.push({
      accountSid: messages[1],
      auth,
      contentType: req.headers["content-type"] ?? "",
      fields,
    });
    if (!fields.To || !fields.Body) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!fields.From && !fields.MessagingServiceSid) {
      return twilioError(400, 21603, "A 'From' phone number is required.");
    }
    const scripted = fake.replies.get(fields.To);
    if (scripted) return scripted;
    return {
      status: 201,
      body: {
        sid: `SM${randomBytes(16).toString("hex")}`,
        account_sid: messages[1],
        to: fields.To,
        from: fields.From ?? null,
        messaging_service_sid: fields.MessagingServiceSid ?? null,
        body: fields.Body,
        status: "queued",
        num_segments: "1",
        direction: "outbound-api",
        api_version: "2010-04-01",
        error_code: null,
        error_message: null,
      },
    };
  });
  return Object.assign(fake, running);
}

// Generic HTTP gateway -------------------------------------------------------------------------------

export const GATEWAY_SECRET = "gateway-signing-secret-0123456789";
export const GATEWAY_TOKEN = "gateway-bearer-token";

export interface FakeGateway extends Running {
  received: Received[];
  /** Answer for the next requests, by `to`; the default accepts with an id. */
  replies: Map<string, Reply>;
  /** Answer for HEAD/GET (verify). */
  verifyReply: Reply;
}

function signatureValid(raw: string, header: string | string[] | undefined): boolean {
  if (typeof header !== "string" || !header.startsWith("sha256=")) return false;
  const expected = createHmac("sha256", GATEWAY_SECRET).update(raw).digest();
  const given = Buffer.from(header.slice(7), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function startFakeGateway(): Promise<FakeGateway> {
  const fake = { received: [], replies: new Map(), verifyReply: { status: 405 } } as Omit<
    FakeGateway,
    keyof Running
  >;
  let next = 1;
  const running = await listen((req, raw) => {
    fake.received.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, raw });
    if (req.headers.authorization !== `Bearer ${GATEWAY_TOKEN}`)
      return { status: 401, body: { error: "token" } };
    if (!signatureValid(raw, req.headers["x-kizuna-signature"]))
      return { status: 403, body: { error: "sig" } };
    if (req.method !== "POST") return fake.verifyReply;
    const to = (JSON.parse(raw) as { to: string }).to;
    return fake.replies.get(to) ?? { status: 202, body: { id: `gw-${next++}`, result: "OK" } };
  });
  return Object.assign(fake, running);
}

/** A port nothing listens on: connections are refused. */
export async function closedPortUrl(): Promise<string> {
  const running = await listen(() => ({ status: 200 }));
  await running.close();
  return running.baseUrl;
}
