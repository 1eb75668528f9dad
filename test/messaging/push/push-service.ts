// A real push service on localhost for the adapter to talk to: HTTPS (web-push speaks nothing else)
// with a self-signed certificate made by openssl for this run, recording each request and answering
// what the test tells it to. Plus a browser's side of a subscription: a P-256 key pair and an auth
// secret, to decrypt what was sent the way the browser would.
import { execFileSync } from "node:child_process";
import { createECDH, createPublicKey, type ECDH, randomBytes, verify } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, createServer, type Server } from "node:https";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PushRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface PushAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface FakePushService {
  /** https://127.0.0.1:<port> */
  origin: string;
  /** An agent that trusts the service's certificate, for the adapter. */
  agent: Agent;
  requests: PushRequest[];
  /** What the next requests get, in order; 201 once they run out. */
  answers: PushAnswer[];
  close(): Promise<void>;
}

function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), "kizuna-push-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    return { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) };
  } catch (err) {
    throw new Error(`the fake push service needs openssl on PATH: ${(err as Error).message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startPushService(): Promise<FakePushService> {
  const { key, cert } = selfSignedCertificate();
  const requests: PushRequest[] = [];
  const answers: PushAnswer[] = [];
  const server: Server = createServer({ key, cert }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      requests.push({
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      const answer = answers.shift() ?? { status: 201, headers: { location: `/m/${requests.length}` } };
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const agent = new Agent({ ca: cert, keepAlive: false });
  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    agent,
    requests,
    answers,
    async close() {
      agent.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A browser's end of a subscription: its ECDH key pair and auth secret. */
export interface Subscriber {
  ecdh: ECDH;
  p256dh: string;
  auth: string;
}

export function newSubscriber(): Subscriber {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return {
    ecdh,
    p256dh: ecdh.getPublicKey().toString("base64url"),
    auth: randomBytes(16).toString("base64url"),
  };
}

interface HttpEce {
  decrypt(buffer: Buffer, params: { version: string; privateKey: ECDH; authSecret: string }): Buffer;
}
// http_ece (web-push's own dependency) ships no types; this is the one function used.
const ece = createRequire(import.meta.url)("http_ece") as HttpEce;

/** Decrypts an aes128gcm body as the subscribed browser would. */
export function decryptPush(body: Buffer, subscriber: Subscriber): string {
  return ece
    .decrypt(body, { version: "aes128gcm", privateKey: subscriber.ecdh, authSecret: subscriber.auth })
    .toString("utf8");
}

export interface VapidClaims {
  aud: string;
  exp: number;
  sub: string;
}

/**
 * Checks `Authorization: vapid t=<JWT>, k=<public key>` (RFC 8292): the JWT is ES256-signed by the
 * private key of `k`. Returns the key and the token's claims; throws when the signature is wrong.
 */
export function verifyVapidAuthorization(header: string | undefined): {
  publicKey: string;
  claims: VapidClaims;
} {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? "");
  if (!m) throw new Error(`not a VAPID Authorization header: ${header}`);
  const [, token, publicKey] = m;
  const [headerPart, claimsPart, signature] = token.split(".");
  const jwtHeader = JSON.parse(Buffer.from(headerPart, "base64url").toString("utf8"));
  if (jwtHeader.alg !== "ES256") throw new Error(`JWT alg is ${jwtHeader.alg}`);
  const point = Buffer.from(publicKey, "base64url");
  const key = createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: point.subarray(1, 33).toString("base64url"),
      y: point.subarray(33, 65).toString("base64url"),
    },
    format: "jwk",
  });
  const signed = Buffer.from(`${headerPart}.${claimsPart}`);
  const ok = verify(
    "sha256",
    signed,
    { key, dsaEncoding: "ieee-p1363" },
    Buffer.from(signature, "base64url"),
  );
  if (!ok) throw new Error("the VAPID JWT's signature does not verify against k");
  return { publicKey, claims: JSON.parse(Buffer.from(claimsPart, "base64url").toString("utf8")) };
}
