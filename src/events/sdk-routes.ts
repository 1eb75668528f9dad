// The storefront side of the server: the snippet at GET /sdk.js, and CORS for the endpoints the
// snippet calls from the shop's own origin (POST /v1/events, POST /v1/identify).
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { RoutePlugin } from "../http/context.js";

/** Paths (as registered under /v1 by the app) that storefront pages call across origins. */
export const STOREFRONT_CORS_PATHS: ReadonlySet<string> = new Set([
  "/v1/events",
  "/v1/identify",
  "/v1/push/vapid-public-key",
  "/v1/push/subscriptions",
]);

// kizuna.js sits next to this file in src/; compiled code runs from dist/src/events/, three levels
// below the package root, and tsc does not copy .js sources, so look in src/ from there too.
const SNIPPET_CANDIDATES = ["./sdk/kizuna.js", "../../../src/events/sdk/kizuna.js"];

export interface Snippet {
  body: string;
  /** The body gzipped once at startup (under 3 KB), for clients that accept it. */
  gzipped: Buffer;
  etag: string;
}

/**
 * Reads the snippet once, dropping indentation and comment-only lines (`//`, and the lines of `/** *\/`
 * blocks, which kizuna.js only uses at the start of a line): about 30% of its size.
 */
export function loadSnippet(): Snippet {
  const tried = SNIPPET_CANDIDATES.map((c) => fileURLToPath(new URL(c, import.meta.url)));
  const path = tried.find((p) => existsSync(p));
  if (!path) throw new Error(`storefront snippet not found; looked in ${tried.join(", ")}`);
  const body = readFileSync(path, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !/^(\/\/|\/\*|\*)/.test(line))
    .join("\n")
    .concat("\n");
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
  return { body, gzipped: gzipSync(body, { level: 9 }), etag };
}

// Any origin: the public key, not the origin, says which shop an event belongs to, and the requests
// carry no cookies (the snippet sends credentials: "omit"), so "*" is enough and safe.
function allowStorefrontOrigins(reply: FastifyReply): void {
  reply.header("access-control-allow-origin", "*");
}

async function preflight(_request: FastifyRequest, reply: FastifyReply) {
  allowStorefrontOrigins(reply);
  return reply
    .code(204)
    .header("access-control-allow-methods", "GET, POST, DELETE, OPTIONS")
    .header("access-control-allow-headers", "Authorization, Content-Type")
    .header("access-control-max-age", "86400")
    .send();
}

const sdkRoutesPlugin: RoutePlugin = async (app) => {
  const snippet = loadSnippet();

  app.get("/sdk.js", { config: { auth: "none" }, schema: { hide: true } }, async (request, reply) => {
    reply
      .header("cache-control", "public, max-age=3600")
      .header("etag", snippet.etag)
      .header("vary", "Accept-Encoding")
      .header("x-content-type-options", "nosniff");
    // Loadable with crossorigin="anonymous" (for subresource integrity).
    allowStorefrontOrigins(reply);
    if (request.headers["if-none-match"] === snippet.etag) return reply.code(304).send();
    reply.type("application/javascript; charset=utf-8");
    if (/\bgzip\b/.test(request.headers["accept-encoding"] ?? "")) {
      return reply.header("content-encoding", "gzip").send(snippet.gzipped);
    }
    return reply.send(snippet.body);
  });

  for (const path of STOREFRONT_CORS_PATHS) {
    app.options(path, { config: { auth: "none" }, schema: { hide: true } }, preflight);
  }

  // The identify route belongs to the customers plugin, out of reach of a hook in ours; this plugin
  // is therefore not encapsulated (below), so the hook applies to every route registered after it.
  // onSend rather than onRequest: error responses (401, 400) need the header too, or the browser
  // hides them from the snippet.
  app.addHook("onSend", async (request, reply) => {
    const url = request.routeOptions.url;
    if (url !== undefined && STOREFRONT_CORS_PATHS.has(url) && request.headers.origin !== undefined) {
      allowStorefrontOrigins(reply);
    }
  });
};

// Fastify's documented "skip-override" marker (what fastify-plugin sets): the hook above must reach
// the /v1 routes, so this plugin shares the root scope. It registers no prefix-sensitive routes.
export const sdkRoutes: RoutePlugin = Object.assign(sdkRoutesPlugin, { [Symbol.for("skip-override")]: true });
